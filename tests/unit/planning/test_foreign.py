"""Foreign keys of the application's other tables (DESIGN §14): rows outside the mapping that
reference a row the plan deletes block it (RESTRICT, NO ACTION) or are warned about (CASCADE,
SET NULL, SET DEFAULT); --force never helps, and the plan stays consistent around a kept row."""

from __future__ import annotations

import json
from dataclasses import replace

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_scenarios import context
from plan_values import ALLOW_EMPTY, BACKFILL, CONFIG, brief, config, conn, db, prof, prov

from reconciler.model import (
    Connection,
    DatabaseState,
    DesiredState,
    ForeignRows,
    Kind,
    Profile,
    Provider,
    Row,
)
from reconciler.planning import Action, Limits, Plan, Reason, make_plan
from reconciler.planning.outcome import applied
from reconciler.render.json import render_json
from reconciler.schema_files import load_schema
from reconciler.storage import STORABLE, Storage, TableMapping

VALIDATOR = jsonschema.Draft202012Validator(load_schema("plan.schema.json"))

STORAGE = Storage(
    **{
        kind.section: TableMapping(f"app_{kind.section}", columns={f: f for f in STORABLE[kind]})
        for kind in Kind
    }
)
"""Every kind in a table of the application's, every field mapped."""


def stored(desired: DesiredState) -> DesiredState:
    return replace(desired, storage=STORAGE)


def outside(
    state: DatabaseState, *rows: tuple[Kind, str, tuple[ForeignRows, ...]]
) -> DatabaseState:
    """``state`` with the rows of other tables that reference each named row."""
    return replace(state, foreign={(kind, name): found for kind, name, found in rows})


def restrict(table: str, rows: int, rule: str = "RESTRICT") -> ForeignRows:
    return ForeignRows(table, rule, rows)


def blocked_of(plan: Plan) -> list[tuple[object, ...]]:
    return [(b.kind, b.name, b.code, b.referenced_by, b.foreign) for b in plan.blocked]


def resolves(state: DatabaseState) -> bool:
    """Every reference of ``state`` names a row it holds."""
    rows: list[Connection | Profile] = [*state.connections.values(), *state.profiles.values()]
    return all(row.provider in state.providers for row in rows) and all(
        not p.provider_connection or p.provider_connection in state.connections
        for p in state.profiles.values()
    )


# --- RESTRICT and NO ACTION block the delete, --force or not -----------------------------------


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("rule", ["RESTRICT", "NO ACTION"])
def test_rows_outside_the_mapping_that_restrict_block_the_delete(force: bool, rule: str) -> None:
    state = outside(
        db(prov("old-eu", by=CONFIG), prov("kept", by=CONFIG)),
        (Kind.PROVIDER, "old-eu", (restrict("app_usage", 3, rule), restrict("app.audit", 1, rule))),
    )
    plan = make_plan(stored(config(prov("kept"))), state, force=force)
    assert plan.changes == ()
    assert blocked_of(plan) == [
        (Kind.PROVIDER, "old-eu", "delete.referenced", (), (("app.audit", 1), ("app_usage", 3)))
    ]
    message = plan.blocked[0].message
    assert "3 rows of 'app_usage'" in message and "1 row of 'app.audit'" in message
    assert "--force does not help" in message
    assert [p.code for p in plan.problems] == []


def test_keys_of_one_table_count_together_and_other_rules_do_not_block() -> None:
    state = outside(
        db(prof("gone", by=CONFIG), prof("kept", by=CONFIG)),
        (
            Kind.PROFILE,
            "gone",
            (
                restrict("app_usage", 2),
                restrict("app_usage", 1, "NO ACTION"),
                restrict("app_log", 5, "CASCADE"),
            ),
        ),
    )
    plan = make_plan(stored(config(prof("kept"))), state)
    assert blocked_of(plan) == [
        (Kind.PROFILE, "gone", "delete.referenced", (), (("app_usage", 3),))
    ]
    assert plan.problems == ()  # a refused delete warns about nothing the database would do


