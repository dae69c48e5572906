"""The storage examples (``examples/storage/``) really work: each ``schema.sql``, run on its
backend as the README says, builds the tables `app_schemas` gives the tests; each config maps them
as `app_schemas.STORAGE` does; and ``reconcile apply`` of the config onto the fresh tables is
followed by a plan with nothing to do, with only the bookkeeping tables added."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from app_schemas import APP_TABLES, EPOCH, STORAGE, SURROGATE, create_schema
from click.testing import CliRunner, Result
from database_servers import DatabaseServer, SqliteFiles, _connect_server

from reconciler.cli import cli
from reconciler.config import load_config
from reconciler.config.storage import storage_mapping
from reconciler.store.mapped.columns import classify

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "storage"
BOOKKEEPING = {
    "reconcile_instance",
    "reconcile_journal",
    "reconcile_ownership",
    "reconcile_schema_version",
}
CASES = [
    pytest.param("sqlite-epoch", "sqlite", EPOCH, marks=pytest.mark.sqlite, id="sqlite-epoch"),
    pytest.param(
        "postgres-uuid", "postgresql", SURROGATE, marks=pytest.mark.postgres, id="postgres-uuid"
    ),
]


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """``make(backend)``: the URL of a brand-new, empty database, dropped after the test."""
    servers: dict[str, SqliteFiles | DatabaseServer] = {}
    made: list[tuple[str, str]] = []

    def make(backend: str) -> str:
        if backend not in servers:
            servers[backend] = (
                SqliteFiles(tmp_path) if backend == "sqlite" else _connect_server(backend)
            )
        url = servers[backend].create()
        made.append((backend, url))
        return url

    yield make
    for backend, url in made:
        servers[backend].drop(url)
    for server in servers.values():
        server.close()


def run_script(url: str, backend: str, path: Path) -> None:
    """Run an SQL file whole, as ``sqlite3 app.db < schema.sql`` or ``psql -f schema.sql`` do."""
    script = path.read_text(encoding="utf-8")
    if backend == "sqlite":
        with sqlite3.connect(sa.make_url(url).database or "") as connection:
            connection.executescript(script)
        return
    engine = sa.create_engine(url)
    try:
        connection = engine.raw_connection()
        try:
            # Without parameters, psycopg sends the statements as one simple query, as psql does.
            connection.cursor().execute(script)
            connection.commit()
        finally:
            connection.close()
    finally:
        engine.dispose()


def shape(url: str) -> dict[str, Any]:
    """Per table: columns (name, class of type, nullable, has a default), primary key, unique
    column sets and foreign keys with their ON DELETE rule."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return {table: _table_shape(inspector, table) for table in inspector.get_table_names()}
    finally:
        engine.dispose()


def _table_shape(inspector: sa.Inspector, table: str) -> dict[str, Any]:
    columns = [
        (c["name"], classify(c["type"]), c["nullable"], c.get("default") is not None)
        for c in inspector.get_columns(table)
    ]
    uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
    uniques |= {tuple(i["column_names"]) for i in inspector.get_indexes(table) if i["unique"]}
    foreign = {
        (
            tuple(fk["constrained_columns"]),
            fk["referred_table"],
            tuple(fk["referred_columns"]),
            (fk.get("options", {}).get("ondelete") or "NO ACTION").upper(),
        )
        for fk in inspector.get_foreign_keys(table)
    }
    primary = tuple(inspector.get_pk_constraint(table)["constrained_columns"])
    return {"columns": columns, "primary": primary, "unique": uniques, "foreign": foreign}


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(("example", "backend", "schema"), CASES)
def test_the_config_maps_the_tables_as_the_tests_do(
    example: str, backend: str, schema: str
) -> None:
    loaded = load_config([str(EXAMPLES / example / "reconcile.yaml")], environ={})
    assert loaded.desired.storage == storage_mapping(STORAGE[schema])


@pytest.mark.parametrize(("example", "backend", "schema"), CASES)
def test_the_schema_has_the_shape_of_the_tests_schema(
    example: str, backend: str, schema: str, new_database: Callable[[str], str]
) -> None:
    from_example, from_tests = new_database(backend), new_database(backend)
    run_script(from_example, backend, EXAMPLES / example / "schema.sql")
    create_schema(from_tests, schema, backend)
    assert set(shape(from_example)) == set(APP_TABLES[schema])
    assert shape(from_example) == shape(from_tests)


@pytest.mark.parametrize(("example", "backend", "schema"), CASES)
def test_the_example_applies_and_then_plans_nothing(
    example: str, backend: str, schema: str, new_database: Callable[[str], str]
) -> None:
    url = new_database(backend)
    run_script(url, backend, EXAMPLES / example / "schema.sql")
    config = str(EXAMPLES / example / "reconcile.yaml")
    planned = reconcile("plan", "-f", config, "--database-url", url, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    applied = reconcile("apply", "-f", config, "--database-url", url, "--yes")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete" in applied.output
    again = reconcile("plan", "-f", config, "--database-url", url, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert set(shape(url)) == {*APP_TABLES[schema], *BOOKKEEPING}


@pytest.mark.parametrize(("example", "backend", "schema"), CASES)
def test_the_reviewed_plan_file_of_the_example_shows_and_applies(
    example: str, backend: str, schema: str, new_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = new_database(backend)
    run_script(url, backend, EXAMPLES / example / "schema.sql")
    config, saved = str(EXAMPLES / example / "reconcile.yaml"), str(tmp_path / "plan.json")
    planned = reconcile("plan", "-f", config, "--database-url", url, "--out", saved)
    assert planned.exit_code == 0, planned.output
    shown = reconcile("show", saved)
    assert shown.exit_code == 0, shown.output
    assert shown.output == planned.output.split("\nSaved the plan to")[0] + "\n"
    applied = reconcile("apply", saved, "--database-url", url)
    assert applied.exit_code == 0, applied.output
    again = reconcile("plan", "-f", config, "--database-url", url, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
