"""Schema migrations: bring a database to the newest Alembic revision shipped in the package.

Two families of revisions share the version table: ``migrations/`` for the reconciler's own
tables, and ``bookkeeping/`` for a database whose rows live in the application's tables (a
``storage`` mapping, DESIGN §14), where only the journal, the instance id and the side table
``reconcile_ownership`` are the reconciler's. A database is one or the other.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from reconciler.errors import DatabaseError
from reconciler.store.failures import redact, translated
from reconciler.store.lock import DEFAULT_TIMEOUT, locked_transaction
from reconciler.store.tables import metadata

VERSION_TABLE = "reconcile_schema_version"
"""Our own Alembic version table, so an application's ``alembic_version`` is never touched."""

HEAD_REVISION = "0004"
"""The newest revision, written out so that a database already there is recognised without
importing Alembic (a tenth of a second of every apply); a test keeps it equal to Alembic's head."""

BOOKKEEPING_HEAD = "s0001"
"""The newest revision of the bookkeeping tables under ``storage``."""

if TYPE_CHECKING:
    from alembic.config import Config

    from reconciler.storage import Storage

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_BOOKKEEPING = Path(__file__).resolve().parent / "bookkeeping"


def _location(bookkeeping: bool) -> Path:
    return _BOOKKEEPING if bookkeeping else _MIGRATIONS


def is_bookkeeping(revision: str) -> bool:
    """Whether ``revision`` is of the bookkeeping family (a ``storage`` mapping's database)."""
    return revision.startswith("s")


def newest(storage: Storage | None = None) -> str:
    """The newest revision for the reconciler's own tables, or for the bookkeeping tables of a
    ``storage`` mapping."""
    return HEAD_REVISION if storage is None else BOOKKEEPING_HEAD


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What `upgrade` did: the revision before (``None``: no schema) and after."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config(connection: Connection | None = None, bookkeeping: bool = False) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_location(bookkeeping)))
    config.attributes["version_table"] = VERSION_TABLE
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision(storage: Storage | None = None) -> str:
    """The newest revision this version of the tool ships (for a ``storage`` mapping: of its
    bookkeeping tables)."""
    return _head(storage is not None)


def _head(bookkeeping: bool) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(bookkeeping=bookkeeping)).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("no migration revisions found")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, ``None`` when it has no schema; creates nothing."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    version = sa.table(VERSION_TABLE, sa.column("version_num", sa.String()))
    revision: str | None = connection.execute(sa.select(version.c.version_num)).scalar()
    return revision


def _known(revision: str, bookkeeping: bool) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        script = ScriptDirectory.from_config(_config(bookkeeping=bookkeeping))
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(
    bind: Engine | Connection,
    lock_timeout: float = DEFAULT_TIMEOUT,
    storage: Storage | None = None,
) -> Upgrade:
    """Migrate to the newest revision; a database already there is left untouched. With a
    ``storage`` mapping, only the bookkeeping tables are created: never a table of rows.

    Given an engine, takes the reconciler lock (as apply does, waiting up to ``lock_timeout``
    seconds), runs in that transaction and commits: racing upgrades and applies run one after
    another. Given a connection, which must hold that lock (`locked_transaction`), runs on it
    and leaves committing to the caller.
    """
    if isinstance(bind, Engine):
        with translated(bind.url), locked_transaction(bind, lock_timeout) as connection:
            return _upgrade(connection, storage)
    with translated(bind.engine.url):
        return _upgrade(bind, storage)


def require_own_tables(connection: Connection, table_names: Collection[str]) -> None:
    """Refuse a database whose tables named like ours (``table_names`` are all its tables) were
    not created by reconciler: without our version table they are another application's, and
    reading them as ours, or creating ours next to them, cannot work."""
    if VERSION_TABLE in table_names:
        return
    clashes = [name for name in metadata.tables if name in table_names]
    if clashes:
        tables, were = ("table", "was") if len(clashes) == 1 else ("tables", "were")
        raise DatabaseError(
            f"{tables} {', '.join(clashes)} in {redact(connection.engine.url)} {were} not created"
            f" by reconciler (there is no {VERSION_TABLE} table): give reconciler a database"
            " or schema of its own"
        )


def known_revision(connection: Connection, storage: Storage | None = None) -> str | None:
    """`current_revision`, refused when a newer reconciler wrote it: its tables may mean more
    than this version reads (plan) or writes (apply); refused when the database is set up the
    other way (own tables, or a ``storage`` mapping's bookkeeping); and refused, when there is
    none and the rows are the reconciler's own, if another application's tables have our names
    (`require_own_tables`)."""
    revision = current_revision(connection)
    if revision is None:
        if storage is None:
            require_own_tables(connection, sa.inspect(connection).get_table_names())
        return None
    _require_same_family(connection, revision, storage)
    _require_known(connection, revision)
    return revision


def journal_revision(connection: Connection) -> str | None:
    """`current_revision` of either family, for what reads only the journal (``history``),
    which both keep alike; refused when a newer reconciler wrote it, as by `known_revision`."""
    revision = current_revision(connection)
    if revision is not None:
        _require_known(connection, revision)
    return revision


def _require_known(connection: Connection, revision: str) -> None:
    bookkeeping = is_bookkeeping(revision)
    newest_ = BOOKKEEPING_HEAD if bookkeeping else HEAD_REVISION
    if revision == newest_ or _known(revision, bookkeeping):
        return
    raise DatabaseError(
        f"the schema of {redact(connection.engine.url)} is at revision {revision}, which this"
        f" version of reconciler does not know (its newest is {_head(bookkeeping)}):"
        " upgrade reconciler"
    )


def _require_same_family(connection: Connection, revision: str, storage: Storage | None) -> None:
    bookkeeping = is_bookkeeping(revision)
    if bookkeeping == (storage is not None):
        return
    url = redact(connection.engine.url)
    if bookkeeping:
        raise DatabaseError(
            f"{url} keeps its rows in the application's tables (a storage mapping; revision"
            f" {revision}), and no storage section was given: pass -f with the config that holds"
            " the storage section the database was set up with"
        )
    raise DatabaseError(
        f"{url} holds the reconciler's own tables (revision {revision}), but this config maps the"
        " rows onto the application's tables (storage): a database is managed one way or the"
        " other; point --database-url at the application's database or remove the storage section"
    )


def _upgrade(connection: Connection, storage: Storage | None) -> Upgrade:
    before = known_revision(connection, storage)
    if before == newest(storage):
        return Upgrade(before, before)
    from alembic import command

    command.upgrade(_config(connection, storage is not None), "head")
    after = current_revision(connection)
    if after is None:  # pragma: no cover - alembic just wrote it
        raise RuntimeError("migration left no revision behind")
    return Upgrade(before, after)
