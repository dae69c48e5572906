"""The ``storage`` section (DESIGN §14) as the config alone shows it: its schema, the typed value
read from it, and the rules ``validate`` reports (storage.not-stored, storage.field-not-stored,
storage.reference)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.config import load_config
from reconciler.config.schema import config_schema
from reconciler.config.storage import storage_mapping
from reconciler.model import Kind
from reconciler.storage import (
    REQUIRED,
    STORABLE,
    Generate,
    Storage,
    SurrogateId,
    TableMapping,
    TimeFormat,
    Timestamps,
    stores_field,
    stores_kind,
)

SURROGATE = {
    "providers": {
        "table": "ai_providers",
        "schema": "app",
        "id": {"column": "id", "generate": "uuid"},
        "columns": {"type": "type", "enabled": "enabled"},
        "timestamps": {"created": "created_at", "format": "epoch_seconds"},
    },
    "connections": {
        "table": "llm_connections",
        "key": "slug",
        "columns": {"provider": "provider_id", "auth": "auth"},
        "references": {"provider": "id"},
    },
}


def problems(tmp_path: Any, text: str) -> list[tuple[str, str, int]]:
    path = tmp_path / "reconcile.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_config([str(path)])
    return [
        (p.code, p.path, p.location.line if p.location else 0)
        for p in loaded.problems
        if p.code.startswith("storage.") or p.code.startswith("schema.")
    ]


def test_the_section_reads_as_a_typed_value_and_writes_back_the_same() -> None:
    storage = storage_mapping(SURROGATE)
    assert storage == Storage(
        providers=TableMapping(
            "ai_providers",
            schema="app",
            id=SurrogateId("id", Generate.UUID),
            columns={"type": "type", "enabled": "enabled"},
            timestamps=Timestamps(created="created_at", format=TimeFormat.EPOCH_SECONDS),
        ),
        connections=TableMapping(
            "llm_connections",
            key="slug",
            columns={"provider": "provider_id", "auth": "auth"},
            references={"provider": "id"},
        ),
    )
    assert storage is not None
    assert storage_mapping(storage.image()) == storage
    assert storage.of(Kind.PROFILE) is None and storage.providers is not None
    assert storage.providers.qualified == "app.ai_providers"
    assert stores_kind(None, Kind.PROFILE) and not stores_kind(storage, Kind.PROFILE)
    assert stores_field(storage, Kind.PROVIDER, "protected")  # in the side table, always
    assert not stores_field(storage, Kind.PROVIDER, "base_url")
    assert storage_mapping(None) is None


def test_the_schema_requires_and_allows_what_the_model_says() -> None:
    storage = config_schema()["properties"]["storage"]["properties"]
    for kind in Kind:
        columns = storage[kind.section]["properties"]["columns"]
        assert tuple(columns["properties"]) == STORABLE[kind]
        assert tuple(columns["required"]) == REQUIRED[kind]


def test_a_valid_mapping_passes_validate(tmp_path: Any) -> None:
    text = "version: 1\nstorage:\n  connections: {table: c, columns: {provider: p, auth: a}}\n"
    assert problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        (
            "  profiles: {table: t, columns: {provider: p}}",
            ("schema.required", "storage.profiles.columns"),
        ),
        (
            "  profiles: {table: 1x, columns: {provider: p, model: m}}",
            ("schema.pattern", "storage.profiles.table"),
        ),
        (
            "  profiles: {table: t, columns: {provider: p, model: m},"
            " id: {column: id, generate: serial}}",
            ("schema.enum", "storage.profiles.id.generate"),
        ),
        (
            "  providers: {table: t, columns: {type: t}, references: {provider: id}}",
            ("schema.additionalProperties", "storage.providers.references"),
        ),
    ],
)
def test_a_malformed_mapping_is_a_located_schema_error(
    tmp_path: Any, fragment: str, expected: tuple[str, str]
) -> None:
    found = problems(tmp_path, f"version: 1\nstorage:\n{fragment}\n")
    assert expected in [(code, path) for code, path, _line in found]


def test_a_row_of_a_kind_not_stored_is_an_error_but_its_canonical_self(tmp_path: Any) -> None:
    text = (
        "version: 1\n"
        "storage:\n"
        "  connections: {table: c, columns: {provider: p, auth: a}}\n"
        "providers:\n"
        "  openai: {type: openai}\n"
        "  mine: {type: openai}\n"
        "profiles:\n"
        "  p: {provider: openai, model: m}\n"
    )
    assert problems(tmp_path, text) == [
        ("storage.not-stored", "providers.mine", 6),
        ("storage.not-stored", "profiles.p", 8),
    ]


def test_setting_a_field_that_is_not_stored_is_an_error_at_the_value(tmp_path: Any) -> None:
    text = (
        "version: 1\n"
        "storage:\n"
        "  providers: {table: p, columns: {type: type}}\n"
        "providers:\n"
        "  mine:\n"
        "    type: openai\n"
        "    enabled: true\n"  # its default, but written: the config says more than is stored
        "    protected: true\n"  # in the side table: always stored
    )
    assert problems(tmp_path, text) == [("storage.field-not-stored", "providers.mine.enabled", 7)]


def test_a_reference_by_id_needs_the_referenced_kinds_id_column(tmp_path: Any) -> None:
    text = (
        "version: 1\n"
        "storage:\n"
        "  providers: {table: p, columns: {type: type}, id: {column: uid, generate: uuid}}\n"
        "  connections:\n"
        "    table: c\n"
        "    columns: {provider: provider_id, auth: auth}\n"
        "    references: {provider: id}\n"
        "  profiles:\n"
        "    table: pr\n"
        "    columns: {provider: provider, model: model}\n"
        "    references: {provider_connection: id}\n"
    )
    found = problems(tmp_path, text)
    assert found == [
        ("storage.reference", "storage.connections.references.provider", 7),
        ("storage.reference", "storage.profiles.references.provider_connection", 11),
    ]
