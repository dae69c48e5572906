"""Reflect a ``storage`` mapping's tables (a stand-in until the checked reflection lands)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from reconciler.errors import Problem
from reconciler.model import Kind
from reconciler.storage import Storage


@dataclass(frozen=True)
class ForeignKey:
    table: str
    columns: tuple[str, ...]
    kind: Kind
    referred: tuple[str, ...]
    on_delete: str
    source: sa.Table


@dataclass(frozen=True)
class Reflected:
    storage: Storage
    tables: Mapping[Kind, sa.Table]
    foreign_keys: tuple[ForeignKey, ...]
    problems: tuple[Problem, ...]


def reflect_storage(connection: sa.Connection, storage: Storage) -> Reflected:
    metadata = sa.MetaData()
    tables = {
        kind: sa.Table(m.table, metadata, schema=m.schema, autoload_with=connection)
        for kind, m in storage.mapped()
    }
    mapped = {(m.schema, m.table): kind for kind, m in storage.mapped()}
    inspector = sa.inspect(connection)
    keys = []
    for schema in {m.schema for _, m in storage.mapped()}:
        for name in inspector.get_table_names(schema=schema):
            if (schema, name) in mapped:
                continue
            for fk in inspector.get_foreign_keys(name, schema=schema):
                target = mapped.get((fk.get("referred_schema") or schema, fk["referred_table"]))
                if target is None:
                    continue
                rule = (fk.get("options") or {}).get("ondelete") or "NO ACTION"
                source = sa.Table(name, metadata, schema=schema, autoload_with=connection)
                shown = name if schema is None else f"{schema}.{name}"
                keys.append(
                    ForeignKey(
                        shown,
                        tuple(fk["constrained_columns"]),
                        target,
                        tuple(fk["referred_columns"]),
                        rule.upper(),
                        source,
                    )
                )
    return Reflected(storage, tables, tuple(keys), ())
