"""Hypothesis strategies for the fuzz targets: bytes, config documents, database rows.

Documents stay close to the schema so most of them get past parsing, and each part is sometimes
slightly wrong (a wrong type, a missing or extra key, a weird name, a huge number, unicode, a
secret-shaped string). Names come from small pools so rows collide, get adopted and referenced.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from reconciler.model import AUTH_TYPES, PROVIDER_TYPES

ROOT = Path(__file__).resolve().parents[2]
SEED_FILES = sorted(
    [*(ROOT / "tests" / "examples").rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")]
)
"""The YAML files mutated by the loader target (valid and invalid examples)."""

CANONICAL_PROVIDERS = PROVIDER_TYPES
CANONICAL_CONNECTIONS = ("anthropic-managed", "openai-managed", "gemini-managed", "ollama-local")
DECLARED = ("alpha", "beta", "gamma")
LEGACY = ("Legacy_X", "old bot", "Ünï", "alpha ", "ALPHA", "a" * 70)
CONNECTION_POOL = ("c-one", "c-two", "alpha-personal", "openai-personal", "beta-local")
PROFILE_POOL = ("p1", "p2", "p3", "default")

# Shaped like secrets, without being anyone's: the rules must refuse them, the renderers redact.
SECRET_SHAPES = (
    "sk-" + "A1b2C3d4" * 6,
    "sk-ant-api03-" + "Zx9" * 30,
    "AIza" + "B" * 35,
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    "ghp_" + "q7W" * 12,
)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
odd_text = st.sampled_from(
    ["", " ", "\t", "~", "null", "yes", "0x10", "1e9", "${HOME}", "${UNSET_VAR_X}", "${A:-b}"]
    + ["a: b", "- x", "#", "&a", "*a", "!!python/object:os.system", "\u202e", "\ufeff", "\x00"]
)
huge = st.sampled_from([2**31, 2**63, 2**70, -(2**31), 10**400 // 10**390, 1e308, -0.0])
floats = st.floats(allow_nan=True, allow_infinity=True)


def any_value(depth: int = 2) -> st.SearchStrategy[Any]:
    """A small JSON-ish value of any type: what a wrong type looks like."""
    scalars = st.none() | st.booleans() | st.integers() | floats | text | odd_text | huge
    if depth == 0:
        return scalars
    inner = any_value(depth - 1)
    return (
        scalars
        | st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    )


def string_value() -> st.SearchStrategy[Any]:
    """Mostly a good string; sometimes odd, secret-shaped, huge or of another type."""
    return st.one_of(
        st.sampled_from(["x", "claude-sonnet-4-6", "gpt-5-mini", "Hello ${NAME:-you}"]),
        text,
        odd_text,
        st.sampled_from(SECRET_SHAPES),
        st.text(min_size=300, max_size=2000),
        any_value(0),
    )


def name() -> st.SearchStrategy[Any]:
    """A section key: a good DNS label, a weird name, or not a string at all."""
    good = st.sampled_from((*DECLARED, *CANONICAL_PROVIDERS, *CANONICAL_CONNECTIONS))
    pooled = st.sampled_from((*CONNECTION_POOL, *PROFILE_POOL))
    weird = st.one_of(
        st.sampled_from(LEGACY), text, st.from_regex(r"[a-z0-9-]{1,70}", fullmatch=True)
    )
    return st.one_of(good, pooled, weird, st.integers(0, 9), st.booleans())


def maybe_wrong(draw: st.DrawFn, good: dict[str, Any], optional: dict[str, Any]) -> Any:
    """``good`` plus some of ``optional``; sometimes a key dropped, added, or the whole wrong."""
    value = dict(good)
    for key, strategy in optional.items():
        if draw(st.booleans()):
            value[key] = draw(strategy)
    roll = draw(st.integers(0, 19))
    if roll == 0 and value:
        value.pop(draw(st.sampled_from(sorted(value))))
    elif roll == 1:
        value[draw(st.sampled_from(["typo", "Type", "model ", "credentials", "x" * 80]))] = 1
    elif roll == 2:
        key = draw(st.sampled_from(sorted(value) or ["k"]))
        value[key] = draw(any_value())
    elif roll == 3:
        return draw(any_value())
    return value


@st.composite
def providers(draw: st.DrawFn) -> Any:
    good = {"type": draw(st.sampled_from(PROVIDER_TYPES) | string_value())}
    optional = {
        "base_url": st.sampled_from(["https://eu.example.com", "http://h:11434", "ftp://x"])
        | string_value(),
        "enabled": st.booleans() | any_value(0),
    }
    return maybe_wrong(draw, good, optional)


@st.composite
def auths(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(AUTH_TYPES) | string_value())
    good: dict[str, Any] = {"type": kind}
    if kind == "api_key" or draw(st.integers(0, 4)) == 0:
        good["credential"] = draw(
            st.sampled_from(["credential/x/api_key", "vault/a"]) | string_value()
        )
    return maybe_wrong(draw, good, {})


def reference(pool: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(pool) | st.sampled_from(LEGACY) | string_value()


@st.composite
def connections(draw: st.DrawFn) -> Any:
    good = {
        "provider": draw(reference((*DECLARED, *CANONICAL_PROVIDERS))),
        "auth": draw(auths()),
    }
    return maybe_wrong(draw, good, {})


@st.composite
def profiles(draw: st.DrawFn) -> Any:
    good = {
        "provider": draw(reference((*DECLARED, *CANONICAL_PROVIDERS))),
        "model": draw(string_value()),
    }
    optional = {
        "provider_connection": reference((*CONNECTION_POOL, *CANONICAL_CONNECTIONS)),
        "label": string_value(),
        "description": string_value(),
        "system_prompt": string_value(),
        "temperature": st.sampled_from([0, 0.7, 1, 2, 2.0000001, -1]) | floats | any_value(0),
        "max_tokens": st.integers(-3, 5000) | huge | any_value(0),
        "source": st.sampled_from(["managed", "user", "platform"]) | string_value(),
    }
    return maybe_wrong(draw, good, optional)


def section(rows: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    mapping = st.dictionaries(name(), rows, max_size=4)
    return st.one_of(mapping, mapping, mapping, any_value())


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A config document: usually a mapping with ``version`` and some sections."""
    document: dict[Any, Any] = {}
    version = draw(st.sampled_from([1, 1, 1, 1, 2, "1", 1.0, None]) | any_value(0))
    if draw(st.integers(0, 9)):
        document["version"] = version
    if draw(st.booleans()):
        settings = {
            "deployment": st.sampled_from(["self-hosted", "platform"]) | string_value(),
            "inference_mode": st.sampled_from(["managed", "your-own"]) | string_value(),
        }
        document["settings"] = maybe_wrong(draw, {}, settings)
    for key, rows in (("providers", providers()), ("connections", connections())):
        if draw(st.booleans()):
            document[key] = draw(section(rows))
    if draw(st.booleans()):
        document["profiles"] = draw(section(profiles()))
    if draw(st.integers(0, 14)) == 0:
        document[draw(name())] = draw(any_value())
    if draw(st.integers(0, 29)) == 0:
        return draw(any_value())
    return document


