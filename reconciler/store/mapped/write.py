"""Execute a plan's changes on the mapped tables, and keep ``reconcile_ownership`` in step.

As on the reconciler's own tables (`reconciler.store.write`): set-based statements, parents first
for creates and updates and children first for deletes, in the caller's transaction. Only the
mapped columns are written; the others keep their server defaults. A surrogate id is made here
(``uuid``) or read back after the insert by re-selecting the new rows by key (``database``: the
one way that works alike on every backend, MySQL/MariaDB included), so the rows created later in
the same plan can reference it. The ``timestamps`` columns are set in their format: ``created``
on insert, ``updated`` on insert and on every write of the row's fields; a change of ownership
alone, or of ``protected``, writes only the side table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from reconciler.model import Kind, Row
from reconciler.planning import Action, Change
from reconciler.storage import Generate
from reconciler.store.mapped.layout import Layout
from reconciler.store.mapped.read import Ids
from reconciler.store.mapped.values import new_uuid, stamp
from reconciler.store.tables import reconcile_ownership

CHUNK = 500
"""Names per ``IN (…)`` list: far below every backend's bound-parameter limit."""

Progress = Callable[[int, int], None]


def write_mapped(
    connection: sa.Connection,
    layouts: Mapping[Kind, Layout],
    ids: Ids,
    changes: Sequence[Change],
    entries: Collection[tuple[Kind, str]] = (),
    orphans: Iterable[tuple[Kind, str]] = (),
    progress: Progress | None = None,
) -> int:
    """Write ``changes`` inside the caller's transaction; returns the number of rows written.

    ``ids`` (from the read) gains the ids of the rows created; ``entries`` are the side table's
    entries as read, and ``orphans`` those whose row is gone, removed with the entries of the
    rows the plan touches.
    """
    now = datetime.now(UTC)
    done = 0

    def report(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(changes))

    by_kind: dict[tuple[Kind, Action], list[Change]] = defaultdict(list)
    for change in changes:
        by_kind[(change.kind, change.action)].append(change)
    for kind in Kind:
        layout = layouts.get(kind)
        creates, updates = by_kind[(kind, Action.CREATE)], by_kind[(kind, Action.UPDATE)]
        if layout is not None:
            _insert(connection, layout, ids, creates, now)
            _update(connection, layout, ids, updates, now)
        report(len(creates) + len(updates))
    for kind in reversed(Kind):
        layout = layouts.get(kind)
        deletes = by_kind[(kind, Action.DELETE)]
        if layout is not None:
            _delete(connection, layout, [change.name for change in deletes])
        report(len(deletes))
    _write_entries(connection, changes, entries, orphans)
    return len(changes)


def _values(layout: Layout, ids: Ids, row: Row, fields: Iterable[str]) -> dict[str, Any]:
    """Column -> value for ``fields`` of ``row``, converted by the columns' classes."""
    values: dict[str, Any] = {}
    writes = layout.writes
    for field in fields:
        _field, column, target, convert = writes[field]
        value = getattr(row, field)
        if target is None:
            values[column] = convert(value)
        else:
            values[column] = None if value is None else ids[target][value]
    return values


def _stamps(layout: Layout, now: datetime, *, created: bool) -> dict[str, Any]:
    stamps = layout.mapping.timestamps
    if stamps is None:
        return {}
    columns = [stamps.updated, stamps.created if created else None]
    return {
        column: stamp(stamps.format, now, aware=_aware(layout.table.c[column]))
        for column in columns
        if column is not None
    }


def _aware(column: sa.Column[Any]) -> bool:
    return bool(getattr(column.type, "timezone", False))


