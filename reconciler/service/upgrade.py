"""``reconcile db upgrade``: create or migrate the reconciler's tables, its own or, for a config
with a ``storage`` mapping, only the bookkeeping tables beside the application's (DESIGN §14)."""

from __future__ import annotations

from reconciler.config import LoadedConfig
from reconciler.errors import ConfigError
from reconciler.store import Upgrade, owned_engine, resolve_url, upgrade
from reconciler.store.lock import DEFAULT_TIMEOUT


def upgrade_database(
    database_url: str | None = None,
    config: LoadedConfig | None = None,
    lock_timeout: float = DEFAULT_TIMEOUT,
) -> Upgrade:
    """Migrate the database at ``database_url`` (resolved like ``--database-url``) to the newest
    revision, under the reconciler lock; with ``config``, the way its ``storage`` says.

    An invalid ``config`` raises `ConfigError` before any connection. Under ``storage`` only
    ``reconcile_journal``, ``reconcile_instance``, ``reconcile_ownership`` and the version table
    are created, never a table of rows; a database set up the other way is a `DatabaseError`.
    """
    if config is not None and not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s); nothing was upgraded", errors)
    storage = None if config is None else config.desired.storage
    with owned_engine(resolve_url(database_url)) as engine:
        return upgrade(engine, lock_timeout, storage=storage)
