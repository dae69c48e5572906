"""`make_plan`: the steps of DESIGN §6 in order, then the changes in apply order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reconciler.errors import Problem, SourceMap
from reconciler.model import DatabaseState, DesiredState, Kind
from reconciler.planning.backfill import backfill, hand_back_derived
from reconciler.planning.diff import declare, field_diffs, prune
from reconciler.planning.draft import Draft, table
from reconciler.planning.guard import (
    Referrers,
    guard_connections,
    guard_protected,
    guard_providers,
)
from reconciler.planning.limits import NO_LIMITS, Limits, config_rows, guard_limits
from reconciler.planning.outside import guard_outside, hold_profiles
from reconciler.planning.plan import KIND_ORDER, Action, Blocked, Change, Plan
from reconciler.planning.references import reference_problems_at_plan_time
from reconciler.planning.seed import seed
from reconciler.rules import storage_problems

_NO_SOURCES = SourceMap()
_RECHECKED = frozenset({"ref.unknown-provider", "ref.unknown-connection"})
"""Offline, an unknown name is a warning (the database may hold it); tier 4 checks it there."""


def make_plan(
    desired: DesiredState,
    state: DatabaseState,
    *,
    force: bool = False,
    take_ownership: bool = False,
    limits: Limits = NO_LIMITS,
    sources: SourceMap = _NO_SOURCES,
) -> Plan:
    """The plan that takes ``state`` to what ``desired`` declares, by the rules of DESIGN §6, §13.

    Seeds canonical rows, creates, updates and adopts declared rows (another owner's only with
    ``take_ownership``), prunes the rows the config's owner managed, guards deletes (``force``
    cascades them, never into another owner's rows), backfills ``provider_connection``, refuses
    deleting protected rows and rows that the application's other tables hold by foreign key
    (warning of what those tables' keys do to the rest), holds the deletes left to ``limits``
    and checks references against the end state; a ``storage`` mapping is held to its rules
    (DESIGN §14). ``sources`` locates problems in the config files. Pure and O(rows): the same
    inputs give the same plan.
    """
    draft = Draft(desired, state, force, take_ownership, sources)
    draft.problems.extend(storage_problems(desired, sources))  # as validate, for the Python API
    seed(draft)
    declare(draft)
    prune(draft)
    if draft.deletes:
        hold_profiles(draft)  # before indexing: a profile that stays references its rows
        referrers = Referrers.index(draft)
        guard_providers(draft, referrers)
        hand_back_derived(draft, referrers)
        guard_connections(draft, referrers)
    backfill(draft)
    if draft.deletes:  # after every hand-back: a row handed back to backfill is not deleted
        guard_protected(draft)
    if draft.deletes:  # the deletes that stay: what rows of other tables hold or follow
        guard_outside(draft)
    if draft.deletes:  # on what is left: a row kept because it is protected is not deleted
        guard_limits(draft, limits, config_rows(state, draft.owner))
    draft.problems.extend(reference_problems_at_plan_time(draft))
    return Plan(
        settings=desired.settings,
        changes=_changes(draft),
        blocked=tuple(sorted(draft.blocked, key=_blocked_order)),
        problems=tuple(sorted(draft.problems, key=_problem_order)),
        force=force,
        take_ownership=take_ownership,
    )


def with_config_problems(plan: Plan, config_problems: Iterable[Problem]) -> Plan:
    """``plan`` with the problems of loading its config (tiers 1-3) too, each once.

    A problem is the same when its code, path, location and details are; the plan's own wins.
    The offline warnings about unknown names are left out: the plan checked those names
    against the database, and reports the ones it does not hold as errors.
    """
    unique = {_identity(problem): problem for problem in plan.problems}
    for problem in config_problems:
        if problem.code in _RECHECKED and not problem.is_error:
            continue
        unique.setdefault(_identity(problem), problem)
    return replace(plan, problems=tuple(sorted(unique.values(), key=_problem_order)))


def _identity(problem: Problem) -> tuple[str, str, object, object]:
    """Two warnings on one deleted row differ in their ``details`` (the table) only."""
    return (problem.code, problem.path, problem.location, problem.details)


def _changes(draft: Draft) -> tuple[Change, ...]:
    changes = []
    skip = draft.refused | draft.deletes.keys()
    before_rows = {kind: table(draft.state, kind) for kind in Kind}
    after_rows = {kind: draft.end(kind) for kind in Kind}
    create, update = Action.CREATE, Action.UPDATE
    for key, reason in draft.touched.items():
        if key in skip:
            continue
        kind, name = key
        before = before_rows[kind].get(name)
        after = after_rows[kind][name]
        if before is None:
            changes.append(Change(kind, name, create, reason, None, after))
            continue
        diff = field_diffs(kind, before, after)
        change = Change(kind, name, update, reason, before, after, diff)
        if diff or change.ownership is not None:
            changes.append(change)
    for (kind, name), reason in draft.deletes.items():
        before = table(draft.state, kind)[name]
        changes.append(Change(kind, name, Action.DELETE, reason, before, None))
    changes.sort(key=_change_order)
    return tuple(changes)


def _change_order(change: Change) -> tuple[int, int, str]:
    if change.action is Action.DELETE:
        return (1, -KIND_ORDER[change.kind], change.name)
    return (0, KIND_ORDER[change.kind], change.name)


def _blocked_order(blocked: Blocked) -> tuple[int, str, str]:
    """Plan-level entries first (``delete.limit``), then by kind, a kind's ``delete.all`` first."""
    kind = -1 if blocked.kind is None else KIND_ORDER[blocked.kind]
    return (kind, blocked.name or "", blocked.code)


def _problem_order(problem: Problem) -> tuple[str, int, int, str, str, str]:
    where = problem.location
    file, line, column = (where.file, where.line, where.column) if where else ("", 0, 0)
    return (file, line, column, problem.path, problem.code, problem.message)
