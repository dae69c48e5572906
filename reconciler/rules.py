"""Tier 3: the semantic rules, offline, on a `DesiredState` and its `SourceMap`.

Pure: values in, `Problem`s out. `reference_problems` is shared with planning, which calls it with
the rows the database will hold at the end of the plan.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def _key_run(found: str) -> bool:
    """After ``sk-``, a run of 16 key characters between hyphens: not words joined by hyphens."""
    return max(len(part) for part in re.split(r"[-_]", found[3:])) >= 16


def _random(token: str) -> bool:
    """At least two of lower case, upper case and digits, and not words: a generated key."""
    classes = any(c.islower() for c in token) + any(c.isupper() for c in token)
    classes += any(c.isdigit() for c in token)
    return classes >= 2 and not _reads_as_words(token)


def _random_mixed_case(token: str) -> bool:
    """`_random` for a run with separators: mixed case too, so that a DNS label never counts."""
    return token.lower() != token and token.upper() != token and _random(token)


def _reads_as_words(token: str) -> bool:
    """Words: vowels in over a third of the letters, at most one digit,
    and most letters in runs of three of the same case (``Production``, ``API``).

    Random base62 has a vowel in five letters, a digit in six characters and short runs; all
    three together miss fewer than one random key in a thousand. A run of few distinct
    characters (``aaaa…``, ``ABABAB…``) is no key either.
    """
    letters = sum(c.isalpha() for c in token)
    vowels = sum(c in "aeiouAEIOU" for c in token)
    digits = sum(c.isdigit() for c in token)
    in_runs = sum(len(run) for run in _SAME_CASE_RUN.findall(token))
    if len(set(token)) < 12:
        return True
    return vowels >= 0.35 * letters and digits <= 1 and in_runs >= 0.6 * letters


_SAME_CASE_RUN = re.compile(r"[a-z]{3,}|[A-Z]{3,}")


def _any(_found: str) -> bool:
    return True


_BEFORE = r"(?<![A-Za-z0-9])"
_AFTER = r"(?![A-Za-z0-9])"
_SK = r"(?<![A-Za-z0-9])sk-{}[A-Za-z0-9_-]{{20,}}"
# Each known format: its kind, its shape, and a test that tells a key from a name that happens to
# have the same shape. The first kind that matches names the secret.
_KEYS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    (
        "a PEM block (key or certificate)",
        # The END line's label ends in a letter or digit, so that an unterminated block running
        # into the next BEGIN is hidden to the end of the text.
        re.compile(
            r"-----BEGIN [A-Z0-9 ]+-----(?:.*?-----END [A-Z0-9 ]*[A-Z0-9]-----|.*)", re.DOTALL
        ),
        _any,
    ),
    ("an Anthropic API key", re.compile(_SK.format("ant-")), _key_run),
    ("an OpenRouter API key", re.compile(_SK.format("or-")), _key_run),
    # sk-…: OpenAI (sk-, sk-proj-, sk-svcacct-), DeepSeek (sk-<32 hex>) and many others, in
    # any case; only words joined by hyphens (sk-learn-classifier-…) read as a name.
    ("an API key (sk-…: OpenAI, DeepSeek and others)", re.compile(_SK.format("")), _key_run),
    ("an AWS access key id", re.compile(_BEFORE + r"A(?:KIA|SIA)[A-Z0-9]{16}" + _AFTER), _any),
    ("a Google API key", re.compile(_BEFORE + r"AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"), _any),
    (
        "a GitHub token",
        re.compile(_BEFORE + r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})"),
        _any,
    ),
    ("a Slack token", re.compile(_BEFORE + r"xox[abposre]-(?:[0-9]+-)+[A-Za-z0-9-]{8,}"), _any),
    ("a Hugging Face token", re.compile(_BEFORE + r"hf_[A-Za-z0-9]{30,}" + _AFTER), _any),
    ("a Groq API key", re.compile(_BEFORE + r"gsk_[A-Za-z0-9]{40,}" + _AFTER), _any),
    ("a Replicate API token", re.compile(_BEFORE + r"r8_[A-Za-z0-9]{30,}" + _AFTER), _any),
    # 32 hex digits or more: an Azure OpenAI key, or a hash, which looks the same. Refused either
    # way: a config has no use for a hash, and a leaked key cannot be taken back.
    (
        "a hexadecimal key (Azure OpenAI and others; a hash looks the same)",
        re.compile(_BEFORE + r"[0-9A-Fa-f]{32,}" + _AFTER),
        lambda found: not found.isdigit() and not found.isalpha(),
    ),
    # Unbroken alphanumeric runs (Mistral: 32, Cohere: 40), and base64 runs with / + = _ - (an
    # AWS secret access key: 40 with / and +), that mix character classes and do not read as
    # words: names, vault paths, URLs and prose break into short runs or read as words.
    ("a long random-looking token", re.compile(_BEFORE + r"[A-Za-z0-9]{32,}" + _AFTER), _random),
    ("a long random-looking token", re.compile(r"[\w+/=-]{32,}", re.ASCII), _random_mixed_case),
)
# One search that every secret above must match: most values are cleared by it alone.
_CANDIDATE = re.compile(
    r"sk-|A[KS]IA|AIza|gh[pousr]_|github_pat_|xox|hf_|gsk_|r8_|-----BEGIN|[\w+/=-]{32}", re.ASCII
)
_SHORTEST = 20
REDACTED = "[redacted]"


def secret_kind(text: str) -> str | None:
    """What kind of real secret ``text`` holds, if it looks like one; ``None`` otherwise."""
    if len(text) < _SHORTEST or _CANDIDATE.search(text) is None:  # most values: no generator
        return None
    return next((kind for kind, _span in _secrets(text)), None)


def redact(text: str) -> str:
    """``text`` with every secret that `secret_kind` finds replaced by ``[redacted]``."""
    parts: list[str] = []
    done = 0
    for start, end in sorted(span for _kind, span in _secrets(text)):
        if start >= done:
            parts += [text[done:start], REDACTED]
        done = max(done, end)
    return "".join(parts) + text[done:]


def _secrets(text: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """Every secret in ``text``: its kind and its span, kinds in the order of `_KEYS`."""
    if len(text) < _SHORTEST or _CANDIDATE.search(text) is None:
        return
    for kind, pattern, test in _KEYS:
        for match in pattern.finditer(text):
            if test(match.group(0)):
                yield kind, match.span()


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