def test_a_protected_row_is_refused_as_protected_only() -> None:
    state = outside(
        db(prof("gone", by=CONFIG, protected=True), prof("kept", by=CONFIG)),
        (Kind.PROFILE, "gone", (restrict("app_usage", 2),)),
    )
    plan = make_plan(stored(config(prof("kept"))), state, force=True)
    assert [(b.name, b.code, b.foreign) for b in plan.blocked] == [("gone", "delete.protected", ())]


# --- CASCADE, SET NULL and SET DEFAULT: the delete stays, with a warning per table -----------


def test_other_rules_leave_the_delete_with_one_warning_per_table_and_rule() -> None:
    state = outside(
        db(prov("old-eu", by=CONFIG), prov("kept", by=CONFIG)),
        (
            Kind.PROVIDER,
            "old-eu",
            (
                ForeignRows("app_usage", "SET NULL", 2),
                ForeignRows("app_log", "CASCADE", 4),
                ForeignRows("app_log", "CASCADE", 1),
                ForeignRows("app.defaults", "SET DEFAULT", 1),
            ),
        ),
    )
    plan = make_plan(stored(config(prov("kept"))), state)
    assert plan.blocked == ()
    assert brief(plan) == [("delete", "provider", "old-eu", "removed")]
    found = [(p.code, p.level, p.path, dict(p.details), p.message) for p in plan.problems]
    assert found == [  # problems in message order
        (
            "delete.foreign-references",
            "warning",
            "providers.old-eu",
            {"on_delete": "CASCADE", "rows": 5, "table": "app_log"},
            "deleting provider old-eu: the database will delete 5 rows of 'app_log' with it"
            " (ON DELETE CASCADE)",
        ),
        (
            "delete.foreign-references",
            "warning",
            "providers.old-eu",
            {"on_delete": "SET NULL", "rows": 2, "table": "app_usage"},
            "deleting provider old-eu: the database will set the key to NULL in 2 rows"
            " of 'app_usage' (ON DELETE SET NULL)",
        ),
        (
            "delete.foreign-references",
            "warning",
            "providers.old-eu",
            {"on_delete": "SET DEFAULT", "rows": 1, "table": "app.defaults"},
            "deleting provider old-eu: the database will set the key to its default in 1 row"
            " of 'app.defaults' (ON DELETE SET DEFAULT)",
        ),
    ]
    assert not plan.has_errors


def test_a_row_the_plan_keeps_has_no_warning() -> None:
    """A leaving config connection that backfill still derives is handed back, not deleted:
    rows outside neither block nor are warned about."""
    state = outside(
        db(
            conn("openai-personal", by=CONFIG),
            prof("quick", "openai", "openai-personal", CONFIG),
        ),
        (
            Kind.CONNECTION,
            "openai-personal",
            (restrict("app_usage", 7), ForeignRows("app_log", "CASCADE", 1)),
        ),
    )
    plan = make_plan(stored(config(prof("quick", "openai"))), state)
    assert plan.blocked == ()
    assert plan.problems == ()
    assert brief(plan) == [("update", "connection", "openai-personal", "backfill")]


def test_a_forced_cascade_warns_about_each_row_it_deletes() -> None:
    state = outside(
        db(prov("p", by=CONFIG), conn("c", "p"), prof("y", "p", "c")),
        (Kind.CONNECTION, "c", (ForeignRows("app_usage", "SET NULL", 2),)),
    )
    plan = make_plan(stored(config()), state, force=True, limits=ALLOW_EMPTY)
    assert plan.blocked == ()
    assert [(p.path, dict(p.details)["table"]) for p in plan.problems] == [
        ("connections.c", "app_usage")
    ]
    assert "deleting connection c:" in plan.problems[0].message


# --- --force and the cascade: a kept row keeps what it references ----------------------------


