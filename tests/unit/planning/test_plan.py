from __future__ import annotations

from dataclasses import replace

from plan_values import CONFIG, config, conn, db, prof, prov

from reconciler.errors import Level, Location, Problem, SourceMap
from reconciler.model import Kind, Settings
from reconciler.planning import (
    Action,
    Blocked,
    Change,
    Manager,
    Ownership,
    Plan,
    Reason,
    Summary,
    make_plan,
    with_config_problems,
)
from reconciler.planning.outcome import applied
from reconciler.render.text import render_text
from reconciler.rules import check
from reconciler.storage import Storage, TableMapping


def test_the_summary_is_derived_from_the_changes() -> None:
    changes = (
        Change(Kind.PROVIDER, "a", Action.CREATE, Reason.DECLARED, None, prov("a")),
        Change(Kind.PROVIDER, "b", Action.UPDATE, Reason.ADOPT, prov("b"), prov("b")),
        Change(Kind.PROVIDER, "c", Action.UPDATE, Reason.DECLARED, prov("c"), prov("c", "gemini")),
        Change(Kind.PROVIDER, "d", Action.DELETE, Reason.REMOVED, prov("d"), None),
    )
    blocked = (Blocked(Kind.CONNECTION, "x", Action.DELETE, "delete.referenced", "m"),)
    plan = Plan(Settings(), changes, blocked)
    assert plan.summary == Summary(create=1, update=2, delete=1, blocked=1)
    assert plan.has_changes and plan.is_blocked and not plan.has_errors


def test_errors_and_warnings() -> None:
    warning = Problem("canonical.drift", "m", Level.WARNING)
    assert not Plan(Settings(), problems=(warning,)).has_errors
    assert Plan(Settings(), problems=(warning, Problem("ref.unknown-provider", "m"))).has_errors


def test_an_empty_plan() -> None:
    plan = make_plan(config(), db())
    assert plan == Plan(Settings())
    assert plan.summary == Summary()
    assert not plan.has_changes


def test_applied_leaves_the_input_alone_and_writes_owners() -> None:
    state = db(conn("gone", by=CONFIG))
    plan = make_plan(config(prof("a", "openai", "openai-managed")), state)
    after = applied(state, plan.changes)
    assert "gone" in state.connections and "gone" not in after.connections
    assert after.profiles["a"].managed_by == "config"


def test_ownership_is_only_on_an_update_that_moves_the_manager() -> None:
    external, mine = prov("p"), prov("p", by=CONFIG, owner="team-a")
    moved = Change(Kind.PROVIDER, "p", Action.UPDATE, Reason.ADOPT, external, mine)
    assert moved.ownership == Ownership(Manager(None, None), Manager(CONFIG, "team-a"))
    assert Change(Kind.PROVIDER, "p", Action.CREATE, Reason.DECLARED, None, mine).ownership is None
    same = prov("p", by=CONFIG)  # NULL is the default owner: no move
    both = Change(
        Kind.PROVIDER,
        "p",
        Action.UPDATE,
        Reason.DECLARED,
        same,
        prov("p", by=CONFIG, owner="default"),
    )
    assert both.ownership is None


def _at(code: str, line: int, level: Level = Level.ERROR, path: str = "p") -> Problem:
    return Problem(code, f"{code} ({level})", level, Location("c.yaml", line, 3), path)


def test_config_problems_join_the_plan_once_and_in_file_order() -> None:
    engine = _at("ref.unknown-connection", 9)
    plan = Plan(Settings(), problems=(engine,))
    config_problems = [
        _at("auth.unsupported", 12, Level.WARNING),
        _at("ref.unknown-connection", 9, Level.WARNING),  # the same place: the plan's error wins
        _at("ref.unknown-provider", 4, Level.WARNING, "q"),  # rechecked against the database
        _at("canonical.drift", 2, Level.WARNING),
        _at("canonical.drift", 2, Level.WARNING),
    ]
    merged = with_config_problems(plan, config_problems)
    assert merged.problems == (_at("canonical.drift", 2, Level.WARNING), engine, config_problems[0])
    assert merged.changes == plan.changes and merged.summary == plan.summary


def test_config_errors_are_kept_even_for_reference_codes() -> None:
    error = _at("ref.unknown-provider", 4)
    assert with_config_problems(Plan(Settings()), [error]).problems == (error,)


def test_a_blocked_plan_without_changes_does_not_claim_the_database_matches() -> None:
    refused = Blocked(Kind.CONNECTION, "old", Action.DELETE, "delete.referenced", "referenced")
    plan = Plan(Settings(), (), (refused,), (), False)
    text = render_text(plan)
    assert "matches the config" not in text
    assert text.startswith("No changes can be applied: the plan is blocked")


def test_a_desired_state_built_in_code_is_held_to_the_storage_rules() -> None:
    """The Python API may skip validate: the plan reports what validate would, once."""
    storage = Storage(profiles=TableMapping("ai_profiles", columns={"provider": "p", "model": "m"}))
    desired = replace(
        config(conn("mine", "openai"), prof("a", "openai", "openai-managed", label="x")),
        storage=storage,
    )
    plan = make_plan(desired, db())
    found = [(p.code, p.path, p.level) for p in plan.problems]
    assert found == [
        ("storage.not-stored", "connections.mine", "error"),
        ("storage.field-not-stored", "profiles.a.label", "error"),
        ("storage.field-not-stored", "profiles.a.provider_connection", "error"),
    ]
    assert plan.has_errors
    merged = with_config_problems(plan, list(check(desired, SourceMap())))
    assert merged.problems == plan.problems


def test_problems_alike_but_for_their_details_are_all_kept() -> None:
    """Two warnings on one deleted row differ only in the table they name."""
    first = Problem("delete.foreign-references", "a", Level.WARNING, None, "profiles.x")
    second = replace(first, message="b", details=(("table", "t2"),))
    plan = Plan(Settings(), problems=(replace(first, details=(("table", "t1"),)), second))
    assert len(with_config_problems(plan, []).problems) == 2
