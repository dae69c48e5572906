"""Where a database keeps its rows: the reconciler's own three tables, or the application's
tables of a ``storage`` mapping (DESIGN §14). Services read and write rows through `row_store`
only, so plan, apply, drift and export work alike on either."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import URL, Connection

from reconciler.errors import DatabaseError, Problem, SourceMap
from reconciler.model import DatabaseState, Kind
from reconciler.planning import Change
from reconciler.storage import Storage
from reconciler.store.failures import redact, translated
from reconciler.store.mapped.layout import Layout, layouts
from reconciler.store.mapped.read import MappedState, read_mapped
from reconciler.store.mapped.reflect import located, reflect_storage
from reconciler.store.read import read_state, unreadable_error

if TYPE_CHECKING:
    from reconciler.store.write import Progress


class RowStore:
    """The reconciler's own tables: `read_state` and `execute_changes`."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def read(self) -> DatabaseState:
        """Every row, as frozen model values (`DatabaseError` for what cannot be read)."""
        return read_state(self.connection)

    def write(self, changes: Sequence[Change], progress: Progress | None = None) -> int:
        """Write a plan's changes in the caller's transaction, after `read`."""
        from reconciler.store.write import execute_changes  # only apply writes: plan never loads it

        return execute_changes(self.connection, changes, progress)


class MappedStore(RowStore):
    """The application's tables of a ``storage`` mapping, checked against the live schema
    before anything is read; ``managed_by``, ``owner`` and ``protected`` in the side table."""

    def __init__(self, connection: Connection, storage: Storage, sources: SourceMap) -> None:
        super().__init__(connection)
        self.storage = storage
        self.sources = sources
        self._read: MappedState | None = None
        self._layouts: dict[Kind, Layout] = {}

    def read(self) -> DatabaseState:
        url = self.connection.engine.url
        with translated(url):
            reflected = reflect_storage(self.connection, self.storage)
            if reflected.problems:
                raise mapping_error(url, located(reflected.problems, self.sources))
            self._layouts = layouts(self.storage, reflected.tables)
            read, problems = read_mapped(self.connection, self._layouts, reflected.foreign_keys)
        if problems:
            raise unreadable_error(url, problems)
        self._read = read
        return read.state

    def write(self, changes: Sequence[Change], progress: Progress | None = None) -> int:
        if self._read is None:
            raise RuntimeError("write before read")  # pragma: no cover - services read first
        from reconciler.store.mapped.write import write_mapped

        read = self._read
        return write_mapped(
            self.connection,
            self._layouts,
            read.ids,
            changes,
            read.entries,
            read.orphans,
            progress,
        )


def mapping_error(url: URL, problems: Sequence[Problem]) -> DatabaseError:
    """The mapping does not fit the live schema: nothing is read nor written."""
    count = len(problems)
    first = "; ".join(problem.message for problem in problems[:3])
    more = f"; and {count - 3} more" if count > 3 else ""
    return DatabaseError(
        f"the storage mapping does not fit {redact(url)} ({count} problem(s)): {first}{more}."
        " Run reconcile db check for the whole report",
        problems,
    )


def row_store(
    connection: Connection, storage: Storage | None, sources: SourceMap | None = None
) -> RowStore:
    """How ``connection``'s database keeps the rows: own tables without ``storage``. A mapping
    that does not fit the live schema is refused with its problems placed by ``sources`` (the
    config's)."""
    if storage is None:
        return RowStore(connection)
    return MappedStore(connection, storage, sources or SourceMap())
