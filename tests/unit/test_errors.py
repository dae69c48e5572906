from __future__ import annotations

from reconciler.errors import Location, SourceMap, dotted


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
