from __future__ import annotations

import json

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_scenarios import context, mixed
from plan_worlds import shuffled, worlds

from reconciler.model import DatabaseState, DesiredState
from reconciler.planning import make_plan
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.schema_files import load_schema

VALIDATOR = jsonschema.Draft202012Validator(load_schema("plan.schema.json"))


@settings(max_examples=200, deadline=None)
@given(worlds(), st.booleans(), st.integers())
def test_every_rendered_plan_follows_the_schema_and_is_byte_identical(
    world: tuple[DesiredState, DatabaseState], force: bool, seed: int
) -> None:
    desired, state = world
    text = render_json(make_plan(desired, state, force=force), context(state))
    VALIDATOR.validate(json.loads(text))
    mixed_up = shuffled(state, seed)
    assert render_json(make_plan(desired, mixed_up, force=force), context(mixed_up)) == text


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
