"""The README's Python API example runs as printed, and the API plans without writing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from app_schemas import APP_TABLES, EPOCH
from app_tables import BOOKKEEPING, names, table_names

import reconciler
from reconciler import canonical, load_config, plan_config
from tests.acceptance.database_snapshot import journal, snapshot
from tests.acceptance.test_cli_plan import CONFIG, write_config

ROOT = Path(__file__).resolve().parents[2]


def readme_example(section: str, level: str = "##") -> str:
    """The first Python block under the README's heading ``section`` (of ``level``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n{level} {section}\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```", body, re.DOTALL)
    assert found, f"no Python example under {level} {section}"
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


def test_the_readme_storage_example_runs_on_every_backend(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    """The application's boot of the README, as printed but for its database URL: its
    ``provider_connections`` (the epoch schema's) gets the rows, the bookkeeping tables appear
    beside it, and the next boot has nothing to do."""
    url = app_database(EPOCH)
    example = readme_example("The application's own tables, from code", "###")
    assert '"sqlite:///app.db"' in example
    code = example.replace('"sqlite:///app.db"', repr(url))
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        for _ in range(2)
    ]
    for done in runs:
        assert done.returncode == 0, done.stderr
    assert runs[0].stdout == ("Summary(create=5, update=0, delete=0, blocked=0) journal entry 1\n")
    assert runs[1].stdout == ("Summary(create=0, update=0, delete=0, blocked=0) journal entry 2\n")
    assert names(url, "provider_connections") == {
        "anthropic-personal",
        *canonical.CONNECTIONS,
    }
    assert table_names(url) == {*APP_TABLES[EPOCH], *BOOKKEEPING}
    (entry, _) = journal(url)
    assert entry["actor"] == "app-boot"


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
        "Storage",
        "TableMapping",
        "SurrogateId",
        "Timestamps",
        "Generate",
        "TimeFormat",
    ],
)
def test_the_plan_api_is_public(name: str) -> None:
    assert name in reconciler.__all__
    assert getattr(reconciler, name) is not None
