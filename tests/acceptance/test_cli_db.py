"""``reconcile db upgrade`` through the real CLI: success, and one clear line for every failure."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from database_servers import READER_PASSWORD, DatabaseServer, SqliteFiles

from reconciler.cli import cli
from reconciler.store import head_revision
from reconciler.store.engine import CONNECT_TIMEOUT
from tests.acceptance.database_snapshot import snapshot

SECRET = "s3cret-Pw"
SERVERS = [
    pytest.param("postgresql", marks=pytest.mark.postgres, id="postgresql"),
    pytest.param("mysql", marks=pytest.mark.mysql, id="mysql"),
]


def upgrade(url: str) -> Result:
    return CliRunner().invoke(cli, ["db", "upgrade", "--database-url", url])


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_upgrade_then_upgrade_again_is_a_no_op(empty_database_url: str, backend: str) -> None:
    url = sa.make_url(empty_database_url)
    if backend == "postgresql":  # trust authentication: any password goes, and must not show
        url = url.set(password=SECRET)
    shown = url.render_as_string(hide_password=True)
    first = upgrade(url.render_as_string(hide_password=False))
    second = upgrade(url.render_as_string(hide_password=False))
    assert first.exit_code == 0, first.output
    assert (
        first.output == f"{shown}: upgraded from no schema to revision {head_revision()} (head)\n"
    )
    assert second.exit_code == 0, second.output
    assert second.output == f"{shown}: already at revision {head_revision()} (head)\n"
    assert SECRET not in first.output + second.output


def test_url_comes_from_the_environment(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_DATABASE_URL", empty_database_url)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded from no schema" in result.output


def test_default_url_is_reconcile_db_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RECONCILE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sqlite:///reconcile.db: upgraded")
    assert (tmp_path / "reconcile.db").is_file()


def test_help_shows_an_example() -> None:
    result = CliRunner().invoke(cli, ["db", "upgrade", "--help"])
    assert result.exit_code == 0
    assert "reconcile db upgrade --database-url postgresql://" in result.output


@pytest.mark.parametrize(
    ("url", "fragments"),
    [
        ("not a url", ["invalid database URL 'not a url'", "postgresql://app@db/prod"]),
        (f"oracle://app:{SECRET}@db/prod", ["unsupported database 'oracle'", "app:***@db"]),
        (f"postgresql+nosuch://app:{SECRET}@db/prod", ["unknown database driver"]),
        (f"postgresql://app:{SECRET}@127.0.0.1:1/prod", ["database server unreachable at"]),
        (f"mysql://app:{SECRET}@127.0.0.1:1/prod", ["database server unreachable at"]),
        (f"postgresql://app:{SECRET}@no-such-host.invalid/prod", ["unreachable", "no-such-host"]),
        (f"mysql://app:{SECRET}@127.0.0.1:1/prod?password={SECRET}", ["unreachable"]),
        ("sqlite:////no/such/folder/x.db", ["cannot open the SQLite database", "folder"]),
    ],
    ids=[
        "not-a-url",
        "unsupported",
        "unknown-driver",
        "pg-refused",
        "mysql-refused",
        "unknown-host",
        "password-in-query",
        "sqlite-folder",
    ],
)
def test_bad_url_or_unreachable_server(url: str, fragments: list[str]) -> None:
    assert_one_line_error(upgrade(url), *fragments)


@pytest.mark.parametrize(
    ("module", "url", "extra"),
    [
        ("psycopg", "postgresql://app@db/prod", "postgres"),
        ("pymysql", "mysql://app@db/prod", "mysql"),
    ],
)
def test_missing_driver_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str, url: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    assert_one_line_error(
        upgrade(url), "driver is not installed", f"pip install 'llm-reconciler[{extra}]'"
    )


@pytest.mark.parametrize("backend", SERVERS, indirect=True)
def test_wrong_credentials(database_server: DatabaseServer | SqliteFiles, backend: str) -> None:
    assert isinstance(database_server, DatabaseServer)
    # PostgreSQL trusts local users here, so an unknown role stands for wrong credentials.
    user = "no_such_role" if backend == "postgresql" else database_server.admin_url.username
    url = database_server.admin_url.set(username=user, password=SECRET)
    result = upgrade(url.render_as_string(hide_password=False))
    assert_one_line_error(result, "authentication failed for", "check the user and password")


@pytest.mark.parametrize("backend", SERVERS, indirect=True)
def test_missing_database(database_server: DatabaseServer | SqliteFiles) -> None:
    assert isinstance(database_server, DatabaseServer)
    url = database_server.admin_url.set(database="reconcile_no_such_database")
    result = upgrade(url.render_as_string(hide_password=False))
    assert_one_line_error(result, "database not found at", "reconcile_no_such_database")


@pytest.mark.parametrize("backend", SERVERS, indirect=True)
def test_permission_denied(
    empty_database_url: str, database_server: DatabaseServer | SqliteFiles
) -> None:
    assert isinstance(database_server, DatabaseServer)
    reader = database_server.add_reader(empty_database_url)
    try:
        result = upgrade(reader)
    finally:
        database_server.drop_user(reader)
    assert_one_line_error(result, "permission denied on", "grant the database user")
    assert READER_PASSWORD not in result.output


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and then never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_a_silent_server_times_out(silent_server: int, scheme: str) -> None:
    started = time.monotonic()
    result = upgrade(f"{scheme}://app:{SECRET}@127.0.0.1:{silent_server}/prod")
    elapsed = time.monotonic() - started
    assert_one_line_error(result, "database server unreachable at")
    assert CONNECT_TIMEOUT - 1 <= elapsed <= CONNECT_TIMEOUT + 5


def test_a_real_process_prints_one_line_and_no_traceback() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reconciler",
            "db",
            "upgrade",
            "--database-url",
            f"postgresql://app:{SECRET}@127.0.0.1:1/prod",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: database server unreachable at postgresql")
    assert len(done.stderr.splitlines()) == 1
    assert SECRET not in done.stderr


def test_the_cli_loads_sqlalchemy_only_for_database_commands() -> None:
    code = "import sys, reconciler, reconciler.cli; print('sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_schema_newer_than_the_tool_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    assert upgrade(empty_database_url).exit_code == 0
    engine = sa.create_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE reconcile_schema_version SET version_num = '9999'"))
    engine.dispose()
    result = upgrade(empty_database_url)
    assert_one_line_error(result, "at revision 9999", "upgrade reconciler")
    config = tmp_path / "reconcile.yaml"
    config.write_text("version: 1\n", encoding="utf-8")
    planned = CliRunner().invoke(
        cli, ["plan", "-f", str(config), "--database-url", empty_database_url]
    )
    assert_one_line_error(planned, "at revision 9999", "upgrade reconciler")
    for command in (["export"], ["history"], ["history", "--format", "json"]):
        result = CliRunner().invoke(cli, [*command, "--database-url", empty_database_url])
        assert_one_line_error(result, "at revision 9999", "upgrade reconciler")
        assert result.output == planned.output, command


def test_a_dropped_journal_is_reported_by_plan_and_apply_before_any_write(
    empty_database_url: str, tmp_path: Path
) -> None:
    assert upgrade(empty_database_url).exit_code == 0
    engine = sa.create_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE reconcile_journal"))
    engine.dispose()
    config = tmp_path / "reconcile.yaml"
    config.write_text("version: 1\n", encoding="utf-8")
    before = snapshot(empty_database_url)
    for command in (["plan"], ["apply", "--yes"]):
        result = CliRunner().invoke(
            cli, [*command, "-f", str(config), "--database-url", empty_database_url]
        )
        assert_one_line_error(
            result, "incomplete reconciler schema", "reconcile_journal missing", "restore them"
        )
    assert snapshot(empty_database_url) == before
