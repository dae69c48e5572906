"""Properties of the plan engine over small random worlds of names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from plan_worlds import shuffled, stirred, worlds

from reconciler.model import (
    DatabaseState,
    DesiredState,
    Kind,
    ManagedBy,
)
from reconciler.planning import Action, Limits, Plan, Reason, make_plan
from reconciler.planning.draft import table
from reconciler.planning.outcome import applied

ALLOW_EMPTY = Limits(allow_empty=True)
"""Worlds often declare no row of a kind: let them empty it, so that they converge."""
LIMITS = st.builds(Limits, st.none() | st.integers(0, 6), st.booleans())


def _dangling(state: DatabaseState) -> list[str]:
    wrong = [c.name for c in state.connections.values() if c.provider not in state.providers]
    for profile in state.profiles.values():
        if profile.provider not in state.providers:
            wrong.append(profile.name)
        if profile.provider_connection and profile.provider_connection not in state.connections:
            wrong.append(profile.name)
    return wrong


@settings(max_examples=300, deadline=None)
@given(worlds(), st.booleans(), st.integers())
def test_the_plan_is_deterministic(
    world: tuple[DesiredState, DatabaseState], force: bool, seed: int
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force)
    assert make_plan(desired, state, force=force) == plan
    assert make_plan(desired, shuffled(state, seed), force=force) == plan


@settings(max_examples=300, deadline=None)
@given(worlds(), st.booleans())
def test_the_summary_matches_the_changes(
    world: tuple[DesiredState, DatabaseState], force: bool
) -> None:
    plan = make_plan(*world, force=force)
    counts = {action: sum(c.action is action for c in plan.changes) for action in Action}
    assert (plan.summary.create, plan.summary.update, plan.summary.delete) == (
        counts[Action.CREATE],
        counts[Action.UPDATE],
        counts[Action.DELETE],
    )
    assert plan.summary.blocked == len(plan.blocked)
    assert len({(c.kind, c.name) for c in plan.changes}) == len(plan.changes)


def _applicable(plan: Plan) -> bool:
    return not plan.blocked and not plan.has_errors


@settings(max_examples=500, deadline=None)
@given(worlds(), st.booleans())
def test_applying_then_planning_again_gives_no_change(
    world: tuple[DesiredState, DatabaseState], force: bool
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, limits=ALLOW_EMPTY)
    if not _applicable(plan):
        return
    after = applied(state, plan.changes)
    assert _dangling(after) == []
    again = make_plan(desired, after, force=force, limits=ALLOW_EMPTY)
    assert again.changes == ()
    assert again.blocked == ()
    assert applied(after, again.changes) == after


@settings(max_examples=500, deadline=None)
@given(worlds(), st.booleans(), st.data())
def test_convergence_holds_whatever_the_database_holds_in_an_ignored_field(
    world: tuple[DesiredState, DatabaseState], force: bool, data: st.DataObject
) -> None:
    desired, state = world
    ignore = desired.settings
    state = data.draw(stirred(state, ignore))
    plan = make_plan(desired, state, force=force, limits=ALLOW_EMPTY)
    for change in plan.changes:
        kept = ignore.ignored(change.kind)
        if change.action is Action.UPDATE and kept:
            assert change.after is not None and change.before is not None
            assert [getattr(change.after, f) for f in kept] == [
                getattr(change.before, f) for f in kept
            ]
            assert not {d.field.partition(".")[0] for d in change.diff} & set(kept)
        declared = table(desired, change.kind).get(change.name)
        if change.reason is Reason.DECLARED and change.action is Action.CREATE and kept:
            assert declared is not None
            assert change.after is not None
            assert [getattr(change.after, f) for f in kept] == [getattr(declared, f) for f in kept]
    if not _applicable(plan):
        return
    after = data.draw(stirred(applied(state, plan.changes), ignore))
    again = make_plan(desired, after, force=force, limits=ALLOW_EMPTY)
    assert again.changes == ()
    assert again.blocked == ()


@settings(max_examples=500, deadline=None)
@given(worlds(), st.booleans(), LIMITS)
def test_limits_only_add_plan_level_entries(
    world: tuple[DesiredState, DatabaseState], force: bool, limits: Limits
) -> None:
    desired, state = world
    unlimited = make_plan(desired, state, force=force, limits=ALLOW_EMPTY)
    plan = make_plan(desired, state, force=force, limits=limits)
    assert plan.changes == unlimited.changes
    assert plan.problems == unlimited.problems
    added = [b for b in plan.blocked if b.name is None]
    assert [b for b in plan.blocked if b.name is not None] == list(unlimited.blocked)
    deletes = plan.summary.delete
    over = limits.max_deletes is not None and deletes > limits.max_deletes
    assert [(b.count, b.limit) for b in added if b.code == "delete.limit"] == (
        [(deletes, limits.max_deletes)] if over else []
    )
    assert [b.kind for b in added if b.code == "delete.all"] == (
        [] if limits.allow_empty else _emptied(desired, state, plan)
    )


def _emptied(desired: DesiredState, state: DatabaseState, plan: Plan) -> list[Kind]:
    """The kinds of which the plan deletes rows, the config declares none, and the config's
    rows in the database all stop being config rows: what delete.all refuses."""
    after = applied(state, plan.changes)
    kinds = []
    for kind in Kind:
        mine = [n for n, row in table(state, kind).items() if row.managed_by is ManagedBy.CONFIG]
        deleted = any(c.kind is kind and c.action is Action.DELETE for c in plan.changes)
        left = [
            n
            for n in mine
            if n in table(after, kind) and table(after, kind)[n].managed_by is ManagedBy.CONFIG
        ]
        if deleted and mine and not table(desired, kind) and not left:
            kinds.append(kind)
    return kinds
