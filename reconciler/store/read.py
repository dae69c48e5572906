"""Read the three tables into a `DatabaseState`: one query per table, into frozen values.

Every table comes as the driver's own tuples (``auth`` cast to text): Core's `Row` objects would
cost a third of the read of 100,000 profiles, and its type processing would crash on a value the
model cannot hold. Applications and admins write these rows with plain SQL, so a value may mean
nothing to the model: JSON ``null`` or no JSON in ``auth``, a BLOB ``model`` (SQLite keeps any
type in any column), a ``managed_by`` of ``'config '`` (MariaDB's padding collation lets it past
the CHECK). Such a row is never guessed at nor skipped: `read_state` raises a `DatabaseError`
whose problems (``state.unreadable``) name the table, the row and the column.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc

from reconciler.errors import DatabaseError, Problem, dotted
from reconciler.gc_pause import gc_paused
from reconciler.model import Auth, Connection, DatabaseState, ManagedBy, Profile, Provider
from reconciler.store.failures import redact, translated
from reconciler.store.migrate import HEAD_REVISION, current_revision, require_own_tables
from reconciler.store.tables import TABLES, profiles, provider_connections, providers
from reconciler.store.types import MANAGED_BY, stored_auth

UNREADABLE = "state.unreadable"
_SHOWN_IN_MESSAGE = 3
"""Unreadable values named in the error's one line; the problems list them all."""


class _Unreadable(Exception):
    """A stored value the model cannot hold; the message says what it is instead."""


def _kind(value: object) -> str:
    """What a stored value is, without showing it (it may be anything, a secret included)."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"a BLOB of {len(value)} bytes"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool | int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    return f"a {type(value).__name__}"


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Unreadable(f"{_kind(value)}, not text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _boolean(value: Any) -> bool:
    if type(value) not in (bool, int):  # MySQL's BOOLEAN is an integer, any non-zero one true
        raise _Unreadable(f"{_kind(value)}, not a boolean")
    return bool(value)


def _optional_number(value: Any) -> float | None:
    if value is None:
        return None
    if type(value) is not float:
        raise _Unreadable(f"{_kind(value)}, not a number")
    if not math.isfinite(value):  # PostgreSQL stores NaN and Infinity; JSON has neither
        raise _Unreadable(f"{value!r}, not a finite number")
    return value


def _optional_integer(value: Any) -> int | None:
    if value is not None and type(value) is not int:
        raise _Unreadable(f"{_kind(value)}, not an integer")
    return value


def _managed_by(value: Any) -> ManagedBy | None:
    if isinstance(value, str | None) and value in MANAGED_BY:
        return MANAGED_BY[value]
    shown = repr(value[:40]) if isinstance(value, str) else _kind(value)
    allowed = ", ".join(repr(key) for key in MANAGED_BY if key is not None)
    raise _Unreadable(f"{shown}, not one of {allowed} or NULL")


def _auth(value: Any) -> Auth:
    try:
        return stored_auth(json.loads(_text(value)))
    except json.JSONDecodeError:
        raise _Unreadable("not JSON") from None
    except ValueError as error:
        raise _Unreadable(str(error)) from None


_Read = Callable[[Any], Any]
"""A stored value -> the model's value; raises `_Unreadable` for a value the model cannot hold."""


class _Table:
    """A state table as read: the query, and how each column's value becomes the model's."""

    def __init__(self, table: sa.Table, model: type[Any], reads: Sequence[_Read]) -> None:
        columns = [table.c[name] for name in model._fields]
        # As text: psycopg would parse JSON itself, and a JSON string would lose its quotes.
        selected = [sa.cast(c, sa.Text) if c.name == "auth" else c for c in columns]
        self.name = table.name
        self.select = sa.select(*selected)
        self.model = model
        self.columns = model._fields
        self.reads = tuple(reads)

    def rows(self, rows: list[tuple[Any, ...]], problems: list[Problem]) -> dict[str, Any]:
        """Every readable row by name; a `state.unreadable` problem for each bad value, by row
        name and column (the rows come in no set order)."""
        read, found = {}, []
        for row in rows:
            values = []
            for index, value in enumerate(row):
                try:
                    values.append(self.reads[index](value))
                except _Unreadable as error:
                    problem = self._problem(row[0], self.columns[index], str(error))
                    found.append(((str(row[0]), index), problem))
            if len(values) == len(row):
                read[values[0]] = self.model._make(values)
        problems.extend(problem for _key, problem in sorted(found, key=lambda item: item[0]))
        return read

    def _problem(self, name: object, column: str, reason: str) -> Problem:
        row = name if isinstance(name, str) else _kind(name)
        message = f"{self.name} {row!r}: {column} is {reason}"
        return Problem(UNREADABLE, message, path=dotted((self.name, row, column)))


