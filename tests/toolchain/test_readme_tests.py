"""Every test the README names as holding a promise exists where it says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"A": "acceptance", "U": "unit"}
NAMED = re.compile(r"`([AU])/([\w/]+\.py)::(\w+)`((?:, `::\w+`)*)")


def _named_tests() -> list[tuple[Path, str]]:
    found = []
    for match in NAMED.finditer((ROOT / "README.md").read_text(encoding="utf-8")):
        path = ROOT / "tests" / FOLDERS[match.group(1)] / match.group(2)
        found.append((path, match.group(3)))
        found += [(path, more) for more in re.findall(r"`::(\w+)`", match.group(4))]
    return found


def test_the_readme_names_tests() -> None:
    assert len(_named_tests()) > 10


def test_every_test_the_readme_names_exists() -> None:
    missing = [
        f"{path.relative_to(ROOT)}::{name}"
        for path, name in _named_tests()
        if not path.exists() or f"def {name}(" not in path.read_text(encoding="utf-8")
    ]
    assert missing == []
