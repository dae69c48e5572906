"""Scratch databases for the benchmarks: a template per state, a fresh copy for every timed run.

A template is prepared once (migrated, then filled); each run gets its own copy, so a run that
writes leaves nothing for the next. SQLite copies the file, PostgreSQL uses
``CREATE DATABASE … TEMPLATE``, MySQL/MariaDB (no templates) prepares each copy again. Copying is
never timed. Every database has a unique name and is dropped at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from reconciler.store import open_engine, parse_url, upgrade

ADMIN_URL_VARIABLES = {
    "postgresql": "RECONCILE_TEST_POSTGRES_URL",
    "mysql": "RECONCILE_TEST_MYSQL_URL",
}

Prepare = Callable[[str], None]
"""Fills a migrated database, given its URL."""


def available_backends() -> list[str]:
    """SQLite, and each server whose admin URL is set."""
    return ["sqlite", *(name for name, var in ADMIN_URL_VARIABLES.items() if os.environ.get(var))]


@dataclass
class Databases:
    """The scratch databases of one backend; use as a context manager to drop them all."""

    backend: str
    folder: Path
    _templates: dict[str, str] = field(default_factory=dict)
    _prepares: dict[str, Prepare] = field(default_factory=dict)
    _cleanup: ExitStack = field(default_factory=ExitStack)

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._cleanup.close()

    def template(self, label: str, prepare: Prepare) -> None:
        """Prepare the state ``label`` once, for `copy` to hand out."""
        self._prepares[label] = prepare
        if self.backend == "mysql":
            return
        url = self._create(f"tmpl_{label.replace('-', '_')}")
        engine = open_engine(url)
        upgrade(engine)
        engine.dispose()
        prepare(url)
        self._templates[label] = url

    @contextmanager
    def copy(self, label: str) -> Iterator[str]:
        """A fresh database in the state ``label``; dropped (or deleted) afterwards."""
        name = f"run_{secrets.token_hex(4)}"
        if self.backend == "sqlite":
            path = self.folder / f"{name}.db"
            shutil.copyfile(sa.make_url(self._templates[label]).database or "", path)
            try:
                yield f"sqlite:///{path}"
            finally:
                path.unlink()
            return
        if self.backend == "postgresql":
            template = sa.make_url(self._templates[label]).database
            url = self._server_database(name, f" TEMPLATE {template}")
        else:
            url = self._server_database(name, "")
            engine = open_engine(url)
            upgrade(engine)
            engine.dispose()
            self._prepares[label](url)
        try:
            yield url
        finally:
            self._drop(name)

    def _create(self, name: str) -> str:
        name = f"{name}_{secrets.token_hex(4)}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.folder / name}.db"
        url = self._server_database(name, "")
        self._cleanup.callback(self._drop, name)
        return url

    def _admin(self) -> sa.Engine:
        admin_url = parse_url(os.environ[ADMIN_URL_VARIABLES[self.backend]])
        return sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def _server_database(self, name: str, suffix: str) -> str:
        name = f"reconcile_bench_{name}"
        admin = self._admin()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}{suffix}")
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        admin.dispose()
        return url

    def _drop(self, name: str) -> None:
        name = name if name.startswith("reconcile_bench_") else f"reconcile_bench_{name}"
        force = " WITH (FORCE)" if self.backend == "postgresql" else ""
        admin = self._admin()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        admin.dispose()
