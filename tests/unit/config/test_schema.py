from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.config.load import parse_text
from reconciler.config.schema import check_schema, config_schema
from reconciler.errors import Location
from reconciler.model import AUTH_TYPES, IGNORABLE, PROFILE_SOURCES, PROVIDER_TYPES


def problems(text: str) -> list[tuple[str, int, int, str]]:
    parsed = parse_text(text, "f.yaml")
    assert parsed.document is not None
    found = check_schema(parsed.document, parsed.sources, "f.yaml")
    return [(p.code, p.location.line, p.location.column, p.path) for p in found if p.location]


def messages(text: str) -> list[str]:
    parsed = parse_text(text, "f.yaml")
    assert parsed.document is not None
    return [p.message for p in check_schema(parsed.document, parsed.sources, "f.yaml")]


def test_valid_document_has_no_problem() -> None:
    assert problems("version: 1\nprofiles:\n  a: {provider: openai, model: m}\n") == []


def test_missing_top_level_key_points_at_line_1_column_1() -> None:
    assert problems("profiles: {}\n") == [("schema.required", 1, 1, "")]


def test_missing_key_points_at_its_parent_key() -> None:
    assert problems("version: 1\nprofiles:\n  a:\n    provider: openai\n") == [
        ("schema.required", 3, 3, "profiles.a")
    ]


def test_unknown_key_is_located_at_the_key_with_a_suggestion() -> None:
    text = "version: 1\nprofiles:\n  a:\n    provider: openai\n    model: m\n    temprature: 1\n"
    assert problems(text) == [("schema.additionalProperties", 6, 5, "profiles.a.temprature")]
    assert messages(text) == ["unknown key 'temprature'; did you mean 'temperature'?"]


def test_unknown_key_without_a_close_match_lists_the_keys() -> None:
    (message,) = messages("version: 1\nsettings: {zzz: 1}\n")
    assert message == (
        "unknown key 'zzz' (expected one of: deployment, inference_mode, owner, ignore)"
    )


def test_enum_suggests_the_closest_value() -> None:
    (message,) = messages("version: 1\nproviders:\n  p: {type: gemeni}\n")
    assert message.endswith("did you mean 'gemini'?")


def test_name_must_be_a_dns_label_located_at_the_key() -> None:
    assert problems("version: 1\nprofiles:\n  Bad: {provider: openai, model: m}\n") == [
        ("schema.propertyNames", 3, 3, "profiles.Bad")
    ]


def test_references_accept_legacy_names() -> None:
    text = (
        "version: 1\nprofiles:\n  a: {provider: Legacy Name, model: m, provider_connection: X_1}\n"
    )
    assert problems(text) == []


@pytest.mark.parametrize(
    ("auth", "code"),
    [
        ("{type: api_key}", "auth.credential-required"),
        ("{type: platform, credential: c/x}", "auth.credential-not-allowed"),
        ("{type: none, credential: c/x}", "auth.credential-not-allowed"),
    ],
)
def test_auth_union(auth: str, code: str) -> None:
    text = f"version: 1\nconnections:\n  c: {{provider: openai, auth: {auth}}}\n"
    assert [p[0] for p in problems(text)] == [code]


@pytest.mark.parametrize("kind", ["oauth_subscription", "service_account"])
def test_credential_is_optional_for_the_unsupported_types(kind: str) -> None:
    for auth in (f"{{type: {kind}}}", f"{{type: {kind}, credential: c/x}}"):
        assert problems(f"version: 1\nconnections:\n  c: {{provider: o, auth: {auth}}}\n") == []


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = (
        "version: 2\nprofiles:\n  a: {provider: openai, model: m, temperature: 3}\n"
        "  b: {provider: openai, model: m, max_tokens: 0}\n"
    )
    assert [p[0] for p in sorted(problems(text), key=lambda p: p[1:3])] == [
        "schema.const",
        "schema.maximum",
        "schema.exclusiveMinimum",
    ]


def test_not_a_url() -> None:
    assert messages("version: 1\nproviders:\n  p: {type: openai, base_url: x.io}\n") == [
        "'x.io' is not a URL: expected http:// or https://, no spaces"
    ]


def test_missing_top_level_key_in_a_file_without_locations() -> None:
    (problem,) = check_schema({}, parse_text("a: 1\n", "g.yaml").sources, "g.yaml")
    assert problem.location == Location("g.yaml", 1, 1)


