"""The ``storage`` mapping (DESIGN §14): the kinds kept in the application's own tables.

Pure values: which table holds a kind, which column each field, how rows are keyed and how
references are stored. ``None`` for `Storage` (the default) means the reconciler's own three
tables; a kind a `Storage` leaves out is not stored at all (its only rows are the canonical ones,
held in code). An application may build a `Storage` in code and put it on a `DesiredState`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from reconciler.model import Kind

STORABLE: Mapping[Kind, tuple[str, ...]] = MappingProxyType(
    {
        Kind.PROVIDER: ("type", "base_url", "enabled"),
        Kind.CONNECTION: ("provider", "auth"),
        Kind.PROFILE: (
            "provider",
            "model",
            "provider_connection",
            "source",
            "label",
            "description",
            "system_prompt",
            "temperature",
            "max_tokens",
        ),
    }
)
"""The fields ``columns`` may map, per kind: all but ``name`` (the ``key``) and ``protected``
(kept in the side table ``reconcile_ownership``), in the kind's field order."""

REQUIRED: Mapping[Kind, tuple[str, ...]] = MappingProxyType(
    {
        Kind.PROVIDER: ("type",),
        Kind.CONNECTION: ("provider", "auth"),
        Kind.PROFILE: ("provider", "model"),
    }
)
"""The fields a stored kind must map: a row cannot be read without them (the JSON schema
requires them too; a test keeps the two equal)."""

REFERENCES: Mapping[Kind, Mapping[str, Kind]] = MappingProxyType(
    {
        Kind.PROVIDER: MappingProxyType({}),
        Kind.CONNECTION: MappingProxyType({"provider": Kind.PROVIDER}),
        Kind.PROFILE: MappingProxyType(
            {"provider": Kind.PROVIDER, "provider_connection": Kind.CONNECTION}
        ),
    }
)
"""The reference fields of each kind and the kind each names."""


class Generate(StrEnum):
    """Who makes a surrogate id: the reconciler (a UUID4), or the database (read back)."""

    UUID = "uuid"
    DATABASE = "database"


class TimeFormat(StrEnum):
    """How a ``timestamps`` column holds a time, in UTC."""

    TIMESTAMP = "timestamp"
    EPOCH_SECONDS = "epoch_seconds"
    EPOCH_MILLISECONDS = "epoch_milliseconds"


@dataclass(frozen=True, slots=True)
class SurrogateId:
    """A surrogate key column; never shown in the config, the plan or row images."""

    column: str
    generate: Generate = Generate.DATABASE


@dataclass(frozen=True, slots=True)
class Timestamps:
    """The columns the reconciler sets on insert (``created``) and on every write (``updated``)."""

    created: str | None = None
    updated: str | None = None
    format: TimeFormat = TimeFormat.TIMESTAMP


@dataclass(frozen=True, slots=True)
class TableMapping:
    """One kind in one table of the application's."""

    table: str
    schema: str | None = None
    """A PostgreSQL schema or a MySQL/MariaDB database; ``None``: the connection's default."""
    key: str = "name"
    """The column holding the row's name: unique."""
    id: SurrogateId | None = None
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Field -> column, for the fields stored (`STORABLE`); ``name`` is always ``key``."""
    timestamps: Timestamps | None = None
    references: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Reference field -> the referenced kind's ``id.column``: the field's column holds that
    row's surrogate id instead of its name."""

    @property
    def qualified(self) -> str:
        """``schema.table``, or the table alone: how messages and plans name it."""
        return self.table if self.schema is None else f"{self.schema}.{self.table}"

    def stores(self, name: str) -> bool:
        """Whether field ``name`` has a column (``name`` and ``protected`` always do)."""
        return name in ("name", "protected") or name in self.columns

    def by_id(self, name: str) -> bool:
        """Whether reference field ``name`` holds the referenced row's surrogate id."""
        return name in self.references

    def image(self) -> dict[str, Any]:
        """The mapping as the config writes it (what `storage_mapping` reads back)."""
        image: dict[str, Any] = {"table": self.table}
        if self.schema is not None:
            image["schema"] = self.schema
        if self.key != "name":
            image["key"] = self.key
        if self.id is not None:
            image["id"] = {"column": self.id.column, "generate": self.id.generate.value}
        image["columns"] = dict(self.columns)
        if self.timestamps is not None:
            stamps = {"created": self.timestamps.created, "updated": self.timestamps.updated}
            image["timestamps"] = {k: v for k, v in stamps.items() if v is not None}
            image["timestamps"]["format"] = self.timestamps.format.value
        if self.references:
            image["references"] = dict(self.references)
        return image


@dataclass(frozen=True, slots=True)
class Storage:
    """The kinds kept in the application's tables; a kind that is ``None`` is not stored."""

    providers: TableMapping | None = None
    connections: TableMapping | None = None
    profiles: TableMapping | None = None

    def of(self, kind: Kind) -> TableMapping | None:
        """The table of ``kind``, ``None`` when the kind is not stored."""
        mapping: TableMapping | None = getattr(self, kind.section)
        return mapping

    def stores(self, kind: Kind) -> bool:
        return self.of(kind) is not None

    def mapped(self) -> tuple[tuple[Kind, TableMapping], ...]:
        """The stored kinds and their tables, in the kinds' order."""
        return tuple((kind, m) for kind in Kind if (m := self.of(kind)) is not None)

    def image(self) -> dict[str, Any]:
        """The ``storage`` section as the config writes it."""
        return {kind.section: mapping.image() for kind, mapping in self.mapped()}


def stores_kind(storage: Storage | None, kind: Kind) -> bool:
    """Whether rows of ``kind`` are stored: always in the reconciler's own tables (no
    ``storage``), else when the mapping names a table for it."""
    return storage is None or storage.stores(kind)


def stores_field(storage: Storage | None, kind: Kind, name: str) -> bool:
    """Whether field ``name`` of ``kind`` is stored (every field is, in the own tables)."""
    if storage is None:
        return True
    mapping = storage.of(kind)
    return mapping is not None and mapping.stores(name)
