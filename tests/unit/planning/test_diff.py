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

from reconciler.model import Kind, Row
from reconciler.planning import FieldDiff, make_plan
from reconciler.planning.diff import field_diffs
from reconciler.planning.outcome import applied


@pytest.mark.parametrize(
    ("kind", "before", "after", "diffs"),
    [
        (Kind.PROVIDER, prov("p"), prov("p", by=CONFIG), []),
        (Kind.PROVIDER, prov("p", by=CONFIG, owner="a"), prov("p", by=CONFIG, owner="b"), []),
        (Kind.PROVIDER, prov("p"), prov("p", protected=True), [("protected", False, True)]),
        (Kind.PROFILE, prof("a", protected=True), prof("a"), [("protected", True, False)]),
        (
            Kind.CONNECTION,
            conn("c", protected=True),
            conn("c", by=CONFIG, owner="a"),
            [("protected", True, False)],
        ),
        (Kind.PROVIDER, prov("p", enabled=None), prov("p"), []),
        (Kind.PROVIDER, prov("p"), prov("p", enabled=False), [("enabled", True, False)]),
        (Kind.PROVIDER, prov("p"), prov("p", "gemini"), [("type", "openai", "gemini")]),
        (Kind.PROFILE, prof("a", temperature=1), prof("a", temperature=1.0), []),
        (Kind.PROFILE, prof("a", temperature=0.7), prof("a", temperature=0.7), []),
        (Kind.PROFILE, prof("a", max_tokens=5), prof("a"), [("max_tokens", 5, None)]),
        (Kind.PROFILE, prof("a", label="x"), prof("a", label="y"), [("label", "x", "y")]),
        (
            Kind.PROFILE,
            prof("a", "openai", "c"),
            prof("a", "openai"),
            [("provider_connection", "c", None)],
        ),
        (
            Kind.CONNECTION,
            conn("c", auth="platform"),
            conn("c", auth="api_key", credential="credential/o"),
            [("auth.type", "platform", "api_key"), ("auth.credential", None, "credential/o")],
        ),
        (Kind.CONNECTION, conn("c", by=SEED), conn("c", by=BACKFILL), []),
        (Kind.CONNECTION, conn("c"), conn("c", "gemini"), [("provider", "openai", "gemini")]),
    ],
)
def test_field_diffs(
    kind: Kind, before: Row, after: Row, diffs: list[tuple[str, object, object]]
) -> None:
    assert field_diffs(kind, before, after) == tuple(FieldDiff(*d) for d in diffs)


def test_a_new_row_is_created_as_declared_and_owned_by_config() -> None:
    plan = make_plan(config(prov("eu", "anthropic", base_url="https://eu")), db())
    (created,) = plan.changes
    assert (created.action, created.reason, created.before, created.diff) == (
        "create",
        "declared",
        None,
        (),
    )
    assert created.after == prov("eu", "anthropic", base_url="https://eu")
    assert created.after is not None and created.after.managed_by is CONFIG


def test_an_unchanged_config_row_is_no_change() -> None:
    desired = config(prov("eu", "anthropic"), conn("c", "eu"), prof("a", "eu", "c", temperature=1))
    state = db(
        prov("eu", "anthropic", by=CONFIG),
        conn("c", "eu", by=CONFIG),
        prof("a", "eu", "c", CONFIG, temperature=1.0),
    )
    assert make_plan(desired, state).changes == ()


def test_a_changed_config_row_is_an_update_with_per_field_diffs() -> None:
    desired = config(prov("eu"), conn("c", "eu", "api_key", "credential/new"))
    state = db(prov("eu", by=CONFIG), conn("c", "eu", "platform", by=CONFIG))
    plan = make_plan(desired, state)
    updated = change(plan, "connection", "c")
    assert (updated.action, updated.reason) == ("update", "declared")
    assert [(d.field, d.before, d.after) for d in updated.diff] == [
        ("auth.type", "platform", "api_key"),
        ("auth.credential", None, "credential/new"),
    ]
    assert plan.summary.update == 1


@pytest.mark.parametrize("owner", [None, BACKFILL])
def test_a_declared_row_the_reconciler_did_not_own_is_adopted_even_without_diff(
    owner: object,
) -> None:
    desired = config(prov("eu"))
    plan = make_plan(desired, db(prov("eu", by=owner)))
    (adopted,) = plan.changes
    assert (adopted.action, adopted.reason, adopted.diff) == ("update", "adopt", ())
    assert adopted.after is not None and adopted.after.managed_by is CONFIG
    assert plan.summary.update == 1
    assert converges(desired, db(prov("eu", by=owner)))


def test_adoption_shows_the_fields_it_changes() -> None:
    plan = make_plan(config(prov("eu", enabled=False)), db(prov("eu")))
    assert [(d.field, d.after) for d in change(plan, "provider", "eu").diff] == [("enabled", False)]


