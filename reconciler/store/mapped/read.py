"""Read the mapped tables into a `DatabaseState`: one query per table, and one per foreign key.

Each row is read through its columns' classes (`values.reader`); a reference stored by id is
turned back into the referenced row's name, so nothing above the store ever sees an id. The
side table ``reconcile_ownership`` says who manages each row (a row without an entry is
external); a kind that is not stored holds its canonical rows, held in code. The application's
other tables that reference a mapped row by foreign key are counted per referenced row, one
``count(*) … GROUP BY`` per key (`DatabaseState.foreign`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from reconciler import canonical
from reconciler.errors import Problem, dotted
from reconciler.model import (
    Connection,
    DatabaseState,
    ForeignRows,
    Kind,
    ManagedBy,
    Profile,
    Provider,
    Row,
)
from reconciler.store.mapped.layout import Layout
from reconciler.store.mapped.values import Unreadable, kind_of, reader
from reconciler.store.tables import reconcile_ownership

Ids = dict[Kind, dict[str, Any]]
"""Each stored kind's surrogate ids by row name (kinds without an id have none)."""

_MODELS: Mapping[Kind, type[Row]] = {
    Kind.PROVIDER: Provider,
    Kind.CONNECTION: Connection,
    Kind.PROFILE: Profile,
}
_DEFAULTS: Mapping[Kind, Row] = {
    Kind.PROVIDER: Provider("", ""),
    Kind.CONNECTION: Connection("", "", None),  # type: ignore[arg-type]
    Kind.PROFILE: Profile("", "", ""),
}

Entry = tuple[ManagedBy | None, str | None, bool]
"""A ``reconcile_ownership`` entry: ``managed_by``, ``owner``, ``protected``."""


@dataclass
class MappedState:
    """What the mapped tables hold: the `DatabaseState`, the surrogate ids by name (for the
    writer), the rows the side table has entries for, and the entries whose row is gone
    (removed by the next apply)."""

    state: DatabaseState
    ids: Ids = field(default_factory=dict)
    entries: frozenset[tuple[Kind, str]] = frozenset()
    orphans: list[tuple[Kind, str]] = field(default_factory=list)


def read_mapped(
    connection: sa.Connection,
    layouts: Mapping[Kind, Layout],
    foreign_keys: Iterable[Any] = (),
) -> tuple[MappedState, list[Problem]]:
    """Every row of the mapped tables, and the problems (``state.unreadable``) of values the
    model cannot hold, by table, row and column."""
    problems: list[Problem] = []
    entries = _entries(connection)
    ids: Ids = {}
    raw: dict[Kind, dict[str, dict[str, Any]]] = {}
    for kind, layout in layouts.items():
        raw[kind], ids[kind] = _read_table(connection, layout, problems)
    rows: dict[Kind, dict[str, Row]] = {}
    names = {kind: {id_: name for name, id_ in found.items()} for kind, found in ids.items()}
    for kind in Kind:
        layout_ = layouts.get(kind)
        if layout_ is None:
            rows[kind] = dict(canonical.rows(kind))
            continue
        rows[kind] = _rows(layout_, raw[kind], names, entries, problems)
    orphans = sorted(
        (kind, name) for kind, name in entries if kind not in rows or name not in rows[kind]
    )
    state = DatabaseState(
        providers=rows[Kind.PROVIDER],  # type: ignore[arg-type]
        connections=rows[Kind.CONNECTION],  # type: ignore[arg-type]
        profiles=rows[Kind.PROFILE],  # type: ignore[arg-type]
        foreign=_foreign(connection, layouts, foreign_keys, names),
    )
    return MappedState(state, ids, frozenset(entries), orphans), problems


