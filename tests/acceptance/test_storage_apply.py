"""``plan`` and ``apply`` into the application's own tables (DESIGN §14), on every backend.

The two application-shaped schemas of `app_schemas` are made with plain SQL; the tests look at
what lands in their columns (ids, references by id, values by column type, timestamps) and in
``reconcile_ownership``, and check convergence, ownership, protection and atomicity there.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from app_schemas import APP_TABLES, EPOCH, SURROGATE, config_text
from click.testing import CliRunner

from reconciler.cli import cli
from tests.acceptance import triggers
from tests.acceptance.database_snapshot import execute, snapshot

BOOKKEEPING = ("reconcile_journal", "reconcile_ownership")

SURROGATE_ROWS = """
providers:
  eu:
    type: anthropic
    base_url: "https://eu.example.com"
connections:
  eu-key:
    provider: eu
    auth: {type: api_key, credential: credential/eu/key}
profiles:
  default: {provider: eu, model: claude, provider_connection: eu-key, temperature: 0.7}
  quick: {provider: openai, model: gpt-5-mini}
"""

EPOCH_ROWS = """
connections:
  anthropic-personal:
    provider: anthropic
    auth: {type: api_key, credential: credential/anthropic/api_key}
profiles:
  default: {provider: anthropic, model: claude, provider_connection: anthropic-personal}
  quick: {provider: openai, model: gpt-5-mini, max_tokens: 512}
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def write(tmp_path: Path, schema: str, body: str, name: str = "reconcile.yaml") -> str:
    path = tmp_path / name
    path.write_text(config_text(schema, body), encoding="utf-8")
    return str(path)


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def apply(url: str, path: str, *extra: str) -> tuple[int, str]:
    return run("apply", "-f", path, "--yes", "--database-url", url, *extra)


def plan(url: str, path: str, *extra: str) -> tuple[int, str]:
    return run("plan", "-f", path, "--database-url", url, "--detailed-exitcode", *extra)


def everything(url: str, schema: str) -> dict[str, list[tuple[Any, ...]]]:
    return snapshot(url, (*APP_TABLES[schema], *BOOKKEEPING))


