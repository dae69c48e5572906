"""The README's Python API example runs as printed, and the API plans without writing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reconciler
from reconciler import load_config, plan_config
from tests.acceptance.database_snapshot import snapshot
from tests.acceptance.test_cli_plan import CONFIG, write_config

ROOT = Path(__file__).resolve().parents[2]


def readme_example(section: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```", body, re.DOTALL)
    assert found, f"no Python example under ## {section}"
    return found.group(1)


def test_the_readme_example_runs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    done = subprocess.run(
        [sys.executable, "-c", readme_example("Python API")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "create profile default declared" in done.stdout
    assert "journal entry 1" in done.stdout
    assert (tmp_path / "app.db").exists()


def test_plan_config_reads_and_never_writes(database_url: str, tmp_path: Path) -> None:
    config = load_config([write_config(tmp_path)])
    before = snapshot(database_url)
    planned = plan_config(config, database_url)
    assert planned.plan.summary.create == 13
    assert planned.document["changes"][0]["name"] == "anthropic"
    assert planned.read_database
    assert snapshot(database_url) == before


def test_plan_config_does_not_open_the_database_for_an_invalid_config(tmp_path: Path) -> None:
    config = load_config(
        [write_config(tmp_path, CONFIG.replace("type: anthropic", "type: anthropik"))]
    )
    # Port 1: nothing listens; opening it would raise DatabaseError.
    planned = plan_config(config, "postgresql://app@127.0.0.1:1/prod")
    assert planned.plan.has_errors and not planned.read_database
    assert planned.document["state_digest"] is None


@pytest.mark.parametrize(
    "name",
    [
        "plan_config",
        "Planned",
        "write_plan_file",
        "check_drift",
        "Drift",
        "show_plan_file",
        "Shown",
    ],
)
def test_the_plan_api_is_public(name: str) -> None:
    assert name in reconciler.__all__
    assert getattr(reconciler, name) is not None
