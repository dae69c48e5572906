"""Reflect a ``storage`` mapping's tables and check them against the live schema (DESIGN §14).

Read-only and cheap, as it runs before every plan: one inspector; per schema involved, its table
names and every foreign key (SQLAlchemy's multi-reflection: one query on PostgreSQL, one per
table on SQLite and MySQL, whose dialects read tables one by one); then one batch reflection of
the mapped tables and of the unmapped tables referencing them into a fresh `sa.MetaData`.
Where reflection leaves ``ON DELETE`` rules out, one query per schema reads them
(`Dialect.delete_rules_sql`). The schemas involved are the mapped tables' and the connection's
own: a table of a third schema referencing a mapped one is not seen.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from reconciler.errors import Problem, SourceMap, shown
from reconciler.model import Kind
from reconciler.storage import Storage, TableMapping
from reconciler.store.dialects import Dialect, dialect_of
from reconciler.store.mapped.check import Live, did_you_mean, table_problems

Schema = str | None
"""A schema (PostgreSQL) or database (MySQL) name; ``None``: the connection's own."""


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key of an unmapped table of the application's into a mapped table."""

    table: str
    """How plans name the referencing table: ``table``, or ``schema.table`` in another schema."""
    columns: tuple[str, ...]
    """The referencing columns."""
    kind: Kind
    """The mapped kind it references."""
    referred: tuple[str, ...]
    """The referenced columns of the mapped table (its key or its id column)."""
    on_delete: str
    """``RESTRICT``, ``NO ACTION``, ``CASCADE``, ``SET NULL`` or ``SET DEFAULT``; ``NO ACTION``
    when none is reported."""
    source: sa.Table
    """The referencing table, reflected (to build a count query on)."""


@dataclass(frozen=True)
class Reflected:
    """A mapping and its tables as the database has them, with what does not fit."""

    storage: Storage
    tables: Mapping[Kind, sa.Table]
    """Each mapped kind's table, reflected (real column types); only those that exist."""
    foreign_keys: tuple[ForeignKey, ...]
    """Foreign keys of unmapped tables into mapped ones, sorted (none among mapped tables)."""
    problems: tuple[Problem, ...]
    """``storage.*`` problems, sorted, unlocated (`located` places them); empty: it fits."""


def reflect_storage(connection: sa.Connection, storage: Storage) -> Reflected:
    """Reflect and check ``storage``'s tables on ``connection``; reads only, writes nothing."""
    with warnings.catch_warnings():
        # An application's table may hold types SQLAlchemy does not know (pgvector's vector):
        # they reflect as NullType, which matters only in a mapped column (storage.type).
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        return _reflect(connection, storage)


def located(problems: Iterable[Problem], sources: SourceMap) -> tuple[Problem, ...]:
    """``problems`` placed in the config at their paths (dotted names of ``storage`` entries,
    which hold no dots): at the value, else the key, else the nearest entry written."""
    placed = []
    for problem in problems:
        path = tuple(problem.path.split(".")) if problem.path else ()
        where = sources.locate(path, key=path not in sources.values) if path else None
        placed.append(dataclasses.replace(problem, location=where or problem.location))
    return tuple(placed)


def _reflect(connection: sa.Connection, storage: Storage) -> Reflected:
    inspector = sa.inspect(connection)
    dialect = dialect_of(connection)
    default = inspector.default_schema_name

    def own(schema: Schema) -> Schema:
        return None if schema == default else schema

    problems: list[Problem] = []
    present = _present(inspector, dialect, storage, problems)
    mapped = {(own(m.schema), m.table): kind for kind, m in present.items()}
    scanned = sorted({own(m.schema) for m in present.values()} | {None}, key=lambda s: s or "")
    found = _referencing(inspector, scanned, mapped, own)
    metadata = _reflected(inspector, present, found)
    tables = {kind: metadata.tables[_key(m.schema, m.table)] for kind, m in present.items()}
    rules = _delete_rules(connection, dialect, {schema for schema, *_ in found})
    keys = [
        ForeignKey(
            _key(schema, name),
            tuple(fk["constrained_columns"]),
            kind,
            tuple(fk["referred_columns"]),
            _rule(rules, schema, name, fk),
            metadata.tables[_key(schema, name)],
        )
        for schema, name, fk, kind in found
    ]
    live = Live(storage, tables, dialect, connection.dialect)
    for kind in tables:
        problems.extend(table_problems(live, kind))
    return Reflected(storage, tables, tuple(sorted(keys, key=_key_order)), _sorted(problems))


def _present(
    inspector: sa.Inspector, dialect: Dialect, storage: Storage, problems: list[Problem]
) -> dict[Kind, TableMapping]:
    """The mapped kinds whose tables exist; a problem for each of the others."""
    named = any(m.schema is not None for _, m in storage.mapped())
    schemas = set(inspector.get_schema_names()) if named and dialect.schemas else set()
    names: dict[Schema, list[str]] = {}
    present: dict[Kind, TableMapping] = {}
    for kind, mapping in storage.mapped():
        schema = mapping.schema
        if schema is not None and schema not in schemas:
            problems.append(_missing_schema(kind, mapping, dialect, sorted(schemas)))
            continue
        if schema not in names:
            names[schema] = inspector.get_table_names(schema=schema)
        if mapping.table in names[schema]:
            present[kind] = mapping
            continue
        message = (
            f"the database has no table {shown(mapping.qualified)}"
            f"{did_you_mean(mapping.table, names[schema])}: create it, or correct"
            f" storage.{kind.section}.table"
        )
        problems.append(_problem("storage.missing-table", message, kind, "table"))
    return present


