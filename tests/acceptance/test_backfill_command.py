"""``reconcile backfill`` through the CLI, on example folders.

Each folder under ``backfill/`` holds ``before/`` (the files as written), ``after/`` (the same
files once written back), ``expected.diff`` (what the command prints) and ``args``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.config import load_config
from reconciler.model import DatabaseState
from reconciler.planning import Plan, make_plan

CASES = sorted(p for p in (Path(__file__).parent / "backfill").iterdir() if p.is_dir())


def backfill(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["backfill", *args])
    return result.exit_code, result.stdout, result.stderr


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_shows_the_diff_then_writes_exactly_it_then_has_nothing_to_do(
    case: Path, workdir: Path
) -> None:
    shutil.copytree(case / "before", workdir, dirs_exist_ok=True)
    args = (case / "args").read_text().split()
    expected = (case / "expected.diff").read_text()

    code, stdout, stderr = backfill(*args)
    assert (code, stdout) == (0, expected)
    assert "run with --write" in stderr
    assert files(workdir) == files(case / "before")

    code, stdout, stderr = backfill(*args, "--write")
    assert (code, stdout) == (0, expected)
    assert "; wrote " in stderr
    assert files(workdir) == files(case / "after")

    assert backfill(*args, "--write") == (
        0,
        "",
        "backfill: nothing to do, every profile names its provider_connection\n",
    )
    assert files(workdir) == files(case / "after")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_written_values_are_the_ones_the_plan_derives(case: Path) -> None:
    args = (case / "args").read_text().split()[1::2]
    before = load_config([str(case / "before" / path) for path in args], environ={})
    after = load_config([str(case / "after" / path) for path in args], environ={})
    assert after.valid and after.warnings == ()
    planned = make_plan(before.desired, DatabaseState())
    derived = {
        change.name: change.after.provider_connection
        for change in planned.changes
        if change.kind == "profile" and change.after is not None
    }
    written = {name: p.provider_connection for name, p in after.desired.profiles.items()}
    assert written == derived
    # The same rows result, now declared rather than derived.
    assert images(make_plan(after.desired, DatabaseState())) == images(planned)


def images(plan: Plan) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    return [(c.kind, c.name, c.action, c.after.image() if c.after else None) for c in plan.changes]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_git_apply_takes_the_diff(case: Path, workdir: Path) -> None:
    shutil.copytree(case / "before", workdir, dirs_exist_ok=True)
    patch = workdir / "backfill.patch"
    shutil.copy(case / "expected.diff", patch)
    subprocess.run(["git", "apply", "--unsafe-paths", str(patch)], cwd=workdir, check=True)
    patch.unlink()
    assert files(workdir) == files(case / "after")


def test_an_invalid_config_is_never_rewritten(workdir: Path) -> None:
    text = "version: 1\nprofiles:\n  quick:\n    provider: openai\n    model: gpt-5\n  Bad: {}\n"
    (workdir / "reconcile.yaml").write_text(text)
    code, stdout, stderr = backfill("--write")
    assert (code, stdout) == (1, "")
    assert "reconcile.yaml:6:3: error [schema.propertyNames]" in stderr
    assert stderr.endswith("error: the config has errors; backfill rewrites valid files only\n")
    assert (workdir / "reconcile.yaml").read_text() == text


def test_a_derived_name_declared_for_another_provider_blocks(workdir: Path) -> None:
    text = (
        "version: 1\n"
        "connections:\n"
        "  openai-personal: {provider: anthropic, auth: {type: api_key, credential: c/a}}\n"
        "profiles:\n"
        "  quick: {provider: openai, model: gpt-5}\n"
    )
    (workdir / "reconcile.yaml").write_text(text)
    code, stdout, stderr = backfill("--write")
    assert (code, stdout) == (3, "")
    assert stderr.startswith(
        "reconcile.yaml:5:3: error [backfill.conflict] profile quick needs the derived"
        " connection openai-personal (provider openai) but it is declared for provider anthropic"
    )
    assert (workdir / "reconcile.yaml").read_text() == text


def test_a_provider_known_only_to_the_database_is_skipped_with_a_warning(workdir: Path) -> None:
    text = "version: 1\nprofiles:\n  old: {provider: Legacy_OpenAI, model: gpt-4}\n"
    (workdir / "reconcile.yaml").write_text(text)
    code, stdout, stderr = backfill("--write")
    assert (code, stdout) == (0, "")
    assert "reconcile.yaml:3:19: warning [backfill.unknown-provider]" in stderr
    assert (workdir / "reconcile.yaml").read_text() == text
