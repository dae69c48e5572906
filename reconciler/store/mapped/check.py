"""The checks of a ``storage`` mapping against its reflected tables (DESIGN §14).

Each problem names the table and the column and sits at the mapping entry to fix (a dotted path
such as ``storage.connections.columns.auth``), unlocated: `reflect.located` places it in the
config. What each field needs is read off the column's class (`columns.classify`).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Dialect as SpellingDialect

from reconciler.errors import Problem, dotted, shown
from reconciler.model import Kind
from reconciler.storage import REFERENCES, Generate, Storage, TableMapping, TimeFormat
from reconciler.store.dialects import Dialect
from reconciler.store.mapped.columns import (
    ColumnClass,
    classify,
    holds_fractions,
    integer_bits,
    spelled,
    text_length,
)

Entry = tuple[tuple[str, ...], str]
"""A mapping entry naming a column: its path under ``storage.<section>``, and the column."""

TEXT = "a text column (VARCHAR, TEXT)"
_NEEDS: Mapping[str, tuple[frozenset[ColumnClass], str]] = {
    "enabled": (
        frozenset({ColumnClass.BOOLEAN, ColumnClass.INTEGER}),
        "a BOOLEAN or INTEGER column",
    ),
    "auth": (frozenset({ColumnClass.JSON, ColumnClass.TEXT}), "a JSON or text column"),
    "temperature": (
        frozenset({ColumnClass.FLOAT}),
        "a floating-point column (FLOAT, DOUBLE, REAL): an integer cannot hold 0.7",
    ),
    "max_tokens": (frozenset({ColumnClass.INTEGER}), "an INTEGER column"),
}
"""The fields that are not text (nor a reference): the classes that hold them."""


@dataclass(frozen=True)
class Live:
    """What the checks read: the mapping, its tables as reflected, and the backend's ways."""

    storage: Storage
    tables: Mapping[Kind, sa.Table]
    dialect: Dialect
    spelling: SpellingDialect

    def spell(self, column: sa.Column[object]) -> str:
        text = spelled(column.type, self.spelling)
        return text if text.isprintable() else shown(text)


def entries(mapping: TableMapping) -> Iterator[Entry]:
    """Every column the mapping names, with the path of the entry naming it."""
    yield ("key",), mapping.key
    if mapping.id is not None:
        yield ("id", "column"), mapping.id.column
    for field, column in mapping.columns.items():
        yield ("columns", field), column
    stamps = mapping.timestamps
    if stamps is not None:
        for which, stamp in (("created", stamps.created), ("updated", stamps.updated)):
            if stamp is not None:
                yield ("timestamps", which), stamp


def table_problems(live: Live, kind: Kind) -> Iterator[Problem]:
    """The problems of ``kind``'s mapping against its table, which exists."""
    mapping, table = live.storage.of(kind), live.tables[kind]
    assert mapping is not None
    named = list(entries(mapping))
    for path, column in named:
        if column not in table.c:
            yield _missing_column(kind, mapping, table, path, column)
    if mapping.key in table.c and not unique(table, mapping.key):
        message = (
            f"{shown(mapping.qualified)} has no primary key or unique index on column"
            f" {shown(mapping.key)} alone, yet the key holds the rows' names, which must be"
            " unique: add a unique index on it, or map the key to a unique column"
        )
        yield _problem("storage.key-not-unique", message, kind, ("key",))
    for path, column in named:
        if column in table.c:
            need = _need(live, kind, mapping, path, table.c[column])
            if need is not None:
                message = (
                    f"{shown(mapping.qualified)} column {shown(column)} is"
                    f" {live.spell(table.c[column])}: {_subject(kind, path)} needs {need};"
                    " change the column or the mapping"
                )
                yield _problem("storage.type", message, kind, path)
    yield from _unmapped_required(kind, mapping, table, {column for _, column in named})


def unique(table: sa.Table, name: str) -> bool:
    """A primary key, unique constraint or (whole, not partial) unique index on ``name`` alone."""

    def alone(columns: Iterable[sa.Column[object]]) -> bool:
        return [column.name for column in columns] == [name]

    if alone(table.primary_key.columns):
        return True
    if any(
        isinstance(constraint, sa.UniqueConstraint) and alone(constraint.columns)
        for constraint in table.constraints
    ):
        return True
    return any(
        index.unique
        and alone(index.columns)
        and len(index.expressions) == 1
        and not _partial(index)
        for index in table.indexes
    )


def _partial(index: sa.Index) -> bool:
    return any(
        key.endswith("_where") and value is not None for key, value in index.dialect_kwargs.items()
    )


def generated(table: sa.Table, column: sa.Column[object]) -> bool:
    """Whether an insert that leaves ``column`` out gets a value: autoincrement, identity,
    computed, or a server default."""
    return (
        column is table.autoincrement_column
        or column.server_default is not None
        or column.identity is not None
        or column.computed is not None
    )


