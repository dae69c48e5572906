"""Copies of rows with one field changed, built from tuple slices (``_replace`` is 5x slower and
the plan makes one per created or backfilled row)."""

from __future__ import annotations

from reconciler.model import ManagedBy, Profile, Row

_NEW = tuple.__new__
_AT = Profile._fields.index("provider_connection")


def managed(row: Row, managed_by: ManagedBy | None, owner: str | None) -> Row:
    """``row`` with ``managed_by`` and ``owner`` (the last two fields) set."""
    if row.managed_by is managed_by and row.owner == owner:
        return row
    return _NEW(type(row), row[:-2] + (managed_by, owner))


def with_connection(profile: Profile, connection: str | None) -> Profile:
    """``profile`` with ``provider_connection=connection``, managed as it was."""
    return _NEW(Profile, profile[:_AT] + (connection,) + profile[_AT + 1 :])