def test_a_provider_held_outside_is_kept_with_its_whole_cascade() -> None:
    state = outside(
        db(
            prov("p", by=CONFIG),
            conn("c", "p"),
            prof("y", "p", "c", BACKFILL),
            prof("x", "openai", "c"),
        ),
        (Kind.PROVIDER, "p", (restrict("app_usage", 1),)),
    )
    plan = make_plan(stored(config()), state, force=True, limits=ALLOW_EMPTY)
    assert plan.changes == ()  # nothing cascades: connection c, profiles x and y stay as they are
    assert blocked_of(plan) == [
        (
            Kind.PROVIDER,
            "p",
            "delete.referenced",
            ((Kind.CONNECTION, "c"), (Kind.PROFILE, "y")),
            (("app_usage", 1),),
        )
    ]
    assert "--force does not help" in plan.blocked[0].message


@pytest.mark.parametrize("force", [False, True])
def test_a_cascade_into_a_row_held_outside_does_not_happen(force: bool) -> None:
    state = outside(
        db(prov("p", by=CONFIG), conn("c", "p"), prof("y", "p", "c"), prof("x", "openai", "c")),
        (Kind.CONNECTION, "c", (restrict("app_usage", 4),)),
    )
    plan = make_plan(stored(config()), state, force=force, limits=ALLOW_EMPTY)
    assert plan.changes == ()
    assert blocked_of(plan) == [
        (Kind.PROVIDER, "p", "delete.referenced", ((Kind.CONNECTION, "c"),), ())
    ]
    message = plan.blocked[0].message
    assert "connection c (4 rows of 'app_usage')" in message
    assert "--force does not help" in message
    assert "--force deletes it" not in message


@pytest.mark.parametrize("force", [False, True])
def test_a_removed_profile_held_outside_keeps_its_provider_and_connection(force: bool) -> None:
    state = outside(
        db(
            prov("p", by=CONFIG),
            conn("c", "p", by=CONFIG),
            prof("x", "p", "c", CONFIG),
        ),
        (Kind.PROFILE, "x", (restrict("app_usage", 2),)),
    )
    plan = make_plan(stored(config()), state, force=force, limits=ALLOW_EMPTY)
    # Profile x stays, so provider p stays; with --force connection c still goes, and x, a
    # surviving profile like any other, is repointed at its derived connection.
    assert brief(plan) == (
        [
            ("create", "connection", "p-personal", "backfill"),
            ("update", "profile", "x", "force"),
            ("delete", "connection", "c", "removed"),
        ]
        if force
        else []
    )
    assert [(b.kind, b.name, b.code) for b in plan.blocked] == [
        (Kind.PROVIDER, "p", "delete.referenced"),
        *([] if force else [(Kind.CONNECTION, "c", "delete.referenced")]),
        (Kind.PROFILE, "x", "delete.referenced"),
    ]
    assert plan.blocked[0].referenced_by == ((Kind.PROFILE, "x"),)
    assert plan.blocked[-1].foreign == (("app_usage", 2),)
    assert resolves(applied(state, plan.changes))


def test_a_removed_connection_held_outside_keeps_its_provider() -> None:
    state = outside(
        db(prov("p", by=CONFIG), conn("c", "p", by=CONFIG)),
        (Kind.CONNECTION, "c", (restrict("app_usage", 1),)),
    )
    plan = make_plan(stored(config()), state, force=True, limits=ALLOW_EMPTY)
    assert plan.changes == ()
    assert [(b.name, b.referenced_by, b.foreign) for b in plan.blocked] == [
        ("p", ((Kind.CONNECTION, "c"),), ()),
        ("c", (), (("app_usage", 1),)),
    ]


def test_a_connection_held_outside_lists_its_profiles_and_the_rows() -> None:
    state = outside(
        db(conn("old", by=CONFIG), prof("a", "openai", "old"), prof("b", "openai", "old")),
        (Kind.CONNECTION, "old", (restrict("app_usage", 9),)),
    )
    plan = make_plan(stored(config()), state, force=True)
    assert plan.changes == ()  # no profile is emptied: the connection stays
    assert blocked_of(plan) == [
        (
            Kind.CONNECTION,
            "old",
            "delete.referenced",
            ((Kind.PROFILE, "a"), (Kind.PROFILE, "b")),
            (("app_usage", 9),),
        )
    ]


