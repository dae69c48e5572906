"""Independent tools (pre-commit, check-jsonschema, ajv, mermaid) installed once into the pytest
cache.

Each lives in its own environment under ``.pytest_cache/d/toolchain``, reused while its package
spec is unchanged. Under ``CI=true`` a failed install fails the test; elsewhere (no network, no
Node.js) it skips with the reason. Chromium is the exception: it is a system package that a
test cannot install, so where it is missing the browser tests skip, under ``CI=true`` too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

PIP_PACKAGES = ("pre-commit>=3.5,<5", "check-jsonschema>=0.29,<1")
NPM_PACKAGES = ("ajv-cli@5", "ajv-formats@3")
BROWSER_PACKAGES = ("mermaid@11", "marked@15")


def unavailable(reason: str) -> pytest.OutcomeException:
    """Fail under CI (a missing tool there is a broken pipeline), skip elsewhere."""
    if os.environ.get("CI") == "true":
        return pytest.fail.Exception(reason, pytrace=False)
    return pytest.skip.Exception(reason)


def _installed(dest: Path, spec: Sequence[str], commands: Sequence[Sequence[str]]) -> Path:
    """``dest``, installed by ``commands`` unless its marker says ``spec`` is already there."""
    marker = dest / ".installed"
    wanted = "\n".join(spec)
    if marker.is_file() and marker.read_text() == wanted:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for command in commands:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise unavailable(f"cannot install {' '.join(spec)}: {error}") from error
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise unavailable(f"cannot install {' '.join(spec)}: " + " | ".join(tail))
    marker.write_text(wanted)
    return dest


@pytest.fixture(scope="session")
def tool_cache(pytestconfig: pytest.Config) -> Path:
    cache = pytestconfig.cache
    assert cache is not None, "the toolchain tests need pytest's cache provider"
    return cache.mkdir("toolchain")


@pytest.fixture(scope="session")
def python_tools(tool_cache: Path) -> Path:
    """The ``bin`` folder of a venv holding pre-commit and check-jsonschema."""
    venv = tool_cache / "venv"
    pip = str(venv / "bin" / "pip")
    commands = [[sys.executable, "-m", "venv", str(venv)], [pip, "install", "-q", *PIP_PACKAGES]]
    return _installed(venv, PIP_PACKAGES, commands) / "bin"


def _npm_install(prefix: Path, packages: Sequence[str], needs: str) -> Path:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        raise unavailable(f"Node.js and npm are needed to run {needs}")
    command = [npm, "install", "--prefix", str(prefix), "--no-save", "--no-fund", "--no-audit"]
    return _installed(prefix, packages, [[*command, *packages]]) / "node_modules"


@pytest.fixture(scope="session")
def ajv(tool_cache: Path) -> Path:
    """The ``ajv`` executable of ajv-cli, installed with npm for the machine's Node.js."""
    return _npm_install(tool_cache / "npm", NPM_PACKAGES, "ajv") / ".bin" / "ajv"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's ``chromium`` (``apt-get install chromium``); skipped where it is missing."""
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    return Path(found)


@pytest.fixture(scope="session")
def browser_scripts(tool_cache: Path) -> Path:
    """The ``node_modules`` folder holding mermaid and marked, for a page to load."""
    return _npm_install(tool_cache / "npm-browser", BROWSER_PACKAGES, "mermaid in a browser")
