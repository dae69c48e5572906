"""Golden files of the three renderers; RECONCILE_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from plan_scenarios import SCENARIOS, context

from reconciler.planning import Plan
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.schema_files import load_schema

CUT = 1_500
"""The --max-chars of the ``cut.md`` golden files: details cut, every list closed."""
GOLDEN = Path(__file__).resolve().parents[2] / "golden"
UPDATE = os.environ.get("RECONCILE_UPDATE_GOLDEN") == "1"
# Under CI a golden file is a contract, never rewritten: setting the variable there fails the test.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")

RENDERERS: dict[str, Callable[[str], str]] = {
    "txt": lambda name: render_text(SCENARIOS[name]()[0]),
    "color.txt": lambda name: render_text(SCENARIOS[name]()[0], color=True),
    "json": lambda name: render_json(*_with_context(name)),
    "md": lambda name: render_markdown(SCENARIOS[name]()[0]),
    "cut.md": lambda name: render_markdown(SCENARIOS[name]()[0], max_chars=CUT),
}


def _with_context(name: str) -> tuple[Plan, object]:
    plan, state = SCENARIOS[name]()
    return plan, context(state)


CASES = [(s, x) for s in sorted(SCENARIOS) for x in ("json", "md", "txt")] + [
    ("mixed", "color.txt"),
    ("prompts", "color.txt"),
    ("mixed", "cut.md"),
    ("long", "cut.md"),
]


@pytest.mark.parametrize(("scenario", "suffix"), CASES)
def test_golden(scenario: str, suffix: str) -> None:
    rendered = RENDERERS[suffix](scenario)
    path = GOLDEN / f"plan-{scenario}.{suffix}"
    assert not (UPDATE and IN_CI), "RECONCILE_UPDATE_GOLDEN is set under CI: golden files stay"
    if UPDATE:
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), (
        f"{path} differs (RECONCILE_UPDATE_GOLDEN=1)"
    )


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_json_follows_the_schema(scenario: str) -> None:
    document = json.loads(RENDERERS["json"](scenario))
    jsonschema.Draft202012Validator(load_schema("plan.schema.json")).validate(document)
