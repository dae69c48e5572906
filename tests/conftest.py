"""Real databases for tests: SQLite always, PostgreSQL and MySQL/MariaDB when their servers are set.

Fixtures (parametrized over the three backends; each test runs once per backend):

- ``backend``: ``"sqlite"``, ``"postgresql"`` or ``"mysql"``.
- ``database_url``: the URL of a database with the schema at head and no rows. One database per
  backend and session, emptied before each test: cheap. Do not drop or migrate its tables.
- ``empty_database_url``: the URL of a brand-new database without any table (on SQLite: a path
  whose file does not exist yet), dropped after the test.

Servers come from ``RECONCILE_TEST_POSTGRES_URL`` and ``RECONCILE_TEST_MYSQL_URL``: admin URLs
allowed to create databases. Every database a test session creates has a unique name, so runs
may overlap. A backend whose variable is unset or whose server is unreachable is skipped with the
reason, unless ``CI=true``, where it fails. Select backends with ``-m "not postgres"`` etc.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa

from reconciler.store import open_engine, parse_url, upgrade

ADMIN_URL_VARIABLES = {
    "postgresql": "RECONCILE_TEST_POSTGRES_URL",
    "mysql": "RECONCILE_TEST_MYSQL_URL",
}
BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param("postgresql", marks=pytest.mark.postgres, id="postgresql"),
    pytest.param("mysql", marks=pytest.mark.mysql, id="mysql"),
]
_ROW_TABLES = ("reconcile_journal", "profiles", "provider_connections", "providers")


class SqliteFiles:
    """Databases as files in a temporary folder; a database exists once something writes it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def create(self) -> str:
        return f"sqlite:///{self.folder / _unique_name()}.db"

    def drop(self, url: str) -> None:
        Path(sa.make_url(url).database or "").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class DatabaseServer:
    """A PostgreSQL or MySQL server on which tests create and drop uniquely named databases."""

    def __init__(self, backend: str, admin_url: str) -> None:
        self.backend = backend
        self.admin_url = parse_url(admin_url)
        self.engine = sa.create_engine(
            self.admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )

    def create(self) -> str:
        name = _unique_name()
        self._run(f"CREATE DATABASE {self._quote(name)}")
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        force = " WITH (FORCE)" if self.backend == "postgresql" else ""
        name = self._quote(sa.make_url(url).database or "")
        self._run(f"DROP DATABASE IF EXISTS {name}{force}")

    def close(self) -> None:
        self.engine.dispose()

    def _quote(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote_identifier(name)

    def _run(self, statement: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text(statement))


def _unique_name() -> str:
    return f"reconcile_test_{os.getpid()}_{secrets.token_hex(4)}"


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (under CI=true every backend must run)", pytrace=False)
    pytest.skip(reason)


def _connect_server(backend: str) -> DatabaseServer:
    variable = ADMIN_URL_VARIABLES[backend]
    admin_url = os.environ.get(variable)
    if not admin_url:
        _unavailable(f"{backend}: set {variable} to an admin URL to run these tests")
    server = DatabaseServer(backend, admin_url)
    try:
        server.engine.connect().close()
    except sa.exc.DBAPIError as error:
        server.close()
        _unavailable(f"{backend}: server at {variable} unreachable: {error.orig}")
    return server


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test: ``"sqlite"``, ``"postgresql"`` or ``"mysql"``."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def database_server(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqliteFiles | DatabaseServer]:
    """Creates and drops uniquely named databases on the backend under test."""
    if backend == "sqlite":
        server: SqliteFiles | DatabaseServer = SqliteFiles(tmp_path_factory.mktemp("sqlite"))
    else:
        server = _connect_server(backend)
    yield server
    server.close()


@pytest.fixture(scope="session")
def _session_database(database_server: SqliteFiles | DatabaseServer) -> Iterator[str]:
    url = database_server.create()
    engine = open_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    database_server.drop(url)


@pytest.fixture
def database_url(_session_database: str) -> str:
    """A database with the schema at head and no rows (shared per session, emptied per test)."""
    engine = open_engine(_session_database)
    with engine.begin() as connection:
        for table in _ROW_TABLES:
            connection.execute(sa.text(f"DELETE FROM {table}"))
    engine.dispose()
    return _session_database


@pytest.fixture
def empty_database_url(database_server: SqliteFiles | DatabaseServer) -> Iterator[str]:
    """A brand-new database with no tables at all, dropped after the test."""
    url = database_server.create()
    yield url
    database_server.drop(url)
