from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef reconcile"), ("fish", "complete")],
)
def test_prints_a_script_for_each_shell(shell: str, marker: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert marker in result.output
    assert "_RECONCILE_COMPLETE" in result.output


def test_unknown_shell_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["completion", "tcsh"])
    assert result.exit_code == 64


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_command_names(tmp_path: Path) -> None:
    # Drive the real completion protocol: the script calls back into `reconcile` with these vars.
    env = {
        **os.environ,
        "_RECONCILE_COMPLETE": "bash_complete",
        "COMP_WORDS": "reconcile comp",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "reconciler"], env=env, capture_output=True, text=True, check=False
    )
    assert "plain,completion" in done.stdout.splitlines()
