"""Copies of rows with one field changed, built from tuple slices (``_replace`` is 5x slower and
the plan makes one per created or backfilled row)."""

from __future__ import annotations

from reconciler.model import ManagedBy, Profile, Row

_NEW = tuple.__new__
_AT = Profile._fields.index("provider_connection")


def with_owner(row: Row, owner: ManagedBy | None) -> Row:
    """``row`` with ``managed_by=owner``."""
    if row.managed_by is owner:
        return row
    return _NEW(type(row), row[:-1] + (owner,))


def with_connection(profile: Profile, connection: str | None, owner: ManagedBy | None) -> Profile:
    """``profile`` with ``provider_connection=connection`` and ``managed_by=owner``."""
    return _NEW(Profile, profile[:_AT] + (connection,) + profile[_AT + 1 : -1] + (owner,))
