"""What a reflected column can hold, as one class per family of SQL types.

The mapping converts values by the class of the column (DESIGN §14): ``auth`` into a JSON column
as JSON and into a text column as compact JSON; booleans into an integer column as 0/1; a
timestamp in the column's own date-time type or as epoch seconds or milliseconds; a UUID into a
native ``UUID`` column or as its 36 characters of text.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeEngine


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