# --- loader: bytes ------------------------------------------------------------------------------


@st.composite
def mutated_yaml(draw: st.DrawFn) -> bytes:
    """A seed file with a few byte- and line-level mutations."""
    data = bytearray(draw(st.sampled_from(SEED_FILES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(st.integers(0, 5))
        at = draw(st.integers(0, len(data)))
        if operation == 0:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif operation == 1:
            del data[at : at + draw(st.integers(1, 16))]
        elif operation == 2 and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif operation == 3:
            token = draw(st.sampled_from(TOKENS))
            data[at:at] = token
        else:
            lines = bytes(data).split(b"\n")
            line = draw(st.sampled_from(lines))
            index = draw(st.integers(0, len(lines)))
            lines.insert(index, line if operation == 4 else line.lstrip())
            data = bytearray(b"\n".join(lines))
    return bytes(data)


TOKENS = [
    token.encode()
    for token in (
        ":",
        "- ",
        "  ",
        "\t",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "<<: *a",
        "!!binary ",
        "!!str ",
        "? ",
        "|",
        ">-",
        "'",
        '"',
        "#",
        "\n",
        "\r\n",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "\\u0000",
        "\x00",
        "\xef\xbb\xbf",
        "${X}",
        "${UNSET:-d}",
        "~",
        "null",
        "1e999",
        "0o7",
        ".nan",
        "2147483648",
        "version: 1\n",
        "profiles:\n  p:\n    provider: x\n",
    )
]

raw_bytes = st.one_of(st.binary(max_size=2000), mutated_yaml(), mutated_yaml())
"""Bytes for the loader: arbitrary, or a mutated example file."""


# --- database rows ----------------------------------------------------------------------------

AUTH_JSON = st.one_of(
    st.sampled_from(
        [
            {"type": "api_key", "credential": "credential/x/api_key"},
            {"type": "platform"},
            {"type": "none"},
            {"type": "oauth_subscription"},
            {"type": "service_account", "credential": "sa"},
        ]
    ).map(json.dumps),
    st.sampled_from(
        ['{"type": "api_key"}', "{}", "[]", '"none"', '{"type": 3}', '{"type": "x"}']
        + ['{"credential": "c", "type": "platform"}', '{"type": "none", "extra": 1}']
        # Found by this fuzzer (an 'unexpected failure' once): state.unreadable now.
        + ["null", "not json"]
    ),
)
ROW_NAMES = st.one_of(
    st.sampled_from((*DECLARED, *LEGACY, *CANONICAL_PROVIDERS)), text.filter(bool)
)


@st.composite
def database_rows(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """Rows written with plain SQL by an application or an admin: ``(table, row)``, parents first.

    Rows that break a constraint are skipped at insert time, so any mix is fine here.
    """
    owner = st.sampled_from([None, None, "config", "seed", "backfill"])
    sharing = st.fixed_dictionaries(  # DESIGN §13: another owner's rows, protected rows
        {"owner": st.sampled_from([None, None, "default", "team-b"]), "protected": st.booleans()}
    )
    rows: list[tuple[str, dict[str, Any]]] = []
    provider_names = draw(st.lists(ROW_NAMES, max_size=5, unique=True))
    for provider in provider_names:
        row = {
            "name": provider,
            "type": draw(
                st.sampled_from(PROVIDER_TYPES) | st.sampled_from(["", "mistral", "OpenAI"])
            ),
            "base_url": draw(st.none() | st.sampled_from(["https://x.example", "", "nope"])),
            "enabled": draw(st.booleans()),
            "managed_by": draw(owner),
            **draw(sharing),
        }
        rows.append(("providers", row))
    parents = [*provider_names, *CANONICAL_PROVIDERS]
    connection_names = draw(
        st.lists(
            st.sampled_from(CONNECTION_POOL + CANONICAL_CONNECTIONS) | ROW_NAMES,
            max_size=5,
            unique=True,
        )
    )
    for connection in connection_names:
        row = {
            "name": connection,
            "provider": draw(st.sampled_from(parents)),
            "auth": draw(AUTH_JSON),
            "managed_by": draw(owner),
            **draw(sharing),
        }
        rows.append(("provider_connections", row))
    for profile in draw(
        st.lists(st.sampled_from(PROFILE_POOL) | ROW_NAMES, max_size=6, unique=True)
    ):
        row = {
            "name": profile,
            "provider": draw(st.sampled_from(parents)),
            "model": draw(st.sampled_from(["m", "gpt-4", ""]) | text),
            "provider_connection": draw(
                st.none() | st.sampled_from([*connection_names, *CANONICAL_CONNECTIONS])
            ),
            "source": draw(st.none() | st.sampled_from(["managed", "user", "other"])),
            "label": draw(st.none() | text),
            "system_prompt": draw(st.none() | text),
            "temperature": draw(st.none() | st.floats(-1, 3) | st.sampled_from([0.7, 1e300])),
            "max_tokens": draw(st.none() | st.integers(-5, 2**31 - 1)),
            "managed_by": draw(owner),
            **draw(sharing),
        }
        rows.append(("profiles", row))
    return rows


def dumped(document: Any, style: str) -> str:
    """``document`` as YAML text, in block or flow style."""
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = style == "flow"
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


config_texts = st.builds(dumped, documents(), st.sampled_from(["block", "block", "flow"]))
"""YAML configs close to the schema, for the validate target."""
config_folders = st.lists(config_texts, min_size=2, max_size=3)
"""Two or three such configs, for the merge target (the name pools make them collide)."""


@st.composite
def plan_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """What the plan target takes: a config text, database rows and plan options."""
    document = draw(st.one_of(documents(), plannable_documents(), plannable_documents()))
    return {
        "config": dumped(document, draw(st.sampled_from(["block", "flow"]))),
        "rows": draw(database_rows()),
        "force": draw(st.booleans()),
        "apply": (apply := draw(st.integers(0, 2)) == 0),
        "export": not apply and draw(st.integers(0, 3)) == 0,
    }


@st.composite
def plannable_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document over the name pools, so the plan gets past validation and does work."""
    document: dict[str, Any] = {"version": 1}
    mode = draw(st.sampled_from([None, "managed", "your-own"]))
    if mode is not None:
        document["settings"] = {"inference_mode": mode}
    declared = {
        provider: {"type": draw(st.sampled_from(PROVIDER_TYPES))}
        for provider in draw(st.sets(st.sampled_from(DECLARED)))
    }
    usable = sorted(declared) + list(CANONICAL_PROVIDERS)
    joined: dict[str, Any] = {}
    for connection in draw(st.sets(st.sampled_from(CONNECTION_POOL))):
        auth = draw(st.sampled_from([{"type": "none"}, {"type": "api_key", "credential": "v/x"}]))
        joined[connection] = {"provider": draw(st.sampled_from(usable)), "auth": auth}
    models: dict[str, Any] = {}
    for profile in draw(st.sets(st.sampled_from(PROFILE_POOL))):
        row: dict[str, Any] = {"provider": draw(st.sampled_from(usable)), "model": "m"}
        same = [c for c, value in joined.items() if value["provider"] == row["provider"]]
        if same and draw(st.booleans()):
            row["provider_connection"] = draw(st.sampled_from(same))
        if draw(st.booleans()):
            row["label"] = draw(st.text(max_size=20))
        if draw(st.booleans()):
            row["temperature"] = draw(st.floats(0, 2))
        models[profile] = row
    for key, rows in (("providers", declared), ("connections", joined), ("profiles", models)):
        if rows:
            document[key] = rows
    return document
