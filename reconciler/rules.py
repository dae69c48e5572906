"""Tier 3: the semantic rules, offline, on a `DesiredState` and its `SourceMap`.

Pure: values in, `Problem`s out. `reference_problems` is shared with planning, which calls it with
the rows the database will hold at the end of the plan.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler import canonical
from reconciler.errors import Level, Path, Problem, SourceMap
from reconciler.model import UNSUPPORTED_AUTH_TYPES, Connection, DesiredState, Provider

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
) -> list[Problem]:
    """References from the config's rows to ``providers`` and ``connections``.

    ``providers`` and ``connections`` are the rows that will exist: offline, the declared and
    canonical ones (unknown names are then warnings, since the database may hold them); at plan
    time, the end state of the plan (unknown names are errors). Yields ref.unknown-provider,
    ref.unknown-connection (at ``unknown_level``) and ref.provider-mismatch (always an error).
    """
    problems: list[Problem] = []
    for name, connection in desired.connections.items():
        if connection.provider not in providers:
            path = ("connections", name, "provider")
            message = _unknown("provider", connection.provider, providers, unknown_level)
            problems.append(
                sources.problem("ref.unknown-provider", message, path, level=unknown_level)
            )
    for name, profile in desired.profiles.items():
        if profile.provider not in providers:
            message = _unknown("provider", profile.provider, providers, unknown_level)
            path = ("profiles", name, "provider")
            problems.append(
                sources.problem("ref.unknown-provider", message, path, level=unknown_level)
            )
        wanted = profile.provider_connection
        if wanted is None:
            continue
        path = ("profiles", name, "provider_connection")
        found = connections.get(wanted)
        if found is None:
            message = _unknown("connection", wanted, connections, unknown_level)
            problems.append(
                sources.problem("ref.unknown-connection", message, path, level=unknown_level)
            )
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


_KEYS = (
    ("an Anthropic API key", re.compile(r"(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI-style API key", re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-)?[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}")),
    (
        "a PEM block (key or certificate)",
        re.compile(r"-----BEGIN [A-Z0-9 ]+-----(?:.*?-----END [A-Z0-9 ]+-----|.*)", re.DOTALL),
    ),
)
_TOKEN = re.compile(r"[A-Za-z0-9_=+-]{32,}")
# One search that every secret above must match: most values are cleared by it alone.
_CANDIDATE = re.compile(r"sk-|AIza|-----BEGIN|[A-Za-z0-9_=+-]{32}")
_SHORTEST = 23
_MIN_ENTROPY = 4.0
REDACTED = "[redacted]"


def secret_kind(text: str) -> str | None:
    """What kind of real secret ``text`` holds, if it looks like one; ``None`` otherwise."""
    if len(text) < _SHORTEST or _CANDIDATE.search(text) is None:
        return None
    for kind, pattern in _KEYS:
        if any(_random_looking(m.group(0), 2) for m in pattern.finditer(text)):
            return kind
    if any(_random_looking(m.group(0), 3) for m in _TOKEN.finditer(text)):
        return "a long high-entropy token"
    return None


def redact(text: str) -> str:
    """``text`` with everything that looks like a secret replaced by ``[redacted]``."""
    for _kind, pattern in _KEYS:
        text = pattern.sub(_redact_match, text)
    return _TOKEN.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    found = match.group(0)
    return REDACTED if found.startswith("-----") or _random_looking(found, 2) else found


def _random_looking(token: str, min_digits: int) -> bool:
    """Mixed case with digits and high entropy: a generated key, not a name or a word."""
    if token.startswith("-----"):
        return True
    body = token.split("-", 2)[-1] if token.startswith("sk-") else token
    digits = sum(c.isdigit() for c in body)
    if digits < min_digits or body.lower() == body or body.upper() == body:
        return False
    counts = Counter(body).values()
    entropy = -sum(n / len(body) * math.log2(n / len(body)) for n in counts)
    return entropy >= _MIN_ENTROPY


def secret_problems(document: Mapping[str, Any], sources: SourceMap) -> list[Problem]:
    """secret.inline for every key or string value that looks like a real secret.

    The message says where and what kind; it never repeats the value.
    """
    problems: list[Problem] = []
    _scan(document, (), sources, problems)
    return problems


def _scan(value: Any, path: Path, sources: SourceMap, problems: list[Problem]) -> None:
    if isinstance(value, str):
        kind = secret_kind(value)
        if kind is not None:
            problems.append(sources.problem("secret.inline", _secret_message(kind), path))
    elif isinstance(value, dict):
        for key, item in value.items():
            child = (*path, key)
            kind = secret_kind(key) if len(key) >= 20 else None
            if kind is not None:
                message = _secret_message(kind)
                problems.append(sources.problem("secret.inline", message, child, key=True))
            _scan(item, child, sources, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _scan(item, (*path, index), sources, problems)


def _secret_message(kind: str) -> str:
    return (
        f"this looks like {kind}; a config must never hold a secret: keep it in your vault and"
        " write its name instead, e.g. auth: {type: api_key, credential: credential/openai/api_key}"
    )
