"""The database fixtures themselves: skipped with a reason outside CI, a failure under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/postgres"


def run_inner_suite(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    for name in ("conftest.py", "database_servers.py", "app_schemas.py"):
        shutil.copy(Path(__file__).parent.parent / name, tmp_path / name)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    sqlite\n    postgres\n    mysql\n", encoding="utf-8"
    )
    (tmp_path / "test_inner.py").write_text(
        "def test_uses_a_database(database_url):\n    assert database_url\n", encoding="utf-8"
    )
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "RECONCILE_TEST_POSTGRES_URL", "RECONCILE_TEST_MYSQL_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-ra", "-p", "no:cacheprovider", "-m", "postgres"],
        cwd=tmp_path,
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.slow
def test_unset_server_is_skipped_with_the_variable_to_set(tmp_path: Path) -> None:
    done = run_inner_suite(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "SKIPPED" in done.stdout
    assert "set RECONCILE_TEST_POSTGRES_URL" in done.stdout


@pytest.mark.slow
def test_unreachable_server_is_skipped_outside_ci(tmp_path: Path) -> None:
    done = run_inner_suite(tmp_path, RECONCILE_TEST_POSTGRES_URL=UNREACHABLE)
    assert done.returncode == 0, done.stdout
    assert "SKIPPED" in done.stdout and "unreachable" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("env", [{}, {"RECONCILE_TEST_POSTGRES_URL": UNREACHABLE}])
def test_missing_server_fails_under_ci(tmp_path: Path, env: dict[str, str]) -> None:
    done = run_inner_suite(tmp_path, CI="true", **env)
    assert done.returncode == 1, done.stdout
    assert "under CI=true every backend must run" in done.stdout
    assert "SKIPPED" not in done.stdout
