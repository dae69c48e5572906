"""``reconcile drift``: the config planned against the database, and the state digest against
the last journal entry's ``state_after``; read-only (a read-only user will do).

Loads no Alembic and nothing of apply: drift never migrates nor writes.
"""

from __future__ import annotations

from sqlalchemy import Connection

from reconciler.config import LoadedConfig
from reconciler.errors import ConfigError, DatabaseError
from reconciler.gc_pause import gc_paused
from reconciler.model import DatabaseState
from reconciler.planning import PlanContext, make_plan, with_config_problems
from reconciler.planning.digest import config_digest, state_digest
from reconciler.planning.drift import Drift, LastApply
from reconciler.service.plan import Step
from reconciler.storage import Storage
from reconciler.store import connected, redact, resolve_url
from reconciler.store.instance import instance_id
from reconciler.store.journal import read_entries
from reconciler.store.migrate import known_revision
from reconciler.store.rowstore import row_store

READS = 3
"""Times the rows are read again when an apply committed while they were being read."""


@gc_paused
def check_drift(
    config: LoadedConfig, database_url: str | None = None, *, progress: Step | None = None
) -> Drift:
    """Compare the database at ``database_url`` (resolved like ``--database-url``) with
    ``config`` and with its journal; never writes.

    An invalid config, or one with errors against the database (an unknown reference), raises
    `ConfigError`; a database that cannot be read, or a missing SQLite file, `DatabaseError`. A
    database without the schema reads as empty: every row of the config differs.
    """
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s); nothing was compared", errors)
    url = resolve_url(database_url)
    if progress is not None:
        progress("reading the database")
    state, instance, last = _read(url, config.desired.storage)
    if progress is not None:
        progress("comparing")
    plan = make_plan(config.desired, state, sources=config.sources)
    plan = with_config_problems(plan, config.problems)
    digest = state_digest(state)
    if plan.has_errors:
        errors = [problem for problem in plan.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s) against the database", errors)
    context = PlanContext(redact(url), config_digest(config), digest, instance)
    return Drift(plan, context, last)


def _read(url: str, storage: Storage | None) -> tuple[DatabaseState, str | None, LastApply | None]:
    """The rows (in the application's tables under ``storage``), the instance id and the last
    apply, as of one moment.

    The journal is read before and after the rows: an apply that committed in between (the rows
    read may be half before it, half after) shows as a newer entry, and the rows are read again.
    """
    with connected(url, read_only=True, must_exist=True) as connection:
        known_revision(connection, storage)
        rows = row_store(connection, storage)
        last = _last_apply(connection)
        for _ in range(READS):
            state = rows.read()
            now = _last_apply(connection)
            if now == last:
                return state, instance_id(connection), last
            last = now
    raise DatabaseError(
        f"applies kept committing to {redact(url)} while drift read it ({READS} times): run it"
        " again"
    )


def _last_apply(connection: Connection) -> LastApply | None:
    entries = read_entries(connection, limit=1)
    if not entries:
        return None
    entry = entries[0]
    return LastApply(entry.id, entry.applied_at, entry.state_after)
