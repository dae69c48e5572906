"""``examples/ci/drift.yaml``: scheduled, read-only, its ``reconcile`` lines exist, and its shell
step run for real (bash, jq, a fake ``GITHUB_STEP_SUMMARY``) exits as drift does and writes the
summary it promises."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute
from tests.toolchain.test_ci_examples import github_scripts, load, problems_with, reconcile_commands

DRIFT = Path(__file__).resolve().parents[2] / "examples" / "ci" / "drift.yaml"
CONFIG = "version: 1\nprofiles:\n  bot: {provider: openai, model: gpt-5-mini}\n"


def drift_step(workflow: dict[str, Any]) -> str:
    (step,) = [s for s in workflow["jobs"]["drift"]["steps"] if s.get("name") == "Drift"]
    script: str = step["run"]
    return script


def test_it_runs_on_a_schedule_and_by_hand_as_the_read_only_user() -> None:
    workflow = load(DRIFT)
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert workflow["on"]["schedule"][0]["cron"]
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["drift"]
    assert job["env"]["RECONCILE_DATABASE_URL"] == "${{ secrets.RECONCILE_PLAN_DATABASE_URL }}"


def test_every_reconcile_line_exists_and_drift_is_run() -> None:
    # The jq program's quotes span lines, which a line-by-line reading cannot take: only the
    # lines that run reconcile are read.
    scripts = [
        "\n".join(line for line in script.splitlines() if line.lstrip().startswith("reconcile "))
        for script in github_scripts(load(DRIFT))
    ]
    lines = [args for script in scripts for args in reconcile_commands(script)]
    assert [args[:2] for args in lines] == [["drift", "-f"], ["drift", "-f"]]
    for arguments in lines:
        assert problems_with(arguments) == []


@pytest.fixture
def repository(tmp_path: Path) -> tuple[Path, str]:
    """A checkout with config/, and an SQLite database the config was applied to."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "10-profiles.yaml").write_text(CONFIG, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    applied = CliRunner().invoke(
        cli, ["apply", "-f", str(tmp_path / "config"), "--yes", "--database-url", url]
    )
    assert applied.exit_code == 0, applied.output
    return tmp_path, url


def run_step(folder: Path, url: str) -> tuple[int, str]:
    if shutil.which("jq") is None or shutil.which("bash") is None:
        pytest.skip("the step needs bash and jq, as GitHub's ubuntu runners have")
    summary = folder / "summary.md"
    summary.write_text("", encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)  # where `reconcile` is installed
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "RECONCILE_DATABASE_URL": url,
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", drift_step(load(DRIFT))], cwd=folder, env=env, check=False
    )
    return done.returncode, summary.read_text(encoding="utf-8")


def test_the_step_exits_0_in_sync_and_2_after_an_out_of_band_write(
    repository: tuple[Path, str],
) -> None:
    folder, url = repository
    code, summary = run_step(folder, url)
    assert code == 0
    assert summary.startswith("### reconcile drift: in sync\n")
    assert "| 0 | 0 | 0 | 0 |" in summary
    assert "No write outside reconcile since journal entry #1" in summary
    execute(url, "UPDATE profiles SET model = 'edited' WHERE name = 'bot'")
    code, summary = run_step(folder, url)
    assert code == 2
    assert "| 1 | 0 | 0 | 1 |" in summary
    assert "**Out-of-band write**: the rows changed since journal entry #1" in summary
    root = ET.parse(folder / "drift.xml").getroot()
    assert root.get("failures") == "2"


def test_the_step_fails_on_an_error_without_a_summary(repository: tuple[Path, str]) -> None:
    folder, _url = repository
    code, summary = run_step(folder, f"sqlite:///{folder / 'missing.db'}")
    assert code == 1
    assert summary == ""
