"""Initial schema: providers, provider_connections, profiles, reconcile_journal.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Self-contained on purpose: a revision describes the schema as it was when written, so it never
imports the live table definitions. Later changes come as new revisions.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql
from sqlalchemy.schema import SchemaItem

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
    op.create_table(
        "providers",
        sa.Column("name", _name(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        *_bookkeeping("providers"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_providers")),
        **TABLE_OPTIONS,
    )
    op.create_table(
        "provider_connections",
        sa.Column("name", _name(), nullable=False),
        *_reference("provider", "provider_connections", "providers", nullable=False),
        sa.Column("auth", sa.JSON(), nullable=False),
        *_bookkeeping("provider_connections"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_provider_connections")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_provider_connections_provider"), "provider_connections", ["provider"])
    op.create_table(
        "profiles",
        sa.Column("name", _name(), nullable=False),
        *_reference("provider", "profiles", "providers", nullable=False),
        sa.Column("model", sa.String(255), nullable=False),
        *_reference("provider_connection", "profiles", "provider_connections", nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("description", _long_text(), nullable=True),
        sa.Column("system_prompt", _long_text(), nullable=True),
        sa.Column("temperature", sa.Double(), nullable=True),
        sa.Column("max_tokens", sa.Integer(), nullable=True),
        *_bookkeeping("profiles"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_profiles")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_profiles_provider"), "profiles", ["provider"])
    op.create_index(op.f("ix_profiles_provider_connection"), "profiles", ["provider_connection"])
    op.create_table(
        "reconcile_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("tool_version", sa.String(64), nullable=False),
        sa.Column("config_digest", sa.String(80), nullable=False),
        sa.Column("state_before", sa.String(80), nullable=False),
        sa.Column("state_after", sa.String(80), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_journal")),
        **TABLE_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("reconcile_journal")
    op.drop_table("profiles")
    op.drop_table("provider_connections")
    op.drop_table("providers")