def test_only_config_rows_that_left_the_config_are_pruned() -> None:
    state = db(
        prov("gone", by=CONFIG),
        prov("external"),
        prov("filled", by=BACKFILL),
        conn("gone-c", "external", by=CONFIG),
        prof("gone-p", "external", "gone-c", CONFIG),
    )
    plan = make_plan(config(), state)
    assert brief(plan) == [
        ("delete", "profile", "gone-p", "removed"),
        ("delete", "connection", "gone-c", "removed"),
        ("delete", "provider", "gone", "removed"),
    ]
    assert converges(config(), state)


def test_a_config_profile_that_omits_its_connection_keeps_the_database_value() -> None:
    desired = config(prof("a", "openai", label="new"))
    state = db(conn("mine", "openai", by=CONFIG), prof("a", "openai", "mine", CONFIG))
    plan = make_plan(config(conn("mine", "openai"), prof("a", "openai", label="new")), state)
    updated = change(plan, "profile", "a")
    assert [(d.field, d.after) for d in updated.diff] == [("label", "new")]
    assert updated.after is not None and updated.after.provider_connection == "mine"
    assert desired.profiles["a"].provider_connection is None


def test_order_is_creates_and_updates_by_kind_then_deletes_in_reverse() -> None:
    desired = config(
        prof("b", "z", "zc"), prof("a", "z", "zc"), conn("zc", "z"), prov("z"), prov("y")
    )
    state = db(
        prov("old", by=CONFIG),
        conn("oldc", "old", by=CONFIG),
        prof("oldp", "old", "oldc", CONFIG),
        prov("y"),
    )
    assert brief(make_plan(desired, state)) == [
        ("update", "provider", "y", "adopt"),
        ("create", "provider", "z", "declared"),
        ("create", "connection", "zc", "declared"),
        ("create", "profile", "a", "declared"),
        ("create", "profile", "b", "declared"),
        ("delete", "profile", "oldp", "removed"),
        ("delete", "connection", "oldc", "removed"),
        ("delete", "provider", "old", "removed"),
    ]


def test_names_compare_exactly_case_included() -> None:
    plan = make_plan(config(prov("Eu")), db(prov("eu", by=CONFIG)))
    assert brief(plan) == [
        ("create", "provider", "Eu", "declared"),
        ("delete", "provider", "eu", "removed"),
    ]


IGNORE = {
    Kind.PROVIDER: ("enabled",),
    Kind.CONNECTION: ("auth",),
    Kind.PROFILE: ("label", "temperature"),
}


def test_an_ignored_field_is_written_when_the_row_is_created() -> None:
    desired = config(
        prov("eu", enabled=False),
        conn("c", "eu", "none"),
        prof("a", "eu", "c", label="mine", temperature=0.5),
        prof("b", "eu", "c"),
        ignore=IGNORE,
    )
    plan = make_plan(desired, db())
    assert change(plan, "provider", "eu").after == prov("eu", enabled=False)
    assert change(plan, "connection", "c").after == conn("c", "eu", "none")
    assert change(plan, "profile", "a").after == prof("a", "eu", "c", label="mine", temperature=0.5)
    assert change(plan, "profile", "b").after == prof("b", "eu", "c")  # the defaults: null


def test_an_ignored_field_is_never_compared_once_the_row_exists() -> None:
    state = db(
        prov("eu", enabled=False, by=CONFIG),
        conn("c", "eu", "api_key", "credential/admin", CONFIG),
        prof("a", "eu", "c", CONFIG, label="theirs", temperature=1.9),
    )
    desired = config(
        prov("eu"),
        conn("c", "eu", "none"),
        prof("a", "eu", "c", label="mine", temperature=0.5),
        ignore=IGNORE,
    )
    plan = make_plan(desired, state)
    assert plan.changes == () and plan.blocked == ()
    assert make_plan(config(prov("eu"), ignore=IGNORE), db(prov("eu", by=CONFIG))).changes == ()


def test_an_update_keeps_the_database_value_of_an_ignored_field_in_its_images() -> None:
    state = db(prof("a", "openai", "openai-managed", CONFIG, label="theirs", model="old"))
    desired = config(prof("a", "openai", "openai-managed", label="mine"), ignore=IGNORE)
    (update,) = make_plan(desired, state).changes
    assert update.diff == (FieldDiff("model", "old", "m"),)
    assert update.after is not None and update.after.label == "theirs"
    assert update.before is not None and update.before.label == "theirs"
    assert converges(desired, state)


def test_an_adopted_row_keeps_the_database_value_of_an_ignored_field() -> None:
    state = db(prov("eu", enabled=False))
    (adopt,) = make_plan(config(prov("eu"), ignore=IGNORE), state).changes
    assert (adopt.reason, adopt.diff) == ("adopt", ())
    assert adopt.after is not None and adopt.after.enabled is False
    assert adopt.after.managed_by is CONFIG


