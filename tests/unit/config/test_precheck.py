"""The pre-check may pass only what jsonschema passes (it may send anything to jsonschema)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.config.schema import config_schema, precheck, validator

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 5000),
    st.floats(-1, 3),
    st.just(float("nan")),
    st.sampled_from(["", "x", "openai", "api_key", "platform", "none", "managed", "user"]),
    st.sampled_from(["anthropic", "ollama", "oauth_subscription", "https://x.io", "ftp://x"]),
    st.sampled_from(["self-hosted", "platform", "your-own", "Bad Name", "c/x", "team-a", "a-"]),
    st.sampled_from(["m\0", "a\nb", "\t", "x\x1b[31m", "\x85", "a\u202eb", "\ufeff", "ok\u200d"]),
    st.sampled_from(["http://x\n", "https://x/\0", "https://\u2028"]),
    # Lengths at every limit, of 4-byte (emoji), CJK and ASCII characters.
    st.sampled_from([c * n for c in ("😀", "語", "m") for n in (255, 256, 16_383, 16_384)]),
    st.sampled_from(["https://" + "😀" * n for n in (16_375, 16_376)]),
    st.sampled_from(["😀" * 262_144, "語" * 262_145, "p\0rompt"]),
)
FIELDS = st.sampled_from(
    [
        "type", "base_url", "enabled", "provider", "auth", "credential", "model",
        "provider_connection", "label", "description", "system_prompt", "temperature",
        "max_tokens", "source", "protected", "extra",
    ]
)  # fmt: skip
VALUES = st.recursive(
    SCALARS, lambda inner: st.dictionaries(FIELDS, inner, max_size=4), max_leaves=6
)
ITEMS = st.dictionaries(FIELDS, VALUES, max_size=8)
NAMES = st.one_of(
    st.from_regex(r"[a-z0-9-]{1,5}", fullmatch=True), st.sampled_from(["A", "", "a\n", "a\0"])
)


def jsonschema_accepts(document: dict[str, Any]) -> bool:
    return not any(True for _ in validator().iter_errors(document))


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["providers", "connections", "profiles"]), NAMES, ITEMS)
def test_precheck_never_accepts_an_item_jsonschema_rejects(
    section: str, name: str, item: dict[str, Any]
) -> None:
    check = precheck()
    if check.name(name) and check.sections[section](item):
        assert jsonschema_accepts({"version": 1, section: {name: item}})


VALID_ITEMS = {
    "providers": {"type": "openai", "base_url": "https://x.io"},
    "connections": {"provider": "openai", "auth": {"type": "api_key", "credential": "c"}},
    "profiles": {"provider": "openai", "model": "m", "label": "l", "system_prompt": "p"},
}


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(sorted(VALID_ITEMS)),
    st.dictionaries(FIELDS, SCALARS, max_size=2),
    st.dictionaries(st.sampled_from(["type", "credential"]), SCALARS, max_size=1),
)
def test_precheck_never_accepts_a_near_valid_item_jsonschema_rejects(
    section: str, changes: dict[str, Any], auth_changes: dict[str, Any]
) -> None:
    """A valid item with a field or two changed: where the limits and character rules bite."""
    item = {**VALID_ITEMS[section], **changes}
    if section == "connections" and "auth" not in changes:
        item["auth"] = {**item["auth"], **auth_changes}
    if precheck().sections[section](item):
        assert jsonschema_accepts({"version": 1, section: {"a": item}})


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["version", "settings", "providers", "profiles", "other"]),
        st.one_of(
            VALUES,
            st.dictionaries(
                st.sampled_from(["deployment", "inference_mode", "owner", "ignore", "x"]),
                st.one_of(SCALARS, st.just({"profiles": ["label"]})),
            ),
        ),
        max_size=4,
    )
)
def test_precheck_never_accepts_a_top_jsonschema_rejects(document: dict[str, Any]) -> None:
    check = precheck()
    top_only = {k: ({} if k in check.sections else v) for k, v in document.items()}
    if check.top(top_only):
        assert jsonschema_accepts(top_only)


def test_precheck_passes_ordinary_valid_items() -> None:
    check = precheck()
    assert check.top({"version": 1, "settings": {"owner": "team-a", "inference_mode": "managed"}})
    assert check.connection({"provider": "openai", "auth": {"type": "none"}, "protected": True})
    assert check.provider({"type": "openai", "protected": False})
    assert check.profile({"provider": "openai", "model": "m", "protected": True})
    assert check.profile({"provider": "openai", "model": "m", "temperature": 1, "max_tokens": 5})
    assert check.connection({"provider": "openai", "auth": {"type": "api_key", "credential": "c"}})
    assert check.provider({"type": "ollama", "base_url": "http://localhost:11434"})


def test_enums_come_from_the_schema() -> None:
    enum = config_schema()["$defs"]["provider"]["properties"]["type"]["enum"]
    assert all(precheck().provider({"type": kind}) for kind in enum)
