"""The ``reconcile-validate`` hook of ``.pre-commit-hooks.yaml``, run for real by pre-commit
(``pre-commit try-repo``) in a throwaway git repo, the way a user's repo would run it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

# Cold (tools and hook environments installed from PyPI) about 35 s; warm about 18 s.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

VALID = "version: 1\nprofiles:\n  default: {provider: openai, model: gpt-5-mini}\n"
INVALID = "version: 1\nprofiles:\n  default: {provider: openai, modle: gpt-5-mini}\n"
# Other YAML a GitOps repo holds: it declares version: but is no config, so it must be skipped.
WORKFLOW = "version: 2\non: push\njobs:\n  test: {runs-on: ubuntu-latest}\n"
MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: profiles}\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("user-repo")
    git(repo, "init", "-q")
    for name, text in {
        "config/valid.yaml": VALID,
        "config/invalid.yml": INVALID,
        ".github/workflows/ci.yaml": WORKFLOW,
        "k8s/configmap.yaml": MANIFEST,
    }.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", ".")
    return repo


def try_repo(repo: Path, tools: Path, home: Path, *args: str) -> tuple[int, str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    command = [str(tools / "pre-commit"), "try-repo", str(ROOT), "reconcile-validate", *args]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def home(tool_cache: Path) -> Path:
    return tool_cache / "pre-commit-home"


def test_hook_reports_the_invalid_config_only(
    user_repo: Path, python_tools: Path, home: Path
) -> None:
    status, output = try_repo(user_repo, python_tools, home, "--all-files", "--verbose")
    assert status == 1, output
    assert "reconcile validate" in output and "Failed" in output
    assert "config/invalid.yml:3:31: error [schema.additionalProperties]" in output
    assert "config/invalid.yml:3:3: error [schema.required]" in output
    for skipped in ("config/valid.yaml", "ci.yaml", "configmap.yaml"):
        assert skipped not in output


def test_hook_passes_a_valid_config_next_to_other_yaml(
    user_repo: Path, python_tools: Path, home: Path
) -> None:
    files = ["config/valid.yaml", ".github/workflows/ci.yaml", "k8s/configmap.yaml"]
    status, output = try_repo(user_repo, python_tools, home, "--files", *files)
    assert status == 0, output
    assert "Passed" in output


def test_documented_folder_setup_checks_the_folder_as_one_config(
    tmp_path: Path, python_tools: Path, home: Path
) -> None:
    # The README's variant: `files:` picks the repo's own files, `-f config/` merges them, so a
    # settings-only file (which --only-configs alone would skip) is checked too.
    git(tmp_path, "init", "-q")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "00-settings.yaml").write_text("version: 1\nsettings: {deployment: x}\n")
    (tmp_path / "config" / "10-profiles.yaml").write_text(VALID)
    (tmp_path / "other.yaml").write_text(INVALID)  # outside `files:`: never looked at
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n"
        "      - id: reconcile-validate\n"
        "        files: ^config/.*\\.ya?ml$\n"
        "        args: [-f, config/]\n"
        "        pass_filenames: false\n"
    )
    git(tmp_path, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    command = [str(python_tools / "pre-commit"), "run", "--all-files"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "config/00-settings.yaml:2:24: error [schema.enum]" in output
    assert "other.yaml" not in output
