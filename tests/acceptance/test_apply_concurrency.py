"""Several deploys applying different configs at once serialise on the lock: no interleaving."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from reconciler.planning.digest import state_digest
from reconciler.store import open_engine, read_state
from tests.acceptance.database_snapshot import journal

PROCESSES = 6
APPLY = [sys.executable, "-m", "reconciler", "apply", "--yes", "--lock-timeout", "60", "-f"]


def config(index: int) -> str:
    """Config ``index`` owns its own provider, connection and profiles, and nothing else."""
    lines = [
        "version: 1",
        "providers:",
        f"  team-{index}:",
        "    type: openai",
        "connections:",
        f"  team-{index}-key:",
        f"    provider: team-{index}",
        f"    auth: {{type: api_key, credential: credential/team-{index}}}",
        "profiles:",
    ]
    for profile in range(40):
        lines += [
            f"  bot-{index}-{profile}:",
            f"    provider: team-{index}",
            f"    model: model-{index}",
            f"    provider_connection: team-{index}-key",
        ]
    return "\n".join(lines) + "\n"


def config_rows(url: str) -> set[tuple[str, str]]:
    engine = open_engine(url)
    with engine.connect() as connection:
        rows = [
            (table, name)
            for table in ("providers", "provider_connections", "profiles")
            for (name,) in connection.execute(
                sa.text(f"SELECT name FROM {table} WHERE managed_by = 'config'")
            )
        ]
    engine.dispose()
    return set(rows)


def expected_rows(index: int) -> set[tuple[str, str]]:
    return {("providers", f"team-{index}"), ("provider_connections", f"team-{index}-key")} | {
        ("profiles", f"bot-{index}-{profile}") for profile in range(40)
    }


def test_concurrent_applies_serialise_and_the_last_one_wins(
    empty_database_url: str, tmp_path: Path
) -> None:
    paths = []
    for index in range(PROCESSES):
        path = tmp_path / f"team-{index}.yaml"
        path.write_text(config(index), encoding="utf-8")
        paths.append(path)
    processes = [
        subprocess.Popen(
            [*APPLY, str(path), "--database-url", empty_database_url, "--actor", f"deploy-{index}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index, path in enumerate(paths)
    ]
    outcomes = [(process.wait(timeout=180), process.stderr.read()) for process in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    succeeded = [index for index, (code, _err) in enumerate(outcomes) if code == 0]
    for code, err in outcomes:
        assert code == 0 or (code == 1 and "waiting for the reconciler lock" in err), err
    assert succeeded

    entries = journal(empty_database_url)
    assert sorted(entry["actor"] for entry in entries) == sorted(
        f"deploy-{index}" for index in succeeded
    )
    for older, newer in itertools.pairwise(entries):
        assert newer["state_before"] == older["state_after"]  # each saw the previous result
    last = int(entries[-1]["actor"].removeprefix("deploy-"))
    assert config_rows(empty_database_url) == expected_rows(last)
    engine = open_engine(empty_database_url)
    with engine.connect() as connection:
        assert state_digest(read_state(connection)) == entries[-1]["state_after"]
    engine.dispose()


def test_a_short_lock_timeout_fails_cleanly_while_another_apply_runs(
    empty_database_url: str, tmp_path: Path
) -> None:
    paths = []
    for index in range(PROCESSES):
        path = tmp_path / f"team-{index}.yaml"
        path.write_text(config(index), encoding="utf-8")
        paths.append(path)
    processes = [
        subprocess.Popen(
            [*APPLY, str(path), "--database-url", empty_database_url, "--lock-timeout", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in paths
    ]
    outcomes = [(process.wait(timeout=180), process.stderr.read()) for process in processes]
    for process in processes:
        process.stderr.close()
    for code, err in outcomes:
        assert code == 0 or (code == 1 and "waiting for the reconciler lock" in err), err
    assert len(journal(empty_database_url)) == sum(code == 0 for code, _err in outcomes)
