"""Planning and applying from files: a config on disk or a saved plan file; what the CLI and
applications call.

``plan_config`` plans a config against the database as it stands, read-only (``reconcile plan``,
and the plan ``apply`` shows before asking, then applies with ``apply_reviewed`` only if it still
holds); ``apply_config`` plans and applies under the lock in one transaction (``apply -f …
--yes``); ``apply_saved_plan`` re-plans from the config saved with a reviewed plan and applies
only if nothing it depends on changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.apply import Applied, ApplyOptions, Reviewed, apply_plan
from reconciler.config import LoadedConfig
from reconciler.config.convert import desired_state
from reconciler.config.load import gc_paused
from reconciler.digest import digest, state_digest
from reconciler.errors import ConfigError
from reconciler.model import DatabaseState
from reconciler.planfile import SavedPlan
from reconciler.planning import Plan, make_plan, with_config_problems
from reconciler.render.json import PlanContext, plan_document
from reconciler.store import open_engine, read_state, redact, resolve_url, translated

Step = Callable[[str], None]
"""Told the name of each step as it starts (``"reading the database"``), for a progress line."""


@dataclass(frozen=True)
class Planned:
    """A config planned against a database: the `Plan` and its plan JSON (DESIGN section 9).

    ``plan.problems`` holds the config's problems (tiers 1-3) and the plan's (tier 4), each once.
    An invalid config is not planned: no changes, its problems, and ``state_digest`` null.
    """

    plan: Plan
    document: dict[str, Any]


def apply_config(
    config: LoadedConfig, database_url: str | None = None, options: ApplyOptions | None = None
) -> Applied:
    """Plan ``config`` against the database and apply it, under the lock, in one transaction.

    ``database_url`` resolves like ``--database-url`` (else ``$RECONCILE_DATABASE_URL``, else
    ``sqlite:///reconcile.db``). An invalid config raises `ConfigError` before any connection.
    """
    _require_valid(config)
    with gc_paused():  # a big config is a million live objects: collections only cost time
        digest_ = config_digest(config)
    return apply_plan(
        resolve_url(database_url),
        config.desired,
        config_digest=digest_,
        sources=config.sources,
        options=options,
    )


def apply_reviewed(
    config: LoadedConfig,
    reviewed: Reviewed,
    database_url: str | None = None,
    options: ApplyOptions | None = None,
) -> Applied:
    """Apply ``config`` only if the plan made under the lock equals the ``reviewed`` one."""
    _require_valid(config)
    with gc_paused():
        digest_ = config_digest(config)
    return apply_plan(
        resolve_url(database_url),
        config.desired,
        config_digest=digest_,
        sources=config.sources,
        options=options,
        reviewed=reviewed,
    )


def apply_saved_plan(
    saved: SavedPlan, database_url: str | None = None, options: ApplyOptions | None = None
) -> Applied:
    """Re-plan from the config saved in ``saved`` and apply only if it equals the saved plan.

    The plan keeps the ``--force`` it was made with, whatever ``options.force`` says.
    """
    base = options or ApplyOptions()
    forced = ApplyOptions(saved.force, base.actor, base.lock_timeout, base.progress)
    return apply_plan(
        resolve_url(database_url),
        desired_state(dict(saved.config)),
        config_digest=digest(saved.config),
        options=forced,
        reviewed=Reviewed(saved.document),
    )


def plan_config(
    config: LoadedConfig,
    database_url: str | None = None,
    *,
    force: bool = False,
    progress: Step | None = None,
) -> Planned:
    """Plan ``config`` against the database as it stands now; never writes to it.

    ``database_url`` resolves like ``--database-url``. The database is opened read-only (a
    read-only user will do): a missing SQLite file is not created and a database without the
    schema reads as empty. An invalid config is not planned and the database is not opened.
    A database that cannot be read raises `DatabaseError`.
    """
    url = resolve_url(database_url)
    # A big config is a million live objects and planning builds no cycles: skip collections.
    with gc_paused():
        if not config.valid:
            plan = Plan(config.desired.settings, problems=config.problems, force=force)
            return Planned(plan, plan_document(plan, _context(url, config, None)))
        if progress is not None:
            progress("reading the database")
        state = _read_only_state(url)
        if progress is not None:
            progress("planning")
        plan = make_plan(config.desired, state, force=force, sources=config.sources)
        plan = with_config_problems(plan, config.problems)
        return Planned(plan, plan_document(plan, _context(url, config, state)))


def _read_only_state(url: str) -> DatabaseState:
    engine = open_engine(url, read_only=True)
    try:
        with translated(engine.url), engine.connect() as connection:
            return read_state(connection)
    finally:
        engine.dispose()


def _context(url: str, config: LoadedConfig, state: DatabaseState | None) -> PlanContext:
    read = None if state is None else state_digest(state)
    return PlanContext(redact(url), config_digest(config), read)


def config_digest(config: LoadedConfig) -> str:
    """The digest of the merged config document, as plans and the journal record it."""
    return digest(config.document)


def _require_valid(config: LoadedConfig) -> None:
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s); nothing was applied", errors)
