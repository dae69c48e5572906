"""The checks of a mapping against tables built in code: what each field needs of its column."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from reconciler.config.storage import storage_mapping
from reconciler.model import Kind
from reconciler.store.dialects import MYSQL, POSTGRESQL, SQLITE, Dialect
from reconciler.store.mapped.check import Live, table_problems, unique

SPELLING = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.dialect(),
    "mysql": mysql.dialect(),
}
DIALECTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL}


def provider_table(*columns: sa.Column[Any], key: str = "name") -> sa.Table:
    """``providers(name TEXT PRIMARY KEY, type TEXT NOT NULL, ...)`` with ``columns`` added."""
    metadata = sa.MetaData()
    base = [sa.Column(key, sa.String(100), primary_key=True), sa.Column("type", sa.Text)]
    return sa.Table("providers", metadata, *base, *columns)


def problems(
    section: dict[str, Any],
    table: sa.Table,
    backend: str = "postgresql",
    kind: Kind = Kind.PROVIDER,
) -> list[tuple[str, str]]:
    storage = storage_mapping({kind.section: section})
    assert storage is not None
    dialect: Dialect = DIALECTS[backend]
    live = Live(storage, {kind: table}, dialect, SPELLING[backend])
    return [(problem.code, problem.path) for problem in table_problems(live, kind)]


def providers(**extra: Any) -> dict[str, Any]:
    section: dict[str, Any] = {"table": "providers", "columns": {"type": "type"}}
    for key, value in extra.items():
        if key == "columns":
            section["columns"] = {**section["columns"], **value}
        else:
            section[key] = value
    return section


def test_a_table_that_holds_every_entry_has_no_problem() -> None:
    table = provider_table(
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("base_url", sa.String(2000)),
        sa.Column("made", sa.DateTime(timezone=True), nullable=False),
    )
    section = providers(
        columns={"enabled": "enabled", "base_url": "base_url"}, timestamps={"created": "made"}
    )
    assert problems(section, table) == []


@pytest.mark.parametrize(
    ("field", "type_", "fits"),
    [
        ("enabled", sa.Boolean(), True),
        ("enabled", sa.Integer(), True),
        ("enabled", mysql.TINYINT(1), True),
        ("enabled", sa.Text(), False),
        ("base_url", sa.Text(), True),
        ("base_url", sa.Integer(), False),
        ("base_url", sa.Uuid(), False),  # a UUID column is for ids only
    ],
)
def test_provider_fields_need_their_class(field: str, type_: Any, fits: bool) -> None:
    table = provider_table(sa.Column("value", type_))
    expected = [] if fits else [("storage.type", f"storage.providers.columns.{field}")]
    assert problems(providers(columns={field: "value"}), table) == expected


@pytest.mark.parametrize(
    ("field", "type_", "fits"),
    [
        ("temperature", sa.Float(), True),
        ("temperature", sa.Numeric(3, 2), True),
        ("temperature", sa.Numeric(), True),
        ("temperature", sa.Numeric(3, 0), False),  # cannot hold 0.7
        ("temperature", sa.Integer(), False),
        ("max_tokens", sa.Integer(), True),
        ("max_tokens", sa.BigInteger(), True),
        ("max_tokens", sa.Float(), False),
        ("model", sa.String(50), True),
        ("model", sa.JSON(), False),
        ("system_prompt", sa.Text(), True),
        ("provider", sa.Text(), True),  # stored by name
        ("provider", sa.Uuid(), False),
    ],
)
def test_profile_fields_need_their_class(field: str, type_: Any, fits: bool) -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "profiles",
        metadata,
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("provider", sa.Text),
        sa.Column("model", sa.Text),
        sa.Column("value", type_),
    )
    columns = {"provider": "provider", "model": "model", field: "value"}
    expected = [] if fits else [("storage.type", f"storage.profiles.columns.{field}")]
    assert problems({"table": "profiles", "columns": columns}, table, kind=Kind.PROFILE) == expected


@pytest.mark.parametrize(
    ("type_", "fits"),
    [
        (sa.JSON(), True),
        (postgresql.JSONB(), True),
        (mysql.LONGTEXT(), True),
        (sa.Integer(), False),
    ],
)
def test_auth_goes_into_json_or_text(type_: Any, fits: bool) -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "connections",
        metadata,
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("provider", sa.Text),
        sa.Column("auth", type_),
    )
    section = {"table": "connections", "columns": {"provider": "provider", "auth": "auth"}}
    expected = [] if fits else [("storage.type", "storage.connections.columns.auth")]
    assert problems(section, table, kind=Kind.CONNECTION) == expected


@pytest.mark.parametrize(
    ("type_", "fits"),
    [(sa.String(100), True), (sa.Text(), True), (sa.Uuid(), False), (sa.Integer(), False)],
)
def test_the_key_is_text(type_: Any, fits: bool) -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "providers",
        metadata,
        sa.Column("name", type_, primary_key=True),
        sa.Column("type", sa.Text),
    )
    expected = [] if fits else [("storage.type", "storage.providers.key")]
    assert problems(providers(), table) == expected


@pytest.mark.parametrize(
    ("column", "fits"),
    [
        (sa.Column("id", sa.Uuid(), nullable=False), True),
        (sa.Column("id", sa.String(36), nullable=False), True),
        (sa.Column("id", sa.Text(), nullable=False), True),
        (sa.Column("id", sa.String(32), nullable=False), False),
        (sa.Column("id", sa.Integer(), nullable=False), False),
    ],
)
def test_a_uuid_id_needs_a_uuid_or_36_characters(column: sa.Column[Any], fits: bool) -> None:
    table = provider_table(column)
    section = providers(id={"column": "id", "generate": "uuid"})
    expected = [] if fits else [("storage.type", "storage.providers.id.column")]
    assert problems(section, table) == expected


@pytest.mark.parametrize(
    ("column", "fits"),
    [
        (sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True), True),
        (sa.Column("id", sa.Integer(), sa.Identity(), nullable=False), True),
        (sa.Column("id", sa.Uuid(), nullable=False, server_default=sa.text("uuidv4()")), True),
        (sa.Column("id", sa.Uuid(), nullable=False), False),
        (sa.Column("id", sa.Integer(), nullable=False), False),
    ],
)
def test_a_database_id_needs_a_way_to_be_made(column: sa.Column[Any], fits: bool) -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "providers",
        metadata,
        column,
        sa.Column("name", sa.String(100), unique=True),
        sa.Column("type", sa.Text),
    )
    section = providers(id={"column": "id", "generate": "database"})
    expected = [] if fits else [("storage.type", "storage.providers.id.column")]
    assert problems(section, table) == expected


@pytest.mark.parametrize(
    ("format_", "type_", "backend", "fits"),
    [
        ("timestamp", sa.DateTime(), "postgresql", True),
        ("timestamp", sa.BigInteger(), "postgresql", False),
        ("epoch_seconds", sa.Integer(), "postgresql", True),
        ("epoch_seconds", sa.SmallInteger(), "postgresql", False),
        ("epoch_seconds", mysql.MEDIUMINT(), "mysql", False),
        ("epoch_seconds", sa.DateTime(), "postgresql", False),
        ("epoch_milliseconds", sa.BigInteger(), "postgresql", True),
        ("epoch_milliseconds", sa.Integer(), "postgresql", False),
        ("epoch_milliseconds", sa.Integer(), "mysql", False),
        ("epoch_milliseconds", sa.Integer(), "sqlite", True),  # SQLite's INTEGER is 64-bit
        ("epoch_milliseconds", sa.Text(), "sqlite", False),
    ],
)
def test_timestamps_need_their_format(format_: str, type_: Any, backend: str, fits: bool) -> None:
    table = provider_table(sa.Column("stamp", type_))
    section = providers(timestamps={"updated": "stamp", "format": format_})
    expected = [] if fits else [("storage.type", "storage.providers.timestamps.updated")]
    assert problems(section, table, backend) == expected


def test_a_reference_by_id_needs_the_class_of_the_id_it_holds() -> None:
    storage = storage_mapping(
        {
            "providers": providers(id={"column": "id", "generate": "uuid"}),
            "connections": {
                "table": "connections",
                "columns": {"provider": "provider_id", "auth": "auth"},
                "references": {"provider": "id"},
            },
        }
    )
    assert storage is not None
    metadata = sa.MetaData()
    tables = {
        Kind.PROVIDER: provider_table(sa.Column("id", sa.Uuid(), nullable=False)),
        Kind.CONNECTION: sa.Table(
            "connections",
            metadata,
            sa.Column("name", sa.Text, primary_key=True),
            sa.Column("provider_id", sa.Integer),
            sa.Column("auth", sa.JSON),
        ),
    }
    live = Live(storage, tables, POSTGRESQL, SPELLING["postgresql"])
    found = list(table_problems(live, Kind.CONNECTION))
    assert [(p.code, p.path) for p in found] == [
        ("storage.type", "storage.connections.columns.provider")
    ]
    assert "'providers' column 'id' is UUID" in found[0].message


def test_an_unmapped_not_null_column_without_a_default_is_named() -> None:
    table = provider_table(
        sa.Column("tenant", sa.Text, nullable=False),
        sa.Column("region", sa.Text, nullable=False, server_default="eu"),
        sa.Column("note", sa.Text),
        sa.Column("made", sa.DateTime, nullable=False),
    )
    section = providers(timestamps={"created": "made"})
    storage = storage_mapping({"providers": section})
    assert storage is not None
    live = Live(storage, {Kind.PROVIDER: table}, SQLITE, SPELLING["sqlite"])
    found = list(table_problems(live, Kind.PROVIDER))
    assert [(p.code, p.path) for p in found] == [
        ("storage.unmapped-required", "storage.providers.columns")
    ]
    assert "'providers' column 'tenant' is NOT NULL without a default" in found[0].message


def test_a_missing_column_is_named_with_the_closest_one() -> None:
    table = provider_table(sa.Column("Base_URL", sa.Text))
    storage = storage_mapping({"providers": providers(columns={"base_url": "base_url"})})
    assert storage is not None
    live = Live(storage, {Kind.PROVIDER: table}, SQLITE, SPELLING["sqlite"])
    (found,) = table_problems(live, Kind.PROVIDER)
    assert (found.code, found.path) == (
        "storage.missing-column",
        "storage.providers.columns.base_url",
    )
    assert found.message == (
        "'providers' has no column 'base_url' (did you mean 'Base_URL'?): add it, or correct"
        " storage.providers.columns.base_url"
    )


def test_the_key_needs_a_primary_key_or_a_unique_index_on_it_alone() -> None:
    metadata = sa.MetaData()
    one = sa.Table("one", metadata, sa.Column("name", sa.Text), sa.Column("x", sa.Text))
    sa.Index("both", one.c.name, one.c.x, unique=True)
    two = sa.Table("two", metadata, sa.Column("name", sa.Text))
    sa.Index("alone", two.c.name, unique=True)
    three = sa.Table("three", metadata, sa.Column("name", sa.Text))
    sa.Index("partial", three.c.name, unique=True, postgresql_where=three.c.name != "")
    four = sa.Table("four", metadata, sa.Column("name", sa.Text), sa.UniqueConstraint("name"))
    five = sa.Table("five", metadata, sa.Column("name", sa.Text, primary_key=True))
    six = sa.Table(
        "six",
        metadata,
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("x", sa.Text, primary_key=True),
    )
    assert [unique(t, "name") for t in (one, two, three, four, five, six)] == [
        False,
        True,
        False,
        True,
        True,
        False,
    ]
