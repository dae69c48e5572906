from __future__ import annotations

import pytest
from plan_values import (
    ALLOW_EMPTY,
    BACKFILL,
    CONFIG,
    SEED,
    brief,
    change,
    config,
    conn,
    converges,
    db,
    prof,
    prov,
)

from reconciler.model import Kind
from reconciler.planning import Action, FieldDiff, make_plan
from reconciler.planning.outcome import applied


def test_a_referenced_connection_is_not_deleted_and_lists_every_referrer() -> None:
    state = db(
        conn("old", by=CONFIG), prof("b", "openai", "old"), prof("a", "openai", "old", BACKFILL)
    )
    plan = make_plan(config(), state)
    assert plan.changes == ()
    (blocked,) = plan.blocked
    assert (blocked.kind, blocked.name, blocked.action, blocked.code) == (
        Kind.CONNECTION,
        "old",
        Action.DELETE,
        "delete.referenced",
    )
    assert blocked.referenced_by == ((Kind.PROFILE, "a"), (Kind.PROFILE, "b"))
    assert "profile a, profile b" in blocked.message
    assert plan.summary.blocked == 1


def test_a_referenced_provider_lists_connections_then_profiles() -> None:
    state = db(prov("p", by=CONFIG), prof("z", "p", "c"), conn("c", "p"), prof("y", "p", "c"))
    (blocked,) = make_plan(config(), state).blocked
    assert blocked.referenced_by == (
        (Kind.CONNECTION, "c"),
        (Kind.PROFILE, "y"),
        (Kind.PROFILE, "z"),
    )


def test_rows_deleted_by_the_same_plan_do_not_refuse_it() -> None:
    state = db(prov("p", by=CONFIG), conn("c", "p", by=CONFIG), prof("x", "p", "c", CONFIG))
    plan = make_plan(config(), state, limits=ALLOW_EMPTY)
    assert plan.blocked == ()
    assert plan.summary.delete == 3


def test_force_empties_and_backfills_the_profiles_of_a_deleted_connection() -> None:
    state = db(
        conn("old", by=CONFIG), prof("a", "openai", "old"), prof("b", "openai", "old", CONFIG)
    )
    desired = config(prof("b", "openai"))
    plan = make_plan(desired, state, force=True)
    assert brief(plan) == [
        ("create", "connection", "openai-personal", "backfill"),
        ("update", "profile", "a", "force"),
        ("update", "profile", "b", "force"),
        ("delete", "connection", "old", "removed"),
    ]
    assert [(d.field, d.before, d.after) for d in change(plan, "profile", "a").diff] == [
        ("provider_connection", "old", "openai-personal")
    ]
    assert converges(desired, state, force=True)


def test_force_cascades_two_levels_deep() -> None:
    # provider p (removed) -> connection c (external) -> profile x of another provider;
    # profile y of p goes with its provider.
    state = db(
        prov("p", by=CONFIG),
        conn("c", "p"),
        prof("y", "p", "c", BACKFILL),
        prof("x", "openai", "c"),
    )
    plan = make_plan(config(), state, force=True, limits=ALLOW_EMPTY)
    assert plan.blocked == ()
    assert brief(plan) == [
        ("create", "connection", "openai-personal", "backfill"),
        ("update", "profile", "x", "force"),
        ("delete", "profile", "y", "force"),
        ("delete", "connection", "c", "force"),
        ("delete", "provider", "p", "removed"),
    ]
    assert converges(config(), state, force=True, limits=ALLOW_EMPTY)


def test_without_force_the_same_plan_is_refused() -> None:
    state = db(prov("p", by=CONFIG), conn("c", "p"), prof("x", "openai", "c"))
    plan = make_plan(config(), state)
    assert [(b.kind, b.name, b.code) for b in plan.blocked] == [
        (Kind.PROVIDER, "p", "delete.referenced")
    ]
    assert plan.changes == ()


def test_a_config_row_naming_a_deleted_row_is_a_dangling_reference_force_or_not() -> None:
    state = db(prov("p", by=CONFIG), conn("c", "p", by=CONFIG))
    desired = config(conn("c", "p"), prof("x", "openai", "gone"))
    for force in (False, True):
        plan = make_plan(desired, state, force=force, limits=ALLOW_EMPTY)
        assert plan.blocked == ()
        assert [(p.code, p.path, p.level) for p in plan.problems] == [
            ("ref.unknown-provider", "connections.c.provider", "error"),
            ("ref.unknown-connection", "profiles.x.provider_connection", "error"),
        ]
        assert plan.has_errors


def test_a_config_profile_keeping_a_deleted_connection_is_guarded() -> None:
    state = db(conn("old", by=CONFIG), prof("b", "openai", "old", CONFIG))
    plan = make_plan(config(prof("b", "openai")), state)
    assert [(b.name, b.referenced_by) for b in plan.blocked] == [("old", ((Kind.PROFILE, "b"),))]


def test_seed_rows_are_never_deleted_by_a_cascade() -> None:
    state = db(prov("p", by=CONFIG), conn("c", "p", by=SEED))
    plan = make_plan(config(), state, force=True, limits=ALLOW_EMPTY)
    assert [(b.name, b.code) for b in plan.blocked] == [("c", "delete.canonical")]


# --- owners and protected rows (DESIGN §13) ----------------------------------------------------


