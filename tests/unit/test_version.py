"""``reconciler/_version.py``: the version and the distribution name agree with ``pyproject.toml``
and with the metadata of the installed distribution (``pip install llm-reconciler``)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from reconciler._version import DISTRIBUTION, __version__

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_pyproject_names_the_distribution_and_its_version() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    assert project["name"] == DISTRIBUTION == "llm-reconciler"
    assert project["version"] == __version__
    assert project["scripts"] == {"reconcile": "reconciler.cli:main"}


def test_the_installed_distribution_is_found_under_its_name() -> None:
    assert metadata.version(DISTRIBUTION) == __version__
    (command,) = metadata.entry_points(group="console_scripts", name="reconcile")
    assert command.dist is not None and command.dist.name == DISTRIBUTION
