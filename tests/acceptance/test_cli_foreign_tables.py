"""A database that already holds an application's own ``profiles`` (or ``providers``...) table:
every command says so in one line, names the tables, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from reconciler.cli import cli

FOREIGN = {  # an application's tables that happen to share our names
    "providers": "CREATE TABLE providers (id INTEGER PRIMARY KEY, vendor VARCHAR(50))",
    "provider_connections": "CREATE TABLE provider_connections (id INTEGER PRIMARY KEY)",
    "profiles": "CREATE TABLE profiles (id INTEGER PRIMARY KEY, email VARCHAR(100))",
}
COMMANDS = [
    pytest.param(["plan", "-f", "{config}"], id="plan"),
    pytest.param(["plan", "-f", "{config}", "--format", "json"], id="plan-json"),
    pytest.param(["apply", "-f", "{config}", "--yes"], id="apply"),
    pytest.param(["db", "upgrade"], id="db-upgrade"),
    pytest.param(["export"], id="export"),
]
TABLES = [
    pytest.param(["profiles"], id="profiles"),
    pytest.param(["providers", "provider_connections", "profiles"], id="all-three"),
]


def create_foreign_tables(url: str, names: list[str]) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for name in names:
            connection.execute(sa.text(FOREIGN[name]))
        if "profiles" in names:
            connection.execute(sa.text("INSERT INTO profiles (id, email) VALUES (1, 'a@b.c')"))
    engine.dispose()


def contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        names = sorted(sa.inspect(connection).get_table_names())
        rows = {name: list(connection.execute(sa.text(f"SELECT * FROM {name}"))) for name in names}
    engine.dispose()
    return {name: [tuple(row) for row in table] for name, table in rows.items()}


def run(args: list[str], url: str, tmp_path: Path) -> Result:
    config = tmp_path / "reconcile.yaml"
    config.write_text("version: 1\nproviders:\n  eu:\n    type: anthropic\n", encoding="utf-8")
    argv = [arg.format(config=config) for arg in args]
    return CliRunner().invoke(cli, [*argv, "--database-url", url])


@pytest.mark.parametrize("names", TABLES)
@pytest.mark.parametrize("args", COMMANDS)
def test_same_named_tables_of_another_application_are_refused(
    empty_database_url: str, tmp_path: Path, args: list[str], names: list[str]
) -> None:
    create_foreign_tables(empty_database_url, names)
    before = contents(empty_database_url)
    result = run(args, empty_database_url, tmp_path)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "not created by reconciler" in lines[0]
    shown = ", ".join(name for name in FOREIGN if name in names)
    assert f" {shown} in " in lines[0]
    assert "db upgrade" not in lines[0] and "Traceback" not in result.output
    assert contents(empty_database_url) == before
