"""``reconcile plan`` never writes: a read-only user, a missing SQLite file, a database without
the schema; and no password in anything it prints."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from database_servers import READER_PASSWORD

from reconciler.cli import cli
from reconciler.store import open_engine
from tests.acceptance.database_snapshot import snapshot
from tests.acceptance.test_cli_plan import CONFIG, write_config


def plan(config: str, url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["plan", "-f", config, "--database-url", url, *args])


def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_a_read_only_user_plans_and_nothing_is_written(
    database_url: str, reader_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path)
    assert (
        CliRunner()
        .invoke(cli, ["apply", "-f", config, "--yes", "--database-url", database_url])
        .exit_code
        == 0
    )
    changed = write_config(tmp_path, CONFIG.replace("gpt-5-mini", "gpt-5"), "changed.yaml")
    before = snapshot(database_url)
    for output in ("text", "json", "markdown"):
        result = plan(changed, reader_url, "--format", output, "--detailed-exitcode")
        assert result.exit_code == 2, result.output
        assert READER_PASSWORD not in result.output
    document = json.loads(plan(changed, reader_url, "--format", "json").stdout)
    assert [(c["name"], c["diff"]) for c in document["changes"]] == [
        ("quick", [{"field": "model", "before": "gpt-5-mini", "after": "gpt-5"}])
    ]
    assert "***" in document["database"] or "@" not in document["database"]
    assert snapshot(database_url) == before


def test_a_database_without_the_schema_plans_as_empty_and_stays_so(
    empty_database_url: str, tmp_path: Path
) -> None:
    result = plan(write_config(tmp_path), empty_database_url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["create"] == 13
    if empty_database_url.startswith("sqlite"):
        assert not Path(sa.make_url(empty_database_url).database or "").exists()
    else:
        assert tables(empty_database_url) == set()


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    missing = tmp_path / "nested" / "app.db"
    result = plan(config, f"sqlite:///{missing}", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert not missing.exists() and not missing.parent.exists()


def test_the_default_database_is_not_created(tmp_path: Path) -> None:
    write_config(tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "RECONCILE_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "plan"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Plan: 13 to create" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reconcile.yaml"]


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://app:Secret-pw-9@127.0.0.1:1/prod"
    result = plan(write_config(tmp_path), url)
    assert result.exit_code == 1
    assert result.stdout == ""  # (with --format json: one document, see test_cli_plan)
    assert result.stderr.startswith(
        "error: database server unreachable at postgresql+psycopg://app:***@127.0.0.1:1/prod"
    )
    assert "Secret-pw-9" not in result.output and "Traceback" not in result.output


def on_a_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """What ``reconcile`` prints with stdout and stderr on a pseudo-terminal."""
    leader, follower = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        stdout=follower,
        stderr=follower,
        env={**clean, "TERM": "xterm", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_text_is_coloured_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    write_config(tmp_path)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    coloured = on_a_terminal(["plan", "--database-url", url], tmp_path)
    assert "\x1b[32m  + eu\x1b[0m" in coloured
    plain = on_a_terminal(["plan", "--database-url", url], tmp_path, NO_COLOR="1")
    assert "\x1b[" not in plain and "  + eu" in plain


def test_plan_loads_neither_alembic_nor_the_writer(tmp_path: Path) -> None:
    write_config(tmp_path)
    code = (
        "import sys\n"
        "from reconciler.cli import cli\n"
        "try:\n"
        "    cli.main(['plan', '--database-url', sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('alembic', 'reconciler.service.apply', 'reconciler.store.write')"
        " if m in sys.modules), file=sys.stderr)\n"
    )
    url = f"sqlite:///{tmp_path / 'app.db'}"
    done = subprocess.run(
        [sys.executable, "-c", code, url], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "Plan: 13 to create" in done.stdout
    assert done.stderr.strip() == "[]"


def folder_image(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_reading_commands_leave_the_sqlite_folder_as_they_found_it(
    tmp_path: Path, journal_mode: str
) -> None:
    config = write_config(tmp_path)
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:///{folder / 'app.db'}"
    applied = CliRunner().invoke(cli, ["apply", "-f", config, "--yes", "--database-url", url])
    assert applied.exit_code == 0, applied.output
    with sqlite3.connect(folder / "app.db") as connection:
        assert connection.execute(f"PRAGMA journal_mode={journal_mode}").fetchone() == (
            journal_mode,
        )
    before = folder_image(folder)
    assert list(before) == ["app.db"]
    for command in (["plan", "-f", config], ["drift", "-f", config], ["export"], ["history"]):
        result = CliRunner().invoke(cli, [*command, "--database-url", url])
        assert result.exit_code == 0, result.output
        assert folder_image(folder) == before, command


def test_a_plan_beside_an_open_wal_writer_leaves_its_files_alone(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:///{folder / 'app.db'}"
    assert CliRunner().invoke(cli, ["db", "upgrade", "--database-url", url]).exit_code == 0
    writer = sqlite3.connect(folder / "app.db")
    try:
        writer.execute("PRAGMA journal_mode=wal")
        writer.execute("INSERT INTO providers (name, type) VALUES ('gpu-box', 'ollama')")
        writer.commit()
        names = sorted(path.name for path in folder.iterdir())
        assert names == ["app.db", "app.db-shm", "app.db-wal"]
        assert plan(config, url).exit_code == 0
        exported = CliRunner().invoke(cli, ["export", "--database-url", url])
        assert "gpu-box" in exported.stdout  # read from the writer's log
        assert sorted(path.name for path in folder.iterdir()) == names
    finally:
        writer.close()
