"""Bad state and bad options through the real CLI: rows an application wrote by hand that the
model cannot hold, database URLs whose options the driver refuses, SQLite URLs that name no file.

Each is one clear line (never "unexpected failure"), with exit 1, and changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute, snapshot

CONFIG = """\
version: 1
profiles:
  quick: {provider: openai, model: gpt-5-mini}
"""
PROVIDER = "INSERT INTO providers (name, type) VALUES ('p', 'openai')"
CONNECTION = "INSERT INTO provider_connections (name, provider, auth) VALUES"
STATE_COMMANDS = [
    pytest.param(["plan", "-f", "{config}"], id="plan"),
    pytest.param(["apply", "-f", "{config}", "--yes"], id="apply"),
    pytest.param(["export"], id="export"),
]


def run(args: list[str], url: str, tmp_path: Path) -> Result:
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    argv = [arg.format(config=config) for arg in args]
    return CliRunner().invoke(cli, [*argv, "--database-url", url])


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "unexpected failure" not in result.output and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def assert_unreadable(url: str, tmp_path: Path, *expected: tuple[str, str]) -> None:
    """Every state command refuses the database, naming each (path, reason); nothing changes."""
    before = snapshot(url)
    for args in (["plan", "-f", "{config}"], ["apply", "-f", "{config}", "--yes"], ["export"]):
        line = one_error_line(run(args, url, tmp_path))
        assert "(state.unreadable)" in line and "does not guess" in line, line
        for path, reason in expected[:3]:
            table, name, column = path.split(".")
            assert f"{table} {name!r}: {column} is {reason}" in line, line
    document = json.loads(run(["plan", "-f", "{config}", "--format", "json"], url, tmp_path).stdout)
    assert document["changes"] == [] and document["state_digest"] is None
    problems = [p for p in document["problems"] if p["code"] == "state.unreadable"]
    assert [(p["path"], p["level"]) for p in problems] == [(path, "error") for path, _ in expected]
    # apply wrote nothing, not even a journal entry (repr: a NaN equals no NaN)
    assert repr(snapshot(url)) == repr(before)


# -- rows the model cannot hold --------------------------------------------------------------


def test_auth_stored_as_json_null_is_unreadable_not_no_auth(
    database_url: str, tmp_path: Path
) -> None:
    execute(
        database_url,
        PROVIDER,
        "INSERT INTO provider_connections (name, provider, auth) VALUES ('c', 'p', 'null')",
        f"{CONNECTION} ('ok', 'p', '{{\"type\": \"none\"}}')",
    )
    assert_unreadable(
        database_url,
        tmp_path,
        ("provider_connections.c.auth", 'JSON null, not an auth object such as {"type": "none"}'),
    )


def test_auth_without_a_type_is_unreadable_not_type_none(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        PROVIDER,
        f"""{CONNECTION} ('c', 'p', '{{"credential": "k"}}')""",
        f"""{CONNECTION} ('d', 'p', '{{"type": "api_key", "credential": 5}}')""",
    )
    assert_unreadable(
        database_url,
        tmp_path,
        ("provider_connections.c.auth", 'an object without a text "type"'),
        ("provider_connections.d.auth", 'an object whose "credential" is not text'),
    )


@pytest.mark.sqlite
def test_sqlite_auth_that_is_no_json_is_unreadable(tmp_path: Path) -> None:
    url = _sqlite_database(tmp_path)
    execute(
        url,
        PROVIDER,
        "INSERT INTO provider_connections (name, provider, auth) VALUES ('c', 'p', 'sk-not-json')",
    )
    assert_unreadable(url, tmp_path, ("provider_connections.c.auth", "not JSON"))
    plan = run(["plan", "-f", "{config}"], url, tmp_path)
    assert "sk-not-json" not in plan.output  # a stored value is never shown: it may be a secret


@pytest.mark.sqlite
def test_sqlite_values_of_the_wrong_type_are_unreadable(tmp_path: Path) -> None:
    url = _sqlite_database(tmp_path)
    execute(
        url,
        PROVIDER,
        "INSERT INTO providers (name, type, enabled) VALUES ('q', 'openai', 'yes')",
        "INSERT INTO profiles (name, provider, model) VALUES ('blob', 'p', X'00ff')",
        "INSERT INTO profiles (name, provider, model, temperature) VALUES ('hot', 'p', 'm', 'hot')",
        "INSERT INTO profiles (name, provider, model, max_tokens) VALUES ('half', 'p', 'm', 1.5)",
        "INSERT INTO profiles (name, provider, model, temperature) VALUES ('inf', 'p', 'm', 9e999)",
        "INSERT INTO profiles (name, provider, model) VALUES ('fine', 'p', 'm')",
    )
    assert_unreadable(
        url,
        tmp_path,
        ("providers.q.enabled", "text, not a boolean"),
        ("profiles.blob.model", "a BLOB of 2 bytes, not text"),
        ("profiles.half.max_tokens", "a number, not an integer"),
        ("profiles.hot.temperature", "text, not a number"),
        ("profiles.inf.temperature", "inf, not a finite number"),
    )
    line = one_error_line(run(["plan", "-f", "{config}"], url, tmp_path))
    assert "cannot read 5 values" in line and "; and 2 more." in line, line


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_postgresql_nan_temperature_is_unreadable(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        PROVIDER,
        "INSERT INTO profiles (name, provider, model, temperature) VALUES ('n', 'p', 'm', 'NaN')",
    )
    assert_unreadable(
        database_url, tmp_path, ("profiles.n.temperature", "nan, not a finite number")
    )


@pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)], indirect=True)
def test_a_managed_by_that_slips_past_the_mariadb_check_is_unreadable(
    database_url: str, tmp_path: Path
) -> None:
    # MariaDB's (and MySQL's) PAD SPACE collation compares 'config ' equal to 'config'.
    execute(
        database_url,
        PROVIDER,
        "INSERT INTO profiles (name, provider, model, managed_by)"
        " VALUES ('x', 'p', 'm', 'config ')",
    )
    allowed = "'config', 'seed', 'backfill' or NULL"
    assert_unreadable(
        database_url, tmp_path, ("profiles.x.managed_by", f"'config ', not one of {allowed}")
    )


REFUSED_AT_INSERT = [  # what the other backends refuse themselves: nothing to read there
    pytest.param(
        "INSERT INTO provider_connections (name, provider, auth) VALUES ('c', 'p', 'not json')",
        ["postgresql", "mysql"],
        id="auth-not-json",
    ),
    pytest.param(
        "INSERT INTO profiles (name, provider, model, managed_by)"
        " VALUES ('x', 'p', 'm', 'config ')",
        ["sqlite", "postgresql"],
        id="managed-by-padded",
    ),
]


@pytest.mark.parametrize(("statement", "backends"), REFUSED_AT_INSERT)
def test_the_other_backends_refuse_these_rows_at_insert(
    database_url: str, backend: str, statement: str, backends: list[str]
) -> None:
    if backend not in backends:
        pytest.skip(f"{backend} stores it: tested above")
    with pytest.raises(sa.exc.DBAPIError):
        execute(database_url, PROVIDER, statement)


# -- database URLs -----------------------------------------------------------------------------

ALL_COMMANDS = [
    *STATE_COMMANDS,
    pytest.param(["plan", "-f", "{config}", "--format", "json"], id="plan-json"),
    pytest.param(["history"], id="history"),
    pytest.param(["db", "upgrade"], id="db-upgrade"),
]
NO_FILE_URLS = [
    pytest.param("sqlite://u:s3cr3t@/{dir}/db.sqlite", "invalid SQLite URL", id="user-password"),
    pytest.param("sqlite://db-host/{dir}/db.sqlite", "invalid SQLite URL", id="host"),
    pytest.param("sqlite://", "refusing the in-memory SQLite database", id="no-path"),
    pytest.param("sqlite:///:memory:", "refusing the in-memory SQLite database", id="memory"),
    pytest.param(
        "sqlite:///file::memory:?uri=true", "refusing the in-memory SQLite database", id="uri"
    ),
]


@pytest.mark.sqlite
@pytest.mark.parametrize(("url", "message"), NO_FILE_URLS)
@pytest.mark.parametrize("args", ALL_COMMANDS)
def test_an_sqlite_url_must_name_a_file(
    args: list[str], url: str, message: str, tmp_path: Path
) -> None:
    result = run(args, url.format(dir=tmp_path), tmp_path)
    line = one_error_line(result)
    assert line.startswith(f"error: {message}"), line
    assert "s3cr3t" not in result.output
    assert list(tmp_path.iterdir()) == [tmp_path / "reconcile.yaml"]  # no file was created


BAD_OPTIONS = [  # nothing listens on port 1: each is refused before any connection
    pytest.param("mysql://app:s3cr3t@127.0.0.1:1/prod?charset=bogus", "charset", id="charset"),
    pytest.param("mysql://app:s3cr3t@127.0.0.1:1/prod?ssl_ca=/missing", "ssl_ca", id="ssl-ca"),
    pytest.param("mysql://app:s3cr3t@127.0.0.1:1/prod?read_timeout=abc", "read_timeout", id="rt"),
    pytest.param("mysql://app:s3cr3t@127.0.0.1:1/prod?s3cr3t=1", "s3cr3t", id="unknown"),
    pytest.param("sqlite:///{dir}/x.db?timeout=abc", "timeout", id="sqlite-timeout"),
    pytest.param("sqlite:///{dir}/x.db?mode=ro", "mode", id="sqlite-ignored"),
]


@pytest.mark.parametrize(("url", "option"), BAD_OPTIONS)
@pytest.mark.parametrize("args", ALL_COMMANDS)
def test_a_url_option_the_driver_refuses_is_one_line_naming_it(
    args: list[str], url: str, option: str, tmp_path: Path
) -> None:
    (tmp_path / "x.db").touch()  # an empty SQLite database, for the commands that want a file
    result = run(args, url.format(dir=tmp_path), tmp_path)
    line = one_error_line(result)
    assert f": the option {option} was refused (" in line, line
    if option != "s3cr3t":
        assert "s3cr3t" not in result.output


def test_a_postgresql_option_libpq_refuses_is_one_line_naming_it(tmp_path: Path) -> None:
    url = "postgresql://app:s3cr3t@127.0.0.1:1/prod?connect_timeout=abc"
    result = run(["plan", "-f", "{config}"], url, tmp_path)
    line = one_error_line(result)
    assert "connect_timeout" in line and "s3cr3t" not in result.output, line


@pytest.mark.sqlite
def test_messages_about_a_read_only_sqlite_file_show_the_users_url(tmp_path: Path) -> None:
    url = _sqlite_database(tmp_path)
    execute(url, "DROP TABLE profiles")
    result = run(["plan", "-f", "{config}"], url, tmp_path)
    line = one_error_line(result)
    assert line.startswith(f"error: incomplete reconciler schema in {url} ("), line
    assert "mode=ro" not in result.output and "file:" not in result.output


@pytest.mark.sqlite
def test_a_locked_sqlite_file_is_named_as_the_user_wrote_it(tmp_path: Path) -> None:
    url = _sqlite_database(tmp_path)
    holder = sa.create_engine(url)
    with holder.connect() as connection:
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
        result = run(["plan", "-f", "{config}", "--format", "json"], f"{url}?timeout=0", tmp_path)
        connection.exec_driver_sql("ROLLBACK")
    holder.dispose()
    assert result.exit_code == 1, result.output
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert message.startswith(f"database error on {url}?timeout=0: database is locked"), message


def _sqlite_database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    assert CliRunner().invoke(cli, ["db", "upgrade", "--database-url", url]).exit_code == 0
    return url


# -- --lock-timeout ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["apply", "-f", "{config}", "--yes"], ["db", "upgrade"]])
@pytest.mark.parametrize("seconds", ["inf", "-inf", "nan", "1e309", "-1", "86401", "abc"])
def test_a_lock_timeout_that_is_no_finite_number_of_seconds_is_a_usage_error(
    command: list[str], seconds: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    result = run([*command, "--lock-timeout", seconds], url, tmp_path)
    assert result.exit_code == 64, result.output
    assert f"Invalid value for '--lock-timeout': {seconds!r} is not a number of seconds" in (
        result.stderr
    )
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize("seconds", ["0", "0.5", "86400"])
def test_a_lock_timeout_from_0_to_a_day_is_accepted(seconds: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    result = run(["apply", "-f", "{config}", "--yes", "--lock-timeout", seconds], url, tmp_path)
    assert result.exit_code == 0, result.output


# -- backfill --write --------------------------------------------------------------------------

FIRST = "version: 1\nprofiles:\n  one: {provider: openai, model: gpt-5}\n"
SECOND = "version: 1\nprofiles:\n  two: {provider: anthropic, model: claude-sonnet-4-6}\n"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def backfill_folders(root: Path) -> tuple[Path, Path]:
    """``a/1.yaml`` in a folder anyone may write, ``b/2.yaml`` in one only root may write."""
    root.chmod(0o755)
    first, second = root / "a" / "1.yaml", root / "b" / "2.yaml"
    for path, text, mode in ((first, FIRST, 0o777), (second, SECOND, 0o555)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        path.parent.chmod(mode)
    return first, second


def test_backfill_write_into_a_read_only_folder_changes_no_file(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "reconciler", "backfill", "--write"]
    if os.geteuid() == 0:  # root writes anywhere: run as nobody, for whom b/ is read-only
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: no folder is read-only")
        command = [*NOBODY, *command]
    root = Path(tempfile.mkdtemp())  # not under pytest's folder, which nobody may not enter
    try:
        first, second = backfill_folders(root)
        args = ["-f", str(first.relative_to(root)), "-f", str(second.relative_to(root))]
        result = subprocess.run(
            [*command, *args], cwd=root, capture_output=True, text=True, check=False
        )
        assert result.returncode == 1, result.stderr
        assert result.stdout.count("+++ b/") == 2  # the diff was shown first
        assert result.stderr.splitlines()[-1] == (
            "error: cannot write b/2.yaml: Permission denied; no file was changed"
        )
        assert "Traceback" not in result.stderr
        assert (first.read_text(), second.read_text()) == (FIRST, SECOND)
        assert sorted(p.name for p in root.rglob("*") if p.is_file()) == ["1.yaml", "2.yaml"]
    finally:
        (root / "b").chmod(0o755)
        shutil.rmtree(root)


def test_a_failed_replace_names_what_was_already_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = backfill_folders(tmp_path)
    (tmp_path / "b").chmod(0o755)
    replace = Path.replace
    calls: list[Path] = []

    def failing_second(self: Path, target: str | os.PathLike[str]) -> Path:
        calls.append(self)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        return replace(self, target)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Path, "replace", failing_second)
    result = CliRunner().invoke(cli, ["backfill", "--write", "-f", "a/1.yaml", "-f", "b/2.yaml"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        "error: cannot write b/2.yaml: Permission denied; a/1.yaml already written"
    )
    assert (
        first.read_text() != FIRST and "provider_connection: openai-personal" in first.read_text()
    )
    assert second.read_text() == SECOND  # whole, never half-written
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["1.yaml", "2.yaml"]


def test_backfill_write_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "reconcile.yaml"
    path.write_text(FIRST, encoding="utf-8")
    path.chmod(0o640)
    result = CliRunner().invoke(cli, ["backfill", "--write", "-f", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "provider_connection: openai-personal" in path.read_text()
