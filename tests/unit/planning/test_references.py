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


def test_a_reference_to_a_row_the_config_removes_says_so_and_names_the_referrer() -> None:
    state = db(prov("ollama-gpu", "ollama", CONFIG), conn("gpu", "ollama-gpu", "none", by=CONFIG))
    desired = config(conn("x", "ollama-gpu", "none"), prof("a", "openai", "gpu"))
    plan = make_plan(desired, state)
    assert [(p.code, p.level, p.path, p.message) for p in plan.problems] == [
        (
            "ref.unknown-provider",
            "error",
            "connections.x.provider",
            "provider 'ollama-gpu' is removed by this config but connection 'x' still"
            " references it; declare the provider again or change the reference",
        ),
        (
            "ref.unknown-connection",
            "error",
            "profiles.a.provider_connection",
            "connection 'gpu' is removed by this config but profile 'a' still references it;"
            " declare the connection again or change the reference",
        ),
    ]


def test_a_reference_to_a_row_force_deletes_says_so() -> None:
    state = db(prov("p", by=CONFIG), conn("c", "p"))
    plan = make_plan(config(prof("q", "p", "c")), state, force=True)
    assert [p.message for p in plan.problems] == [
        "provider 'p' is removed by this config but profile 'q' still references it;"
        " declare the provider again or change the reference",
        "connection 'c' is deleted by this plan (--force) but profile 'q' still references it;"
        " declare the connection again or change the reference",
    ]
