"""Initial schema: providers, provider_connections, profiles, reconcile_journal.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Self-contained on purpose: a revision describes the schema as it was when written, so it never
imports the live table definitions. Later changes come as new revisions. Resumable: MySQL commits
every ``CREATE TABLE`` at once, so a run killed half-way is finished by the next one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql
from sqlalchemy.schema import SchemaItem

from reconciler.errors import DatabaseError
from reconciler.store.failures import redact

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

MYSQL = ("mysql", "mariadb")
TABLE_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}


def _name() -> sa.types.TypeEngine[str]:
    return sa.String(255).with_variant(
        mysql.VARCHAR(255, charset="utf8mb4", collation="utf8mb4_bin"), *MYSQL
    )


def _long_text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL)


def _now() -> sa.TextClause:
    return sa.text("CURRENT_TIMESTAMP")


def _bookkeeping(table: str) -> list[SchemaItem]:
    return [
        sa.Column("managed_by", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.CheckConstraint(
            "managed_by IN ('config', 'seed', 'backfill')", name=op.f(f"ck_{table}_managed_by")
        ),
    ]


def _reference(column: str, table: str, target: str, *, nullable: bool) -> list[SchemaItem]:
    return [
        sa.Column(column, _name(), nullable=nullable),
        sa.ForeignKeyConstraint(
            [column], [f"{target}.name"], name=op.f(f"fk_{table}_{column}"), ondelete="RESTRICT"
        ),
    ]


def upgrade() -> None:
    """Create the four tables; those an interrupted run already created are kept, if ours.

    MySQL commits each ``CREATE TABLE`` on its own, so a run killed half-way leaves some tables
    and an empty version table: running again creates what is missing.
    """
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    tables = _tables()
    for table in tables:
        if table.name in existing:
            _require_ours(table, inspector, existing)
    for table in tables:
        present = set()
        if table.name in existing:
            present = {index["name"] for index in inspector.get_indexes(table.name)}
        else:
            op.create_table(table.name, *table.items, **TABLE_OPTIONS)
        for column in table.indexed:
            name = op.f(f"ix_{table.name}_{column}")
            if name not in present:
                op.create_index(name, table.name, [column])


class _Table(NamedTuple):
    name: str
    items: list[SchemaItem]
    indexed: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return [item.name for item in self.items if isinstance(item, sa.Column)]


def _tables() -> list[_Table]:
    return [
        _Table(
            "providers",
            [
                sa.Column("name", _name(), nullable=False),
                sa.Column("type", sa.String(32), nullable=False),
                sa.Column("base_url", sa.Text(), nullable=True),
                sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
                *_bookkeeping("providers"),
                sa.PrimaryKeyConstraint("name", name=op.f("pk_providers")),
            ],
        ),
        _Table(
            "provider_connections",
            [
                sa.Column("name", _name(), nullable=False),
                *_reference("provider", "provider_connections", "providers", nullable=False),
                sa.Column("auth", sa.JSON(), nullable=False),
                *_bookkeeping("provider_connections"),
                sa.PrimaryKeyConstraint("name", name=op.f("pk_provider_connections")),
            ],
            ("provider",),
        ),
        _Table(
            "profiles",
            [
                sa.Column("name", _name(), nullable=False),
                *_reference("provider", "profiles", "providers", nullable=False),
                sa.Column("model", sa.String(255), nullable=False),
                *_reference(
                    "provider_connection", "profiles", "provider_connections", nullable=True
                ),
                sa.Column("source", sa.String(16), nullable=True),
                sa.Column("label", sa.Text(), nullable=True),
                sa.Column("description", _long_text(), nullable=True),
                sa.Column("system_prompt", _long_text(), nullable=True),
                sa.Column("temperature", sa.Double(), nullable=True),
                sa.Column("max_tokens", sa.Integer(), nullable=True),
                *_bookkeeping("profiles"),
                sa.PrimaryKeyConstraint("name", name=op.f("pk_profiles")),
            ],
            ("provider", "provider_connection"),
        ),
        _Table(
            "reconcile_journal",
            [
                sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
                sa.Column(
                    "applied_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()
                ),
                sa.Column("actor", sa.String(255), nullable=False),
                sa.Column("tool_version", sa.String(64), nullable=False),
                sa.Column("config_digest", sa.String(80), nullable=False),
                sa.Column("state_before", sa.String(80), nullable=False),
                sa.Column("state_after", sa.String(80), nullable=False),
                sa.Column("summary", sa.JSON(), nullable=False),
                sa.Column("plan", sa.JSON(), nullable=False),
                sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_journal")),
            ],
        ),
    ]


def _require_ours(table: _Table, inspector: sa.Inspector, existing: set[str]) -> None:
    """Refuse a table left by an interrupted run that is not the one this revision creates."""
    found = [column["name"] for column in inspector.get_columns(table.name)]
    if found == table.columns:
        return
    bind = op.get_bind()
    leftovers = [other.name for other in _tables() if other.name in existing]
    version_table = op.get_context().version_table
    raise DatabaseError(
        f"the schema of {redact(bind.engine.url)} was left half-created by an interrupted"
        f" reconcile db upgrade, and its table {table.name} is not the one reconciler creates"
        f" (columns {', '.join(found)}; expected {', '.join(table.columns)}): drop the tables"
        f" {', '.join(leftovers)} and {version_table} if they hold nothing you need, then run"
        " reconcile db upgrade"
    )


def downgrade() -> None:
    op.drop_table("reconcile_journal")
    op.drop_table("profiles")
    op.drop_table("provider_connections")
    op.drop_table("providers")
