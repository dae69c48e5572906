"""Values between the model and a mapped column, by the column's class (DESIGN §14).

``auth`` goes into a JSON column as JSON and into a text column as compact JSON with sorted keys,
and is read back from either; booleans go into an integer column as 0/1; a surrogate UUID into a
native ``UUID`` column as a `uuid.UUID`, else as its text. Reading never guesses: a value the
model cannot hold raises `Unreadable`, whose message says what it is instead (never the value:
it may be anything, a secret included).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from reconciler.model import Auth
from reconciler.storage import TimeFormat
from reconciler.store.mapped.columns import ColumnClass
from reconciler.store.types import stored_auth

Read = Callable[[Any], Any]
Write = Callable[[Any], Any]

REQUIRED_TEXT = frozenset({"name", "type", "provider", "model"})
"""Text fields a row cannot be without (``provider`` when stored by name)."""


class Unreadable(Exception):
    """A stored value the model cannot hold; the message says what it is instead."""


def kind_of(value: object) -> str:
    """What a stored value is, without showing it."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"a BLOB of {len(value)} bytes"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool | int):
        return "an integer"
    if isinstance(value, float | Decimal):
        return "a number"
    return f"a {type(value).__name__}"


def reader(field: str, column: ColumnClass) -> Read:
    """How the value of ``field`` read from a column of class ``column`` becomes the model's."""
    if field == "auth":
        return _auth_json if column is ColumnClass.JSON else _auth_text
    if field == "enabled":
        return _boolean
    if field == "temperature":
        return _number
    if field == "max_tokens":
        return _integer
    return _text if field in REQUIRED_TEXT else _optional_text


def writer(field: str, column: ColumnClass) -> Write:
    """How the model's value of ``field`` is written into a column of class ``column``."""
    if field == "auth":
        return _auth_image if column is ColumnClass.JSON else compact_auth
    if field == "enabled" and column is not ColumnClass.BOOLEAN:
        return _flag
    return _same


def _same(value: Any) -> Any:
    return value


def _flag(value: Any) -> int:
    return 1 if value else 0


def _auth_image(value: Auth) -> dict[str, Any]:
    return value.image()


def compact_auth(value: Auth) -> str:
    """``auth`` as a text column holds it: compact JSON with sorted keys."""
    return json.dumps(value.image(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise Unreadable(f"{kind_of(value)}, not text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _boolean(value: Any) -> bool:
    if type(value) not in (bool, int):
        raise Unreadable(f"{kind_of(value)}, not a boolean")
    return bool(value)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if type(value) not in (float, int, Decimal):
        raise Unreadable(f"{kind_of(value)}, not a number")
    number = float(value)
    if not math.isfinite(number):
        raise Unreadable(f"{value!r}, not a finite number")
    return number


def _integer(value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is Decimal and value == value.to_integral_value():
        return int(value)
    if type(value) is not int:
        raise Unreadable(f"{kind_of(value)}, not an integer")
    return value


def _auth_json(value: Any) -> Auth:
    if isinstance(value, str):  # a driver that hands JSON over as its text
        return _auth_text(value)
    try:
        return stored_auth(value)
    except ValueError as error:
        raise Unreadable(str(error)) from None


def _auth_text(value: Any) -> Auth:
    try:
        return stored_auth(json.loads(_text(value)))
    except json.JSONDecodeError:
        raise Unreadable("not JSON") from None
    except ValueError as error:
        raise Unreadable(str(error)) from None


def new_uuid(column: ColumnClass) -> Any:
    """A UUID4 for a surrogate key, as the column takes it."""
    made = uuid.uuid4()
    return made if column is ColumnClass.UUID else str(made)


def stamp(format_: TimeFormat, now: datetime, *, aware: bool) -> Any:
    """``now`` (UTC) as a ``timestamps`` column holds it: naive UTC for a date-time column
    without a time zone, epoch seconds or milliseconds as integers."""
    if format_ is TimeFormat.EPOCH_SECONDS:
        return int(now.timestamp())
    if format_ is TimeFormat.EPOCH_MILLISECONDS:
        return int(now.timestamp() * 1000)
    return now if aware else now.astimezone(UTC).replace(tzinfo=None)
