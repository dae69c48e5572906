"""Under ``storage`` (DESIGN §14): ``db upgrade -f`` creates only the bookkeeping tables beside the
application's, and ``history`` reads their journal with no config, on every backend."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from app_schemas import APP_TABLES, SCHEMAS, SURROGATE
from app_tables import BOOKKEEPING, app_rows, applied, reconcile, table_names, write_config
from database_snapshot import execute, scalar

from reconciler.store import redact


@pytest.mark.parametrize("schema", SCHEMAS)
def test_db_upgrade_with_the_config_creates_only_the_bookkeeping_tables(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    before = app_rows(url, schema)
    config = write_config(tmp_path, schema)
    first = reconcile("db", "upgrade", "-f", config, "--database-url", url)
    second = reconcile("db", "upgrade", "-f", config, "--database-url", url)
    assert first.exit_code == 0, first.output
    tables = (
        ": the bookkeeping tables for the storage mapping (the rows stay in the tables it maps)"
    )
    shown = redact(url)
    assert first.output == f"{shown}: upgraded from no schema to revision s0001 (head){tables}\n"
    assert second.exit_code == 0, second.output
    assert second.output == f"{shown}: already at revision s0001 (head){tables}\n"
    assert table_names(url) == {*APP_TABLES[schema], *BOOKKEEPING}
    assert app_rows(url, schema) == before
    assert scalar(url, "SELECT count(*) FROM reconcile_instance") == 1
    assert scalar(url, "SELECT count(*) FROM reconcile_ownership") == 0


def test_db_upgrade_with_an_invalid_config_shows_its_problems_and_opens_nothing(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    config = write_config(tmp_path, SURROGATE, "providers:\n  eu: {type: anthropik}\n")
    result = reconcile("db", "upgrade", "-f", config, "--database-url", url)
    assert result.exit_code == 1, result.output
    assert "error [schema.enum]" in result.stderr
    assert result.stderr.endswith("error: the config has 1 error(s); nothing was upgraded\n")
    assert result.stdout == ""
    assert table_names(url) == set(APP_TABLES[SURROGATE])


def test_db_upgrade_without_the_config_refuses_a_database_set_up_for_storage(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    applied(tmp_path, url, SURROGATE)
    tables = table_names(url)
    result = reconcile("db", "upgrade", "--database-url", url)
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line == (
        f"error: {redact(url)} keeps its rows in the application's tables (a storage mapping;"
        " revision s0001), and no storage section was given: pass -f with the config that holds"
        " the storage section the database was set up with"
    )
    assert table_names(url) == tables


def test_db_upgrade_with_storage_refuses_a_database_of_own_tables(
    database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, SURROGATE)
    result = reconcile("db", "upgrade", "-f", config, "--database-url", database_url)
    assert result.exit_code == 1, result.output
    assert "holds the reconciler's own tables (revision 0004)" in result.stderr
    assert not {"reconcile_ownership", *APP_TABLES[SURROGATE]} & table_names(database_url)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_history_reads_a_storage_database_with_no_config(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    assert reconcile("history", "--database-url", url).output == "No applies recorded.\n"
    applied(tmp_path, url, schema)
    applied(tmp_path, url, schema)
    text = reconcile("history", "--database-url", url)
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("#2 ") and "\n#1 " in text.stdout
    assert "0 created, 0 updated, 0 deleted" in text.stdout
    assert "changed outside reconcile" not in text.stdout
    result = reconcile("history", "--database-url", url, "--format", "json", "--plan")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [entry["id"] for entry in entries] == [2, 1]
    assert entries[0]["state_before"] == entries[1]["state_after"]
    assert entries[1]["summary"]["create"] > 0 and entries[0]["summary"]["create"] == 0
    names = {(c["kind"], c["name"]) for c in entries[1]["plan"]["changes"]}
    assert ("profile", "writer") in names


def test_history_refuses_a_newer_bookkeeping_revision(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    applied(tmp_path, url, SURROGATE)
    execute(url, "UPDATE reconcile_schema_version SET version_num = 's9999'")
    result = reconcile("history", "--database-url", url)
    assert result.exit_code == 1, result.output
    assert (
        "is at revision s9999, which this version of reconciler does not know (its newest is"
        " s0001): upgrade reconciler"
    ) in result.stderr


def test_history_refuses_a_newer_revision_of_own_tables(database_url: str) -> None:
    execute(database_url, "UPDATE reconcile_schema_version SET version_num = '0999'")
    try:
        result = reconcile("history", "--database-url", database_url)
    finally:
        execute(database_url, "UPDATE reconcile_schema_version SET version_num = '0004'")
    assert result.exit_code == 1, result.output
    assert "is at revision 0999, which this version of reconciler does not know" in result.stderr
