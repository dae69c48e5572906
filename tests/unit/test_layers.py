"""The layers of the package: the pure core imports none of the edges, nor their libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

EDGE_LIBRARIES = ("ruamel", "sqlalchemy", "alembic", "click", "jsonschema")
EDGE_PACKAGES = ("reconciler.config", "reconciler.store", "reconciler.render", "reconciler.cli")


def loaded_after_import(module: str) -> list[str]:
    """The modules a fresh interpreter holds after importing ``module`` alone."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def under(loaded: list[str], roots: tuple[str, ...]) -> list[str]:
    return [name for name in loaded if any(name == r or name.startswith(r + ".") for r in roots)]


@pytest.mark.parametrize(
    "module", ["reconciler", "reconciler.model", "reconciler.planning", "reconciler.storage"]
)
def test_the_core_loads_no_edge_library(module: str) -> None:
    assert under(loaded_after_import(module), EDGE_LIBRARIES) == []


@pytest.mark.parametrize(
    "module", ["reconciler.model", "reconciler.planning", "reconciler.rules", "reconciler.storage"]
)
def test_the_core_imports_no_edge_package(module: str) -> None:
    assert under(loaded_after_import(module), (*EDGE_PACKAGES, "reconciler.service")) == []


def test_the_edges_are_still_seen_by_this_test() -> None:
    """The check above can fail: importing the config loader does load ruamel."""
    assert under(loaded_after_import("reconciler.config"), EDGE_LIBRARIES) != []
