"""Application-shaped schemas for the ``storage`` mapping (DESIGN §14), in plain SQL per backend.

Two applications, as the issue describes them:

- ``epoch``: ``provider_connections(name TEXT PRIMARY KEY, provider, auth TEXT holding JSON,
  created_at and updated_at as epoch milliseconds)`` and ``model_profiles`` keyed by name; the
  providers live in the application's code (not stored).
- ``surrogate``: ``ai_providers`` keyed by a UUID ``id``, ``llm_connections`` and ``llm_profiles``
  with autoincrement ids referencing them by id, and two tables of the application's own that
  reference providers under ``ON DELETE SET NULL`` (``app_usage``) and ``RESTRICT``
  (``app_invoices``).

`create_schema` runs the statements on a database the caller made; `STORAGE` holds the
``storage`` section of a config for each.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

EPOCH = "epoch"
SURROGATE = "surrogate"
SCHEMAS = (EPOCH, SURROGATE)

_TYPES: dict[str, dict[str, str]] = {
    "sqlite": {
        "name": "TEXT",
        "uuid": "TEXT",
        "serial": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "json": "JSON",
        "bool": "INTEGER NOT NULL DEFAULT 1",
        "time": "TIMESTAMP",
        "now": "CURRENT_TIMESTAMP",
        "double": "REAL",
        "suffix": "",
    },
    "postgresql": {
        "name": "VARCHAR(255)",
        "uuid": "UUID",
        "serial": "SERIAL PRIMARY KEY",
        "json": "JSONB",
        "bool": "BOOLEAN NOT NULL DEFAULT TRUE",
        "time": "TIMESTAMP WITH TIME ZONE",
        "now": "CURRENT_TIMESTAMP",
        "double": "DOUBLE PRECISION",
        "suffix": "",
    },
    "mysql": {
        "name": "VARCHAR(255)",
        "uuid": "CHAR(36)",
        "serial": "INTEGER AUTO_INCREMENT PRIMARY KEY",
        "json": "JSON",
        "bool": "TINYINT(1) NOT NULL DEFAULT 1",
        "time": "DATETIME(6)",
        "now": "CURRENT_TIMESTAMP(6)",
        "double": "DOUBLE",
        "suffix": " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    },
}

_EPOCH_SQL = (
    """CREATE TABLE provider_connections (
        name {name} PRIMARY KEY,
        provider {name} NOT NULL,
        auth TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
    ){suffix}""",
    """CREATE TABLE model_profiles (
        name {name} PRIMARY KEY,
        provider {name} NOT NULL,
        model {name} NOT NULL,
        connection {name} NULL REFERENCES provider_connections (name),
        temperature {double} NULL,
        max_tokens INTEGER NULL,
        system_prompt TEXT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
    ){suffix}""",
)

_SURROGATE_SQL = (
    """CREATE TABLE ai_providers (
        id {uuid} PRIMARY KEY,
        name {name} NOT NULL UNIQUE,
        type VARCHAR(32) NOT NULL,
        base_url TEXT NULL,
        enabled {bool},
        created_at {time} NOT NULL DEFAULT {now},
        updated_at {time} NOT NULL DEFAULT {now}
    ){suffix}""",
    """CREATE TABLE llm_connections (
        id {serial},
        name {name} NOT NULL UNIQUE,
        provider_id {uuid} NOT NULL REFERENCES ai_providers (id),
        auth {json} NOT NULL,
        created_at {time} NOT NULL DEFAULT {now},
        updated_at {time} NOT NULL DEFAULT {now}
    ){suffix}""",
    """CREATE TABLE llm_profiles (
        id {serial},
        name {name} NOT NULL UNIQUE,
        provider_id {uuid} NOT NULL REFERENCES ai_providers (id),
        connection_id INTEGER NULL REFERENCES llm_connections (id),
        model {name} NOT NULL,
        label TEXT NULL,
        description TEXT NULL,
        system_prompt TEXT NULL,
        temperature {double} NULL,
        max_tokens INTEGER NULL,
        created_at {time} NOT NULL DEFAULT {now},
        updated_at {time} NOT NULL DEFAULT {now}
    ){suffix}""",
    """CREATE TABLE app_usage (
        id {serial},
        provider_id {uuid} NULL REFERENCES ai_providers (id) ON DELETE SET NULL,
        tokens INTEGER NOT NULL DEFAULT 0
    ){suffix}""",
    """CREATE TABLE app_invoices (
        id {serial},
        provider_id {uuid} NOT NULL REFERENCES ai_providers (id) ON DELETE RESTRICT,
        amount INTEGER NOT NULL DEFAULT 0
    ){suffix}""",
)

STORAGE: dict[str, dict[str, Any]] = {
    EPOCH: {
        "connections": {
            "table": "provider_connections",
            "columns": {"provider": "provider", "auth": "auth"},
            "timestamps": {
                "created": "created_at",
                "updated": "updated_at",
                "format": "epoch_milliseconds",
            },
        },
        "profiles": {
            "table": "model_profiles",
            "columns": {
                "provider": "provider",
                "model": "model",
                "provider_connection": "connection",
                "temperature": "temperature",
                "max_tokens": "max_tokens",
                "system_prompt": "system_prompt",
            },
            "timestamps": {
                "created": "created_at",
                "updated": "updated_at",
                "format": "epoch_milliseconds",
            },
        },
    },
    SURROGATE: {
        "providers": {
            "table": "ai_providers",
            "id": {"column": "id", "generate": "uuid"},
            "columns": {"type": "type", "base_url": "base_url", "enabled": "enabled"},
            "timestamps": {"created": "created_at", "updated": "updated_at"},
        },
        "connections": {
            "table": "llm_connections",
            "id": {"column": "id", "generate": "database"},
            "columns": {"provider": "provider_id", "auth": "auth"},
            "references": {"provider": "id"},
            "timestamps": {"created": "created_at", "updated": "updated_at"},
        },
        "profiles": {
            "table": "llm_profiles",
            "id": {"column": "id", "generate": "database"},
            "columns": {
                "provider": "provider_id",
                "provider_connection": "connection_id",
                "model": "model",
                "label": "label",
                "description": "description",
                "system_prompt": "system_prompt",
                "temperature": "temperature",
                "max_tokens": "max_tokens",
            },
            "references": {"provider": "id", "provider_connection": "id"},
            "timestamps": {"created": "created_at", "updated": "updated_at"},
        },
    },
}
"""The ``storage`` section of a config for each schema."""

APP_TABLES: dict[str, tuple[str, ...]] = {
    EPOCH: ("model_profiles", "provider_connections"),
    SURROGATE: ("app_invoices", "app_usage", "llm_profiles", "llm_connections", "ai_providers"),
}
"""Each schema's tables, children first (the order to empty or drop them in)."""


def statements(schema: str, backend: str) -> list[str]:
    """The ``CREATE TABLE`` statements of ``schema`` on ``backend``."""
    source = _EPOCH_SQL if schema == EPOCH else _SURROGATE_SQL
    return [statement.format(**_TYPES[backend]) for statement in source]


def create_schema(url: str, schema: str, backend: str) -> None:
    """Create ``schema``'s tables in the (empty) database at ``url`` with plain SQL."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements(schema, backend):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def config_text(schema: str, body: str = "") -> str:
    """A config document (YAML) with ``schema``'s storage section and ``body`` after it."""
    import json

    return f"version: 1\nstorage: {json.dumps(STORAGE[schema])}\n{body}"