def test_the_surrogate_schema_gets_ids_references_by_id_and_converges(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    path = write(tmp_path, SURROGATE, SURROGATE_ROWS)
    code, output = apply(url, path)
    assert code == 0, output
    assert plan(url, path) == (0, plan(url, path)[1])
    ((provider_id, enabled),) = rows(url, "SELECT id, enabled FROM ai_providers WHERE name = 'eu'")
    uuid.UUID(str(provider_id))  # made by the reconciler: a UUID4
    assert bool(enabled) is True
    ((connection_id, connection_provider, auth),) = rows(
        url, "SELECT id, provider_id, auth FROM llm_connections WHERE name = 'eu-key'"
    )
    assert str(connection_provider) == str(provider_id)
    stored = auth if isinstance(auth, dict) else json.loads(auth)
    assert stored == {"type": "api_key", "credential": "credential/eu/key"}
    ((profile_provider, profile_connection, temperature),) = rows(
        url,
        "SELECT provider_id, connection_id, temperature FROM llm_profiles WHERE name = 'default'",
    )
    assert (str(profile_provider), profile_connection, temperature) == (
        str(provider_id),
        connection_id,
        0.7,
    )
    # the backfilled connection of 'quick' was created in the same apply, and read back by id
    ((quick_connection,),) = rows(
        url, "SELECT connection_id FROM llm_profiles WHERE name = 'quick'"
    )
    ((derived,),) = rows(url, f"SELECT name FROM llm_connections WHERE id = {quick_connection}")
    assert derived == "openai-personal"
    entries = rows(url, "SELECT kind, name, managed_by, owner FROM reconcile_ownership")
    assert ("provider", "eu", "config", "default") in entries
    assert ("provider", "openai", "seed", None) in entries
    assert ("connection", "openai-personal", "backfill", None) in entries
    assert not table_names(url) & {
        "providers",
        "profiles",
    }  # no table of rows of the reconciler's own


def test_the_epoch_schema_stores_auth_as_compact_json_text_and_times_in_milliseconds(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    path = write(tmp_path, EPOCH, EPOCH_ROWS)
    before_ms = int(time.time() * 1000) - 60_000
    code, output = apply(url, path)
    assert code == 0, output
    ((auth, created, updated),) = rows(
        url,
        "SELECT auth, created_at, updated_at FROM provider_connections"
        " WHERE name = 'anthropic-personal'",
    )
    assert auth == '{"credential":"credential/anthropic/api_key","type":"api_key"}'
    assert created == updated and created >= before_ms
    assert plan(url, path)[0] == 0
    execute(url, "UPDATE model_profiles SET created_at = 1, updated_at = 1")
    changed = write(tmp_path, EPOCH, EPOCH_ROWS.replace("max_tokens: 512", "max_tokens: 1024"))
    code, output = apply(url, changed)
    assert code == 0, output
    assert "max_tokens: 512 -> 1024" in output
    assert rows(
        url, "SELECT name, created_at, updated_at > 1 FROM model_profiles ORDER BY name"
    ) == [
        ("default", 1, False),  # not written: its timestamps stay
        ("quick", 1, True),  # written: updated, never created
    ]


def test_providers_not_stored_are_the_canonical_ones_and_declaring_one_is_an_error(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    path = write(tmp_path, EPOCH, "providers:\n  mine: {type: openai}\n")
    code, output = run("validate", "-f", path)
    assert code == 1
    assert "[storage.not-stored]" in output
    canonical = write(tmp_path, EPOCH, "providers:\n  openai: {type: openai}\n", "canonical.yaml")
    assert run("validate", "-f", canonical)[0] == 0
    unknown = write(tmp_path, EPOCH, "profiles:\n  p: {provider: mine, model: m}\n", "unknown.yaml")
    code, output = plan(url, unknown)
    assert code == 1
    assert "[ref.unknown-provider]" in output


def test_integer_booleans_are_written_as_0_and_1_and_read_back(
    backend: str, app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    body = "providers:\n  off:\n    type: openai\n    enabled: false\n"
    path = write(tmp_path, SURROGATE, body)
    assert apply(url, path)[0] == 0
    ((enabled,),) = rows(url, "SELECT enabled FROM ai_providers WHERE name = 'off'")
    assert enabled in (False, 0) and type(enabled) is (bool if backend == "postgresql" else int)
    assert plan(url, path)[0] == 0


def test_a_row_the_application_wrote_is_adopted_and_recorded_in_the_side_table(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    execute(
        url,
        "INSERT INTO provider_connections (name, provider, auth, created_at, updated_at)"
        """ VALUES ('anthropic-personal', 'anthropic', '{"type": "none"}', 5, 5)""",
    )
    path = write(tmp_path, EPOCH, EPOCH_ROWS)
    code, output = plan(url, path)
    assert code == 2
    assert "adopt" in output
    assert apply(url, path)[0] == 0
    assert rows(
        url,
        "SELECT managed_by, owner FROM reconcile_ownership WHERE name = 'anthropic-personal'",
    ) == [("config", "default")]
    ((created,),) = rows(
        url, "SELECT created_at FROM provider_connections WHERE name = 'anthropic-personal'"
    )
    assert created == 5  # the application's own value: created is set on insert only


def test_protected_in_the_side_table_keeps_a_row_from_any_delete(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    path = write(tmp_path, EPOCH, EPOCH_ROWS)
    assert apply(url, path)[0] == 0
    execute(url, "UPDATE reconcile_ownership SET protected = TRUE WHERE name = 'quick'")
    without = write(tmp_path, EPOCH, EPOCH_ROWS.split("  quick:")[0], "without.yaml")
    code, output = apply(url, without, "--force")
    assert code == 3, output
    assert "profile quick is protected" in output
    assert rows(url, "SELECT name FROM model_profiles WHERE name = 'quick'") == [("quick",)]


def test_a_row_deleted_behind_the_tools_back_loses_its_side_table_entry(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    path = write(tmp_path, EPOCH, EPOCH_ROWS.split("  quick:")[0])
    assert apply(url, path)[0] == 0
    execute(url, "DELETE FROM model_profiles WHERE name = 'default'")
    assert rows(url, "SELECT count(*) FROM reconcile_ownership WHERE name = 'default'") == [(1,)]
    code, output = apply(url, path)  # declared again: created again, one entry
    assert code == 0, output
    assert rows(url, "SELECT count(*) FROM reconcile_ownership WHERE name = 'default'") == [(1,)]
    execute(url, "DELETE FROM model_profiles WHERE name = 'default'")
    other = EPOCH_ROWS.split("profiles:")[0] + "profiles:\n  other: {provider: openai, model: m}\n"
    emptied = write(tmp_path, EPOCH, other, "b.yaml")
    assert apply(url, emptied)[0] == 0
    assert rows(url, "SELECT count(*) FROM reconcile_ownership WHERE name = 'default'") == [(0,)]


def test_a_value_the_model_cannot_hold_is_a_located_error_and_nothing_is_written(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    execute(
        url,
        "INSERT INTO provider_connections (name, provider, auth, created_at, updated_at)"
        " VALUES ('broken', 'openai', 'not json', 1, 1)",
    )
    path = write(tmp_path, EPOCH, EPOCH_ROWS)
    before = everything(url, EPOCH)
    code, output = apply(url, path)
    assert code == 1
    assert (
        "state.unreadable" in output and "provider_connections 'broken': auth is not JSON" in output
    )
    assert everything(url, EPOCH) == before


def test_a_failure_on_a_mapped_table_rolls_everything_back(
    backend: str, app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    path = write(tmp_path, SURROGATE, SURROGATE_ROWS)
    assert apply(url, path)[0] == 0
    fail = triggers.statements(triggers.FAIL_ON_UPDATE, backend, on="llm_profiles", row="default")
    execute(url, *fail)
    changed = SURROGATE_ROWS.replace("model: claude", "model: claude-2").replace(
        "quick: {provider: openai, model: gpt-5-mini}",
        "quick: {provider: openai, model: gpt-5}\n  fresh: {provider: eu, model: x}",
    )
    second = write(tmp_path, SURROGATE, changed + "  gone-soon: {provider: openai, model: y}\n")
    before = everything(url, SURROGATE)
    code, output = apply(url, second)
    assert code == 1
    assert "trigger refused default" in output
    assert everything(url, SURROGATE) == before
    execute(
        url,
        *triggers.statements(triggers.DROP, backend, on="llm_profiles", name="reconcile_test_fail"),
    )
    assert apply(url, second)[0] == 0
    assert plan(url, second)[0] == 0


def test_a_mapping_that_does_not_fit_the_table_is_refused_before_reading(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    text = config_text(EPOCH, EPOCH_ROWS).replace('"table": "model_profiles"', '"table": "nowhere"')
    path = tmp_path / "wrong.yaml"
    path.write_text(text, encoding="utf-8")
    before = everything(url, EPOCH)
    code, output = apply(url, str(path))
    assert code == 1
    assert "nowhere" in output
    assert everything(url, EPOCH) == before


@pytest.mark.parametrize("schema", [EPOCH, SURROGATE])
def test_plan_never_writes_not_even_the_bookkeeping_tables(
    schema: str, app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(schema)
    path = write(tmp_path, schema, EPOCH_ROWS if schema == EPOCH else SURROGATE_ROWS)
    before = table_names(url)
    assert plan(url, path)[0] == 2
    assert table_names(url) == before