def test_fields_not_ignored_are_still_compared() -> None:
    state = db(prov("eu", "openai", enabled=False, base_url="https://a.example", by=CONFIG))
    desired = config(prov("eu", "gemini", base_url="https://b.example"), ignore=IGNORE)
    (update,) = make_plan(desired, state).changes
    assert [d.field for d in update.diff] == ["type", "base_url"]
    assert update.after == prov("eu", "gemini", enabled=False, base_url="https://b.example")


# --- owners (DESIGN §13) -----------------------------------------------------------------------


def test_a_created_row_takes_the_configs_owner() -> None:
    for owner in ("default", "team-a"):
        (created,) = make_plan(config(prov("eu"), owner=owner), db()).changes
        assert created.after is not None
        assert (created.after.managed_by, created.after.owner) == (CONFIG, owner)
        assert created.ownership is None  # a create moves no row


@pytest.mark.parametrize("by", [None, BACKFILL, SEED])
def test_an_adopted_row_takes_the_configs_owner(by: object) -> None:
    desired = config(prov("eu"), owner="team-a")
    plan = make_plan(desired, db(prov("eu", by=by)))
    (adopted,) = plan.changes
    assert (adopted.reason, adopted.diff) == ("adopt", ())
    assert adopted.after is not None and adopted.after.owner == "team-a"
    assert adopted.ownership == ((by, None), (CONFIG, "team-a"))
    assert converges(desired, db(prov("eu", by=by)))


def test_a_config_row_whose_owner_is_null_belongs_to_the_default_owner() -> None:
    state = db(prov("eu", by=CONFIG), prov("gone", by=CONFIG))
    plan = make_plan(config(prov("eu", enabled=False)), state)
    assert brief(plan) == [
        ("update", "provider", "eu", "declared"),
        ("delete", "provider", "gone", "removed"),
    ]
    updated = change(plan, "provider", "eu")
    assert updated.after is not None and updated.after.owner is None  # not rewritten: same owner
    assert updated.ownership is None
    (conflict,) = make_plan(config(prov("eu"), owner="team-a"), state).blocked
    assert (conflict.code, conflict.owner) == ("ownership.conflict", "default")


def test_pruning_is_limited_to_the_configs_owner() -> None:
    state = db(
        prov("mine", by=CONFIG, owner="team-a"),
        prov("theirs", by=CONFIG, owner="team-b"),
        prov("old", by=CONFIG),  # the default owner's
        prov("odd", by=CONFIG, owner="Team-A"),  # owners compare exactly
    )
    plan = make_plan(config(owner="team-a"), state, limits=ALLOW_EMPTY)
    assert brief(plan) == [("delete", "provider", "mine", "removed")]
    assert plan.blocked == ()
    default = make_plan(config(), state, limits=ALLOW_EMPTY)
    assert brief(default) == [("delete", "provider", "old", "removed")]
    # delete.all counts only the owner's rows: team-a empties its providers, team-b's stay.
    (emptied,) = make_plan(config(owner="team-a"), state).blocked
    assert (emptied.kind, emptied.code, emptied.count) == (Kind.PROVIDER, "delete.all", 1)


@pytest.mark.parametrize("force", [False, True])
def test_another_owners_row_is_an_ownership_conflict_even_with_force(force: bool) -> None:
    state = db(prov("eu", by=CONFIG, owner="team-b"), prof("bot", "eu", by=CONFIG, owner="team-b"))
    desired = config(prov("eu", enabled=False), prof("bot", "eu"), owner="team-a")
    plan = make_plan(desired, state, force=force)
    assert plan.changes == ()
    assert [(b.kind, b.name, b.action, b.code, b.owner) for b in plan.blocked] == [
        (Kind.PROVIDER, "eu", "update", "ownership.conflict", "team-b"),
        (Kind.PROFILE, "bot", "update", "ownership.conflict", "team-b"),
    ]
    assert "'team-b'" in plan.blocked[0].message
    assert "--take-ownership" in plan.blocked[0].message


def test_take_ownership_adopts_another_owners_row_with_its_changes() -> None:
    state = db(prov("eu", by=CONFIG, owner="team-b"))
    desired = config(prov("eu", enabled=False), owner="team-a")
    plan = make_plan(desired, state, take_ownership=True)
    (taken,) = plan.changes
    assert (taken.action, taken.reason) == ("update", "adopt")
    assert [(d.field, d.after) for d in taken.diff] == [("enabled", False)]
    assert taken.ownership == ((CONFIG, "team-b"), (CONFIG, "team-a"))
    assert plan.take_ownership and plan.blocked == ()
    again = make_plan(desired, applied(state, plan.changes))  # no flag needed any more
    assert again.changes == () and again.blocked == ()


def test_changing_protected_is_an_ordinary_field_diff() -> None:
    state = db(prov("eu", by=CONFIG, protected=True))
    plan = make_plan(config(prov("eu")), state)
    (updated,) = plan.changes
    assert (updated.reason, updated.diff) == ("declared", (FieldDiff("protected", True, False),))
    assert updated.ownership is None
