"""Read the three tables into a `DatabaseState`: one query per table, Core rows, frozen values."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from reconciler.errors import DatabaseError
from reconciler.model import Auth, Connection, DatabaseState, ManagedBy, Profile, Provider
from reconciler.store.failures import redact, translated
from reconciler.store.tables import STATE_TABLES, profiles, provider_connections, providers

_MANAGED_BY: dict[str | None, ManagedBy | None] = {None: None, **{m.value: m for m in ManagedBy}}

_PROVIDER_COLUMNS = (providers.c.name, providers.c.type, providers.c.base_url, providers.c.enabled)
_CONNECTION_COLUMNS = (
    provider_connections.c.name,
    provider_connections.c.provider,
    provider_connections.c.auth,
)
# In the order of `Profile`'s fields: a row maps onto it by position.
_PROFILE_COLUMNS = tuple(
    profiles.c[name]
    for name in (
        "name",
        "provider",
        "model",
        "provider_connection",
        "source",
        "label",
        "description",
        "system_prompt",
        "temperature",
        "max_tokens",
    )
)


def read_state(connection: sa.Connection) -> DatabaseState:
    """Every row of providers, connections and profiles, as frozen model values.

    A database without the reconciler's schema reads as empty, and nothing is created.
    """
    with translated(connection.engine.url):
        if not _schema_exists(connection):
            return DatabaseState()
        return DatabaseState(
            providers=_read_providers(connection),
            connections=_read_connections(connection),
            profiles=_read_profiles(connection),
        )


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


def _read_providers(connection: sa.Connection) -> dict[str, Provider]:
    rows = connection.execute(sa.select(*_PROVIDER_COLUMNS, providers.c.managed_by))
    return {
        name: Provider(name, type_, base_url, bool(enabled), _MANAGED_BY[managed_by])
        for name, type_, base_url, enabled, managed_by in rows
    }


def _read_connections(connection: sa.Connection) -> dict[str, Connection]:
    rows = connection.execute(sa.select(*_CONNECTION_COLUMNS, provider_connections.c.managed_by))
    return {
        name: Connection(name, provider, _auth(auth), _MANAGED_BY[managed_by])
        for name, provider, auth, managed_by in rows
    }


def _read_profiles(connection: sa.Connection) -> dict[str, Profile]:
    managed_by = _MANAGED_BY
    rows: Iterable[Sequence[Any]] = connection.execute(
        sa.select(*_PROFILE_COLUMNS, profiles.c.managed_by)
    )
    return {
        row[0]: Profile(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            managed_by[row[10]],
        )
        for row in rows
    }


def _auth(value: Any) -> Auth:
    """The ``auth`` column as an `Auth`; tolerates JSON that a driver left as text."""
    data: Mapping[str, Any] = json.loads(value) if isinstance(value, str) else value
    credential = data.get("credential")
    return Auth(str(data.get("type")), None if credential is None else str(credential))
