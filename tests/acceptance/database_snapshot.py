"""What tests look at in a database: every row of every table, and plain SQL for external rows."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from reconciler.store import open_engine

TABLES = ("providers", "provider_connections", "profiles", "reconcile_journal")


def snapshot(url: str, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` (the four of the reconciler's own by default), timestamps
    included, in a stable order (a missing table: empty)."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            return {table: _rows(connection, table) if table in present else [] for table in tables}
    finally:
        engine.dispose()


def _rows(connection: sa.Connection, table: str) -> list[tuple[Any, ...]]:
    rows = connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2"))
    return [tuple(_plain(value) for value in row) for row in rows]


def _plain(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value


def execute(url: str, *statements: str, params: dict[str, Any] | None = None) -> None:
    """Run SQL behind the tool's back (an application or an admin writing rows)."""
    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement), params or {})
    finally:
        engine.dispose()


def scalar(url: str, query: str) -> Any:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(query)).scalar()
    finally:
        engine.dispose()


def journal(url: str) -> list[dict[str, Any]]:
    """Journal rows oldest first, as mappings (JSON columns decoded)."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            query = sa.text("SELECT * FROM reconcile_journal ORDER BY id")
            rows = [dict(row._mapping) for row in connection.execute(query)]
    finally:
        engine.dispose()
    for row in rows:
        for column in ("summary", "plan"):
            if isinstance(row[column], str):
                row[column] = json.loads(row[column])
    return rows