# --- delete limits count what is left --------------------------------------------------------


def test_refused_deletes_count_neither_for_the_limit_nor_for_delete_all() -> None:
    rows = [prof(f"p{i}", "openai", "openai-managed", CONFIG) for i in range(3)]
    state = outside(
        db(*rows),
        (Kind.PROFILE, "p0", (restrict("app_usage", 1),)),
        (Kind.PROFILE, "p1", (restrict("t", 1),)),
    )
    plan = make_plan(stored(config()), state, limits=Limits(max_deletes=1))
    assert brief(plan) == [("delete", "profile", "p2", "removed")]
    assert [(b.name, b.code) for b in plan.blocked] == [
        ("p0", "delete.referenced"),
        ("p1", "delete.referenced"),
    ]


# --- over random worlds ------------------------------------------------------------------------

RULES = st.sampled_from(["RESTRICT", "NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT"])


@st.composite
def held_worlds(draw: st.DrawFn) -> tuple[DesiredState, DatabaseState]:
    """Two providers with connections and profiles, each the config's or external, some
    protected; a config that declares some of them as they are (so the rest may be deleted,
    or cascaded into with --force); and rows of a few application tables referencing any."""
    managed = st.sampled_from([None, CONFIG])
    guarded = st.sampled_from([False, False, False, True])
    providers = [prov(n, by=CONFIG, protected=draw(guarded)) for n in ("p1", "p2")]
    connections = [
        conn(n, draw(st.sampled_from(["p1", "p2"])), by=draw(managed), protected=draw(guarded))
        for n in ("c1", "c2")
    ]
    profiles = []
    for name in ("a", "b", "c"):
        provider = draw(st.sampled_from(["p1", "p2", "openai"]))
        own = [c.name for c in connections if c.provider == provider]
        connection = draw(st.sampled_from([None, *own]))
        profiles.append(prof(name, provider, connection, draw(managed), protected=draw(guarded)))
    rows: list[Row] = [*providers, *connections, *profiles]
    declared = [row._replace(managed_by=None) for row in rows if draw(st.booleans())]
    foreign = {}
    for row in draw(st.lists(st.sampled_from(rows), unique_by=lambda row: row.name)):
        found = st.builds(ForeignRows, st.sampled_from(["t1", "t2", "s.t3"]), RULES, st.just(2))
        kind = {Provider: Kind.PROVIDER, Connection: Kind.CONNECTION}.get(type(row), Kind.PROFILE)
        foreign[(kind, row.name)] = tuple(draw(st.lists(found, min_size=1, max_size=3)))
    return stored(config(*declared)), replace(db(*rows), foreign=foreign)


@settings(max_examples=400, deadline=None)
@given(held_worlds(), st.booleans())
def test_no_plan_deletes_a_held_row_and_every_cascade_follows_a_delete(
    world: tuple[DesiredState, DatabaseState], force: bool
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, limits=ALLOW_EMPTY)
    deleted = {(c.kind, c.name): c for c in plan.changes if c.action is Action.DELETE}
    for key, change in deleted.items():
        assert not any(found.restricts for found in state.foreign.get(key, ())), key
        if change.reason is Reason.FORCE:  # a cascade: its provider goes too
            assert (Kind.PROVIDER, change.before.provider) in deleted  # type: ignore[union-attr]
    warned = {
        (p.path, dict(p.details)["table"], dict(p.details)["on_delete"])
        for p in plan.problems
        if p.code == "delete.foreign-references"
    }
    assert warned == {
        (f"{kind.section}.{name}", found.table, found.on_delete)
        for (kind, name) in deleted
        for found in state.foreign.get((kind, name), ())
    }
    refused = {(b.kind, b.name) for b in plan.blocked if b.foreign}
    assert refused <= {
        key for key, found in state.foreign.items() if any(f.restricts for f in found)
    }
    if not plan.blocked and not plan.has_errors:
        assert resolves(applied(state, plan.changes))
    VALIDATOR.validate(json.loads(render_json(plan, context(state))))
