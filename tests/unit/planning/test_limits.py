from __future__ import annotations

import pytest
from plan_values import ALLOW_EMPTY, CONFIG, brief, config, conn, db, prof, prov

from reconciler.errors import SourceMap
from reconciler.model import DatabaseState, DesiredState, Kind
from reconciler.planning import Action, Limits, Plan, Reason, make_plan
from reconciler.planning.draft import Draft
from reconciler.planning.limits import MAX_DELETES, guard_limits


def codes(plan: Plan) -> list[tuple[str | None, str | None, str]]:
    return [(b.kind, b.name, b.code) for b in plan.blocked]


def three_profiles_leaving() -> tuple[DesiredState, DatabaseState]:
    state = db(*[prof(f"p{i}", by=CONFIG) for i in range(3)], prof("stays", by=CONFIG))
    return config(prof("stays")), state


@pytest.mark.parametrize(("limit", "blocked"), [(None, False), (3, False), (2, True), (0, True)])
def test_more_deletes_than_max_deletes_block_the_plan(limit: int | None, blocked: bool) -> None:
    desired, state = three_profiles_leaving()
    plan = make_plan(desired, state, limits=Limits(max_deletes=limit))
    assert plan.summary.delete == 3  # the deletes stay in the plan, for review
    assert codes(plan) == ([(None, None, "delete.limit")] if blocked else [])


def test_the_limit_entry_carries_count_and_limit_and_says_how_to_proceed() -> None:
    desired, state = three_profiles_leaving()
    (entry,) = make_plan(desired, state, limits=Limits(max_deletes=2)).blocked
    assert (entry.kind, entry.name, entry.action, entry.count, entry.limit) == (
        None,
        None,
        Action.DELETE,
        3,
        2,
    )
    assert "--max-deletes 3 or more" in entry.message
    assert entry.subject == "the plan"


def test_the_limit_counts_deletes_of_every_kind_and_reason() -> None:
    # provider p removed; with --force its external connection c and profile x go too (force).
    state = db(prov("p", by=CONFIG), conn("c", "p"), prof("x", "p", "c"), prov("q", by=CONFIG))
    desired = config(prov("q"))
    plan = make_plan(desired, state, force=True, limits=Limits(max_deletes=2, allow_empty=True))
    assert plan.summary.delete == 3
    assert [b.count for b in plan.blocked] == [3]
    assert make_plan(desired, state, force=True, limits=Limits(3, True)).blocked == ()


def test_force_overrides_neither_limit() -> None:
    state = db(conn("c", by=CONFIG), conn("d", by=CONFIG))
    plan = make_plan(config(), state, force=True, limits=Limits(max_deletes=1))
    assert codes(plan) == [(None, None, "delete.limit"), (Kind.CONNECTION, None, "delete.all")]


def test_a_config_without_rows_of_a_kind_may_not_delete_all_of_them() -> None:
    state = db(prov("eu", by=CONFIG), conn("c", by=CONFIG), conn("d", by=CONFIG), prof("b"))
    plan = make_plan(config(prov("eu")), state)
    (entry,) = plan.blocked
    assert (entry.kind, entry.name, entry.code, entry.count) == (
        Kind.CONNECTION,
        None,
        "delete.all",
        2,
    )
    assert entry.subject == "every connection"
    assert "--allow-empty" in entry.message and "--force does not override" in entry.message
    assert plan.summary.delete == 2  # listed for review; a blocked plan applies nothing


def test_one_entry_per_kind_in_kind_order() -> None:
    state = db(prov("eu", by=CONFIG), conn("c", by=CONFIG), prof("a", by=CONFIG))
    assert codes(make_plan(config(), state)) == [
        (Kind.PROVIDER, None, "delete.all"),
        (Kind.CONNECTION, None, "delete.all"),
        (Kind.PROFILE, None, "delete.all"),
    ]


def test_allow_empty_lets_the_config_empty_a_kind() -> None:
    state = db(prov("eu", by=CONFIG), conn("c", by=CONFIG), prof("a", by=CONFIG))
    plan = make_plan(config(), state, limits=ALLOW_EMPTY)
    assert plan.blocked == ()
    assert plan.summary.delete == 3


def test_declaring_one_row_of_the_kind_is_enough() -> None:
    state = db(prof("a", by=CONFIG), prof("b", by=CONFIG))
    assert make_plan(config(prof("new")), state).blocked == ()


def test_no_config_rows_of_the_kind_nothing_to_guard() -> None:
    # external and backfill rows are never the config's: a config of nothing deletes nothing
    state = db(prof("a", "openai", "openai-managed"), conn("mine"))
    plan = make_plan(config(), state)
    assert plan.changes == () and plan.blocked == ()


def test_rows_handed_back_to_backfill_are_not_deleted() -> None:
    # the only config connection is still derived for a surviving profile: handed back, kept
    state = db(
        conn("openai-personal", "openai", "api_key", "credential/mine", CONFIG),
        prof("quick", "openai", "openai-personal", CONFIG),
    )
    plan = make_plan(config(prof("quick", "openai")), state)
    assert plan.blocked == ()
    assert brief(plan) == [("update", "connection", "openai-personal", "backfill")]


def test_a_kind_that_keeps_one_config_row_is_not_emptied() -> None:
    # eu-key is referenced by an external profile: delete.referenced keeps it, so the kind is
    # not emptied (the plan is blocked by the guard alone)
    state = db(
        conn("eu-key", by=CONFIG), conn("old", by=CONFIG), prof("legacy", "openai", "eu-key")
    )
    plan = make_plan(config(prov("x")), state)
    assert codes(plan) == [(Kind.CONNECTION, "eu-key", "delete.referenced")]
    with_force = make_plan(config(prov("x")), state, force=True)
    assert codes(with_force) == [(Kind.CONNECTION, None, "delete.all")]


@pytest.mark.parametrize(
    ("owned", "expected"), [({"a"}, ["delete.all"]), (set(), []), ({"a", "b"}, [])]
)
def test_the_owned_rows_are_the_set_the_planner_gives(owned: set[str], expected: list[str]) -> None:
    # Owners plug in here: only the rows given as the owner's count. Profile a is deleted and b
    # stays a config row: the kind is emptied only if b is not the owner's.
    desired, state = config(), db(prof("a", by=CONFIG), prof("b", by=CONFIG))
    draft = Draft(desired, state, False, False, SourceMap())
    draft.delete(Kind.PROFILE, "a", Reason.REMOVED)
    guard_limits(draft, Limits(), {Kind.PROFILE: owned})
    assert [b.code for b in draft.blocked] == expected


def test_the_cli_bound_of_max_deletes_is_the_planners() -> None:
    from reconciler.cli import options

    assert options.MAX_DELETES == MAX_DELETES
