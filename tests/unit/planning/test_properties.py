"""Properties of the plan engine over small random worlds of names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from plan_worlds import shuffled, worlds

from reconciler.model import (
    DatabaseState,
    DesiredState,
)
from reconciler.planning import Action, Plan, make_plan
from reconciler.planning.outcome import applied


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
    plan = make_plan(desired, state, force=force)
    if not _applicable(plan):
        return
    after = applied(state, plan.changes)
    assert _dangling(after) == []
    again = make_plan(desired, after, force=force)
    assert again.changes == ()
    assert again.blocked == ()
    assert applied(after, again.changes) == after
