"""Copies of rows with one field changed, built from tuple slices (``_replace`` is 5x slower and
the plan makes one per created or backfilled row)."""

from __future__ import annotations

from reconciler.model import Connection, Kind, ManagedBy, Profile, Provider, Row

_NEW = tuple.__new__
_AT = Profile._fields.index("provider_connection")
_TYPES: dict[Kind, type[Row]] = {
    Kind.PROVIDER: Provider,
    Kind.CONNECTION: Connection,
    Kind.PROFILE: Profile,
}


def managed(row: Row, managed_by: ManagedBy | None, owner: str | None) -> Row:
    """``row`` with ``managed_by`` and ``owner`` (the last two fields) set."""
    if row.managed_by is managed_by and row.owner == owner:
        return row
    return _NEW(type(row), row[:-2] + (managed_by, owner))


def with_connection(profile: Profile, connection: str | None) -> Profile:
    """``profile`` with ``provider_connection=connection``, managed as it was."""
    return _NEW(Profile, profile[:_AT] + (connection,) + profile[_AT + 1 :])


def field_indexes(kind: Kind, fields: tuple[str, ...]) -> tuple[int, ...]:
    """Where ``fields`` sit in a row of ``kind``."""
    return tuple(_TYPES[kind]._fields.index(name) for name in fields)


def with_fields_of(row: Row, other: Row, at: tuple[int, ...]) -> Row:
    """``row`` with the fields at indexes ``at`` taken from ``other`` (managed as it was)."""
    values = list(row)
    for index in at:
        values[index] = other[index]
    return _NEW(type(row), values)
