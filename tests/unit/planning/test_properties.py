"""Properties of the plan engine over small random worlds of names."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from plan_worlds import shared_worlds, shuffled, stirred, worlds

from reconciler import canonical
from reconciler.model import DatabaseState, DesiredState, Kind, Row, owner_of
from reconciler.planning import Action, Limits, Plan, Reason, make_plan
from reconciler.planning.draft import table
from reconciler.planning.outcome import applied

ALLOW_EMPTY = Limits(allow_empty=True)
"""Worlds often declare no row of a kind: let them empty it, so that they converge."""
LIMITS = st.builds(Limits, st.none() | st.integers(0, 6), st.booleans())
World = tuple[DesiredState, DatabaseState]


def _dangling(state: DatabaseState) -> list[str]:
    wrong = [c.name for c in state.connections.values() if c.provider not in state.providers]
    for profile in state.profiles.values():
        if profile.provider not in state.providers:
            wrong.append(profile.name)
        if profile.provider_connection and profile.provider_connection not in state.connections:
            wrong.append(profile.name)
    return wrong


@settings(max_examples=300, deadline=None)
@given(worlds(), st.booleans(), st.booleans(), st.integers())
def test_the_plan_is_deterministic(world: World, force: bool, take: bool, seed: int) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, take_ownership=take)
    assert make_plan(desired, state, force=force, take_ownership=take) == plan
    assert make_plan(desired, shuffled(state, seed), force=force, take_ownership=take) == plan


@settings(max_examples=300, deadline=None)
@given(worlds(), st.booleans(), st.booleans())
def test_the_summary_matches_the_changes(world: World, force: bool, take: bool) -> None:
    plan = make_plan(*world, force=force, take_ownership=take)
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
@given(worlds(), st.booleans(), st.booleans())
def test_applying_then_planning_again_gives_no_change(
    world: World, force: bool, take: bool
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, take_ownership=take, limits=ALLOW_EMPTY)
    if not _applicable(plan):
        return
    after = applied(state, plan.changes)
    assert _dangling(after) == []
    again = make_plan(desired, after, force=force, take_ownership=take, limits=ALLOW_EMPTY)
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
    owner's rows in the database all stop being its rows: what delete.all refuses."""
    after = applied(state, plan.changes)
    owner = desired.settings.owner
    kinds = []
    for kind in Kind:
        mine = [n for n, row in table(state, kind).items() if owner_of(row) == owner]
        deleted = any(c.kind is kind and c.action is Action.DELETE for c in plan.changes)
        left = [
            n for n in mine if n in table(after, kind) and owner_of(table(after, kind)[n]) == owner
        ]
        if deleted and mine and not table(desired, kind) and not left:
            kinds.append(kind)
    return kinds


@settings(max_examples=500, deadline=None)
@given(worlds(), st.booleans(), st.booleans())
def test_no_plan_deletes_a_protected_row_or_prunes_another_owners(
    world: World, force: bool, take: bool
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, take_ownership=take)
    for change in plan.changes:
        if change.action is not Action.DELETE:
            continue
        assert change.before is not None and not change.before.protected, change
        if change.reason is Reason.REMOVED:
            assert owner_of(change.before) == desired.settings.owner, change
        else:
            assert owner_of(change.before) in (None, desired.settings.owner), change


@settings(max_examples=500, deadline=None)
@given(worlds(), st.booleans(), st.booleans())
def test_another_owners_row_changes_only_when_taken(world: World, force: bool, take: bool) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, take_ownership=take)
    owner = desired.settings.owner
    for change in plan.changes:
        theirs = change.before is not None and owner_of(change.before) not in (None, owner)
        if theirs:  # taken: declared, and moved to this owner (then maybe forced, too)
            assert take and change.name in table(desired, change.kind), change
            assert change.ownership is not None and change.ownership.after.owner == owner
    refused = {(b.kind, b.name) for b in plan.blocked if b.code == "ownership.conflict"}
    for kind in Kind:
        for name in table(desired, kind):
            row = table(state, kind).get(name)
            conflict = row is not None and owner_of(row) not in (None, owner)
            conflict = conflict and name not in canonical.rows(kind)
            assert ((kind, name) in refused) == (conflict and not take)


def _owned(state: DatabaseState, owner: str) -> dict[tuple[Kind, str], tuple[Any, ...]]:
    """Every row ``owner`` manages, whole: fields, ``managed_by`` and ``owner``."""
    rows: dict[tuple[Kind, str], tuple[Any, ...]] = {}
    for kind in Kind:
        row: Row
        for name, row in table(state, kind).items():
            if owner_of(row) == owner:
                rows[(kind, name)] = tuple(row)
    return rows


@settings(max_examples=300, deadline=None)
@given(shared_worlds(), st.booleans())
def test_two_owners_sharing_a_database_converge_and_never_touch_each_others_rows(
    world: tuple[DatabaseState, list[DesiredState]], force: bool
) -> None:
    state, turns = world
    for desired in turns:
        owner = desired.settings.owner
        other = "team-b" if owner == "team-a" else "team-a"
        plan = make_plan(desired, state, force=force, limits=ALLOW_EMPTY)
        if not _applicable(plan):
            continue
        after = applied(state, plan.changes)
        assert _owned(after, other) == _owned(state, other)
        assert _dangling(after) == []
        again = make_plan(desired, after, force=force, limits=ALLOW_EMPTY)
        assert (again.changes, again.blocked) == ((), ())
        state = after
