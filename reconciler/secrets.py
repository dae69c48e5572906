"""Secrets: what looks like a real API key, token or private key, found and hidden.

Pure. `secret_kind` and `redact` come from one scan, so whatever one flags the other hides;
`secret_problems` is the ``secret.inline`` rule on a config document. The message never repeats
the value. (Database URLs hide their passwords in `reconciler.store`, by position, not by look.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from reconciler.errors import Path, Problem, SourceMap


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
