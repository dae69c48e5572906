"""``show`` renders a saved plan exactly as ``plan`` rendered it, and refuses, located, what no
plan could be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_scenarios import SCENARIOS, context

from reconciler.errors import ConfigError
from reconciler.render.formats import PLAN_FORMATS, PlanOutput
from reconciler.render.json import plan_document
from reconciler.service.planfile import write_plan_file
from reconciler.service.show import plan_of_document, show_plan_file

CONFIG = {"version": 1, "providers": {"eu": {"type": "anthropic"}}}


def saved(
    tmp_path: Path, scenario: str, *, force: bool = False, take_ownership: bool = False
) -> tuple[Path, dict[str, Any]]:
    plan, state = SCENARIOS[scenario]()
    document = plan_document(plan, context(state))
    file = tmp_path / "plan.json"
    write_plan_file(str(file), document, CONFIG, force=force, take_ownership=take_ownership)
    return file, document


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("output", sorted(PLAN_FORMATS))
def test_a_saved_plan_shows_as_plan_printed_it(tmp_path: Path, scenario: str, output: str) -> None:
    plan, _ = SCENARIOS[scenario]()
    file, document = saved(tmp_path, scenario, force=plan.force, take_ownership=plan.take_ownership)
    shown = show_plan_file(str(file))
    for how in (PlanOutput(), PlanOutput(colour=True, max_chars=1_500)):
        render = PLAN_FORMATS[output]
        assert render(shown.plan, shown.document, how) == render(plan, document, how)


def test_the_json_is_the_plan_document_without_the_saved_config(tmp_path: Path) -> None:
    file, document = saved(tmp_path, "mixed")
    assert show_plan_file(str(file)).document == json.loads(json.dumps(document))


def tampered(tmp_path: Path, edit: Any) -> Path:
    file, _ = saved(tmp_path, "mixed")
    document = json.loads(file.read_text(encoding="utf-8"))
    edit(document)
    file.write_text(json.dumps(document), encoding="utf-8")
    return file


CONNECTION = {"name": "x", "provider": "openai", "auth": {"type": "none"}, "protected": False}


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (
            lambda d: d["changes"][0].update(after=CONNECTION),
            "changes[0].after",
            "not a provider row, as the change's kind says",
        ),
        (
            lambda d: d["changes"][0].update(before=d["changes"][0]["after"]),
            "changes[0].before",
            "a create has no before row",
        ),
        (
            lambda d: d["changes"][-1].update(before=None),
            "changes[8].before",
            "a delete needs a before row",
        ),
        (
            lambda d: d["changes"][0]["after"].update(name="other"),
            "changes[0].after.name",
            "names another row than the change (after)",
        ),
        (
            lambda d: d["summary"].update(create=40),
            "summary.create",
            "says 40 but the plan holds 4",
        ),
    ],
    ids=["kind", "create-before", "delete-before", "name", "summary"],
)
def test_what_no_plan_could_be_is_a_located_error(
    tmp_path: Path, edit: Any, path: str, message: str
) -> None:
    file = tampered(tmp_path, edit)
    with pytest.raises(ConfigError) as raised:
        show_plan_file(str(file))
    assert [(p.code, p.path, p.message, p.location) for p in raised.value.problems] == [
        ("plan.schema", path, message, raised.value.problems[0].location)
    ]
    assert raised.value.problems[0].location is not None
    assert raised.value.problems[0].location.file == str(file)


def test_a_plan_file_the_schema_refuses_is_refused_as_apply_refuses_it(tmp_path: Path) -> None:
    file = tampered(tmp_path, lambda d: d["changes"][0].update(kind="table"))
    with pytest.raises(ConfigError) as raised:
        show_plan_file(str(file))
    assert {p.code for p in raised.value.problems} == {"plan.schema"}


def test_fields_the_rows_gain_need_no_change_here() -> None:
    """Rows are rebuilt by field name: an image is the row's fields but managed_by."""
    plan, state = SCENARIOS["prompts"]()
    document = json.loads(json.dumps(plan_document(plan, context(state))))
    rebuilt = plan_of_document(document, "plan.json", force=False)
    assert [c.after for c in rebuilt.changes] == [c.after for c in plan.changes]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def positions(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.extend(positions(item, (*path, key)))
    return found


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_value_anywhere_is_shown_or_refused_never_a_crash(
    tmp_path: Path, data: st.DataObject
) -> None:
    file, _ = saved(tmp_path, data.draw(st.sampled_from(sorted(SCENARIOS))))
    document = json.loads(file.read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(positions(document)))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = data.draw(JSON)
    file.write_text(json.dumps(document), encoding="utf-8")
    try:
        shown = show_plan_file(str(file))
    except ConfigError as error:
        assert error.problems
        assert {p.location.file if p.location else None for p in error.problems} == {str(file)}
        return
    for render in PLAN_FORMATS.values():
        render(shown.plan, shown.document, PlanOutput(max_chars=1_000))
