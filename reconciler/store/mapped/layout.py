"""A mapped kind laid over its reflected table: which column holds what, and of which class."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from reconciler.model import Kind
from reconciler.storage import REFERENCES, STORABLE, Storage, TableMapping
from reconciler.store.mapped.columns import ColumnClass, classify
from reconciler.store.mapped.values import writer


class Write(tuple[str, str, Kind | None, Callable[[Any], Any]]):
    """How one field is written: its name, its column, the kind whose id it holds (``None``:
    stored as it is) and the conversion of the model's value for the column."""

    __slots__ = ()


@dataclass(frozen=True)
class Layout:
    """One stored kind: its `TableMapping` and the table as reflected from the database."""

    kind: Kind
    mapping: TableMapping
    table: sa.Table

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The stored fields but ``name``, in the kind's field order."""
        return tuple(field for field in STORABLE[self.kind] if field in self.mapping.columns)

    @cached_property
    def writes(self) -> Mapping[str, Write]:
        """Each stored field's `Write`, worked out once."""
        return {
            field: Write(
                (
                    field,
                    self.mapping.columns[field],
                    self.target(field),
                    writer(field, self.column_class(field)),
                )
            )
            for field in self.fields
        }

    @property
    def key(self) -> sa.Column[object]:
        return self.table.c[self.mapping.key]

    @property
    def id(self) -> sa.Column[object] | None:
        surrogate = self.mapping.id
        return None if surrogate is None else self.table.c[surrogate.column]

    def column(self, field: str) -> sa.Column[object]:
        return self.table.c[self.mapping.columns[field]]

    def column_class(self, field: str) -> ColumnClass:
        return classify(self.column(field).type)

    def column_class_of(self, column: sa.Column[object]) -> ColumnClass:
        return classify(column.type)

    def target(self, field: str) -> Kind | None:
        """The kind whose surrogate id reference ``field`` holds; ``None``: stored by name."""
        return REFERENCES[self.kind][field] if self.mapping.by_id(field) else None


def layouts(storage: Storage, tables: Mapping[Kind, sa.Table]) -> dict[Kind, Layout]:
    """The stored kinds of ``storage`` over their reflected ``tables``, in the kinds' order."""
    return {kind: Layout(kind, mapping, tables[kind]) for kind, mapping in storage.mapped()}
