"""Real databases for tests: SQLite always, PostgreSQL and MySQL/MariaDB when their servers are set.

Fixtures (parametrized over the three backends; each test runs once per backend):

- ``backend``: ``"sqlite"``, ``"postgresql"`` or ``"mysql"``.
- ``database_url``: the URL of a database with the schema at head and no rows. One database per
  backend and session, emptied before each test: cheap. Do not drop or migrate its tables.
- ``reader_url``: ``database_url`` for a user that may only ``SELECT`` (a new user per test,
  password ``READER_PASSWORD``); on SQLite, ``database_url`` itself.
- ``empty_database_url``: the URL of a brand-new database without any table (on SQLite: a path
  whose file does not exist yet), dropped after the test.
- ``app_database``: makes brand-new databases holding an application's own tables
  (`app_schemas`: ``app_database("surrogate")`` returns its URL), dropped after the test.

Servers come from ``RECONCILE_TEST_POSTGRES_URL`` and ``RECONCILE_TEST_MYSQL_URL``: admin URLs
allowed to create databases. Every database a test session creates has a unique name, so runs
may overlap. A backend whose variable is unset or whose server is unreachable is skipped with the
reason, unless ``CI=true``, where it fails. Select backends with ``-m "not postgres"`` etc.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from app_schemas import create_schema
from database_servers import (
    _ROW_TABLES,
    BACKENDS,
    DatabaseServer,
    SqliteFiles,
    _connect_server,
)

from reconciler.store import open_engine, upgrade


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


@pytest.fixture
def reader_url(database_url: str, database_server: SqliteFiles | DatabaseServer) -> Iterator[str]:
    """``database_url`` as a user that may only read it; on SQLite the same URL."""
    if isinstance(database_server, SqliteFiles):
        yield database_url
        return
    url = database_server.add_reader(database_url)
    yield url
    database_server.drop_user(url)


@pytest.fixture
def app_database(
    backend: str, database_server: SqliteFiles | DatabaseServer
) -> Iterator[Callable[[str], str]]:
    """``make(schema)``: the URL of a new database with the tables of `app_schemas` ``schema``
    created by plain SQL (no reconciler schema), dropped after the test."""
    made: list[str] = []

    def make(schema: str) -> str:
        url = database_server.create()
        made.append(url)
        create_schema(url, schema, backend)
        return url

    yield make
    for url in made:
        database_server.drop(url)
