"""Apply: plan under the lock, check against the reviewed plan, execute, journal.

``apply_config`` applies a config loaded from files (``apply -f … --yes``, or the plan shown
before asking, only if it still holds); ``apply_saved_plan`` re-plans from the config saved with a
reviewed plan file and applies only if nothing it depends on changed, to the database it was
planned against (the same instance id), and recognises a plan file applied a second time; both
go through ``apply_plan``, which takes a `DesiredState` built anywhere.

The other consumer of `Plan` (the renderers are the first). Two steps, each under the reconciler
lock: the schema upgrade (its own transaction, since MySQL commits DDL implicitly), then one
transaction that reads the state, plans, refuses a blocked or stale plan, writes every change
with set-based statements and records one journal row. Anything that fails rolls the whole
transaction back: the database is exactly as before and the journal has no entry.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Engine

from reconciler._version import __version__
from reconciler.config import LoadedConfig
from reconciler.errors import (
    BlockedError,
    ConfigError,
    Problem,
    ReconcileError,
    SourceMap,
    StaleError,
    UsageError,
    shown,
)
from reconciler.gc_pause import gc_paused
from reconciler.model import DesiredState
from reconciler.planning import NO_LIMITS, Limits, Plan, PlanContext, make_plan
from reconciler.planning.digest import config_digest, digest, plan_digest, state_digest
from reconciler.planning.outcome import applied
from reconciler.planning.stale import stale_problems
from reconciler.render.escape import plain
from reconciler.render.history import journal_document
from reconciler.render.json import plan_document, summary_image
from reconciler.service.planfile import SavedPlan, check_saved_config, in_config
from reconciler.store import (
    connected,
    owned_engine,
    redact,
    resolve_url,
    translated,
    upgrade,
)
from reconciler.store.instance import instance_id
from reconciler.store.journal import NewEntry, read_entries, write_entry
from reconciler.store.lock import DEFAULT_TIMEOUT, locked_transaction
from reconciler.store.rowstore import row_store
from reconciler.store.tables import ACTOR_LENGTH
from reconciler.store.write import Progress

ACTOR_VARIABLE = "RECONCILE_ACTOR"


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A plan someone reviewed (a saved plan file, or the plan shown at the prompt).

    ``document`` is its plan JSON; apply goes ahead only if the plan made under the lock has the
    same ``changes`` (with their ``before`` images) and ``blocked`` entries.
    """

    document: Mapping[str, Any]
    saved: bool = False
    """A plan file: applied again once it took effect (`_already_applied`), it writes nothing."""


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    """How to apply: ``--force``, ``--take-ownership`` and the delete limits, who is applying,
    how long to wait for the lock, where progress goes."""

    force: bool = False
    take_ownership: bool = False
    actor: str | None = None
    lock_timeout: float = DEFAULT_TIMEOUT
    progress: Progress | None = field(default=None, compare=False)
    limits: Limits = NO_LIMITS


@dataclass(frozen=True, slots=True)
class Applied:
    """What an apply did: the plan it executed and the state digests its journal row chains.

    ``already_applied``: a plan file applied again, found to be what the journal entry
    ``journal_id`` applied, with nothing left to do; nothing was written.
    """

    plan: Plan
    context: PlanContext
    journal_id: int
    state_before: str
    state_after: str
    already_applied: bool = False

    @property
    def document(self) -> dict[str, Any]:
        """The plan JSON, as ``plan --format json`` prints it (built on demand: apply needs it
        only to compare with a reviewed plan)."""
        return plan_document(self.plan, self.context)


