from __future__ import annotations

import json

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_scenarios import context, guarded, mixed, outside, shared
from plan_worlds import shuffled, worlds

from reconciler.model import DatabaseState, DesiredState
from reconciler.planning import make_plan
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.schema_files import load_schema

VALIDATOR = jsonschema.Draft202012Validator(load_schema("plan.schema.json"))


@settings(max_examples=200, deadline=None)
@given(worlds(), st.booleans(), st.booleans(), st.integers())
def test_every_rendered_plan_follows_the_schema_and_is_byte_identical(
    world: tuple[DesiredState, DatabaseState], force: bool, take: bool, seed: int
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force, take_ownership=take)
    text = render_json(plan, context(state))
    VALIDATOR.validate(json.loads(text))
    mixed_up = shuffled(state, seed)
    again = make_plan(desired, mixed_up, force=force, take_ownership=take)
    assert render_json(again, context(mixed_up)) == text


def test_key_order_is_the_documented_one() -> None:
    plan, state = mixed()
    document = json.loads(render_json(plan, context(state)))
    assert list(document) == [
        "format_version",
        "tool_version",
        "database",
        "instance_id",
        "config_digest",
        "state_digest",
        "settings",
        "changes",
        "blocked",
        "problems",
        "summary",
    ]
    assert list(document["problems"][0]) == [
        "file",
        "line",
        "column",
        "path",
        "code",
        "level",
        "message",
    ]
    assert document["summary"] == {"create": 4, "update": 4, "delete": 1, "blocked": 1}


def test_text_has_no_colour_unless_asked_and_ends_with_the_summary_line() -> None:
    plan, _ = mixed()
    plain = render_text(plan)
    assert "\x1b[" not in plain
    assert plain.endswith("Plan: 4 to create, 4 to update, 1 to delete, 1 blocked.\n")
    assert "\x1b[32m" in render_text(plan, color=True)


def test_markdown_starts_with_the_summary_table() -> None:
    plan, _ = mixed()
    lines = render_markdown(plan).splitlines()
    assert lines[2] == "| | create | update | delete |"
    assert "<details>" in render_markdown(plan)


def test_ownership_is_on_exactly_the_changes_that_move_a_row() -> None:
    plan, state = shared()
    document = json.loads(render_json(plan, context(state)))
    assert document["settings"]["owner"] == "team-a"
    moved = {c["name"]: c.get("ownership") for c in document["changes"]}
    assert moved == {
        "eu": {
            "before": {"managed_by": None, "owner": None},
            "after": {"managed_by": "config", "owner": "team-a"},
        },
        "gpu": {
            "before": {"managed_by": "config", "owner": "team-b"},
            "after": {"managed_by": "config", "owner": "team-a"},
        },
        "eu-key": {
            "before": {"managed_by": "backfill", "owner": None},
            "after": {"managed_by": "config", "owner": "team-a"},
        },
        "openai-personal": {
            "before": {"managed_by": "config", "owner": "team-a"},
            "after": {"managed_by": "backfill", "owner": None},
        },
        "helper": None,  # protected: false -> true, no ownership moved
    }
    assert all("protected" in c["after"] for c in document["changes"])


def test_blocked_entries_carry_the_owner_of_an_ownership_conflict() -> None:
    plan, state = guarded()
    blocked = json.loads(render_json(plan, context(state)))["blocked"]
    assert [(b["name"], b["code"], b["owner"]) for b in blocked] == [
        ("gpu", "ownership.conflict", "team-b"),
        ("old", "delete.referenced", None),
        ("keeper", "delete.protected", None),
    ]


def test_rows_of_other_tables_are_referrers_and_warnings_carry_their_table() -> None:
    plan, state = outside()
    document = json.loads(render_json(plan, context(state)))
    VALIDATOR.validate(document)
    assert [(b["name"], b["referenced_by"]) for b in document["blocked"]] == [
        ("old-eu", [{"table": "app_usage", "rows": 3}, {"table": "billing.invoices", "rows": 1}]),
        ("p", [{"kind": "connection", "name": "c"}]),
    ]
    assert [
        {k: v for k, v in p.items() if k not in ("file", "line", "column", "message")}
        for p in document["problems"]
    ] == [
        {
            "path": "profiles.legacy",
            "code": "delete.foreign-references",
            "level": "warning",
            "table": "app_log",
            "on_delete": "CASCADE",
            "rows": 12,
        },
        {
            "path": "providers.gone",
            "code": "delete.foreign-references",
            "level": "warning",
            "table": "app_usage",
            "on_delete": "SET NULL",
            "rows": 2,
        },
    ]
    assert list(document["problems"][0])[:7] == [
        "file",
        "line",
        "column",
        "path",
        "code",
        "level",
        "message",
    ]


def test_the_schema_refuses_a_referrer_that_is_neither_a_row_nor_a_table() -> None:
    plan, state = outside()
    document = json.loads(render_json(plan, context(state)))
    document["blocked"][0]["referenced_by"].append({"table": "t", "kind": "profile", "rows": 1})
    assert not VALIDATOR.is_valid(document)
    document["blocked"][0]["referenced_by"][-1] = {"table": "t", "rows": -1}
    assert not VALIDATOR.is_valid(document)
    document["blocked"][0]["referenced_by"].pop()
    document["problems"][0]["rows"] = "many"
    assert not VALIDATOR.is_valid(document)