def test_another_owners_rows_protect_what_they_reference() -> None:
    state = db(
        conn("shared", by=CONFIG, owner="team-a"),
        prof("bot", "openai", "shared", CONFIG, owner="b"),
    )
    (blocked,) = make_plan(config(owner="team-a"), state).blocked
    assert (blocked.name, blocked.code, blocked.referenced_by) == (
        "shared",
        "delete.referenced",
        ((Kind.PROFILE, "bot"),),
    )


def test_a_forced_cascade_never_deletes_another_owners_row() -> None:
    state = db(
        prov("p", by=CONFIG, owner="team-a"),
        conn("c", "p"),  # external: force may take it
        prof("theirs", "p", "c", CONFIG, owner="team-b"),
    )
    plan = make_plan(config(owner="team-a"), state, force=True)
    assert plan.changes == ()
    (blocked,) = plan.blocked
    assert (blocked.name, blocked.code, blocked.referenced_by) == (
        "p",
        "delete.referenced",
        ((Kind.PROFILE, "theirs"),),
    )
    assert "'team-b'" in blocked.message and "--force never deletes" in blocked.message


def test_a_forced_connection_delete_never_rewrites_another_owners_profile() -> None:
    state = db(
        conn("old", by=CONFIG, owner="team-a"),
        prof("ext", "openai", "old"),
        prof("theirs", "openai", "old", CONFIG, owner="team-b"),
    )
    plan = make_plan(config(owner="team-a"), state, force=True)
    assert plan.changes == ()
    assert [(b.name, b.code, b.referenced_by) for b in plan.blocked] == [
        ("old", "delete.referenced", ((Kind.PROFILE, "theirs"),))
    ]


def test_a_forced_cascade_through_an_external_row_still_stops_at_another_owner() -> None:
    # provider p -> connection c (external, deleted by force) -> team-b's profile of openai.
    state = db(
        prov("p", by=CONFIG),
        conn("c", "p"),
        prof("theirs", "openai", "c", CONFIG, owner="team-b"),
    )
    plan = make_plan(config(), state, force=True, limits=ALLOW_EMPTY)
    assert [(b.kind, b.name, b.code) for b in plan.blocked] == [
        (Kind.CONNECTION, "c", "delete.referenced")
    ]
    assert plan.is_blocked


@pytest.mark.parametrize("force", [False, True])
def test_no_plan_deletes_a_protected_row_it_removes(force: bool) -> None:
    state = db(prov("p", by=CONFIG, protected=True), prof("x", "p", by=CONFIG, protected=True))
    plan = make_plan(config(), state, force=force)
    assert plan.changes == ()
    assert [(b.kind, b.name, b.action, b.code) for b in plan.blocked] == [
        (Kind.PROVIDER, "p", "delete", "delete.protected"),
        (Kind.PROFILE, "x", "delete", "delete.protected"),
    ]
    assert "protected: false" in plan.blocked[0].message


@pytest.mark.parametrize("force", [False, True])
def test_a_protected_row_still_referenced_is_refused_as_protected_only(force: bool) -> None:
    """Its referrers would block it too, but only unprotecting it can help: the plan says so,
    and never that --force would delete it."""
    state = db(prov("p", by=CONFIG, protected=True), conn("c", "p"), prof("y", "p", "c"))
    plan = make_plan(config(), state, force=force)
    assert [(b.kind, b.name, b.code) for b in plan.blocked] == [
        (Kind.PROVIDER, "p", "delete.protected")
    ]
    assert plan.changes == ()


def test_without_force_another_owners_referrer_is_named_and_force_not_offered() -> None:
    state = db(
        prov("p", by=CONFIG, owner="team-a"),
        prof("theirs", "p", by=CONFIG, owner="team-b"),
    )
    (blocked,) = make_plan(config(owner="team-a"), state).blocked
    assert blocked.code == "delete.referenced"
    assert "'team-b'" in blocked.message
    assert "--force deletes it" not in blocked.message


def test_an_external_protected_row_is_safe_from_a_forced_cascade() -> None:
    state = db(prov("p", by=CONFIG), conn("c", "p", protected=True), prof("y", "p", "c"))
    plan = make_plan(config(), state, force=True, limits=ALLOW_EMPTY)
    assert [(b.kind, b.name, b.code) for b in plan.blocked] == [
        (Kind.CONNECTION, "c", "delete.protected")
    ]
    assert all(c.name != "c" for c in plan.changes)


def test_the_two_step_delete_of_a_protected_row() -> None:
    state = db(prof("x", "openai", "openai-managed", CONFIG, protected=True))
    unprotect = config(prof("x", "openai", "openai-managed"))
    first = make_plan(unprotect, state)
    assert [(c.name, c.diff) for c in first.changes] == [
        ("x", (FieldDiff("protected", True, False),))
    ]
    second = make_plan(config(), applied(state, first.changes))
    assert brief(second) == [("delete", "profile", "x", "removed")]


def test_a_protected_connection_handed_back_to_backfill_is_not_deleted() -> None:
    state = db(
        conn("openai-personal", "openai", by=CONFIG, protected=True),
        prof("quick", "openai", "openai-personal", CONFIG),
    )
    plan = make_plan(config(prof("quick", "openai")), state)
    assert plan.blocked == ()
    assert brief(plan) == [("update", "connection", "openai-personal", "backfill")]
