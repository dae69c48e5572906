from __future__ import annotations

from plan_values import CONFIG, config, conn, db, prof, prov

from reconciler.errors import Location, SourceMap
from reconciler.planning import make_plan


def codes(plan: object) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in plan.problems]


def test_references_resolve_against_the_database_and_canonical_rows() -> None:
    desired = config(prof("a", "legacy", "legacy-c"), prof("b", "openai", "openai-managed"))
    state = db(prov("legacy"), conn("legacy-c", "legacy"))
    assert codes(make_plan(desired, state)) == []


def test_unknown_references_are_errors_at_plan_time() -> None:
    desired = config(conn("c", "nope"), prof("a", "nope2", "missing"))
    assert codes(make_plan(desired, db())) == [
        ("ref.unknown-provider", "connections.c.provider"),
        ("ref.unknown-provider", "profiles.a.provider"),
        ("ref.unknown-connection", "profiles.a.provider_connection"),
    ]


def test_a_connection_of_another_provider_in_the_database_is_a_mismatch() -> None:
    plan = make_plan(config(prof("a", "openai", "db-c")), db(conn("db-c", "gemini")))
    assert codes(plan) == [("ref.provider-mismatch", "profiles.a.provider_connection")]


def test_a_kept_connection_of_another_provider_is_a_mismatch() -> None:
    state = db(prof("a", "openai", "openai-managed", CONFIG))
    plan = make_plan(config(prof("a", "gemini")), state)
    assert codes(plan) == [("ref.provider-mismatch", "profiles.a.provider")]


def test_problems_are_located_in_the_config_file() -> None:
    where = Location("reconcile.yaml", 7, 5)
    sources = SourceMap(values={("profiles", "a", "provider_connection"): where})
    plan = make_plan(config(prof("a", "openai", "missing")), db(), sources=sources)
    assert [p.location for p in plan.problems] == [where]
