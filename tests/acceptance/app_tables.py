"""What the ``storage`` tests look at: the rows of an application's tables (`app_schemas`), the
tables a database has, configs with a schema's storage section, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from app_schemas import APP_TABLES, EPOCH, SURROGATE, config_text
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.store import open_engine

BOOKKEEPING = {
    "reconcile_journal",
    "reconcile_instance",
    "reconcile_ownership",
    "reconcile_schema_version",
}
"""The only tables the reconciler creates under ``storage``."""

BODY = {
    EPOCH: """\
connections:
  anthropic-personal:
    provider: anthropic
    auth: {type: api_key, credential: credential/anthropic/api_key}
profiles:
  writer:
    provider: anthropic
    model: claude-sonnet-4-6
    provider_connection: anthropic-personal
    max_tokens: 1000
  quick:
    provider: openai
    model: gpt-5-mini
""",
    SURROGATE: """\
providers:
  eu:
    type: anthropic
    base_url: https://eu.example.com
connections:
  eu-key:
    provider: eu
    auth: {type: api_key, credential: credential/eu/api_key}
profiles:
  writer:
    provider: eu
    model: claude-sonnet-4-6
    provider_connection: eu-key
    temperature: 0.7
  quick:
    provider: openai
    model: gpt-5-mini
""",
}
"""Rows of each schema's kinds (the epoch schema stores no providers)."""

PROFILES = {EPOCH: "model_profiles", SURROGATE: "llm_profiles"}
"""Each schema's table of profiles."""

EXTERNAL = {
    EPOCH: (
        "INSERT INTO provider_connections (name, provider, auth, created_at, updated_at)"
        """ VALUES ('app-made', 'ollama', '{"type": "none"}', 1, 2)""",
        "INSERT INTO model_profiles (name, provider, model, connection, created_at, updated_at)"
        " VALUES ('app-bot', 'ollama', 'llama3', 'app-made', 3, 4)",
        "INSERT INTO model_profiles (name, provider, model, connection, created_at, updated_at)"
        " VALUES ('Old Bot', 'openai', 'gpt-4', 'openai-managed', 5, 6)",
    ),
    SURROGATE: (
        "INSERT INTO ai_providers (id, name, type, enabled)"
        " VALUES ('0b9b1d3e-5f1a-4c3e-9a57-3c1f0e6b7a01', 'app-made', 'ollama', FALSE)",
        "INSERT INTO llm_connections (name, provider_id, auth)"
        " VALUES ('app-local', '0b9b1d3e-5f1a-4c3e-9a57-3c1f0e6b7a01', '{\"type\": \"none\"}')",
        "INSERT INTO llm_profiles (name, provider_id, connection_id, model, label)"
        " VALUES ('Old Bot', '0b9b1d3e-5f1a-4c3e-9a57-3c1f0e6b7a01',"
        " (SELECT id FROM llm_connections WHERE name = 'app-local'), 'llama3', 'legacy')",
    ),
}
"""Rows an application inserts with plain SQL (after an apply seeded the canonical rows): external
ones, each with its connection (so no plan backfills them), one with a legacy name."""


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_config(folder: Path, schema: str, body: str | None = None, name: str = "c.yaml") -> str:
    """A config file with ``schema``'s storage section and ``body`` (default: `BODY`)."""
    path = folder / name
    path.write_text(config_text(schema, BODY[schema] if body is None else body), encoding="utf-8")
    return str(path)


def applied(folder: Path, url: str, schema: str, body: str | None = None) -> str:
    """The config written and applied with ``apply -f … --yes``."""
    config = write_config(folder, schema, body)
    result = reconcile("apply", "-f", config, "--yes", "--database-url", url)
    assert result.exit_code == 0, result.output
    return config


def table_names(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def app_rows(url: str, schema: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``schema``'s tables, timestamps and ids included, in a stable order."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: sorted(
                    (
                        tuple(_plain(v) for v in row)
                        for row in connection.execute(sa.text(f"SELECT * FROM {table}"))
                    ),
                    key=repr,
                )
                for table in APP_TABLES[schema]
            }
    finally:
        engine.dispose()


def names(url: str, table: str) -> set[str]:
    """The ``name`` column of ``table``."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(sa.text(f"SELECT name FROM {table}")).scalars())
    finally:
        engine.dispose()


def _plain(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
