"""Example-file cases: every valid file validates; every invalid file gives exactly the problems
its ``# expect: <code> <line>`` comments name; the config of every storage example
(``examples/storage/``) validates without a problem (``test_storage_examples.py`` applies them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.config import load_config

HERE = Path(__file__).parent
EXPECT = re.compile(r"^# expect: (\S+) (\d+)$", re.MULTILINE)
VALID = sorted((HERE / "valid").glob("*.yaml"))
INVALID = sorted((HERE / "invalid").glob("*.yaml"))
STORAGE_EXAMPLES = sorted((HERE.parents[1] / "examples" / "storage").glob("*/reconcile.yaml"))


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_file_has_no_error(path: Path) -> None:
    loaded = load_config([str(path)], environ={})
    assert [p for p in loaded.problems if p.is_error] == []


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_file_gives_exactly_the_expected_problems(path: Path) -> None:
    expected = {(code, int(line)) for code, line in EXPECT.findall(path.read_text())}
    assert expected, f"{path.name} declares no '# expect: <code> <line>'"
    loaded = load_config([str(path)], environ={})
    found = {(p.code, p.location.line if p.location else 0) for p in loaded.problems}
    assert found == expected
    assert not loaded.valid
    assert all(p.location is not None and p.location.file == str(path) for p in loaded.problems)


def test_there_are_storage_examples() -> None:
    assert [path.parent.name for path in STORAGE_EXAMPLES] == ["postgres-uuid", "sqlite-epoch"]


@pytest.mark.parametrize("path", STORAGE_EXAMPLES, ids=[p.parent.name for p in STORAGE_EXAMPLES])
def test_storage_example_has_no_problem(path: Path) -> None:
    loaded = load_config([str(path)], environ={})
    assert list(loaded.problems) == []
    assert loaded.desired.storage is not None
