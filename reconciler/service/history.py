"""The apply journal as the API gives it: entries newest first."""

from __future__ import annotations

import dataclasses

from reconciler.render.escape import redacted_data
from reconciler.store import connected, resolve_url
from reconciler.store.journal import JournalEntry, read_entries
from reconciler.store.migrate import journal_revision


def read_history(
    database_url: str | None = None,
    *,
    limit: int | None = None,
    with_plan: bool = False,
    owner: str | None = None,
) -> list[JournalEntry]:
    """Journal entries of the database at ``database_url`` (resolved like ``--database-url``),
    only the applies of ``owner``'s config if given.

    Reads only, and needs no config: the journal is alike whether the rows are the reconciler's
    own or in the application's tables (``storage``). A database never applied to has no
    entries; a missing SQLite file, or a schema a newer reconciler wrote, is a `DatabaseError`.
    Plans come `redacted_data`, also those an older version journaled whole.
    """
    with connected(resolve_url(database_url), read_only=True, must_exist=True) as connection:
        journal_revision(connection)  # a newer schema's journal may mean more than it reads
        entries = read_entries(connection, limit=limit, with_plan=with_plan, owner=owner)
    return [dataclasses.replace(entry, plan=redacted_data(entry.plan)) for entry in entries]