def walk(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from walk(value, f"{path}/{index}")


def test_schema_is_draft_2020_12_with_an_id() -> None:
    schema = config_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("reconcile.schema.json")


def test_every_property_has_a_description() -> None:
    for path, node in walk(config_schema()):
        for name, prop in node.get("properties", {}).items():
            if "/if" not in path:
                assert "description" in prop, f"{path}/properties/{name}"


def test_every_object_forbids_additional_properties() -> None:
    for path, node in walk(config_schema()):
        if node.get("type") == "object" and "/if" not in path:
            assert "additionalProperties" in node, path
            if "propertyNames" not in node:
                assert node["additionalProperties"] is False, path


def test_schema_enums_match_the_model() -> None:
    defs = config_schema()["$defs"]
    assert tuple(defs["provider"]["properties"]["type"]["enum"]) == PROVIDER_TYPES
    assert tuple(defs["auth"]["properties"]["type"]["enum"]) == AUTH_TYPES
    assert tuple(defs["profile"]["properties"]["source"]["enum"]) == PROFILE_SOURCES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: true\n", "expected 1, got true"),
        (
            "version: 1\nsettings: {deployment: null}\n",
            "null is not one of 'self-hosted', 'platform'",
        ),
        (
            "version: 1\nprofiles:\n  a: {provider: openai, model: m, max_tokens: {a: null}}\n",
            "expected an integer, got {a: null}",
        ),
        (
            "version: 1\nprofiles:\n  a: {provider: openai, model: m, label: [yes, 1.5, ~]}\n",
            "expected a string, got ['yes', 1.5, null]",
        ),
        (
            "version: 1\nprofiles:\n  a: {provider: openai, model: m, temperature: 2.5}\n",
            "2.5 is more than the maximum of 2",
        ),
        (
            "version: 1\nprofiles:\n  a: {provider: openai, model: m, max_tokens: 0}\n",
            "0 must be more than 0",
        ),
        ("version: 1\nprofiles:\n  a: {provider: openai, model: ''}\n", "must not be empty"),
        (
            'version: 1\nprofiles:\n  a: {provider: openai, model: "m\\0"}\n',
            'a NUL character (U+0000) at character 2 of "m\\0": PostgreSQL cannot store it;'
            " remove it",
        ),
    ],
)
def test_messages_spell_values_as_yaml(text: str, message: str) -> None:
    assert messages(text) == [message]


def test_a_long_value_is_cut_in_its_message() -> None:
    digits = "1" * 5_000  # beyond Python's int digit limit: read as text
    (message,) = messages(
        f"version: 1\nprofiles:\n  a: {{provider: openai, model: m, max_tokens: {digits}}}\n"
    )
    assert message == f"expected an integer, got '{'1' * 60}…' (5,000 characters)"


def test_limits_fit_every_backend() -> None:
    """Each limit against its column: names and model are VARCHAR(255) in characters on every
    backend; label and base_url TEXT, 65,535 bytes on MySQL/MariaDB; prompts MEDIUMTEXT there,
    and a row of two full prompts in 4-byte characters stays under half of 4 MiB, the smallest
    default max_allowed_packet (MySQL 5.7; MariaDB's is 16 MiB, MySQL 8's 64 MiB)."""
    from reconciler.store.tables import profiles, providers

    defs = config_schema()["$defs"]
    profile = defs["profile"]["properties"]
    base_url = defs["provider"]["properties"]["base_url"]
    assert defs["reference"]["maxLength"] <= profiles.c.name.type.length  # type: ignore[attr-defined]
    assert profile["model"]["maxLength"] <= profiles.c.model.type.length  # type: ignore[attr-defined]
    for limit, column in (
        (profile["label"]["maxLength"], profiles.c.label),
        (base_url["maxLength"], providers.c.base_url),
    ):
        assert column.type.__visit_name__ == "text"
        assert limit * 4 <= 65_535
    assert defs["text"]["maxLength"] * 4 <= 16_777_215
    assert 2 * defs["text"]["maxLength"] * 4 <= 4 * 2**20 // 2


def test_settings_ignore_takes_the_fields_of_each_section() -> None:
    text = (
        "version: 1\nsettings:\n  ignore:\n    providers: [enabled, base_url]\n"
        "    connections: [auth]\n    profiles: [label, temperature, model, max_tokens]\n"
    )
    assert problems(text) == []


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("providers", "name"),
        ("providers", "type"),
        ("connections", "provider"),
        ("profiles", "provider"),
        ("profiles", "provider_connection"),
        ("profiles", "protected"),
        ("providers", "protected"),
        ("connections", "protected"),
    ],
)
def test_settings_ignore_refuses_what_every_plan_compares_at_the_value(
    section: str, field: str
) -> None:
    text = f"version: 1\nsettings:\n  ignore:\n    {section}: [label, {field}]\n"
    if section != "profiles":
        text = text.replace("[label, ", "[")
    found = problems(text)
    index = 1 if section == "profiles" else 0
    column = len(f"    {section}: [") + 1 + (len("label, ") if index else 0)
    assert found == [("schema.enum", 4, column, f"settings.ignore.{section}[{index}]")]
    (message,) = messages(text)
    assert message.startswith(f"'{field}' cannot be ignored")


def test_settings_ignore_suggests_a_misspelt_field_and_refuses_a_repeated_one() -> None:
    text = "version: 1\nsettings:\n  ignore:\n    profiles: [temprature, label, label]\n"
    assert sorted(messages(text)) == [
        "'label' is listed twice",
        "'temprature' is not a field that may be ignored here; did you mean 'temperature'?",
    ]
    assert sorted(problems(text)) == [
        ("schema.enum", 4, 16, "settings.ignore.profiles[0]"),
        ("schema.uniqueItems", 4, 35, "settings.ignore.profiles[2]"),
    ]


def test_settings_ignore_lists_what_the_model_may_ignore() -> None:
    ignore = config_schema()["properties"]["settings"]["properties"]["ignore"]["properties"]
    assert {section: tuple(spec["items"]["enum"]) for section, spec in ignore.items()} == {
        kind.section: fields for kind, fields in IGNORABLE.items()
    }