def _missing_schema(
    kind: Kind, mapping: TableMapping, dialect: Dialect, schemas: list[str]
) -> Problem:
    schema = shown(mapping.schema)
    if not dialect.schemas:
        message = (
            f"{shown(mapping.qualified)}: SQLite has no schemas, so storage.{kind.section}.schema"
            f" cannot be {schema}; remove it to use table {shown(mapping.table)}"
        )
    else:
        message = (
            f"the database has no schema {schema}{did_you_mean(mapping.schema or '', schemas)},"
            f" so no table {shown(mapping.qualified)}: create it, or correct"
            f" storage.{kind.section}.schema"
        )
    return _problem("storage.missing-table", message, kind, "schema")


Found = tuple[Schema, str, Any, Kind]
"""A referencing table's schema and name, its reflected foreign key, and the kind it references."""


def _referencing(
    inspector: sa.Inspector,
    schemas: Iterable[Schema],
    mapped: Mapping[tuple[Schema, str], Kind],
    own: Callable[[Schema], Schema],
) -> list[Found]:
    """The foreign keys of unmapped tables, in ``schemas``, into the ``mapped`` tables."""
    found: list[Found] = []
    for schema in schemas:
        for (_, name), keys in inspector.get_multi_foreign_keys(schema=schema).items():
            if (schema, name) in mapped:
                continue  # among the mapped tables: the plan's own guard (DESIGN §6)
            for fk in keys:
                kind = mapped.get((own(fk["referred_schema"]), fk["referred_table"]))
                if kind is not None:
                    found.append((schema, name, fk, kind))
    return found


def _reflected(
    inspector: sa.Inspector, present: Mapping[Kind, TableMapping], found: Iterable[Found]
) -> sa.MetaData:
    """The mapped tables and the referencing ones, one batch reflection per schema."""
    load: dict[Schema, set[str]] = defaultdict(set)
    for mapping in present.values():
        load[mapping.schema].add(mapping.table)
    for schema, name, _fk, _kind in found:
        load[schema].add(name)
    metadata = sa.MetaData()
    for schema, names in load.items():
        # The inspector itself (it inspects as itself), so its cache serves the reflection:
        # the table names, and on MySQL each table's SHOW CREATE TABLE, are read once.
        metadata.reflect(
            inspector,  # type: ignore[call-overload]
            schema=schema,
            only=sorted(names),
            resolve_fks=False,
        )
    return metadata


def _delete_rules(
    connection: sa.Connection, dialect: Dialect, schemas: Iterable[Schema]
) -> dict[tuple[Schema, str, tuple[str, ...]], str]:
    """The ``ON DELETE`` rule of each foreign key by its table and columns, where reflection
    leaves rules out; empty where it reports them."""
    if dialect.delete_rules_sql is None:
        return {}
    statement = sa.text(dialect.delete_rules_sql)
    rules: dict[tuple[Schema, str, tuple[str, ...]], str] = {}
    for schema in schemas:
        columns: dict[tuple[str, Any], list[tuple[int, str]]] = defaultdict(list)
        rule: dict[tuple[str, Any], str] = {}
        for table, key, position, column, on_delete in connection.execute(
            statement, {"schema": schema}
        ):
            columns[(table, key)].append((position, column))
            rule[(table, key)] = on_delete
        for (table, key), held in columns.items():
            rules[(schema, table, tuple(column for _, column in sorted(held)))] = rule[(table, key)]
    return rules


def _rule(
    rules: Mapping[tuple[Schema, str, tuple[str, ...]], str], schema: Schema, name: str, fk: Any
) -> str:
    rule = rules.get((schema, name, tuple(fk["constrained_columns"])))
    if rule is None:
        rule = (fk.get("options") or {}).get("ondelete")
    return str(rule or "NO ACTION").upper()


def _key(schema: Schema, name: str) -> str:
    """A table's key in `sa.MetaData.tables`, and how plans name it."""
    return name if schema is None else f"{schema}.{name}"


def _key_order(key: ForeignKey) -> tuple[Any, ...]:
    return (key.table, key.columns, list(Kind).index(key.kind), key.referred)


_SECTIONS = {kind.section: index for index, kind in enumerate(Kind)}


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """In the kinds' order, then by path and code."""

    def order(problem: Problem) -> tuple[Any, ...]:
        section = problem.path.split(".")[1] if problem.path.count(".") else ""
        return (_SECTIONS.get(section, -1), problem.path, problem.code, problem.message)

    return tuple(sorted(problems, key=order))


def _problem(code: str, message: str, kind: Kind, entry: str) -> Problem:
    return Problem(code, message, path=f"storage.{kind.section}.{entry}")
