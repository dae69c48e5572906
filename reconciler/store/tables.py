"""The tables of the reconciler, as SQLAlchemy Core tables: the four it reads and writes, and the
instance id.

This is the schema the code reads and writes. The database gets it from the Alembic revisions in
``migrations/``, never from ``metadata.create_all``; a test checks that the two agree on every
backend. Every column an application may leave out of a plain-SQL ``INSERT`` is nullable or has a
server default. On MySQL/MariaDB every table is InnoDB in ``utf8mb4``, names in the NO PAD binary
collation the migrations pick by server (`reconciler.store.dialects.exact_collation`), so names
compare exactly; JSON columns are ``JSON`` there (``LONGTEXT`` on MariaDB), which holds a plan of
many megabytes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import SchemaItem

from reconciler.model import DEFAULT_OWNER, ManagedBy
from reconciler.store.types import AuthType, ManagedByType, long_text_type, name_type

TABLE_OPTIONS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
}

MANAGED_BY_VALUES = tuple(member.value for member in ManagedBy)
ACTOR_LENGTH = 255

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _now() -> sa.TextClause:
    return sa.text("CURRENT_TIMESTAMP")


def _bookkeeping() -> list[SchemaItem]:
    """``managed_by`` and the two timestamps every row of the three tables carries."""
    return [
        sa.Column("managed_by", ManagedByType(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
    ]


def _sharing() -> list[SchemaItem]:
    """``protected`` and ``owner`` (revision 0004_sharing, so they come last on every backend)."""
    return [
        sa.Column("protected", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("owner", name_type(), nullable=True),
    ]


def _managed_by_check() -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in MANAGED_BY_VALUES)
    return sa.CheckConstraint(f"managed_by IN ({allowed})", name="managed_by")


def _reference(column: str, target: str, *, nullable: bool) -> sa.Column[str]:
    return sa.Column(
        column, name_type(), sa.ForeignKey(target, ondelete="RESTRICT"), nullable=nullable
    )


providers = sa.Table(
    "providers",
    metadata,
    sa.Column("name", name_type(), primary_key=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("base_url", sa.Text(), nullable=True),
    sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
    *_bookkeeping(),
    *_sharing(),
    _managed_by_check(),
    **TABLE_OPTIONS,
)

provider_connections = sa.Table(
    "provider_connections",
    metadata,
    sa.Column("name", name_type(), primary_key=True),
    _reference("provider", "providers.name", nullable=False),
    sa.Column("auth", AuthType(), nullable=False),
    *_bookkeeping(),
    *_sharing(),
    _managed_by_check(),
    sa.Index(None, "provider"),
    **TABLE_OPTIONS,
)

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("name", name_type(), primary_key=True),
    _reference("provider", "providers.name", nullable=False),
    sa.Column("model", sa.String(255), nullable=False),
    _reference("provider_connection", "provider_connections.name", nullable=True),
    sa.Column("source", sa.String(16), nullable=True),
    sa.Column("label", sa.Text(), nullable=True),
    sa.Column("description", long_text_type(), nullable=True),
    sa.Column("system_prompt", long_text_type(), nullable=True),
    sa.Column("temperature", sa.Double(), nullable=True),
    sa.Column("max_tokens", sa.Integer(), nullable=True),
    *_bookkeeping(),
    *_sharing(),
    _managed_by_check(),
    sa.Index(None, "provider"),
    sa.Index(None, "provider_connection"),
    **TABLE_OPTIONS,
)

reconcile_journal = sa.Table(
    "reconcile_journal",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
    sa.Column("actor", sa.String(ACTOR_LENGTH), nullable=False),
    sa.Column("tool_version", sa.String(64), nullable=False),
    sa.Column("config_digest", sa.String(80), nullable=False),
    sa.Column("state_before", sa.String(80), nullable=False),
    sa.Column("state_after", sa.String(80), nullable=False),
    sa.Column("summary", sa.JSON(), nullable=False),
    sa.Column("plan", sa.JSON(), nullable=False),
    sa.Column("owner", name_type(), nullable=False, server_default=DEFAULT_OWNER),
    **TABLE_OPTIONS,
)

reconcile_instance = sa.Table(
    "reconcile_instance",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    **TABLE_OPTIONS,
)
"""One row: the instance id revision 0003 stored, which names this database in plan files (it
is not in `TABLES`: a schema older than that revision has none, and plans as before)."""

STATE_TABLES = (providers, provider_connections, profiles)
"""The tables that make up a `DatabaseState`, in dependency order."""

TABLES = (*STATE_TABLES, reconcile_journal)
"""All four tables, in the order the first revision creates them."""

bookkeeping_metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
"""The tables the reconciler creates under a ``storage`` mapping (DESIGN §14), from the
revisions in ``bookkeeping/``: the journal and the instance id as above, and the side table."""

reconcile_journal.to_metadata(bookkeeping_metadata)
reconcile_instance.to_metadata(bookkeeping_metadata)

reconcile_ownership = sa.Table(
    "reconcile_ownership",
    bookkeeping_metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("name", name_type(), primary_key=True),
    sa.Column("managed_by", ManagedByType(), nullable=True),
    sa.Column("owner", name_type(), nullable=True),
    sa.Column("protected", sa.Boolean(), nullable=False, server_default=sa.false()),
    _managed_by_check(),
    **TABLE_OPTIONS,
)
"""Who manages each row of a mapped table: ``kind`` as in the plan JSON (``provider``,
``connection``, ``profile``), ``name`` the row's key; a row without an entry is external."""
