"""Bookkeeping under ``storage``: the journal, the instance id and ``reconcile_ownership``.

Revision ID: s0001
Revises:
Create Date: 2026-12-02

The rows live in the application's tables (DESIGN §14); the reconciler keeps beside them only the
journal (as revision 0004 left it), the one-row instance id, and the side table
``reconcile_ownership(kind, name, managed_by, owner, protected)`` holding who manages each mapped
row. Self-contained like every revision, and resumable: MySQL commits each ``CREATE TABLE`` at
once, so a run killed half-way is finished by the next one.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from reconciler.store.dialects import MYSQL_NAMES, exact_collation

revision = "s0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TABLE_OPTIONS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def _name(bind: sa.Connection) -> sa.types.TypeEngine[str]:
    if bind.dialect.name not in MYSQL_NAMES:
        return sa.String(255)
    return mysql.VARCHAR(255, charset="utf8mb4", collation=exact_collation(bind.dialect))


def _now() -> sa.TextClause:
    return sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    if "reconcile_journal" not in existing:
        op.create_table(
            "reconcile_journal",
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
            sa.Column("owner", _name(bind), nullable=False, server_default="default"),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_journal")),
            **TABLE_OPTIONS,
        )
    if "reconcile_ownership" not in existing:
        op.create_table(
            "reconcile_ownership",
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("name", _name(bind), nullable=False),
            sa.Column("managed_by", sa.String(16), nullable=True),
            sa.Column("owner", _name(bind), nullable=True),
            sa.Column("protected", sa.Boolean(), nullable=False, server_default=sa.false()),
            sa.PrimaryKeyConstraint("kind", "name", name=op.f("pk_reconcile_ownership")),
            sa.CheckConstraint(
                "managed_by IN ('config', 'seed', 'backfill')",
                name=op.f("ck_reconcile_ownership_managed_by"),
            ),
            **TABLE_OPTIONS,
        )
    if "reconcile_instance" not in existing:
        op.create_table(
            "reconcile_instance",
            sa.Column("id", sa.String(36), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_instance")),
            **TABLE_OPTIONS,
        )
    instance = sa.table("reconcile_instance", sa.column("id", sa.String(36)))
    if bind.execute(sa.select(sa.func.count()).select_from(instance)).scalar() == 0:
        bind.execute(instance.insert().values(id=str(uuid.uuid4())))


def downgrade() -> None:
    for table in ("reconcile_instance", "reconcile_ownership", "reconcile_journal"):
        op.drop_table(table)
