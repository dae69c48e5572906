"""Column types that turn database values into model values at the border.

Rows come out of Core already holding what the model holds (`ManagedBy`, `Auth`, ``str``), so
the reader builds each frozen value straight from a row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect

from reconciler.model import NAME_LENGTH, Auth, ManagedBy
from reconciler.store.dialects import MYSQL_NAMES


def name_type() -> sa.types.TypeEngine[str]:
    """A row name: exact, case-sensitive comparison on every backend (on MySQL/MariaDB the
    collation the migrations pick by server, `reconciler.store.dialects.exact_collation`)."""
    return sa.String(NAME_LENGTH).with_variant(
        mysql.VARCHAR(NAME_LENGTH, charset="utf8mb4"), *MYSQL_NAMES
    )


def long_text_type() -> sa.types.TypeEngine[str]:
    """Free text that may exceed MySQL's 64 KiB ``TEXT`` (a system prompt)."""
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL_NAMES)


MANAGED_BY: dict[str | None, ManagedBy | None] = {None: None, **{m.value: m for m in ManagedBy}}
"""``managed_by`` as stored -> as in the model."""


class ManagedByType(sa.types.TypeDecorator[ManagedBy]):
    """``managed_by``: a short string in the database, a `ManagedBy` (or ``None``) in Python."""

    impl = sa.String(16)
    cache_ok = True

    def process_bind_param(self, value: ManagedBy | str | None, dialect: Dialect) -> str | None:
        return None if value is None else ManagedBy(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> ManagedBy | None:
        return MANAGED_BY[value]

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[str | None], ManagedBy | None]:
        # A dict lookup in C per row: calling the enum costs more than reading the row.
        return MANAGED_BY.__getitem__


class AuthType(sa.types.TypeDecorator[Auth]):
    """``auth``: JSON such as ``{"type": "api_key", "credential": "..."}``; an `Auth` in Python."""

    impl = sa.JSON()
    cache_ok = True

    def process_bind_param(
        self, value: Auth | Mapping[str, Any] | None, dialect: Dialect
    ) -> dict[str, Any] | None:
        if value is None or isinstance(value, Auth):
            return None if value is None else value.image()
        return dict(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Auth | None:
        return None if value is None else stored_auth(value)


def stored_auth(value: Any) -> Auth:
    """``auth`` as stored (parsed JSON) -> an `Auth`; `ValueError` for JSON that says no auth.

    JSON ``null`` and a mapping without a text ``type`` raise: reading them as "no auth" or as
    type ``None`` would be a guess. A legacy row's other odd JSON (a string, a list) is read as
    its text and shown, never rejected.
    """
    if value is None:
        raise ValueError('JSON null, not an auth object such as {"type": "none"}')
    if not isinstance(value, dict):
        return Auth(value if isinstance(value, str) else json.dumps(value))
    type_, credential = value.get("type"), value.get("credential")
    if not isinstance(type_, str):
        raise ValueError('an object without a text "type"')
    if credential is not None and not isinstance(credential, str):
        raise ValueError('an object whose "credential" is not text')
    return Auth(type_, credential)
