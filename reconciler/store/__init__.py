"""The database edge: schema, migrations, engines and the state reader.

The only package that imports SQLAlchemy and Alembic; everything it hands out is a model value,
an `Engine` to pass back in, or a `reconciler.errors.DatabaseError`. Alembic loads on first use
of a migration name only, so ``reconcile plan`` (which never migrates) does not pay for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from reconciler.store.engine import (
    DEFAULT_URL,
    URL_VARIABLE,
    database_identity,
    open_engine,
    parse_url,
    resolve_url,
)
from reconciler.store.failures import redact, translated
from reconciler.store.read import read_state

if TYPE_CHECKING:
    from reconciler.store.migrate import Upgrade, current_revision, head_revision, upgrade

_MIGRATE = frozenset({"Upgrade", "current_revision", "head_revision", "upgrade"})

__all__ = [
    "DEFAULT_URL",
    "URL_VARIABLE",
    "Upgrade",
    "current_revision",
    "database_identity",
    "head_revision",
    "open_engine",
    "parse_url",
    "read_state",
    "redact",
    "resolve_url",
    "translated",
    "upgrade",
]


def __getattr__(name: str) -> Any:
    if name not in _MIGRATE:
        raise AttributeError(f"module 'reconciler.store' has no attribute {name!r}")
    return getattr(import_module("reconciler.store.migrate"), name)