def _insert(
    connection: sa.Connection, layout: Layout, ids: Ids, creates: list[Change], now: datetime
) -> None:
    if not creates:
        return
    surrogate = layout.mapping.id
    made = ids.setdefault(layout.kind, {})
    fields, stamps = layout.fields, _stamps(layout, now, created=True)
    uuid_class, uuid_column = None, ""
    if surrogate is not None and surrogate.generate is Generate.UUID and layout.id is not None:
        uuid_class, uuid_column = layout.column_class_of(layout.id), surrogate.column
    rows = []
    for change in creates:
        assert change.after is not None
        row = {layout.mapping.key: change.name, **_values(layout, ids, change.after, fields)}
        if uuid_class is not None:
            row[uuid_column] = made[change.name] = new_uuid(uuid_class)
        rows.append(row)
    insert = layout.table.insert().values(**stamps)  # one value for every row
    for start in range(0, len(rows), CHUNK * 4):
        connection.execute(insert, rows[start : start + CHUNK * 4])
    if surrogate is not None and surrogate.generate is Generate.DATABASE:
        made.update(_read_back(connection, layout, [change.name for change in creates]))


def _read_back(connection: sa.Connection, layout: Layout, names: list[str]) -> dict[str, Any]:
    """The ids the database gave the rows just inserted, re-selected by key: by ``IN`` lists for
    a few rows, else in one scan of the two columns (200 ``IN`` lists of a fresh MySQL table
    cost more than reading it whole)."""
    assert layout.id is not None
    query = sa.select(layout.key, layout.id)
    if len(names) > CHUNK:
        wanted = set(names)
        return {str(name): id_ for name, id_ in connection.execute(query) if name in wanted}
    chunk = layout.key.in_(names)
    return {str(name): id_ for name, id_ in connection.execute(query.where(chunk))}


def _update(
    connection: sa.Connection, layout: Layout, ids: Ids, updates: list[Change], now: datetime
) -> None:
    """One ``executemany`` per set of columns; only the fields a diff names (``auth`` whole)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    stamps = _stamps(layout, now, created=False)
    for change in updates:
        assert change.after is not None
        fields = dict.fromkeys(d.field.partition(".")[0] for d in change.diff)
        stored = [field for field in fields if field in layout.mapping.columns]
        if not stored:  # ownership or protected alone: the side table only
            continue
        values = _values(layout, ids, change.after, stored)
        groups[tuple(sorted(values))].append({**values, layout.mapping.key: change.name})
    for columns, rows in groups.items():
        statement = (
            layout.table.update()
            .where(layout.key == sa.bindparam("_key"))
            .values({column: sa.bindparam(f"_{column}") for column in columns} | stamps)
        )
        key = layout.mapping.key
        connection.execute(
            statement,
            [{"_key": row[key], **{f"_{c}": row[c] for c in columns}} for row in rows],
        )


def _delete(connection: sa.Connection, layout: Layout, names: list[str]) -> None:
    for start in range(0, len(names), CHUNK):
        chunk = names[start : start + CHUNK]
        connection.execute(layout.table.delete().where(layout.key.in_(chunk)))


def _write_entries(
    connection: sa.Connection,
    changes: Sequence[Change],
    existing: Collection[tuple[Kind, str]],
    orphans: Iterable[tuple[Kind, str]],
) -> None:
    """Replace the side-table entries of every row the plan touches (and of gone rows): an
    entry for each row written that is managed or protected; none for a deleted row."""
    cleared: dict[Kind, list[str]] = defaultdict(list)
    entries = []
    for kind, name in orphans:
        cleared[kind].append(name)
    for change in changes:
        if (change.kind, change.name) in existing:
            cleared[change.kind].append(change.name)
        after = change.after
        if after is None or (after.managed_by is None and not after.protected):
            continue
        managed_by = None if after.managed_by is None else after.managed_by.value
        entries.append(
            {
                "kind": change.kind.value,
                "name": change.name,
                "managed_by": managed_by,
                "owner": after.owner,
                "protected": after.protected,
            }
        )
    table = reconcile_ownership
    for kind, names in cleared.items():
        for start in range(0, len(names), CHUNK):
            chunk = names[start : start + CHUNK]
            connection.execute(
                table.delete().where(table.c.kind == kind.value, table.c.name.in_(chunk))
            )
    for start in range(0, len(entries), CHUNK * 4):
        connection.execute(table.insert(), entries[start : start + CHUNK * 4])