@gc_paused
def apply_plan(
    engine: Engine | str,
    desired: DesiredState,
    *,
    config_digest: str,
    sources: SourceMap | None = None,
    options: ApplyOptions | None = None,
    reviewed: Reviewed | None = None,
) -> Applied:
    """Bring the database to ``desired`` in one transaction under the lock, and journal it.

    ``engine`` is an engine, or a database URL (opened and closed here). The schema is upgraded
    first, in a step of its own under the same lock.

    Without ``reviewed`` the plan made under the lock is applied as it is (``apply --yes``). With
    it, that plan must equal the reviewed one or nothing is written (`StaleError`). A plan with
    errors raises `ConfigError`, a blocked one `BlockedError`; a lock wait beyond
    ``options.lock_timeout`` raises `LockTimeout`; a database failure `DatabaseError`.
    """
    options = options or ApplyOptions()
    options = replace(options, actor=actor_name(options.actor))  # refused before any connection
    with owned_engine(engine) as owned, translated(owned.url):
        with locked_transaction(owned, options.lock_timeout) as connection:
            upgrade(connection, storage=desired.storage)
        with locked_transaction(owned, options.lock_timeout) as connection:
            return _apply(connection, desired, config_digest, sources, options, reviewed)


def _apply(
    connection: Connection,
    desired: DesiredState,
    config_digest: str,
    sources: SourceMap | None,
    options: ApplyOptions,
    reviewed: Reviewed | None,
) -> Applied:
    rows = row_store(connection, desired.storage, sources)
    state = rows.read()
    plan = make_plan(
        desired,
        state,
        force=options.force,
        take_ownership=options.take_ownership,
        limits=options.limits,
        sources=sources or SourceMap(),
    )
    before = state_digest(state)
    context = PlanContext(
        redact(connection.engine.url), config_digest, before, instance_id(connection)
    )
    reviewed_digest = None if reviewed is None else plan_digest(reviewed.document)
    if reviewed is not None and reviewed.saved:
        entry = _already_applied(connection, plan, reviewed_digest)
        if entry is not None:
            return Applied(plan, context, entry, before, before, already_applied=True)
    _refuse(plan, context, reviewed)
    rows.write(plan.changes, options.progress)
    after = state_digest(applied(state, plan.changes))
    journaled = journal_document(plan, context)
    if reviewed_digest is not None:
        journaled["plan_digest"] = reviewed_digest
    journal_id = write_entry(
        connection,
        NewEntry(
            actor=actor_name(options.actor),
            tool_version=__version__,
            config_digest=config_digest,
            state_before=before,
            state_after=after,
            summary=summary_image(plan.summary),
            plan=journaled,
            owner=desired.settings.owner,
        ),
    )
    return Applied(plan, context, journal_id, before, after)


def _already_applied(connection: Connection, plan: Plan, reviewed_digest: str | None) -> int | None:
    """The id of the last journal entry, when it applied the reviewed plan (the same
    `plan_digest`: the same config and changes) and ``plan``, made now, has nothing left to do.

    The journal records ``plan_digest`` in the plan of every apply of a reviewed plan.
    """
    if plan.changes or plan.blocked or plan.has_errors:
        return None
    entries = read_entries(connection, limit=1, with_plan=True)
    if not entries or not isinstance(entries[0].plan, Mapping):
        return None
    return entries[0].id if entries[0].plan.get("plan_digest") == reviewed_digest else None


def _refuse(plan: Plan, context: PlanContext, reviewed: Reviewed | None) -> None:
    """Raise before anything is written: errors first, then staleness, then guards (DESIGN 8)."""
    if plan.has_errors:
        errors = [problem for problem in plan.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s) against the database", errors)
    if reviewed is not None:
        problems = stale_problems(reviewed.document, plan_document(plan, context))
        if problems:
            lines = "".join(f"\n  {plain(problem.message)}" for problem in problems)
            raise StaleError(
                f"plan.stale: the reviewed plan no longer matches the database "
                f"({len(problems)} difference(s)); nothing was applied:{lines}",
                problems,
            )
    if plan.is_blocked:
        lines = "".join(
            f"\n  {plain(entry.subject)}: {plain(entry.message)}" for entry in plan.blocked
        )
        raise BlockedError(
            f"the plan is blocked ({len(plan.blocked)} refused change(s)); nothing was applied:"
            f"{lines}"
        )


