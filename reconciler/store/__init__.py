"""The database edge: schema, migrations, engines and the state reader.

The only package that imports SQLAlchemy and Alembic; everything it hands out is a model value,
an `Engine` to pass back in, or a `reconciler.errors.DatabaseError`. Alembic loads only when a
migration actually runs, so ``reconcile plan`` (which never migrates) does not pay for it.
"""

from __future__ import annotations

from reconciler.store.engine import (
    DEFAULT_URL,
    URL_VARIABLE,
    connected,
    open_engine,
    owned_engine,
    parse_url,
    resolve_url,
)
from reconciler.store.failures import redact, translated
from reconciler.store.migrate import Upgrade, current_revision, head_revision, upgrade
from reconciler.store.read import read_state

__all__ = [
    "DEFAULT_URL",
    "URL_VARIABLE",
    "Upgrade",
    "connected",
    "current_revision",
    "head_revision",
    "open_engine",
    "owned_engine",
    "parse_url",
    "read_state",
    "redact",
    "resolve_url",
    "translated",
    "upgrade",
]
