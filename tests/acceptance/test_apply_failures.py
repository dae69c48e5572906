"""Apply is all or nothing: a failing row, kill -9, or a lost connection leave the database as
it was, with no journal entry, and the next apply goes ahead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.acceptance import triggers
from tests.acceptance.database_snapshot import execute, journal, scalar, snapshot

STALL_SECONDS = 4


def config(profiles: int, model: str, *, extra: str = "") -> str:
    lines = ["version: 1", "providers:", "  eu:", "    type: anthropic", "profiles:"]
    for index in range(profiles):
        lines += [f"  p-{index:03d}:", "    provider: eu", f"    model: {model}"]
    return "\n".join(lines) + "\n" + extra


def apply_process(url: str, path: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "reconciler", "apply", "-f", str(path), "--yes"]
    return subprocess.Popen(
        [*command, "--database-url", url, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_apply(url: str, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    process = apply_process(url, path, *extra)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def applied_once(empty_database_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A database with 300 profiles from a first apply (one journal entry) and the next config:
    new rows of every kind, the 300 profiles updated, one more created."""
    first = tmp_path / "first.yaml"
    first.write_text(config(300, "m1"), encoding="utf-8")
    done = run_apply(empty_database_url, first)
    assert done.returncode == 0, done.stderr
    second = tmp_path / "second.yaml"
    extra = (
        "  p-new:\n    provider: other\n    model: m2\n"
        "connections:\n  other-key:\n    provider: other\n"
        "    auth: {type: api_key, credential: credential/other}\n"
    )
    text = config(300, "m2", extra=extra).replace(
        "profiles:", "  other:\n    type: openai\nprofiles:"
    )
    second.write_text(text, encoding="utf-8")
    return empty_database_url, second


def test_a_row_refused_mid_statement_rolls_everything_back(
    backend: str, applied_once: tuple[str, Path]
) -> None:
    url, second = applied_once
    execute(url, *triggers.statements(triggers.FAIL_ON_UPDATE, backend, row="p-150"))
    before = snapshot(url)
    result = run_apply(url, second)
    assert result.returncode == 1
    assert "trigger refused p-150" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(url) == before
    execute(url, *triggers.statements(triggers.DROP, backend, name="reconcile_test_fail"))
    again = run_apply(url, second)
    assert again.returncode == 0, again.stderr
    assert scalar(url, "SELECT count(*) FROM profiles WHERE model = 'm2'") == 301


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def stalled(backend: str, url: str) -> Callable[[], bool]:
    """True once an apply sits inside the stalling trigger, mid-transaction."""
    database = sa.make_url(url).database or ""
    if backend == "sqlite":
        return lambda: Path(database + "-journal").exists()
    if backend == "postgresql":
        query = (
            "SELECT count(*) FROM pg_stat_activity"
            f" WHERE datname = '{database}' AND wait_event = 'PgSleep'"
        )
    else:
        query = (
            "SELECT count(*) FROM information_schema.PROCESSLIST"
            f" WHERE DB = '{database}' AND STATE = 'User sleep'"
        )
    return lambda: bool(scalar(url, query))


def stall(backend: str, url: str) -> None:
    statements = triggers.statements(
        triggers.STALL_ON_INSERT, backend, row="p-new", seconds=STALL_SECONDS
    )
    execute(url, *statements)


def unstall(backend: str, url: str) -> None:
    execute(url, *triggers.statements(triggers.DROP, backend, name="reconcile_test_stall"))


def test_kill_9_mid_transaction_leaves_the_database_as_before(
    backend: str, applied_once: tuple[str, Path]
) -> None:
    url, second = applied_once
    stall(backend, url)
    before = snapshot(url)
    process = apply_process(url, second)
    try:
        wait_until(stalled(backend, url), "the apply is mid-transaction")
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    unstall(backend, url)
    assert snapshot(url) == before
    again = run_apply(url, second, "--lock-timeout", "60")
    assert again.returncode == 0, again.stderr
    assert len(journal(url)) == 2


def terminate_apply_session(backend: str, url: str) -> None:
    database = sa.make_url(url).database
    if backend == "postgresql":
        execute(
            url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{database}' AND wait_event = 'PgSleep'",
        )
        return
    session = scalar(
        url,
        "SELECT ID FROM information_schema.PROCESSLIST"
        f" WHERE DB = '{database}' AND STATE = 'User sleep'",
    )
    execute(url, f"KILL {int(session)}")


def test_a_connection_lost_mid_apply_is_a_clean_error(
    backend: str, applied_once: tuple[str, Path]
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite has no server connection to lose (kill -9 covers it)")
    url, second = applied_once
    stall(backend, url)
    before = snapshot(url)
    process = apply_process(url, second)
    wait_until(stalled(backend, url), "the apply is mid-transaction")
    terminate_apply_session(backend, url)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, out + err
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    unstall(backend, url)
    assert snapshot(url) == before