def _need(
    live: Live, kind: Kind, mapping: TableMapping, path: tuple[str, ...], column: sa.Column[object]
) -> str | None:
    """What the column would need to be to hold its entry; ``None`` when it does."""
    found = classify(column.type)
    if path[0] == "key":
        return None if found is ColumnClass.TEXT else TEXT
    if path[0] == "id":
        return _id_need(mapping, column, found)
    if path[0] == "timestamps":
        assert mapping.timestamps is not None
        return _time_need(mapping.timestamps.format, column, found, live.dialect.integer_bits)
    field = path[1]
    if mapping.by_id(field):
        return _reference_need(live, kind, field, found)
    classes, need = _NEEDS.get(field, (frozenset({ColumnClass.TEXT}), TEXT))
    if found not in classes or (field == "temperature" and not holds_fractions(column.type)):
        return need
    return None


def _id_need(mapping: TableMapping, column: sa.Column[object], found: ColumnClass) -> str | None:
    assert mapping.id is not None
    if mapping.id.generate is Generate.DATABASE:
        if generated(column.table, column):
            return None
        return (
            "an autoincrement or a server default (generate: database), else an insert could"
            " not get an id; or use generate: uuid"
        )
    if found is ColumnClass.UUID:
        return None
    length = text_length(column.type)
    if found is ColumnClass.TEXT and (length is None or length >= 36):
        return None
    return "a UUID column or text of at least 36 characters (generate: uuid)"


def _time_need(
    format_: TimeFormat, column: sa.Column[object], found: ColumnClass, plain_bits: int
) -> str | None:
    if format_ is TimeFormat.TIMESTAMP:
        return None if found is ColumnClass.DATETIME else "a date-time column (format: timestamp)"
    bits = integer_bits(column.type, plain_bits) if found is ColumnClass.INTEGER else 0
    if format_ is TimeFormat.EPOCH_MILLISECONDS:
        if bits >= 64:
            return None
        return (
            "a 64-bit integer column (BIGINT) for epoch milliseconds, which a 32-bit INTEGER"
            " cannot hold"
        )
    return None if bits >= 32 else "an integer column of at least 32 bits for epoch seconds"


def _reference_need(live: Live, kind: Kind, field: str, found: ColumnClass) -> str | None:
    """A reference by id: the same class as the referenced kind's id column, when known."""
    target = REFERENCES[kind][field]
    target_mapping, target_table = live.storage.of(target), live.tables.get(target)
    if target_mapping is None or target_mapping.id is None or target_table is None:
        return None  # storage.reference, or the other table's own problem
    id_column = target_table.c.get(target_mapping.id.column)
    if id_column is None or classify(id_column.type) is found:
        return None
    return (
        f"a column like the {target} id it holds ({shown(target_mapping.qualified)} column"
        f" {shown(id_column.name)} is {live.spell(id_column)})"
    )


def _unmapped_required(
    kind: Kind, mapping: TableMapping, table: sa.Table, filled: Collection[str]
) -> Iterator[Problem]:
    for column in table.columns:
        if column.nullable or column.name in filled or generated(table, column):
            continue
        message = (
            f"{shown(mapping.qualified)} column {shown(column.name)} is NOT NULL without a"
            " default, and the mapping fills it with nothing, so an insert would fail: give it a"
            " default, allow NULL, or map a field to it"
        )
        yield _problem("storage.unmapped-required", message, kind, ("columns",))


def _missing_column(
    kind: Kind, mapping: TableMapping, table: sa.Table, path: tuple[str, ...], column: str
) -> Problem:
    message = (
        f"{shown(mapping.qualified)} has no column {shown(column)}"
        f"{did_you_mean(column, [c.name for c in table.columns])}: add it, or correct"
        f" storage.{kind.section}.{dotted(path)}"
    )
    return _problem("storage.missing-column", message, kind, path)


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """`` (did you mean 'Name'?)`` for the closest of ``names``, case aside; else nothing."""
    known = list(names)
    folded = {candidate.casefold(): candidate for candidate in known}
    close = folded.get(name.casefold()) or next(
        iter(difflib.get_close_matches(name, known, n=1, cutoff=0.8)), None
    )
    return "" if close is None else f" (did you mean {shown(close)}?)"


def _subject(kind: Kind, path: tuple[str, ...]) -> str:
    if path[0] == "key":
        return "the key (the rows' names)"
    if path[0] == "id":
        return f"the {kind} id"
    if path[0] == "timestamps":
        return f"timestamp {path[1]!r}"
    return f"{kind} field {path[1]!r}"


def _problem(code: str, message: str, kind: Kind, path: tuple[str, ...]) -> Problem:
    return Problem(code, message, path=dotted(("storage", kind.section, *path)))