def _read_table(
    connection: sa.Connection, layout: Layout, problems: list[Problem]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The table's rows by name as ``{field: model value}`` (references by id still ids), and the
    surrogate ids by name."""
    fields = layout.fields
    columns = [layout.key, *(layout.column(f) for f in fields)]
    if layout.id is not None:
        columns.append(layout.id)
    reads = [reader("name", layout.column_class_of(layout.key))] + [
        (lambda v: v) if layout.target(f) else reader(f, layout.column_class(f)) for f in fields
    ]
    found: dict[str, dict[str, Any]] = {}
    ids: dict[str, Any] = {}
    for row in connection.execute(sa.select(*columns)):
        values: dict[str, Any] = {}
        for index, name in enumerate(("name", *fields)):
            try:
                values[name] = reads[index](row[index])
            except Unreadable as error:
                problems.append(_problem(layout, row[0], columns[index].name, str(error)))
        if len(values) == len(fields) + 1:
            found[values["name"]] = values
            if layout.id is not None:
                ids[values["name"]] = row[-1]
    return found, ids


def _rows(
    layout: Layout,
    raw: dict[str, dict[str, Any]],
    names: Mapping[Kind, Mapping[Any, str]],
    entries: Mapping[tuple[Kind, str], Entry],
    problems: list[Problem],
) -> dict[str, Row]:
    kind = layout.kind
    model, default = _MODELS[kind], _DEFAULTS[kind]._asdict()
    by_id = [
        (field_, target, names.get(target, {}), layout.mapping.columns[field_])
        for field_ in layout.fields
        if (target := layout.target(field_)) is not None
    ]
    external: Entry = (None, None, False)
    rows: dict[str, Row] = {}
    for name, values in raw.items():
        for field_, target, known, column in by_id:
            value = values[field_]
            if value is None:
                continue
            referenced = known.get(value)
            if referenced is None:
                reason = f"an id that no {target} row holds"
                problems.append(_problem(layout, name, column, reason))
                break
            values[field_] = referenced
        else:
            managed_by, owner, protected = entries.get((kind, name), external)
            image = default | values
            image.update(protected=protected, managed_by=managed_by, owner=owner)
            rows[name] = model(**image)
    return rows


def _entries(connection: sa.Connection) -> dict[tuple[Kind, str], Entry]:
    """The side table's entries; none when it does not exist yet (``plan`` before any apply)."""
    if not sa.inspect(connection).has_table(reconcile_ownership.name):
        return {}
    table = reconcile_ownership
    query = sa.select(
        table.c.kind, table.c.name, table.c.managed_by, table.c.owner, table.c.protected
    )
    kinds = {kind.value: kind for kind in Kind}
    found: dict[tuple[Kind, str], Entry] = {}
    for kind, name, managed_by, owner, protected in connection.execute(query):
        if kind in kinds:
            found[(kinds[kind], name)] = (managed_by, owner, bool(protected))
    return found


def _foreign(
    connection: sa.Connection,
    layouts: Mapping[Kind, Layout],
    foreign_keys: Iterable[Any],
    names: Mapping[Kind, Mapping[Any, str]],
) -> dict[tuple[Kind, str], tuple[ForeignRows, ...]]:
    """Per mapped row, the rows of each unmapped table referencing it (only single-column keys
    onto the row's key or id: what a mapped row is known by)."""
    found: dict[tuple[Kind, str], list[ForeignRows]] = defaultdict(list)
    for key in foreign_keys:
        layout = layouts.get(key.kind)
        if layout is None or len(key.columns) != 1 or len(key.referred) != 1:
            continue
        by_id = layout.id is not None and key.referred[0] == layout.id.name
        if not by_id and key.referred[0] != layout.key.name:
            continue
        column = key.source.c[key.columns[0]]
        query = sa.select(column, sa.func.count()).where(column.is_not(None)).group_by(column)
        for value, rows in connection.execute(query):
            name = names.get(key.kind, {}).get(value) if by_id else value
            if isinstance(name, str):
                found[(key.kind, name)].append(ForeignRows(key.table, key.on_delete, int(rows)))
    return {row: tuple(sorted(refs)) for row, refs in sorted(found.items())}


def _problem(layout: Layout, name: object, column: str, reason: str) -> Problem:
    table = layout.mapping.qualified
    row = name if isinstance(name, str) else kind_of(name)
    message = f"{table} {row!r}: {column} is {reason}"
    return Problem("state.unreadable", message, path=dotted((table, row, column)))
