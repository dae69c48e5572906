from __future__ import annotations

from plan_values import CONFIG, SEED, brief, config, conn, converges, db, prof, prov

from reconciler.errors import Level
from reconciler.model import DatabaseState, Kind
from reconciler.planning import Action, Reason, make_plan


def test_an_empty_database_gets_every_canonical_row_as_seed() -> None:
    plan = make_plan(config(), DatabaseState())
    assert brief(plan) == [
        ("create", "provider", name, "seed") for name in ("anthropic", "gemini", "ollama", "openai")
    ] + [
        ("create", "connection", name, "seed")
        for name in ("anthropic-managed", "gemini-managed", "ollama-local", "openai-managed")
    ]
    assert all(c.after is not None and c.after.managed_by is SEED for c in plan.changes)


def test_a_seeded_database_needs_nothing() -> None:
    plan = make_plan(config(), db())
    assert plan.changes == ()
    assert plan.problems == ()


def test_an_identical_mention_is_no_change_and_the_row_stays_seed() -> None:
    desired = config(prov("openai", "openai"), conn("openai-managed", "openai", "platform"))
    plan = make_plan(desired, db())
    assert plan.changes == ()
    assert plan.problems == ()
    assert converges(desired, DatabaseState())


def test_a_redefinition_is_an_error_and_changes_nothing() -> None:
    desired = config(conn("openai-managed", "openai", "api_key", "credential/o"))
    plan = make_plan(desired, db())
    assert plan.changes == ()
    (problem,) = plan.problems
    assert (problem.code, problem.level, problem.path) == (
        "canonical.redefined",
        Level.ERROR,
        "connections.openai-managed.auth",
    )
    assert "the code defines it as provider 'openai' with auth type 'platform'" in problem.message


def test_drift_in_the_database_is_a_warning_and_never_overwritten() -> None:
    drifted = conn("anthropic-managed", "anthropic", "api_key", "credential/a", by=SEED)
    plan = make_plan(config(), db(drifted))
    assert plan.changes == ()
    (problem,) = plan.problems
    assert (problem.code, problem.level) == ("canonical.drift", Level.WARNING)
    assert "auth.type: 'platform' -> 'api_key'" in problem.message


def test_drift_is_reported_whatever_the_row_says_of_its_owner() -> None:
    plan = make_plan(config(), db(prov("ollama", "ollama", base_url="http://gpu:11434")))
    assert [p.code for p in plan.problems] == ["canonical.drift"]
    assert plan.changes == ()


def test_a_canonical_row_the_config_owned_is_never_pruned_even_with_force() -> None:
    state = db(conn("gemini-managed", "gemini", "platform", by=CONFIG))
    for force in (False, True):
        plan = make_plan(config(), state, force=force)
        assert plan.changes == ()
        (blocked,) = plan.blocked
        assert (blocked.kind, blocked.name, blocked.action, blocked.code) == (
            Kind.CONNECTION,
            "gemini-managed",
            Action.DELETE,
            "delete.canonical",
        )


def test_a_force_cascade_never_deletes_a_seed_row() -> None:
    # A canonical connection edited to point at a provider the config removes.
    state = db(
        prov("my-ollama", "ollama", by=CONFIG),
        conn("ollama-local", "my-ollama", "none", by=SEED),
    )
    plan = make_plan(config(), state, force=True)
    codes = {(b.kind, b.name, b.code) for b in plan.blocked}
    assert (Kind.CONNECTION, "ollama-local", "delete.canonical") in codes
    assert all(c.name != "ollama-local" for c in plan.changes)
    assert ("delete", "provider", "my-ollama", Reason.REMOVED) in brief(plan)


def test_an_unforced_cascade_into_a_seed_row_is_refused_as_referenced() -> None:
    state = db(
        prov("my-ollama", "ollama", by=CONFIG),
        conn("ollama-local", "my-ollama", "none", by=SEED),
        prof("p", "my-ollama", "ollama-local"),
    )
    plan = make_plan(config(), state)
    assert [(b.name, b.code) for b in plan.blocked] == [("my-ollama", "delete.referenced")]


def test_drift_in_an_ignored_field_is_not_reported() -> None:
    drifted = prov("ollama", "ollama", by=SEED, enabled=False, base_url="http://gpu:11434")
    desired = config(ignore={Kind.PROVIDER: ("enabled",)})
    plan = make_plan(desired, db(drifted))
    assert plan.changes == ()
    (problem,) = plan.problems
    assert problem.code == "canonical.drift"
    assert "base_url" in problem.message and "enabled" not in problem.message
    all_ignored = config(ignore={Kind.PROVIDER: ("enabled", "base_url")})
    assert make_plan(all_ignored, db(drifted)).problems == ()


def test_an_admin_protecting_a_canonical_row_is_no_drift() -> None:
    state = db(prov("openai", "openai", by=SEED, protected=True))
    plan = make_plan(config(), state)
    assert (plan.changes, plan.problems) == ((), ())
