"""What a reflected column can hold, as one class per family of SQL types.

The mapping converts values by the class of the column (DESIGN §14): ``auth`` into a JSON column
as JSON and into a text column as compact JSON; booleans into an integer column as 0/1; a
timestamp in the column's own date-time type or as epoch seconds or milliseconds; a UUID into a
native ``UUID`` column or as its 36 characters of text.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

_NARROW_BITS = {"TINYINT": 8, "MEDIUMINT": 24}
"""MySQL's integer types below 32 bits that SQLAlchemy does not make `sa.SmallInteger`s."""


class ColumnClass(StrEnum):
    TEXT = "text"
    JSON = "json"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    FLOAT = "float"
    DATETIME = "datetime"
    UUID = "uuid"
    OTHER = "other"


def classify(type_: TypeEngine[object]) -> ColumnClass:
    """The class of a reflected column type. MySQL's ``BOOLEAN`` reflects as ``TINYINT(1)``: an
    integer (0/1), as SQLite's ``INTEGER`` booleans are."""
    if isinstance(type_, sa.JSON):
        return ColumnClass.JSON
    if isinstance(type_, sa.Uuid):
        return ColumnClass.UUID
    if isinstance(type_, sa.Boolean):
        return ColumnClass.BOOLEAN
    if isinstance(type_, sa.Integer):
        return ColumnClass.INTEGER
    if isinstance(type_, sa.Float | sa.Numeric):
        return ColumnClass.FLOAT
    if isinstance(type_, sa.DateTime):
        return ColumnClass.DATETIME
    if isinstance(type_, sa.String):  # Text, VARCHAR, CHAR, CLOB; MariaDB's JSON is LONGTEXT
        return ColumnClass.TEXT
    return ColumnClass.OTHER


def integer_bits(type_: TypeEngine[object], plain: int) -> int:
    """The bits an integer column holds; ``plain``: those of a plain ``INTEGER`` on its
    backend (64 on SQLite, whose integers are all 64-bit)."""
    if plain >= 64 or isinstance(type_, sa.BigInteger):
        return 64
    if isinstance(type_, sa.SmallInteger):
        return 16
    return _NARROW_BITS.get(type(type_).__name__, plain)


def holds_fractions(type_: TypeEngine[object]) -> bool:
    """Whether a number column keeps 0.7 as more than 0 or 1: not a ``NUMERIC(p, 0)``."""
    return isinstance(type_, sa.Float) or getattr(type_, "scale", None) != 0


def text_length(type_: TypeEngine[object]) -> int | None:
    """The characters a text column holds at most; ``None``: unbounded."""
    length: int | None = getattr(type_, "length", None)
    return length


def spelled(type_: TypeEngine[object], dialect: Dialect) -> str:
    """The type as the database spells it (``VARCHAR(255)``, ``TIMESTAMP WITH TIME ZONE``)."""
    if isinstance(type_, sa.types.NullType):
        return "an unrecognised type"
    try:
        return type_.compile(dialect=dialect)
    except sa.exc.SQLAlchemyError:  # pragma: no cover - a type no DDL can spell
        return type(type_).__name__
