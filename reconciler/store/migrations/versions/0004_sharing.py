"""Sharing the database (DESIGN §13): an ``owner`` and a ``protected`` flag on every row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

The three row tables get ``protected`` (boolean, NOT NULL, default false) and ``owner`` (a name,
NULL but for ``config`` rows); the ``config`` rows that exist get the owner ``default``, the owner
of every config written before owners existed. The journal gets ``owner`` (NOT NULL, default
``default``, which the entries already there take). On MySQL/MariaDB ``owner`` uses the names'
exact collation, so owners compare exactly like names. Every step may run again: a run killed
half-way (MySQL commits each ``ALTER``) is finished by the next one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from reconciler.store.dialects import MYSQL_NAMES, exact_collation

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

ROW_TABLES = ("providers", "provider_connections", "profiles")
JOURNAL = "reconcile_journal"
DEFAULT_OWNER = "default"


def _owner_type(bind: sa.Connection) -> sa.types.TypeEngine[str]:
    if bind.dialect.name not in MYSQL_NAMES:
        return sa.String(255)
    return mysql.VARCHAR(255, charset="utf8mb4", collation=exact_collation(bind.dialect))


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in ROW_TABLES:
        present = {column["name"] for column in inspector.get_columns(table)}
        if "protected" not in present:
            flag: sa.Column[bool] = sa.Column(
                "protected", sa.Boolean(), nullable=False, server_default=sa.false()
            )
            op.add_column(table, flag)
        if "owner" not in present:
            op.add_column(table, sa.Column("owner", _owner_type(bind), nullable=True))
        op.execute(
            sa.text(
                f"UPDATE {table} SET owner = :owner WHERE managed_by = 'config' AND owner IS NULL"
            ).bindparams(owner=DEFAULT_OWNER)
        )
    if "owner" not in {column["name"] for column in inspector.get_columns(JOURNAL)}:
        column = sa.Column("owner", _owner_type(bind), nullable=False, server_default=DEFAULT_OWNER)
        op.add_column(JOURNAL, column)


def downgrade() -> None:
    op.drop_column(JOURNAL, "owner")
    for table in ROW_TABLES:
        op.drop_column(table, "owner")
        op.drop_column(table, "protected")
