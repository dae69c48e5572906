"""Plan files as hostile input: whatever a file holds, reading it either gives a checked plan or
a located `ConfigError`, and a plan it accepts compares with a real one without raising."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_scenarios import context, limited, mixed

from reconciler.config.load import read_regular_file
from reconciler.errors import ConfigError
from reconciler.planning import Limits
from reconciler.planning.stale import stale_problems
from reconciler.render.json import plan_document
from reconciler.service.planfile import check_saved_config, read_plan_file, write_plan_file

CONFIG = {
    "version": 1,
    "providers": {"eu": {"type": "anthropic"}},
    "profiles": {"quick": {"provider": "openai", "model": "gpt-5-mini", "temperature": 0.5}},
}


def saved_document() -> dict[str, Any]:
    """A plan with every kind of blocked entry: a row's, and the plan-level ones (DESIGN §13)."""
    plan, state = mixed()
    document = plan_document(plan, context(state))
    plan_level, _state = limited()
    document["blocked"] += plan_document(plan_level, context(state))["blocked"]
    saved = {
        **document,
        "force": False,
        "max_deletes": 2,
        "allow_empty": False,
        "take_ownership": False,
        "config": CONFIG,
    }
    return json.loads(json.dumps(saved))


BASE = saved_document()


def positions(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and index path in ``value``, the whole document included."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(positions(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(positions(item, (*path, index)))
    return found


POSITIONS = positions(BASE)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def edited(path: tuple[Any, ...], value: Any, remove: bool) -> Any:
    document = json.loads(json.dumps(BASE))
    if not path:
        return value
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if remove:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(POSITIONS), JSON, st.booleans())
def test_any_value_anywhere_is_read_or_refused_never_a_crash(
    tmp_path: Path, path: tuple[Any, ...], value: Any, remove: bool
) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(edited(path, value, remove and bool(path))), encoding="utf-8")
    try:
        saved = read_plan_file(str(file))
    except ConfigError as error:
        assert error.problems
        where = {problem.location.file if problem.location else None for problem in error.problems}
        assert where == {str(file)}
        return
    assert saved.loaded is not None and saved.loaded.valid
    stale_problems(saved.document, BASE)  # what apply does with an accepted file: never raises


def test_an_untouched_plan_file_reads_back(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    plan, state = mixed()
    document = plan_document(plan, context(state))
    write_plan_file(str(file), document, CONFIG, force=True, take_ownership=True)
    saved = read_plan_file(str(file))
    assert (saved.force, saved.take_ownership) == (True, True)
    assert saved.config == CONFIG
    assert saved.loaded is not None
    assert list(saved.loaded.desired.profiles) == ["quick"]


def test_a_long_schema_message_is_cut(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps({**BASE, "blocked": {"x": "y" * 10_000}}), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_plan_file(str(file))
    (problem,) = raised.value.problems
    assert problem.code == "plan.schema"
    assert problem.path == "blocked"
    assert len(problem.message) <= 200


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        with pytest.raises(OSError, match=r"not a regular file|Is a directory"):
            read_regular_file(path)
    regular = tmp_path / "a.yaml"
    regular.write_bytes(b"version: 1\n")
    assert read_regular_file(regular) == b"version: 1\n"


def test_a_plan_file_records_the_delete_limits(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    plan, state = limited()
    limits = Limits(max_deletes=2, allow_empty=True)
    write_plan_file(
        str(file), plan_document(plan, context(state)), CONFIG, force=False, limits=limits
    )
    written = json.loads(file.read_text(encoding="utf-8"))
    assert (written["max_deletes"], written["allow_empty"]) == (2, True)
    saved = read_plan_file(str(file))
    assert saved.limits == limits
    assert stale_problems(saved.document, plan_document(plan, context(state))) == ()


def test_a_plan_file_of_an_older_version_applies_with_the_safe_defaults(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    older = {key: value for key, value in BASE.items() if key not in ("max_deletes", "allow_empty")}
    file.write_text(json.dumps(older), encoding="utf-8")
    assert read_plan_file(str(file)).limits == Limits(max_deletes=None, allow_empty=False)


@pytest.mark.parametrize("value", [-1, 1.5, "3", True, 10**10])
def test_a_recorded_limit_that_is_no_count_is_refused(tmp_path: Path, value: Any) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps({**BASE, "max_deletes": value}), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_plan_file(str(file))
    assert [(p.code, p.path) for p in raised.value.problems] == [("plan.schema", "max_deletes")]


def test_a_saved_storage_config_leaving_fields_unmapped_has_no_problem() -> None:
    # A plan file locates every path at one place; that is no field the user wrote.
    profiles = {"table": "p", "columns": {"provider": "provider", "model": "model"}}
    config = {
        "version": 1,
        "storage": {"profiles": profiles},
        "profiles": {"quick": {"provider": "openai", "model": "gpt-5-mini", "max_tokens": 9}},
    }
    problems = check_saved_config(config, "plan.json").problems
    assert [(p.code, p.path) for p in problems] == [
        ("storage.field-not-stored", "config.profiles.quick.max_tokens")
    ]
