"""load_config: the tiers together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler import load_config

SECRET = "sk-proj-T3BlbkFJq8Zr2XwVmN4pLk7Hs9Dc1Ay6Ue0Gi5Fo"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_valid_config_gives_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "version: 1\nprofiles:\n  a: {provider: openai, model: m}\n")
    loaded = load_config([path], environ={})
    assert loaded.valid and loaded.problems == ()
    assert list(loaded.desired.profiles) == ["a"]
    assert loaded.files == (path,)


def test_every_tier_runs_on_what_earlier_tiers_could_read(tmp_path: Path) -> None:
    text = (
        "version: 1\nversion: 1\nconnections:\n  k: {provider: openai, auth: {type: api_key}}\n"
        "profiles:\n  a: {provider: openai, model: '${M}', provider_connection: anthropic-managed,"
        " extra: 1}\n"
    )
    loaded = load_config([write(tmp_path, "a.yaml", text)], environ={})
    assert [p.code for p in loaded.problems] == [
        "yaml.duplicate-key",
        "auth.credential-required",  # once, though both the schema and the rules see it
        "env.undefined",
        "ref.provider-mismatch",
        "schema.additionalProperties",
    ]


def test_problems_come_in_file_order(tmp_path: Path) -> None:
    b = write(tmp_path, "b.yaml", "version: 2\n")
    a = write(tmp_path, "a.yaml", "version: 3\n")
    loaded = load_config([b, a, str(tmp_path / "missing.yaml")], environ={})
    assert [(p.code, p.location.file) for p in loaded.problems if p.location] == [
        ("schema.const", b),
        ("schema.const", a),
        ("file.not-found", str(tmp_path / "missing.yaml")),
    ]


def test_a_secret_is_redacted_from_every_message(tmp_path: Path) -> None:
    text = (
        f"version: 1\nsettings: {{deployment: {SECRET}}}\n"
        f"profiles:\n  a: {{provider: {SECRET}, model: m}}\n"
    )
    loaded = load_config([write(tmp_path, "a.yaml", text)], environ={})
    assert {p.code for p in loaded.problems} >= {"secret.inline", "schema.enum"}
    assert all(SECRET not in p.message for p in loaded.problems)


def test_a_secret_from_the_environment_is_refused_too(tmp_path: Path) -> None:
    text = (
        "version: 1\nconnections:\n"
        "  k: {provider: openai, auth: {type: api_key, credential: '${KEY}'}}\n"
    )
    loaded = load_config([write(tmp_path, "a.yaml", text)], environ={"KEY": SECRET})
    assert [p.code for p in loaded.problems] == ["secret.inline"]


def test_warnings_alone_leave_the_config_valid(tmp_path: Path) -> None:
    text = "version: 1\nconnections:\n  s: {provider: anthropic, auth: {type: service_account}}\n"
    loaded = load_config([write(tmp_path, "a.yaml", text)], environ={})
    assert loaded.valid and [p.code for p in loaded.warnings] == ["auth.unsupported"]


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
SECTION = st.dictionaries(
    st.sampled_from(["a", "B", "openai", "anthropic-managed"]),
    st.dictionaries(
        st.sampled_from(["type", "provider", "model", "auth", "provider_connection", "x"]),
        st.one_of(JSON, st.sampled_from(["openai", "api_key", "platform", "none"])),
        max_size=4,
    ),
    max_size=3,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["version", "settings", "providers", "connections", "profiles", "x"]),
        st.one_of(JSON, SECTION),
        max_size=5,
    )
)
def test_never_raises_whatever_the_document(tmp_path: Path, document: dict[str, Any]) -> None:
    path = write(tmp_path, "fuzz.yaml", json.dumps(document))
    loaded = load_config([path], environ={})
    assert all(p.location is not None for p in loaded.problems)
