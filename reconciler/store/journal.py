"""The apply journal: one ``reconcile_journal`` row per successful apply, newest first on read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from reconciler.store.dialects import dialect_of
from reconciler.store.tables import reconcile_journal


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One apply as the journal records it; ``plan`` is the plan JSON document."""

    id: int
    applied_at: datetime
    actor: str
    tool_version: str
    config_digest: str
    state_before: str
    state_after: str
    summary: Mapping[str, int]
    plan: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What an apply writes; the database assigns ``id`` and the clock gives ``applied_at``."""

    actor: str
    tool_version: str
    config_digest: str
    state_before: str
    state_after: str
    summary: Mapping[str, int]
    plan: Mapping[str, Any]
    """The plan as `reconciler.render.history.journal_document` makes it."""


def fitted(document: Mapping[str, Any], limit: int | None) -> Mapping[str, Any]:
    """The plan document, or its counts without row-level changes beyond ``limit`` bytes."""
    if limit is None:
        return document
    size = len(json.dumps(document))  # as the JSON column sends it: ASCII, "\ud83d" per surrogate
    if size <= limit:
        return document
    changes = document.get("changes", ())
    return {
        **document,
        "changes": [],
        "changes_omitted": {
            "count": document.get("changes_compacted", {}).get("count", len(changes)),
            "reason": f"the plan JSON was {size} bytes, more than this database accepts in a row",
        },
    }


def _plan_limit(connection: Connection) -> int | None:
    """Half the most bytes the server takes in one statement (MySQL/MariaDB's
    ``max_allowed_packet``, which 100,000 row images exceed); ``None`` where any plan fits."""
    query = dialect_of(connection).statement_size_query
    if query is None:
        return None
    packet = connection.execute(sa.text(query)).scalar()
    return int(packet or 0) // 2


def write_entry(connection: Connection, entry: NewEntry) -> int:
    """Insert one journal row inside the caller's (the apply's) transaction; returns its id."""
    result = connection.execute(
        reconcile_journal.insert().values(
            applied_at=_now(connection),
            actor=entry.actor,
            tool_version=entry.tool_version,
            config_digest=entry.config_digest,
            state_before=entry.state_before,
            state_after=entry.state_after,
            summary=dict(entry.summary),
            plan=dict(fitted(entry.plan, _plan_limit(connection))),
        )
    )
    key = result.inserted_primary_key
    return int(key[0]) if key is not None else 0


def _now(connection: Connection) -> datetime:
    now = datetime.now(UTC)
    return now if dialect_of(connection).stores_time_zone else now.replace(tzinfo=None)


def read_entries(
    connection: Connection, *, limit: int | None = None, with_plan: bool = False
) -> list[JournalEntry]:
    """Journal entries, newest first; the plan column is read only when asked for.

    A database that has never been applied to (no journal table) has no entries.
    """
    table = reconcile_journal
    if not sa.inspect(connection).has_table(table.name):
        return []
    columns = [column for column in table.c if with_plan or column.name != "plan"]
    query = sa.select(*columns).order_by(table.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row._mapping) for row in connection.execute(query)]


def _entry(row: sa.RowMapping) -> JournalEntry:
    applied_at: datetime = row["applied_at"]
    if applied_at.tzinfo is None:  # SQLite and MySQL hand back naive values, stored as UTC
        applied_at = applied_at.replace(tzinfo=UTC)
    return JournalEntry(
        id=row["id"],
        applied_at=applied_at,
        actor=row["actor"],
        tool_version=row["tool_version"],
        config_digest=row["config_digest"],
        state_before=row["state_before"],
        state_after=row["state_after"],
        summary=row["summary"],
        plan=row.get("plan"),
    )
