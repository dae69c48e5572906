"""Tier 3: the semantic rules, offline, on a `DesiredState` and its `SourceMap`.

Pure: values in, `Problem`s out. `reference_problems` is shared with planning, which calls it with
the rows the database will hold at the end of the plan.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from reconciler import canonical
from reconciler.errors import Level, Problem, SourceMap
from reconciler.model import (
    UNSUPPORTED_AUTH_TYPES,
    Connection,
    DesiredState,
    Kind,
    Profile,
    Provider,
    Row,
)
from reconciler.storage import REFERENCES, STORABLE, Storage

_NO_CREDENTIAL = ("platform", "none")


def check(desired: DesiredState, sources: SourceMap) -> list[Problem]:
    """Every offline tier-3 problem on the rows; secrets are `secret_problems`, on the document."""
    providers = {**canonical.PROVIDERS, **desired.providers}
    connections = {**canonical.CONNECTIONS, **desired.connections}
    return [
        *auth_problems(desired, sources),
        *canonical_problems(desired, sources),
        *storage_problems(desired, sources),
        *reference_problems(desired, providers, connections, sources, unknown_level=Level.WARNING),
    ]


def auth_problems(desired: DesiredState, sources: SourceMap) -> Iterable[Problem]:
    """credential-required, credential-not-allowed, platform-unavailable, unsupported."""
    for name, connection in desired.connections.items():
        path = ("connections", name, "auth")
        auth = connection.auth
        if auth.type == "api_key" and not auth.credential:
            message = (
                "auth type 'api_key' requires 'credential': the name of a vault secret,"
                " e.g. credential/openai/api_key"
            )
            yield sources.problem("auth.credential-required", message, path, key=True)
        if auth.type in _NO_CREDENTIAL and auth.credential is not None:
            message = f"auth type {auth.type!r} takes no 'credential'; remove it"
            yield sources.problem(
                "auth.credential-not-allowed", message, (*path, "credential"), key=True
            )
        if auth.type == "platform" and connection.provider not in canonical.PLATFORM_PROVIDERS:
            yield sources.problem(
                "auth.platform-unavailable", _platform_message(connection), (*path, "type")
            )
        if auth.type in UNSUPPORTED_AUTH_TYPES:
            message = (
                f"auth type {auth.type!r} is stored but not usable at runtime yet;"
                " use 'api_key' or 'platform' for now"
            )
            yield sources.problem("auth.unsupported", message, (*path, "type"), level=Level.WARNING)


def _platform_message(connection: Connection) -> str:
    known = ", ".join(sorted(canonical.PLATFORM_PROVIDERS))
    message = (
        f"auth type 'platform' (the managed proxy) exists only for the canonical providers"
        f" {known}; this connection's provider is {connection.provider!r}"
    )
    if connection.provider == "ollama":
        message += "; an ollama connection uses auth type 'none', like ollama-local"
    return message


def canonical_problems(desired: DesiredState, sources: SourceMap) -> Iterable[Problem]:
    """canonical.redefined: a canonical row may be declared only exactly as the code defines it."""
    for name, provider in desired.providers.items():
        seed = canonical.PROVIDERS.get(name)
        if seed is not None and provider != seed:
            message = (
                f"provider {name!r} is canonical: the code defines it as type {seed.type!r},"
                " default base_url, enabled; declare it exactly so or use another name"
            )
            field = _first_difference(provider.image(), seed.image())
            yield sources.problem(
                "canonical.redefined", message, ("providers", name, field), key=True
            )
    for name, connection in desired.connections.items():
        seed_connection = canonical.CONNECTIONS.get(name)
        if seed_connection is not None and connection != seed_connection:
            message = (
                f"connection {name!r} is canonical: the code defines it as provider"
                f" {seed_connection.provider!r} with auth type {seed_connection.auth.type!r};"
                f" declare it exactly so or use another name, e.g."
                f" {seed_connection.provider}-personal"
            )
            field = _first_difference(connection.image(), seed_connection.image())
            yield sources.problem(
                "canonical.redefined", message, ("connections", name, field), key=True
            )


_DEFAULTS: Mapping[Kind, Row] = {
    Kind.PROVIDER: Provider("", ""),
    Kind.CONNECTION: Connection("", "", None),  # type: ignore[arg-type]
    Kind.PROFILE: Profile("", "", ""),
}


def storage_problems(desired: DesiredState, sources: SourceMap) -> Iterable[Problem]:
    """storage.not-stored, storage.field-not-stored and storage.reference: what the config
    alone shows is wrong with its ``storage`` mapping (DESIGN §14); none without one."""
    storage = desired.storage
    if storage is None:
        return
    for kind in Kind:
        rows: Mapping[str, Row] = getattr(desired, kind.section)
        mapping = storage.of(kind)
        if mapping is None:
            yield from _not_stored(kind, rows, sources)
            continue
        unmapped = [field for field in STORABLE[kind] if field not in mapping.columns]
        for name, row in rows.items():
            for field in unmapped:
                path = (kind.section, name, field)
                if getattr(row, field) != getattr(_DEFAULTS[kind], field) or (
                    path in sources.values
                ):
                    message = (
                        f"{kind} field {field!r} is not stored: storage.{kind.section}.columns"
                        f" maps no column of {mapping.qualified} to it; remove it here or map it"
                    )
                    yield sources.problem("storage.field-not-stored", message, path)
    yield from _reference_problems(storage, sources)


def _not_stored(kind: Kind, rows: Mapping[str, Row], sources: SourceMap) -> Iterable[Problem]:
    seeds = canonical.rows(kind)
    for name, row in rows.items():
        if name in seeds and row == seeds[name]:
            continue  # the canonical row, exactly as the code defines it: no change
        only = f", so the only {kind}s are the canonical ones" if seeds else ""
        message = (
            f"{kind}s are not stored: the storage section maps no table to them{only};"
            f" remove {kind} {name!r} or map storage.{kind.section}"
        )
        yield sources.problem("storage.not-stored", message, (kind.section, name), key=True)


def _reference_problems(storage: Storage, sources: SourceMap) -> Iterable[Problem]:
    for kind, mapping in storage.mapped():
        for field, column in mapping.references.items():
            target = REFERENCES[kind][field]
            path = ("storage", kind.section, "references", field)
            target_mapping = storage.of(target)
            if target_mapping is None or target_mapping.id is None:
                why = "are not stored" if target_mapping is None else "have no id column"
                message = (
                    f"{kind} field {field!r} cannot hold a {target}'s id: {target}s {why}"
                    f" (storage.{target.section}.id); store the name instead or give them an id"
                )
                yield sources.problem("storage.reference", message, path)
            elif column != target_mapping.id.column:
                message = (
                    f"{kind} field {field!r} references column {column!r}, but the id of"
                    f" {target}s is column {target_mapping.id.column!r}"
                    f" (storage.{target.section}.id.column)"
                )
                yield sources.problem("storage.reference", message, path)
            elif field not in mapping.columns:
                message = (
                    f"{kind} field {field!r} holds an id, but storage.{kind.section}.columns maps"
                    f" no column to it"
                )
                yield sources.problem("storage.reference", message, path)


def _first_difference(image: Mapping[str, object], seed: Mapping[str, object]) -> str:
    return next(key for key in image if image[key] != seed[key])


def reference_problems(
    desired: DesiredState,
    providers: Mapping[str, Provider],
    connections: Mapping[str, Connection],
    sources: SourceMap,
    *,
    unknown_level: Level,
    deleted: Mapping[tuple[Kind, str], str] | None = None,
) -> list[Problem]:
    """References from the config's rows to ``providers`` and ``connections``.

    ``providers`` and ``connections`` are the rows that will exist: offline, the declared and
    canonical ones (unknown names are then warnings, since the database may hold them); at plan
    time, the end state of the plan (unknown names are errors), and ``deleted`` says why each
    row the plan deletes goes (``"is removed by this config"``), for a reference to it. Yields
    ref.unknown-provider, ref.unknown-connection (at ``unknown_level``) and
    ref.provider-mismatch (always an error).
    """
    gone = deleted or {}
    problems: list[Problem] = []

    def unknown(kind: Kind, target: str, referrer: Kind, name: str, field: str) -> None:
        known = providers if kind is Kind.PROVIDER else connections
        why = gone.get((kind, target))
        if why is None:
            message = _unknown(str(kind), target, known, unknown_level)
        else:
            message = (
                f"{kind} {target!r} {why} but {referrer} {name!r} still references it;"
                f" declare the {kind} again or change the reference"
            )
        code = f"ref.unknown-{kind}"
        path = (referrer.section, name, field)
        problems.append(sources.problem(code, message, path, level=unknown_level))

    for name, connection in desired.connections.items():
        if connection.provider not in providers:
            unknown(Kind.PROVIDER, connection.provider, Kind.CONNECTION, name, "provider")
    for name, profile in desired.profiles.items():
        if profile.provider not in providers:
            unknown(Kind.PROVIDER, profile.provider, Kind.PROFILE, name, "provider")
        wanted = profile.provider_connection
        if wanted is None:
            continue
        path = ("profiles", name, "provider_connection")
        found = connections.get(wanted)
        if found is None:
            unknown(Kind.CONNECTION, wanted, Kind.PROFILE, name, "provider_connection")
        elif found.provider != profile.provider:
            message = (
                f"profile {name!r} uses provider {profile.provider!r} but its connection"
                f" {wanted!r} is for provider {found.provider!r}"
            )
            problems.append(sources.problem("ref.provider-mismatch", message, path))
    return problems


def _unknown(kind: str, name: str, known: Mapping[str, object], level: Level) -> str:
    if level is Level.WARNING:
        message = (
            f"{kind} {name!r} is neither declared nor canonical;"
            " it must already exist in the database"
        )
    else:
        message = (
            f"{kind} {name!r} does not exist: not declared, not canonical, not in the database"
        )
    close = difflib.get_close_matches(name, list(known), n=1)
    return message + (f" (did you mean {close[0]!r}?)" if close else "")
