"""Tier 3: the semantic rules, offline, on a `DesiredState` and its `SourceMap`.

Pure: values in, `Problem`s out. `reference_problems` is shared with planning, which calls it with
the rows the database will hold at the end of the plan.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from reconciler import canonical
from reconciler.errors import Level, Problem, SourceMap
from reconciler.model import UNSUPPORTED_AUTH_TYPES, Connection, DesiredState, Kind, Provider

_NO_CREDENTIAL = ("platform", "none")


def check(desired: DesiredState, sources: SourceMap) -> list[Problem]:
    """Every offline tier-3 problem on the rows; secrets are `secret_problems`, on the document."""
    providers = {**canonical.PROVIDERS, **desired.providers}
    connections = {**canonical.CONNECTIONS, **desired.connections}
    return [
        *auth_problems(desired, sources),
        *canonical_problems(desired, sources),
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
