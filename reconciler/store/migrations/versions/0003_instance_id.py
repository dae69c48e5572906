"""The instance id: a random id stored once, naming the database a plan was made against.

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-10

A one-row table ``reconcile_instance(id)``. Being data, it travels with the database: a replica
holds its primary's id, so a plan made on a read-only replica applies to the primary, whatever
URL either was reached by (``apply PLANFILE`` compares ids, not URLs). Resumable: MySQL commits
the ``CREATE TABLE`` at once, so a run killed before the id was inserted is finished by the next.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

TABLE = "reconcile_instance"
TABLE_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(TABLE):
        op.create_table(
            TABLE,
            sa.Column("id", sa.String(36), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
            **TABLE_OPTIONS,
        )
    instance = sa.table(TABLE, sa.column("id", sa.String(36)))
    if bind.execute(sa.select(sa.func.count()).select_from(instance)).scalar() == 0:
        bind.execute(instance.insert().values(id=str(uuid.uuid4())))


def downgrade() -> None:
    op.drop_table(TABLE)
