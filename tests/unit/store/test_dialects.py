"""Each backend's facts, the lookup, and the quirks as the real databases show them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from reconciler.errors import DatabaseError
from reconciler.store import open_engine
from reconciler.store.dialects import (
    DIALECTS,
    MARIADB,
    MYSQL,
    POSTGRESQL,
    SQLITE,
    ApplyLock,
    Dialect,
    dialect_of,
    exact_collation,
)
from reconciler.store.journal import NewEntry, write_entry
from reconciler.store.lock import locked_transaction
from reconciler.store.tables import providers, reconcile_journal


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(database_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("sqlite:///x.db", SQLITE),
        ("postgresql+psycopg://a@h/d", POSTGRESQL),
        ("postgresql+psycopg2://a@h/d", POSTGRESQL),
        ("mysql+pymysql://a@h/d", MYSQL),
        ("mariadb+pymysql://a@h/d", MARIADB),
    ],
)
def test_a_url_finds_the_dialect_of_its_backend(url: str, dialect: Dialect) -> None:
    assert dialect_of(sa.make_url(url)) is dialect


def test_an_unsupported_backend_is_refused_with_its_password_hidden() -> None:
    with pytest.raises(DatabaseError, match=r"^unsupported database 'oracle' in") as raised:
        dialect_of(sa.make_url("oracle://app:secret@db/prod"))
    assert "secret" not in str(raised.value)
    assert "use sqlite, postgresql, mysql or mariadb" in str(raised.value)


@pytest.mark.sqlite
def test_an_engine_and_its_connections_find_the_same_dialect(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert dialect_of(engine) is dialect_of(connection) is SQLITE
    engine.dispose()


@pytest.mark.parametrize(
    ("dialect", "lock", "arrays", "time_zone", "statement_bound"),
    [
        (SQLITE, ApplyLock.WRITE, False, False, False),
        (POSTGRESQL, ApplyLock.ADVISORY, True, True, False),
        (MYSQL, ApplyLock.NAMED, False, False, True),
        (MARIADB, ApplyLock.NAMED, False, False, True),
    ],
)
def test_each_backends_facts(
    dialect: Dialect, lock: ApplyLock, arrays: bool, time_zone: bool, statement_bound: bool
) -> None:
    assert dialect.apply_lock is lock
    assert dialect.array_parameters is arrays
    assert dialect.stores_time_zone is time_zone
    assert (dialect.statement_size_query is not None) is statement_bound


@pytest.mark.parametrize("dialect", DIALECTS.values(), ids=DIALECTS.keys())
def test_each_dialect_is_consistent(dialect: Dialect) -> None:
    assert DIALECTS[dialect.name] is dialect
    assert sa.make_url(f"{dialect.driver}://").get_backend_name() == dialect.name
    # A file has no server to reach: no port, no connect arguments; it is made read-only by SQL.
    assert dialect.is_file is (dialect.port is None)
    assert bool(dialect.read_only_sql) is dialect.is_file
    assert bool(dialect.read_only_connect_args) is not dialect.is_file


def test_mariadb_is_mysql_under_its_own_name_and_driver() -> None:
    assert dataclasses.replace(MARIADB, name="mysql", driver="mysql+pymysql") == MYSQL


def test_sqlite_turns_foreign_keys_on_and_a_read_only_session_to_query_only() -> None:
    assert SQLITE.connect_sql == ("PRAGMA foreign_keys=ON",)
    assert SQLITE.read_only_sql == ("PRAGMA query_only=ON",)


@pytest.mark.parametrize(
    ("url", "version", "collation"),
    [
        ("mariadb+pymysql://", (10, 11, 19), "utf8mb4_nopad_bin"),
        ("mysql+pymysql://", (8, 0, 36), "utf8mb4_0900_bin"),
        ("mysql+pymysql://", (5, 7, 44), "utf8mb4_bin"),
    ],
)
def test_the_exact_collation_follows_the_server(
    url: str, version: tuple[int, ...], collation: str
) -> None:
    dialect = sa.create_engine(url).dialect  # creating an engine connects to nothing
    dialect.server_version_info = version
    assert exact_collation(dialect) == collation


def test_each_backend_is_read_as_its_dialect(engine: sa.Engine, backend: str) -> None:
    with engine.connect() as connection:
        # The test server of "mysql" may be MariaDB: reached by a mysql:// URL, it is "mysql".
        assert dialect_of(connection) is dialect_of(engine.url) is DIALECTS[backend]


_HOLDS: dict[ApplyLock, Callable[[sa.Connection], bool]] = {
    ApplyLock.ADVISORY: lambda other: bool(
        other.scalar(
            sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND"
                " database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
    ),
    ApplyLock.NAMED: lambda other: (
        other.scalar(sa.text("SELECT IS_USED_LOCK(CONCAT('reconciler.', DATABASE()))")) is not None
    ),
    ApplyLock.WRITE: lambda other: _write_lock_taken(other),
}
"""Whether, seen from another connection, the apply lock of each kind is held."""


def _write_lock_taken(other: sa.Connection) -> bool:
    other.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        other.exec_driver_sql("BEGIN IMMEDIATE")
    except sa.exc.OperationalError as error:
        return "locked" in str(error.orig)
    other.exec_driver_sql("ROLLBACK")
    return False


def test_the_apply_lock_is_the_kind_the_dialect_names(engine: sa.Engine) -> None:
    held = _HOLDS[dialect_of(engine).apply_lock]
    observer = open_engine(engine.url)
    try:
        with observer.connect() as other:
            with locked_transaction(engine, timeout=5):
                assert held(other)
            other.rollback()
            assert not held(other)
    finally:
        observer.dispose()


def test_a_read_only_session_refuses_writes(database_url: str) -> None:
    engine = open_engine(database_url, read_only=True)
    try:
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(providers.insert().values(name="p", type="openai"))
        with engine.connect() as connection:
            assert connection.scalar(sa.select(sa.func.count()).select_from(providers)) == 0
    finally:
        engine.dispose()


def test_the_journal_time_keeps_its_zone_where_the_dialect_says(engine: sa.Engine) -> None:
    entry = NewEntry("ci", "0", "sha256:c", "sha256:b", "sha256:a", {}, {"changes": []})
    with engine.begin() as connection:
        write_entry(connection, entry)
        applied_at: datetime = connection.scalar(sa.select(reconcile_journal.c.applied_at))
    assert (applied_at.tzinfo is not None) is dialect_of(engine).stores_time_zone


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresql_binds_a_list_of_names_as_one_array(engine: sa.Engine) -> None:
    assert dialect_of(engine).array_parameters
    names = [f"p{index}" for index in range(3000)]
    array = sa.bindparam("names", names[::2], type_=postgresql.ARRAY(sa.String()))
    with engine.begin() as connection:
        connection.execute(providers.insert(), [{"name": name, "type": "openai"} for name in names])
        query = sa.select(sa.func.count()).where(providers.c.name == sa.any_(array))
        assert connection.scalar(query) == 1500


@pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)], indirect=True)
def test_mysql_answers_the_statement_size_query_with_its_packet_bound(engine: sa.Engine) -> None:
    query = dialect_of(engine).statement_size_query
    assert query is not None
    with engine.connect() as connection:
        assert int(connection.scalar(sa.text(query))) >= 1024 * 1024
