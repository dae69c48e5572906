"""`reflect_storage` on real databases: the application schemas of `app_schemas`, broken ones,
their foreign keys, and that reflecting writes nothing."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from app_schemas import APP_TABLES, EPOCH, STORAGE, SURROGATE
from database_servers import DatabaseServer, SqliteFiles

from reconciler.config.storage import storage_mapping
from reconciler.errors import Location, Problem, SourceMap
from reconciler.model import Kind
from reconciler.store import connected
from reconciler.store.mapped.reflect import Reflected, located, reflect_storage

MakeDatabase = Callable[[str], str]


def reflect(url: str, section: dict[str, Any]) -> Reflected:
    storage = storage_mapping(section)
    assert storage is not None
    with connected(url, read_only=True) as connection:
        return reflect_storage(connection, storage)


def run(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def changed(schema: str, path: str, value: Any) -> dict[str, Any]:
    """``STORAGE[schema]`` with the entry at dotted ``path`` set (``None``: removed)."""
    section = copy.deepcopy(STORAGE[schema])
    *parents, last = path.split(".")
    node = section
    for part in parents:
        node = node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return section


def codes(reflected: Reflected) -> list[tuple[str, str]]:
    return [(problem.code, problem.path) for problem in reflected.problems]


@pytest.mark.parametrize("schema", [EPOCH, SURROGATE])
def test_the_application_schemas_check_clean(app_database: MakeDatabase, schema: str) -> None:
    url = app_database(schema)
    reflected = reflect(url, STORAGE[schema])
    assert reflected.problems == ()
    stored = {Kind.CONNECTION, Kind.PROFILE} | ({Kind.PROVIDER} if schema == SURROGATE else set())
    assert set(reflected.tables) == stored
    names = {table.name for table in reflected.tables.values()}
    assert names <= set(APP_TABLES[schema])


@pytest.mark.parametrize("schema", [EPOCH, SURROGATE])
def test_the_reflected_tables_build_statements(app_database: MakeDatabase, schema: str) -> None:
    url = app_database(schema)
    reflected = reflect(url, STORAGE[schema])
    with connected(url) as connection:
        for table in reflected.tables.values():
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
            sa.insert(table).compile(connection)
            sa.update(table).where(table.c.name == "x").values(name="y").compile(connection)


def test_foreign_keys_of_the_other_tables_are_found_with_their_rule(
    app_database: MakeDatabase,
) -> None:
    url = app_database(SURROGATE)
    reflected = reflect(url, STORAGE[SURROGATE])
    found = [
        (key.table, key.columns, key.kind, key.referred, key.on_delete, key.source.name)
        for key in reflected.foreign_keys
    ]
    # llm_connections and llm_profiles reference ai_providers too: among the mapped tables
    assert found == [
        ("app_invoices", ("provider_id",), Kind.PROVIDER, ("id",), "RESTRICT", "app_invoices"),
        ("app_usage", ("provider_id",), Kind.PROVIDER, ("id",), "SET NULL", "app_usage"),
    ]
    with connected(url) as connection:
        for key in reflected.foreign_keys:
            column = key.source.c[key.columns[0]]
            assert connection.execute(sa.select(sa.func.count(column))).scalar() == 0


def test_a_table_whose_kind_is_not_mapped_is_an_other_table(
    app_database: MakeDatabase, backend: str
) -> None:
    """Only connections stored: llm_profiles is an other table, referencing a mapped one."""
    url = app_database(SURROGATE)
    section = {"connections": changed(SURROGATE, "connections.references", None)["connections"]}
    reflected = reflect(url, section)
    assert list(reflected.tables) == [Kind.CONNECTION]
    rule = "RESTRICT" if backend == "mysql" else "NO ACTION"  # MySQL's default, as it reports it
    assert [(k.table, k.columns, k.kind, k.on_delete) for k in reflected.foreign_keys] == [
        ("llm_profiles", ("connection_id",), Kind.CONNECTION, rule),
    ]


def test_a_missing_table_is_named(app_database: MakeDatabase) -> None:
    url = app_database(EPOCH)
    reflected = reflect(url, changed(EPOCH, "connections.table", "Provider_Connections"))
    assert codes(reflected) == [("storage.missing-table", "storage.connections.table")]
    assert reflected.problems[0].message == (
        "the database has no table 'Provider_Connections' (did you mean 'provider_connections'?):"
        " create it, or correct storage.connections.table"
    )
    assert Kind.CONNECTION not in reflected.tables


def test_a_missing_column_is_named(app_database: MakeDatabase) -> None:
    url = app_database(SURROGATE)
    reflected = reflect(url, changed(SURROGATE, "connections.columns.auth", "credentials"))
    assert codes(reflected) == [
        # auth NOT NULL without a default, and the mapping no longer fills it
        ("storage.unmapped-required", "storage.connections.columns"),
        ("storage.missing-column", "storage.connections.columns.auth"),
    ]
    assert "'llm_connections' column 'auth' is NOT NULL" in reflected.problems[0].message
    assert "'llm_connections' has no column 'credentials'" in reflected.problems[1].message


def test_a_key_without_a_unique_index_is_named(app_database: MakeDatabase) -> None:
    url = app_database(EPOCH)
    reflected = reflect(url, changed(EPOCH, "profiles.key", "model"))
    assert ("storage.key-not-unique", "storage.profiles.key") in codes(reflected)
    (problem,) = [p for p in reflected.problems if p.code == "storage.key-not-unique"]
    assert "'model_profiles' has no primary key or unique index on column 'model'" in (
        problem.message
    )


def test_a_unique_index_on_the_key_will_do(app_database: MakeDatabase, backend: str) -> None:
    url = app_database(EPOCH)
    run(
        url,
        "CREATE TABLE keyed (label VARCHAR(100) NOT NULL, provider VARCHAR(100) NOT NULL,"
        " auth TEXT NOT NULL)",
        "CREATE UNIQUE INDEX keyed_label ON keyed (label)",
    )
    section = {
        "connections": {
            "table": "keyed",
            "key": "label",
            "columns": STORAGE[EPOCH]["connections"]["columns"],
        }
    }
    assert reflect(url, section).problems == ()


def test_a_partial_unique_index_is_not_enough(app_database: MakeDatabase, backend: str) -> None:
    if backend == "mysql":
        pytest.skip("MySQL has no partial indexes")
    url = app_database(EPOCH)
    run(
        url,
        "CREATE TABLE keyed (label VARCHAR(100) NOT NULL, provider VARCHAR(100) NOT NULL,"
        " auth TEXT NOT NULL)",
        "CREATE UNIQUE INDEX keyed_label ON keyed (label) WHERE provider <> ''",
    )
    columns = STORAGE[EPOCH]["connections"]["columns"]
    section = {"connections": {"table": "keyed", "key": "label", "columns": columns}}
    assert codes(reflect(url, section)) == [("storage.key-not-unique", "storage.connections.key")]


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("profiles.columns.temperature", "max_tokens", "storage.profiles.columns.temperature"),
        ("profiles.columns.max_tokens", "temperature", "storage.profiles.columns.max_tokens"),
        ("profiles.columns.model", "max_tokens", "storage.profiles.columns.model"),
        ("connections.columns.auth", "created_at", "storage.connections.columns.auth"),
        ("providers.columns.enabled", "base_url", "storage.providers.columns.enabled"),
        ("providers.timestamps.format", "epoch_seconds", "storage.providers.timestamps.created"),
        ("connections.id.generate", "uuid", "storage.connections.id.column"),
        ("providers.id.generate", "database", "storage.providers.id.column"),
    ],
)
def test_a_column_that_cannot_hold_its_field_is_named(
    app_database: MakeDatabase, path: str, value: str, problem: str
) -> None:
    url = app_database(SURROGATE)
    reflected = reflect(url, changed(SURROGATE, path, value))
    assert ("storage.type", problem) in codes(reflected)
    assert all(
        code in ("storage.type", "storage.unmapped-required") for code, _ in codes(reflected)
    )


def test_a_reference_by_id_needs_the_class_of_the_id(app_database: MakeDatabase) -> None:
    """Swapped: provider_id (a UUID) holds connection ids, connection_id provider ids."""
    url = app_database(SURROGATE)
    section = changed(SURROGATE, "profiles.columns.provider", "connection_id")
    section["profiles"]["columns"]["provider_connection"] = "provider_id"
    reflected = reflect(url, section)
    assert codes(reflected) == [
        ("storage.type", "storage.profiles.columns.provider"),
        ("storage.type", "storage.profiles.columns.provider_connection"),
    ]
    assert "a column like the connection id it holds ('llm_connections' column 'id' is" in (
        reflected.problems[1].message
    )


def test_epoch_milliseconds_need_64_bits(app_database: MakeDatabase, backend: str) -> None:
    url = app_database(EPOCH)
    run(
        url,
        "CREATE TABLE narrow (name VARCHAR(100) PRIMARY KEY, provider VARCHAR(100) NOT NULL,"
        " auth TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at BIGINT NOT NULL)",
    )
    reflected = reflect(url, changed(EPOCH, "connections.table", "narrow"))
    if backend == "sqlite":  # every SQLite integer is 64-bit
        assert codes(reflected) == []
    else:
        assert codes(reflected) == [("storage.type", "storage.connections.timestamps.created")]
        assert "'narrow' column 'created_at' is INTEGER" in reflected.problems[0].message
        assert "a 32-bit INTEGER cannot hold" in reflected.problems[0].message


def test_an_unmapped_required_column_is_named(app_database: MakeDatabase) -> None:
    url = app_database(EPOCH)
    reflected = reflect(url, changed(EPOCH, "connections.timestamps", None))
    assert codes(reflected) == [("storage.unmapped-required", "storage.connections.columns")] * 2
    messages = " ".join(problem.message for problem in reflected.problems)
    assert "'provider_connections' column 'created_at'" in messages
    assert "'provider_connections' column 'updated_at'" in messages


def test_an_unmapped_column_with_a_default_is_fine(app_database: MakeDatabase) -> None:
    url = app_database(SURROGATE)
    reflected = reflect(url, changed(SURROGATE, "providers.columns.enabled", None))
    assert reflected.problems == ()


def test_sqlite_has_no_schemas(app_database: MakeDatabase, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite only")
    url = app_database(EPOCH)
    reflected = reflect(url, changed(EPOCH, "connections.schema", "app"))
    assert codes(reflected) == [("storage.missing-table", "storage.connections.schema")]
    assert "SQLite has no schemas" in reflected.problems[0].message


@pytest.fixture
def other_schema(
    backend: str, app_database: MakeDatabase, database_server: SqliteFiles | DatabaseServer
) -> Iterator[tuple[str, str]]:
    """An application database and another schema (PostgreSQL) or database (MySQL) beside it."""
    if isinstance(database_server, SqliteFiles):
        pytest.skip("SQLite has no schemas")
    url = app_database(EPOCH)
    if backend == "postgresql":
        run(url, "CREATE SCHEMA other")
        yield url, "other"
        return
    other = database_server.create()
    yield url, str(sa.make_url(other).database)
    run(url, "DROP TABLE IF EXISTS local_orders")  # its key into the other database
    database_server.drop(other)


def test_a_table_in_another_schema(other_schema: tuple[str, str], backend: str) -> None:
    url, schema = other_schema
    run(
        url,
        f"CREATE TABLE {schema}.vendors (name VARCHAR(100) PRIMARY KEY, type VARCHAR(32) NOT NULL)",
        f"CREATE TABLE {schema}.orders (id INTEGER PRIMARY KEY,"
        f" vendor VARCHAR(100) REFERENCES {schema}.vendors (name) ON DELETE CASCADE)",
        "CREATE TABLE local_orders (id INTEGER PRIMARY KEY,"
        f" vendor VARCHAR(100) REFERENCES {schema}.vendors (name) ON DELETE SET NULL)",
    )
    section = {"providers": {"table": "vendors", "schema": schema, "columns": {"type": "type"}}}
    reflected = reflect(url, section)
    assert reflected.problems == ()
    assert reflected.tables[Kind.PROVIDER].schema == schema
    assert [
        (k.table, k.columns, k.referred, k.on_delete) for k in reflected.foreign_keys
    ] == sorted(
        [
            ("local_orders", ("vendor",), ("name",), "SET NULL"),
            (f"{schema}.orders", ("vendor",), ("name",), "CASCADE"),
        ]
    )


def test_a_missing_schema_is_named(other_schema: tuple[str, str]) -> None:
    url, _ = other_schema
    section = {"providers": {"table": "vendors", "schema": "nowhere", "columns": {"type": "type"}}}
    reflected = reflect(url, section)
    assert codes(reflected) == [("storage.missing-table", "storage.providers.schema")]
    assert "the database has no schema 'nowhere'" in reflected.problems[0].message


def test_an_unknown_type_warns_not_and_holds_no_field(
    app_database: MakeDatabase, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's point type")
    url = app_database(SURROGATE)
    run(
        url,
        "CREATE TABLE places (id SERIAL PRIMARY KEY, at POINT,"
        " provider_id UUID REFERENCES ai_providers (id) ON DELETE CASCADE)",
        "ALTER TABLE ai_providers ADD COLUMN spot POINT",
    )
    reflected = reflect(url, changed(SURROGATE, "providers.columns.base_url", "spot"))
    assert codes(reflected) == [("storage.type", "storage.providers.columns.base_url")]
    assert "column 'spot' is an unrecognised type" in reflected.problems[0].message
    assert "places" in [key.table for key in reflected.foreign_keys]


def test_postgresql_reads_the_same_few_statements_however_many_tables(
    app_database: MakeDatabase, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("multi-reflection in one query per schema is PostgreSQL's")

    def statements(url: str) -> int:
        storage = storage_mapping(STORAGE[SURROGATE])
        assert storage is not None
        count = 0

        def counted(*_args: Any) -> None:
            nonlocal count
            count += 1

        with connected(url, read_only=True) as connection:
            sa.event.listen(connection, "before_cursor_execute", counted)
            reflect_storage(connection, storage)
        return count

    url = app_database(SURROGATE)
    before = statements(url)
    run(url, *(f"CREATE TABLE extra_{n} (id INTEGER PRIMARY KEY, x TEXT)" for n in range(20)))
    assert statements(url) == before


def test_reflecting_writes_nothing(
    app_database: MakeDatabase, database_server: SqliteFiles | DatabaseServer
) -> None:
    url = app_database(SURROGATE)
    if isinstance(database_server, SqliteFiles):
        path = Path(sa.make_url(url).database or "")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert reflect(url, STORAGE[SURROGATE]).problems == ()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
        return
    reader = database_server.add_reader(url)  # may only SELECT
    try:
        before = _tables(url)
        assert reflect(reader, STORAGE[SURROGATE]).problems == ()
        assert len(reflect(reader, STORAGE[SURROGATE]).foreign_keys) == 2
        assert _tables(url) == before
    finally:
        database_server.drop_user(reader)


def _tables(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return sorted(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_located_places_problems_at_their_entries() -> None:
    url_value, table_key = Location("c.yaml", 4, 12), Location("c.yaml", 3, 5)
    sources = SourceMap(
        keys={("storage", "connections"): table_key},
        values={("storage", "connections", "columns", "auth"): url_value},
    )
    problems = (
        Problem("storage.missing-column", "m", path="storage.connections.columns.auth"),
        Problem("storage.key-not-unique", "k", path="storage.connections.key"),
    )
    assert [p.location for p in located(problems, sources)] == [url_value, table_key]