def actor_name(option: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """``--actor``, else ``$RECONCILE_ACTOR``, else the OS user; `UsageError` when the journal's
    ``actor`` column cannot hold it as it is (too long, or a control character)."""
    if option:
        name, source = option, "--actor"
    elif environ.get(ACTOR_VARIABLE):
        name, source = environ[ACTOR_VARIABLE], f"${ACTOR_VARIABLE}"
    else:
        try:
            name, source = getpass.getuser(), "the OS user name"
        except (OSError, KeyError):  # no login name and no passwd entry (some containers)
            return f"uid:{os.getuid()}"
    if len(name) > ACTOR_LENGTH or not name.isprintable():
        raise UsageError(
            f"the actor ({source}) must be at most {ACTOR_LENGTH} printable characters, not"
            f" {shown(name)}"
        )
    return name


@gc_paused
def apply_config(
    config: LoadedConfig,
    database_url: str | None = None,
    options: ApplyOptions | None = None,
    *,
    reviewed: Reviewed | None = None,
) -> Applied:
    """Plan ``config`` against the database and apply it, under the lock, in one transaction.

    ``database_url`` resolves like ``--database-url`` (else ``$RECONCILE_DATABASE_URL``, else
    ``sqlite:///reconcile.db``). With ``reviewed`` (the plan shown before asking, from
    `reconciler.service.plan.plan_config`), applies only if the plan made under the lock equals it.
    An invalid config raises `ConfigError` before any connection.
    """
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s); nothing was applied", errors)
    digest_ = config_digest(config)
    return apply_plan(
        resolve_url(database_url),
        config.desired,
        config_digest=digest_,
        sources=config.sources,
        options=options,
        reviewed=reviewed,
    )


@gc_paused
def apply_saved_plan(
    saved: SavedPlan, database_url: str | None = None, options: ApplyOptions | None = None
) -> Applied:
    """Re-plan from the config saved in ``saved`` and apply only if it equals the saved plan.

    The plan keeps the ``--force``, ``--take-ownership`` and the delete limits it was made with,
    whatever ``options`` says.
    """
    config = saved.loaded or check_saved_config(dict(saved.config), saved.path)
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        message = f"{saved.path}: the saved config has {len(errors)} error(s); nothing was applied"
        raise ConfigError(message, errors)
    url = resolve_url(database_url)
    _require_same_instance(saved, url)
    base = options or ApplyOptions()
    forced = replace(
        base, force=saved.force, take_ownership=saved.take_ownership, limits=saved.limits
    )
    try:
        return apply_plan(
            url,
            config.desired,
            config_digest=digest(saved.config),
            sources=config.sources,
            options=forced,
            reviewed=Reviewed(saved.document, saved=True),
        )
    except ConfigError as error:  # problems against the database, in the saved config
        raise ConfigError(error.message, map(in_config, error.problems)) from error


def _require_same_instance(saved: SavedPlan, url: str) -> None:
    """A reviewed plan applies only to the database it was planned against: the one whose
    instance id it records, reached by whatever URL and user (a plan made on a read-only replica
    applies to the primary). A plan of a database without an id (no reconciler schema yet, or
    one older than revision 0003) applies only to a database without one either, or to one
    that got its id without ever being applied to (a first deploy whose earlier attempt was
    refused after the upgrade): the plan's own before images are then what decides, as always.

    Read before the lock, without writing (a missing SQLite file is not created): an id never
    changes once stored, and one stored in between (by the first upgrade) is that same
    database's, so nothing the lock would hold off can change the answer.
    """
    planned = saved.document.get("instance_id")
    with connected(url, read_only=True) as connection:
        target = instance_id(connection)
        never_applied = planned is None and not read_entries(connection, limit=1)
    if planned == target or never_applied:
        return
    shown = saved.document.get("database")
    where = f" ({shown})" if isinstance(shown, str) else ""
    planned_on = (
        f"instance {planned}{where}"
        if planned
        else f"a database without an instance id{where}, before its first `reconcile db upgrade`"
    )
    found = (
        f"is instance {target}"
        if target
        else "has no instance id (no reconciler schema yet, or an older one)"
    )
    message = (
        f"{saved.path} was planned against {planned_on}, but {redact(url)} {found}: refusing to"
        " apply it to another database (pass --database-url, or plan again against this one)"
    )
    raise ReconcileError(message, [Problem("plan.database", message)])
