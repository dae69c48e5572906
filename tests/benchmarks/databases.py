"""Scratch databases for the benchmarks: a template per state, a fresh copy for every timed run.

A template is prepared once (migrated, then filled); each run gets its own copy, so a run that
writes leaves nothing for the next. SQLite copies the file, PostgreSQL uses
``CREATE DATABASE … TEMPLATE``, MySQL/MariaDB (no templates) prepares each copy again. Copying is
never timed. Databases are the test suite's (`database_servers`): uniquely named, dropped after.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from database_servers import ADMIN_URL_VARIABLES, DatabaseServer, SqliteFiles

from reconciler.store import open_engine, upgrade

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
    _own_tables: dict[str, bool] = field(default_factory=dict)
    _server: SqliteFiles | DatabaseServer = field(init=False)

    def __post_init__(self) -> None:
        if self.backend == "sqlite":
            self._server = SqliteFiles(self.folder)
        else:
            admin_url = os.environ[ADMIN_URL_VARIABLES[self.backend]]
            self._server = DatabaseServer(self.backend, admin_url)

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *_exc: object) -> None:
        for url in self._templates.values():
            self._server.drop(url)
        self._server.close()

    def template(self, label: str, prepare: Prepare, *, own_tables: bool = True) -> None:
        """Prepare the state ``label`` once, for `copy` to hand out; ``own_tables``: migrated
        to the reconciler's schema first (else ``prepare`` makes the application's tables)."""
        self._prepares[label] = prepare
        self._own_tables[label] = own_tables
        if self.backend != "mysql":
            self._templates[label] = self._prepared(self._server.create(), prepare, own_tables)

    @contextmanager
    def copy(self, label: str) -> Iterator[str]:
        """A fresh database in the state ``label``; dropped (or deleted) afterwards."""
        if isinstance(self._server, SqliteFiles):
            url = self._server.create()
            source = sa.make_url(self._templates[label]).database or ""
            shutil.copyfile(source, sa.make_url(url).database or "")
        elif self.backend == "postgresql":
            url = self._server.create(template=self._templates[label])
        else:
            url = self._prepared(
                self._server.create(), self._prepares[label], self._own_tables[label]
            )
        try:
            yield url
        finally:
            self._server.drop(url)

    @staticmethod
    def _prepared(url: str, prepare: Prepare, own_tables: bool) -> str:
        if own_tables:
            engine = open_engine(url)
            upgrade(engine)
            engine.dispose()
        prepare(url)
        return url
