"""Read the three tables into a `DatabaseState`: one query per table, into frozen values.

Providers and connections come through Core, whose column types turn ``enabled`` and ``auth`` into
model values. Profiles, the table that grows to 100,000 rows, come as the driver's own tuples:
every profile column is text, a double or an integer, which each driver already returns as the
model holds it, so Core's `Row` objects (a third of the read) are skipped and each tuple becomes a
`Profile` with ``tuple.__new__``. A test checks that no profile column has a result processor on
any of the three dialects.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc

from reconciler.collector import gc_paused
from reconciler.errors import DatabaseError
from reconciler.model import Connection, DatabaseState, Profile, Provider, Row
from reconciler.store.failures import redact, translated
from reconciler.store.migrate import HEAD_REVISION, current_revision, require_own_tables
from reconciler.store.tables import TABLES, profiles, provider_connections, providers
from reconciler.store.types import MANAGED_BY


def _select_fields(table: sa.Table, model: type[Row]) -> sa.Select[Any]:
    """The columns named like the model's fields, in the fields' order (a row is the model)."""
    return sa.select(*(table.c[name] for name in model._fields))


_PROVIDERS = _select_fields(providers, Provider)
_CONNECTIONS = _select_fields(provider_connections, Connection)
_PROFILES = _select_fields(profiles, Profile)


def read_state(connection: sa.Connection) -> DatabaseState:
    """Every row of providers, connections and profiles, as frozen model values.

    A database without the reconciler's schema reads as empty, and nothing is created.
    """
    with translated(connection.engine.url), gc_paused():
        if not _schema_exists(connection):
            return DatabaseState()
        return DatabaseState(
            providers={row.name: Provider._make(row) for row in connection.execute(_PROVIDERS)},
            connections={
                row.name: Connection._make(row) for row in connection.execute(_CONNECTIONS)
            },
            profiles=_profiles(connection),
        )


def _profiles(connection: sa.Connection) -> dict[str, Profile]:
    """Every profile, from the driver's tuples; ``managed_by`` (the last column) mapped here."""
    new, managed_by = tuple.__new__, MANAGED_BY
    return {
        row[0]: new(Profile, row[:-1] + (managed_by[row[-1]],))
        for row in _driver_rows(connection, _PROFILES)
    }


def _driver_rows(connection: sa.Connection, select: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``select`` as the DBAPI cursor returns them, on this connection's transaction.

    A driver error is wrapped as SQLAlchemy wraps it, so `translated` describes it like any other.
    """
    statement = str(select.compile(dialect=connection.dialect))
    dbapi_error = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement)
        return list(cursor.fetchall())
    except dbapi_error as error:
        raise exc.DBAPIError.instance(statement, None, error, dbapi_error) from error
    finally:
        cursor.close()


def _schema_exists(connection: sa.Connection) -> bool:
    names = set(sa.inspect(connection).get_table_names())
    present = [table.name for table in TABLES if table.name in names]
    if not present:
        return False
    require_own_tables(connection, names)
    if len(present) < len(TABLES):  # the journal too: apply writes it, and history reads it
        missing = [table.name for table in TABLES if table.name not in names]
        # At the newest revision, db upgrade has nothing to do: the tables were dropped.
        fix = (
            "they were dropped after reconciler created them; restore them from a backup"
            if current_revision(connection) == HEAD_REVISION
            else "run reconcile db upgrade"
        )
        raise DatabaseError(
            f"incomplete reconciler schema in {redact(connection.engine.url)}"
            f" (only {', '.join(present)}; {', '.join(missing)} missing): {fix}"
        )
    return True
