"""Export, apply the export, plan again: nothing changes but ownership (DESIGN §6, Convergence).

Through the real CLI on every backend, from rows written with plain SQL: external rows, a
backfill row, legacy names, NULL optional fields, and (in the first case) legacy profiles without
``provider_connection``, which the apply backfills as every plan would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from legacy_rows import insert_rows

from reconciler.cli import cli
from reconciler.model import DatabaseState, ManagedBy
from reconciler.store import open_engine, read_state

LEGACY_NAMES = {"Legacy_OpenAI", "Legacy-Key", "Old Bot"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def state(url: str) -> DatabaseState:
    engine = open_engine(url, read_only=True)
    with engine.connect() as connection:
        read = read_state(connection)
    engine.dispose()
    return read


def rows(read: DatabaseState) -> dict[str, dict[str, object]]:
    tables = (read.providers, read.connections, read.profiles)
    return {f"{row.name}": row.image() for table in tables for row in table.values()}


def owners(read: DatabaseState) -> dict[str, ManagedBy | None]:
    tables = (read.providers, read.connections, read.profiles)
    return {row.name: row.managed_by for table in tables for row in table.values()}


def round_trip(url: str, folder: Path) -> tuple[DatabaseState, DatabaseState]:
    config = str(folder / "export.yaml")
    before = state(url)
    code, _, stderr = run("export", "--database-url", url, "-o", config)
    assert code == 0, stderr
    code, stdout, stderr = run("apply", "-f", config, "--yes", "--database-url", url)
    assert code == 0, stdout + stderr
    assert "0 created" in stdout and "0 deleted" in stdout
    after = state(url)
    code, stdout, stderr = run("plan", "-f", config, "--database-url", url, "--detailed-exitcode")
    assert code == 0, stdout + stderr
    code, stdout, _ = run("apply", "-f", config, "--yes", "--database-url", url)
    assert (code, state(url)) == (0, after)
    return before, after


def test_apply_of_the_export_changes_only_ownership(database_url: str, tmp_path: Path) -> None:
    insert_rows(database_url, with_legacy_backfill=False)
    before, after = round_trip(database_url, tmp_path)
    assert rows(after) == rows(before)
    assert_adopted(before, after)


def test_legacy_profiles_without_connection_get_the_one_every_plan_derives(
    database_url: str, tmp_path: Path
) -> None:
    insert_rows(database_url)
    before, after = round_trip(database_url, tmp_path)
    expected = rows(before)
    expected["quick"] = {**expected["quick"], "provider_connection": "openai-managed"}
    expected["local"] = {**expected["local"], "provider_connection": "gpu-box-local"}
    assert rows(after) == expected
    assert_adopted(before, after)


def assert_adopted(before: DatabaseState, after: DatabaseState) -> None:
    was, now = owners(before), owners(after)
    for name, owner in now.items():
        if was[name] is ManagedBy.SEED or name in LEGACY_NAMES:
            assert owner is was[name], name
        else:
            assert owner is ManagedBy.CONFIG, name
    assert {name for name, owner in was.items() if owner is None} - LEGACY_NAMES


@pytest.mark.parametrize("legacy", [True, False])
def test_the_export_of_the_applied_export_only_gains_the_backfilled_values(
    database_url: str, tmp_path: Path, legacy: bool
) -> None:
    insert_rows(database_url, with_legacy_backfill=legacy)
    round_trip(database_url, tmp_path)
    code, again, _ = run("export", "--database-url", database_url)
    assert code == 0
    first = (tmp_path / "export.yaml").read_text().splitlines(keepends=True)
    added = [line for line in again.splitlines(keepends=True) if line not in first]
    assert added == (
        ["    provider_connection: gpu-box-local\n", "    provider_connection: openai-managed\n"]
        if legacy
        else []
    )
