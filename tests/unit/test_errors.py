from __future__ import annotations

import pytest

from reconciler.errors import Location, SourceMap, dotted, shown


def test_dotted_joins_keys_and_indexes() -> None:
    assert dotted(("profiles", "a", "model")) == "profiles.a.model"
    assert dotted(("items", 0, "name")) == "items[0].name"
    assert dotted(()) == ""


def test_missing_key_points_at_its_parent_key() -> None:
    parent = Location("f.yaml", 3, 3)
    sources = SourceMap(keys={("profiles", "a"): parent}, values={})
    assert sources.locate(("profiles", "a", "model")) == parent
    assert sources.locate(("nowhere",)) is None


def test_problem_carries_path_and_location() -> None:
    value = Location("f.yaml", 4, 12)
    sources = SourceMap(keys={}, values={("version",): value})
    problem = sources.problem("schema.const", "version must be 1", ("version",))
    assert (problem.location, problem.path, problem.is_error) == (value, "version", True)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (None, "null"),
        ({"a": None}, "{a: null}"),
        ([1, "x", "true", 1.5], "[1, x, 'true', 1.5]"),
        (float("nan"), ".nan"),
        (float("-inf"), "-.inf"),
        ("it's", '"it\'s"'),
        ("a\0b\t\x1b\u202e", '"a\\0b\\t\\e\\u202e"'),
        ("😀語", "'😀語'"),
    ],
)
def test_shown_spells_yaml(value: object, text: str) -> None:
    assert shown(value) == text


def test_shown_reads_back_as_the_value() -> None:
    from ruamel.yaml import YAML

    for value in ['a\0b\\u0041"', "x\u2028y\x85", "it's", "plain"]:
        assert YAML(typ="safe").load(f"v: {shown(value)}")["v"] == value


def test_shown_cuts_long_values() -> None:
    assert shown("x" * 5_000) == f"'{'x' * 60}…' (5,000 characters)"
    assert shown(10**4_000) == f"1{'0' * 59}… (4,001 digits)"
    long_list = shown(list(range(10_000)))
    assert long_list.endswith("…") and len(long_list) <= 61
