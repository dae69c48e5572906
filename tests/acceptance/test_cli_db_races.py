"""``db upgrade`` under the reconciler lock: racing upgrades and applies on a fresh database all
succeed, and an upgrade killed half-way (MySQL commits each ``CREATE TABLE``) is resumed."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from database_servers import DatabaseServer, SqliteFiles

from reconciler.cli import cli
from reconciler.store import head_revision, open_engine
from reconciler.store.lock import locked_transaction
from reconciler.store.migrate import VERSION_TABLE, _config
from tests.acceptance.database_snapshot import journal

RECONCILE = [sys.executable, "-m", "reconciler"]
UPGRADES = 4
KILL_ATTEMPTS = 5
CONFIG = """\
version: 1
providers:
  local:
    type: ollama
profiles:
  bot:
    provider: local
    model: llama3
"""
CREATION_ORDER = ("providers", "provider_connections", "profiles", "reconcile_journal")
ALL_TABLES = {*CREATION_ORDER, "reconcile_instance", VERSION_TABLE}


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def revision(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(sa.text(f"SELECT * FROM {VERSION_TABLE}"))]
    finally:
        engine.dispose()


def test_parallel_upgrades_and_an_apply_on_a_fresh_database_all_succeed(
    empty_database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    upgrade = [*RECONCILE, "db", "upgrade", "--database-url", empty_database_url]
    apply = [*RECONCILE, "apply", "--yes", "-f", str(config), "--database-url", empty_database_url]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in [*([upgrade] * UPGRADES), apply]
    ]
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in processes]
    for code, out, err in outcomes:
        assert (code, err) == (0, ""), out
    upgraded = [out for _code, out, _err in outcomes[:UPGRADES] if "upgraded from no schema" in out]
    assert len(upgraded) <= 1  # the one that came first, unless the apply did
    assert revision(empty_database_url) == [head_revision()]
    assert len(journal(empty_database_url)) == 1


def test_an_upgrade_waits_for_the_lock_and_gives_up_cleanly(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        with locked_transaction(engine):
            result = CliRunner().invoke(
                cli, ["db", "upgrade", "--lock-timeout", "0", "--database-url", database_url]
            )
    finally:
        engine.dispose()
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: timed out after 0s waiting for the reconciler lock")
    assert len(result.output.splitlines()) == 1


def leave_a_killed_initial_upgrade(url: str, created: tuple[str, ...]) -> None:
    """The state an upgrade killed after creating ``created`` leaves on MySQL: the version table
    (Alembic creates it first) empty, and those tables as the first revision made them."""
    engine = open_engine(url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001")
    with engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM {VERSION_TABLE}"))
        for table in reversed(CREATION_ORDER):
            if table not in created:
                connection.execute(sa.text(f"DROP TABLE {table}"))
    engine.dispose()


def apply(url: str, tmp_path: Path) -> tuple[int, str]:
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["apply", "--yes", "-f", str(config), "--database-url", url])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "created",
    [(), ("providers",), ("providers", "provider_connections", "profiles")],
    ids=["none", "one", "three"],
)
def test_apply_resumes_an_upgrade_killed_between_tables(
    empty_database_url: str, tmp_path: Path, created: tuple[str, ...]
) -> None:
    leave_a_killed_initial_upgrade(empty_database_url, created)
    assert tables(empty_database_url) == {VERSION_TABLE, *created}
    code, output = apply(empty_database_url, tmp_path)
    assert code == 0, output
    assert tables(empty_database_url) == ALL_TABLES
    assert revision(empty_database_url) == [head_revision()]
    assert len(journal(empty_database_url)) == 1


def test_a_leftover_table_that_is_not_ours_is_refused_with_how_to_recover(
    empty_database_url: str, tmp_path: Path
) -> None:
    leave_a_killed_initial_upgrade(empty_database_url, ())
    engine = sa.create_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE providers (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    code, output = apply(empty_database_url, tmp_path)
    assert code == 1, output
    assert "Traceback" not in output and len(output.strip().splitlines()) == 1
    assert output.startswith("error: ")
    assert "interrupted" in output and "providers" in output
    assert f"drop the tables providers and {VERSION_TABLE}" in output
    assert "then run reconcile db upgrade" in output
    assert tables(empty_database_url) == {VERSION_TABLE, "providers"}  # nothing else created


def kill_when_half_created(url: str) -> set[str]:
    """Start ``db upgrade`` and kill -9 it once it has created one of our tables but not all
    (or when it is done): the tables it leaves."""
    process = subprocess.Popen(
        [*RECONCILE, "db", "upgrade", "--database-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = sa.create_engine(url)
    try:
        while process.poll() is None:
            try:
                found = set(sa.inspect(engine).get_table_names())
            except sa.exc.OperationalError:  # SQLite: the file is being written
                continue
            if found & set(CREATION_ORDER) and found != ALL_TABLES:
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_real_kill_during_the_first_upgrade_is_resumed_by_apply(
    database_server: SqliteFiles | DatabaseServer, backend: str, tmp_path: Path
) -> None:
    half_created = 0
    for _attempt in range(KILL_ATTEMPTS):
        url = database_server.create()
        try:
            left = kill_when_half_created(url)
            half_created += bool(left & set(CREATION_ORDER)) and not revision(url)
            code, output = apply(url, tmp_path)
            assert code == 0, (left, output)
            assert tables(url) == ALL_TABLES
            assert revision(url) == [head_revision()]
        finally:
            database_server.drop(url)
    if backend == "mysql":  # the only backend whose DDL is not transactional
        assert half_created > 0
