"""``reconcile drift -f`` under ``storage`` (DESIGN §14, §15): the rows are read from the
application's tables, and a write to them outside reconcile shows, on every backend."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_schemas import EPOCH, SCHEMAS, SURROGATE
from app_tables import EXTERNAL, PROFILES, app_rows, applied, reconcile
from database_snapshot import execute, journal


def drift_json(config: str, url: str) -> tuple[int, dict[str, Any]]:
    result = reconcile("drift", "-f", config, "--database-url", url, "--format", "json")
    assert result.exit_code in (0, 2), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, document


@pytest.mark.parametrize("schema", SCHEMAS)
def test_in_sync_after_an_apply_and_nothing_is_written(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    config = applied(tmp_path, url, schema)
    before = app_rows(url, schema)
    code, document = drift_json(config, url)
    (entry,) = journal(url)
    assert code == 0
    assert document["drift"] is False and document["out_of_band"] is False
    assert document["state_digest"] == entry["state_after"]
    text = reconcile("drift", "-f", config, "--database-url", url)
    assert text.exit_code == 0, text.output
    assert "Rows: every row matches the config." in text.stdout
    assert app_rows(url, schema) == before


@pytest.mark.parametrize("schema", SCHEMAS)
def test_an_app_row_edited_with_sql_is_a_row_and_an_out_of_band_write(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    config = applied(tmp_path, url, schema)
    execute(url, f"UPDATE {PROFILES[schema]} SET model = 'edited' WHERE name = 'quick'")
    result = reconcile("drift", "-f", config, "--database-url", url)
    assert result.exit_code == 2, result.output
    assert "~ quick" in result.stdout and "model: edited -> gpt-5-mini" in result.stdout
    assert "Journal: the rows changed outside reconcile since journal entry #1" in result.stdout
    code, document = drift_json(config, url)
    assert code == 2
    assert document["rows"] == {"provider": 0, "connection": 0, "profile": 1}
    assert document["out_of_band"] is True


@pytest.mark.parametrize("schema", SCHEMAS)
def test_an_external_row_inserted_with_sql_is_only_an_out_of_band_write(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    config = applied(tmp_path, url, schema)
    execute(url, EXTERNAL[schema][0])
    code, document = drift_json(config, url)
    assert code == 2
    assert document["rows"] == {"provider": 0, "connection": 0, "profile": 0}
    assert document["out_of_band"] is True


@pytest.mark.parametrize(
    ("schema", "statement"),
    [
        (EPOCH, "UPDATE provider_connections SET updated_at = updated_at + 1000"),
        (SURROGATE, "UPDATE llm_profiles SET updated_at = created_at, created_at = updated_at"),
        (SURROGATE, "INSERT INTO app_usage (provider_id, tokens) SELECT id, 5 FROM ai_providers"),
    ],
    ids=["epoch-timestamps", "surrogate-timestamps", "surrogate-unmapped-table"],
)
def test_timestamps_and_unmapped_tables_are_no_drift(
    app_database: Callable[[str], str], schema: str, statement: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    config = applied(tmp_path, url, schema)
    execute(url, statement)
    code, document = drift_json(config, url)
    assert (code, document["out_of_band"]) == (0, False)


def test_drift_without_the_storage_section_is_refused(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    applied(tmp_path, url, SURROGATE)
    plain = tmp_path / "plain.yaml"
    plain.write_text("version: 1\n", encoding="utf-8")
    result = reconcile("drift", "-f", str(plain), "--database-url", url)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "no storage section was given: pass -f with the config that holds" in result.stderr
