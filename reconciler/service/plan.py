"""The plan of a config against the database as it stands, read-only: ``reconcile plan``, and the
plan ``reconcile apply`` shows before asking.

Loads no Alembic and nothing of apply: planning never migrates nor writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.config import LoadedConfig
from reconciler.errors import DatabaseError, Problem
from reconciler.gc_pause import gc_paused
from reconciler.model import DatabaseState
from reconciler.planning import (
    NO_LIMITS,
    Limits,
    Plan,
    PlanContext,
    make_plan,
    with_config_problems,
)
from reconciler.planning.digest import config_digest, state_digest
from reconciler.render.json import plan_document
from reconciler.store import connected, redact, resolve_url
from reconciler.store.instance import instance_id
from reconciler.store.migrate import known_revision
from reconciler.store.rowstore import row_store

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

    @property
    def read_database(self) -> bool:
        """False when the config was invalid and the database was not opened."""
        return self.document["state_digest"] is not None


@gc_paused
def plan_config(
    config: LoadedConfig,
    database_url: str | None = None,
    *,
    force: bool = False,
    take_ownership: bool = False,
    limits: Limits = NO_LIMITS,
    progress: Step | None = None,
) -> Planned:
    """Plan ``config`` against the database as it stands now; never writes to it.

    ``database_url`` resolves like ``--database-url``; ``limits`` are ``--max-deletes`` and
    ``--allow-empty``. The database is opened read-only (a
    read-only user will do): a missing SQLite file is not created and a database without the
    schema reads as empty. An invalid config is not planned and the database is not opened.
    A database that cannot be read raises `DatabaseError`. ``take_ownership`` adopts the rows
    another owner's config manages instead of refusing them (``ownership.conflict``).
    """
    url = resolve_url(database_url)
    if not config.valid:
        plan = Plan(
            config.desired.settings,
            problems=config.problems,
            force=force,
            take_ownership=take_ownership,
        )
        return Planned(plan, plan_document(plan, _context(url, config, None)))
    if progress is not None:
        progress("reading the database")
    state, instance = _read_only_state(url, config)
    if progress is not None:
        progress("planning")
    plan = make_plan(
        config.desired,
        state,
        force=force,
        take_ownership=take_ownership,
        limits=limits,
        sources=config.sources,
    )
    plan = with_config_problems(plan, config.problems)
    return Planned(plan, plan_document(plan, _context(url, config, state, instance)))


def unreadable(config: LoadedConfig, database_url: str | None, error: DatabaseError) -> Planned:
    """The plan document when the database could not be read: no changes, the error a problem.

    ``plan --format json`` prints one document whatever happens, so a CI step parsing it
    always finds ``problems``.
    """
    url = resolve_url(database_url)
    # Rows that could not be read (state.unreadable) are listed each; anything else is one problem.
    problems = error.problems or (Problem("database.unreadable", error.message),)
    plan = Plan(config.desired.settings, problems=(*config.problems, *problems))
    return Planned(plan, plan_document(plan, _context(url, config, None)))


def _read_only_state(url: str, config: LoadedConfig) -> tuple[DatabaseState, str | None]:
    """The rows (in the application's tables under the config's ``storage``), and the
    instance id that names the database in a plan file."""
    storage = config.desired.storage
    with connected(url, read_only=True) as connection:
        known_revision(connection, storage)
        return row_store(connection, storage, config.sources).read(), instance_id(connection)


def _context(
    url: str, config: LoadedConfig, state: DatabaseState | None, instance: str | None = None
) -> PlanContext:
    read = None if state is None else state_digest(state)
    return PlanContext(redact(url), config_digest(config), read, instance)
