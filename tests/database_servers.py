"""Database servers for tests: uniquely named databases on SQLite, PostgreSQL and MySQL/MariaDB.

The fixtures in ``conftest.py`` are built on these; tests that need a server directly import them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa

from reconciler.store import parse_url

ADMIN_URL_VARIABLES = {
    "postgresql": "RECONCILE_TEST_POSTGRES_URL",
    "mysql": "RECONCILE_TEST_MYSQL_URL",
}
BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param("postgresql", marks=pytest.mark.postgres, id="postgresql"),
    pytest.param("mysql", marks=pytest.mark.mysql, id="mysql"),
]
READER_PASSWORD = "reader-Pw-1"
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

    def create(self, template: str | None = None) -> str:
        """A new database; on PostgreSQL a copy of the database ``template`` (a URL) if given."""
        name = _unique_name()
        copy = f" TEMPLATE {self._quote(sa.make_url(template).database or '')}" if template else ""
        self._run(f"CREATE DATABASE {self._quote(name)}{copy}")
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        force = " WITH (FORCE)" if self.backend == "postgresql" else ""
        name = self._quote(sa.make_url(url).database or "")
        self._run(f"DROP DATABASE IF EXISTS {name}{force}")

    def add_reader(self, url: str) -> str:
        """A new user that may only read (``SELECT``) the database of ``url``; its URL."""
        user, database = _unique_name("reader"), sa.make_url(url).database
        if self.backend == "postgresql":
            self._run(f"CREATE ROLE {user} LOGIN PASSWORD '{READER_PASSWORD}'")
            self._run_in(url, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {user}")
        else:
            self._run(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{READER_PASSWORD}'")
            self._run(f"GRANT SELECT ON {self._quote(str(database))}.* TO '{user}'@'%'")
        reader = self.admin_url.set(username=user, password=READER_PASSWORD, database=database)
        return reader.render_as_string(hide_password=False)

    def drop_user(self, url: str) -> None:
        user = sa.make_url(url).username
        if self.backend == "postgresql":
            self._run_in(url, f"DROP OWNED BY {user}")
            self._run(f"DROP ROLE IF EXISTS {user}")
        else:
            self._run(f"DROP USER IF EXISTS '{user}'@'%'")

    def close(self) -> None:
        self.engine.dispose()

    def _run_in(self, url: str, statement: str) -> None:
        """Run as admin inside the database of ``url`` (PostgreSQL grants are per database)."""
        database = sa.make_url(url).database
        engine = sa.create_engine(self.admin_url.set(database=database))
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
        engine.dispose()

    def _quote(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote_identifier(name)

    def _run(self, statement: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text(statement))


def _unique_name(prefix: str = "reconcile_test") -> str:
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


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
