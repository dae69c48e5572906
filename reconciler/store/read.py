"""Read the three tables into a `DatabaseState`: one query per table, Core rows, frozen values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

import sqlalchemy as sa

from reconciler.errors import DatabaseError
from reconciler.model import Connection, DatabaseState, Profile, Provider
from reconciler.store.failures import redact, translated
from reconciler.store.tables import STATE_TABLES, profiles, provider_connections, providers
from reconciler.store.types import MANAGED_BY

T = TypeVar("T")


def _select_fields(table: sa.Table, model: type[Any]) -> sa.Select[Any]:
    """The columns named like the model's fields, in the fields' order, ``managed_by`` last.

    ``managed_by`` comes back as plain text and is mapped in `_by_name`: a result processor on
    one column makes SQLAlchemy post-process every row, which costs more than the mapping.
    """
    names = [field.name for field in fields(model)]
    if (names[0], names[-1]) != ("name", "managed_by"):
        raise TypeError(f"{model.__name__} must start with name and end with managed_by")
    raw_managed_by = sa.type_coerce(table.c.managed_by, sa.String()).label("managed_by")
    return sa.select(*(table.c[name] for name in names[:-1]), raw_managed_by)


_PROVIDERS = _select_fields(providers, Provider)
_CONNECTIONS = _select_fields(provider_connections, Connection)
_PROFILES = _select_fields(profiles, Profile)


def read_state(connection: sa.Connection) -> DatabaseState:
    """Every row of providers, connections and profiles, as frozen model values.

    A database without the reconciler's schema reads as empty, and nothing is created.
    """
    with translated(connection.engine.url):
        if not _schema_exists(connection):
            return DatabaseState()
        return DatabaseState(
            providers=_by_name(connection, _PROVIDERS, Provider),
            connections=_by_name(connection, _CONNECTIONS, Connection),
            profiles=_by_name(connection, _PROFILES, Profile),
        )


def _by_name(
    connection: sa.Connection, select: sa.Select[Any], model: Callable[..., T]
) -> dict[str, T]:
    # ``name`` is every model's first field and ``managed_by`` its last: a row is the arguments.
    managed_by = MANAGED_BY
    return {row[0]: model(*row[:-1], managed_by[row[-1]]) for row in connection.execute(select)}


def _schema_exists(connection: sa.Connection) -> bool:
    names = set(sa.inspect(connection).get_table_names())
    present = [table.name for table in STATE_TABLES if table.name in names]
    if not present:
        return False
    if len(present) < len(STATE_TABLES):
        raise DatabaseError(
            f"incomplete reconciler schema in {redact(connection.engine.url)}"
            f" (only {', '.join(present)}): run reconcile db upgrade"
        )
    return True