_OPTIONAL_TEXT = (_optional_text,) * 5  # provider_connection, source, label, description, prompt
_MANAGER = (_boolean, _managed_by, _optional_text)  # protected, managed_by, owner: the last three
_PROVIDERS = _Table(providers, Provider, (_text, _text, _optional_text, _boolean, *_MANAGER))
_CONNECTIONS = _Table(provider_connections, Connection, (_text, _text, _auth, *_MANAGER))
_PROFILES = _Table(
    profiles,
    Profile,
    (_text, _text, _text, *_OPTIONAL_TEXT, _optional_number, _optional_integer, *_MANAGER),
)
_NONE: type = type(None)
_TEXT: set[type] = {str}
_PROFILE_TYPES: tuple[set[type], ...] = (
    *(_TEXT,) * 3,
    *({str, _NONE},) * 5,
    {float, _NONE},
    {int, _NONE},
)
"""The types each profile column before ``protected`` may hold, for `_plain_profiles`."""
_TEMPERATURE = Profile._fields.index("temperature")
_PROTECTED, _MANAGED_BY, _OWNER = (
    Profile._fields.index(name) for name in ("protected", "managed_by", "owner")
)
_FLAG: dict[object, bool] = {False: False, True: True}
"""``protected`` as stored (0 or 1 but on PostgreSQL; ``True == 1`` for a dict) -> a bool."""


@gc_paused
def read_state(connection: sa.Connection) -> DatabaseState:
    """Every row of providers, connections and profiles, as frozen model values.

    A database without the reconciler's schema reads as empty, and nothing is created. A value
    the model cannot hold raises `DatabaseError` with a ``state.unreadable`` problem for each.
    """
    with translated(connection.engine.url):
        if not _schema_exists(connection):
            return DatabaseState()
        problems: list[Problem] = []
        state = DatabaseState(
            providers=_PROVIDERS.rows(_driver_rows(connection, _PROVIDERS.select), problems),
            connections=_CONNECTIONS.rows(_driver_rows(connection, _CONNECTIONS.select), problems),
            profiles=_profiles(connection, problems),
        )
    if problems:
        raise unreadable_error(connection.engine.url, problems)
    return state


def _profiles(connection: sa.Connection, problems: list[Problem]) -> dict[str, Profile]:
    """Every profile. When every value is one the model holds as it comes (the usual case, checked
    per column in C), each tuple becomes a `Profile` with ``tuple.__new__``; else row by row."""
    rows = _driver_rows(connection, _PROFILES.select)
    if not _plain_profiles(rows):
        return _PROFILES.rows(rows, problems)
    new, flag, managed_by, at = tuple.__new__, _FLAG, MANAGED_BY, _PROTECTED
    return {
        row[0]: new(Profile, row[:at] + (flag[row[at]], managed_by[row[at + 1]], row[at + 2]))
        for row in rows
    }


def _plain_profiles(rows: list[tuple[Any, ...]]) -> bool:
    """Whether every value is of a type its column holds, every temperature finite, every
    ``protected`` 0 or 1 and every ``managed_by`` known: about 50 ms for 100,000 rows, against
    0.3 s to check them one by one."""
    for index, types in enumerate(_PROFILE_TYPES):
        if not set(map(type, map(itemgetter(index), rows))) <= types:
            return False
    temperatures = [value for value in map(itemgetter(_TEMPERATURE), rows) if value is not None]
    # A NaN or an infinity makes the sum non-finite (so may an overflow: then row by row).
    # Types per value, not per distinct value: 1.0 and 1 and True are one in a set.
    flag_types = set(map(type, map(itemgetter(_PROTECTED), rows)))
    owner_types = set(map(type, map(itemgetter(_OWNER), rows)))
    return (
        flag_types <= {bool, int}
        and set(map(itemgetter(_PROTECTED), rows)) <= _FLAG.keys()
        and owner_types <= {str, _NONE}
        and set(map(itemgetter(_MANAGED_BY), rows)) <= MANAGED_BY.keys()
        and math.isfinite(sum(temperatures))
    )


def unreadable_error(url: sa.URL, problems: list[Problem]) -> DatabaseError:
    """The error of rows whose values the model cannot hold (``state.unreadable``)."""
    named = "; ".join(problem.message for problem in problems[:_SHOWN_IN_MESSAGE])
    more = len(problems) - _SHOWN_IN_MESSAGE
    if more > 0:
        named += f"; and {more} more"
    values = "a value" if len(problems) == 1 else f"{len(problems)} values"
    return DatabaseError(
        f"cannot read {values} in {redact(url)} ({UNREADABLE}): {named}."
        " Correct or delete these rows with SQL: reconciler does not guess what they mean",
        problems,
    )


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
