"""Names compare exactly on MySQL/MariaDB: a NO PAD binary collation for every name.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

``utf8mb4_bin`` is PAD SPACE: ``'bot '`` equals ``'bot'``, so a legacy row ``'bot '`` and a
declared ``bot`` were one key to the database and two to the planner. The name columns and the
columns that reference them (a foreign key needs both sides in one collation) move to
`exact_collation`; the foreign keys are dropped and added again around the change, which also
checks every reference against the exact names. PostgreSQL and SQLite compare exactly already.
Every step may run again: a run killed half-way (MySQL commits each ``ALTER``) is finished by the
next one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from reconciler.errors import DatabaseError
from reconciler.store.dialects import exact_collation
from reconciler.store.failures import redact

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

MYSQL = ("mysql", "mariadb")
NAME_COLUMNS = {
    "providers": (("name", False),),
    "provider_connections": (("name", False), ("provider", False)),
    "profiles": (("name", False), ("provider", False), ("provider_connection", True)),
}
"""The columns holding a name, and whether each may be NULL, per table."""
FOREIGN_KEYS = (
    ("provider_connections", "provider", "providers"),
    ("profiles", "provider", "providers"),
    ("profiles", "provider_connection", "provider_connections"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name not in MYSQL:
        return
    _refuse_padded_references(bind)
    _change_collation(bind, exact_collation(bind.dialect))


def _refuse_padded_references(bind: sa.Connection) -> None:
    """Refuse, before changing anything, a reference that matches its row only because
    trailing spaces are ignored: under the exact collation it would match nothing."""
    for table, column, target in FOREIGN_KEYS:
        found = bind.execute(
            sa.text(
                f"SELECT t.name, t.{column} FROM {table} t WHERE t.{column} IS NOT NULL AND NOT"
                f" EXISTS (SELECT 1 FROM {target} r WHERE BINARY r.name = BINARY t.{column})"
                " ORDER BY t.name LIMIT 1"
            )
        ).first()
        if found is not None:
            raise DatabaseError(
                f"cannot make names compare exactly in {redact(bind.engine.url)}: {table}"
                f" {found[0]!r} has {column} {found[1]!r}, which matches a row of {target} only"
                f" when trailing spaces are ignored; make {table}.{column} spell that name"
                " exactly, then run reconcile db upgrade"
            )


def _change_collation(bind: sa.Connection, collation: str) -> None:
    charset = f"CHARACTER SET utf8mb4 COLLATE {collation}"
    inspector = sa.inspect(bind)
    for table, column, _target in FOREIGN_KEYS:
        name = f"fk_{table}_{column}"
        if name in {key["name"] for key in inspector.get_foreign_keys(table)}:
            op.drop_constraint(name, table, type_="foreignkey")
    for table, columns in NAME_COLUMNS.items():
        changes = [f"DEFAULT {charset}"] + [
            f"MODIFY {column} VARCHAR(255) {charset} {'NULL' if nullable else 'NOT NULL'}"
            for column, nullable in columns
        ]
        op.execute(f"ALTER TABLE {table} {', '.join(changes)}")
    for table, column, target in FOREIGN_KEYS:
        op.create_foreign_key(
            f"fk_{table}_{column}", table, target, [column], ["name"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name in MYSQL:
        _change_collation(bind, "utf8mb4_bin")
