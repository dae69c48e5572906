"""``reconcile drift``: 0 when the database matches the config and nothing wrote since the last
apply, 2 otherwise, 1 on error; read-only, in four formats, on every backend."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from database_servers import READER_PASSWORD
from exposition import parse_exposition

from reconciler.cli import cli
from reconciler.store import redact
from tests.acceptance.database_snapshot import execute, journal, snapshot
from tests.acceptance.test_cli_plan import CONFIG, write_config

FORMATS = ("text", "json", "junit", "prometheus")


def drift(config: str, url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["drift", "-f", config, "--database-url", url, *args])


def drift_json(config: str, url: str) -> dict[str, Any]:
    result = drift(config, url, "--format", "json")
    assert result.exit_code in (0, 2), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def applied(tmp_path: Path, url: str, text: str = CONFIG) -> str:
    config = write_config(tmp_path, text)
    result = CliRunner().invoke(cli, ["apply", "-f", config, "--yes", "--database-url", url])
    assert result.exit_code == 0, result.output
    return config


def test_in_sync_after_an_apply_exits_0_in_every_format(database_url: str, tmp_path: Path) -> None:
    config = applied(tmp_path, database_url)
    for output in FORMATS:
        result = drift(config, database_url, "--format", output)
        assert result.exit_code == 0, (output, result.output)
    text = drift(config, database_url).stdout
    assert "Rows: every row matches the config." in text
    assert "Journal: the rows are those journal entry #" in text
    document = drift_json(config, database_url)
    (entry,) = journal(database_url)
    assert document["drift"] is False and document["out_of_band"] is False
    assert document["last_apply"]["id"] == entry["id"]
    assert document["last_apply"]["state_after"] == entry["state_after"]
    assert document["state_digest"] == entry["state_after"]


def test_a_config_row_edited_behind_reconciles_back_is_a_row_and_an_out_of_band_write(
    database_url: str, tmp_path: Path
) -> None:
    config = applied(tmp_path, database_url)
    execute(database_url, "UPDATE profiles SET model = 'edited' WHERE name = 'quick'")
    result = drift(config, database_url)
    assert result.exit_code == 2, result.output
    assert "~ quick" in result.stdout and "model: edited -> gpt-5-mini" in result.stdout
    assert "Rows: 1 differs from the config (0 providers, 0 connections, 1 profile)." in (
        result.stdout
    )
    assert "Journal: the rows changed outside reconcile since journal entry #" in result.stdout
    document = drift_json(config, database_url)
    assert document["rows"] == {"provider": 0, "connection": 0, "profile": 1}
    assert document["out_of_band"] is True


def test_a_row_the_config_does_not_own_is_only_an_out_of_band_write(
    database_url: str, tmp_path: Path
) -> None:
    config = applied(tmp_path, database_url)
    execute(database_url, "INSERT INTO providers (name, type) VALUES ('app-made', 'ollama')")
    document = drift_json(config, database_url)
    assert document["rows"] == {"provider": 0, "connection": 0, "profile": 0}
    assert document["out_of_band"] is True
    assert drift(config, database_url).exit_code == 2


def test_a_config_ahead_of_the_database_is_drift_but_no_out_of_band_write(
    database_url: str, tmp_path: Path
) -> None:
    applied(tmp_path, database_url)
    ahead = write_config(tmp_path, CONFIG.replace("gpt-5-mini", "gpt-5"), "ahead.yaml")
    document = drift_json(ahead, database_url)
    assert document["drift"] is True and document["out_of_band"] is False
    assert [(c["kind"], c["name"], c["action"]) for c in document["changes"]] == [
        ("profile", "quick", "update")
    ]


def test_a_database_never_applied_to_has_nothing_to_compare_the_rows_with(
    empty_database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path)
    if empty_database_url.startswith("sqlite"):  # a missing file is a mistyped path
        result = drift(config, empty_database_url)
        assert result.exit_code == 1
        assert "no SQLite database at" in result.stderr
        assert not Path(sa.make_url(empty_database_url).database or "").exists()
        return
    document = drift_json(config, empty_database_url)
    assert document["last_apply"] is None and document["out_of_band"] is False
    assert document["instance_id"] is None
    assert document["summary"]["create"] == 13
    assert "Journal: no apply recorded" in drift(config, empty_database_url).stdout


def test_a_read_only_user_checks_drift_and_nothing_is_written(
    database_url: str, reader_url: str, tmp_path: Path
) -> None:
    config = applied(tmp_path, database_url)
    execute(database_url, "UPDATE profiles SET model = 'edited' WHERE name = 'quick'")
    before = snapshot(database_url)
    for output in FORMATS:
        result = drift(config, reader_url, "--format", output)
        assert result.exit_code == 2, (output, result.output)
        assert READER_PASSWORD not in result.output
    assert snapshot(database_url) == before


def test_junit_is_one_failing_case_per_differing_row(database_url: str, tmp_path: Path) -> None:
    config = applied(tmp_path, database_url)
    execute(
        database_url,
        "UPDATE profiles SET model = 'edited' WHERE name = 'quick'",
        "DELETE FROM profiles WHERE name = 'writer'",
    )
    result = drift(config, database_url, "--format", "junit")
    assert result.exit_code == 2, result.output
    root = ET.fromstring(result.stdout.encode("utf-8"))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    failing = sorted(name for name, case in cases.items() if case.find("failure") is not None)
    assert failing == [
        "no write outside reconcile since the last apply",
        "profile quick",
        "profile writer",
    ]
    writer = cases["profile writer"].find("failure")
    assert writer is not None and writer.get("type") == "create"
    assert root.get("tests") == "3" and root.get("failures") == "3"


def test_prometheus_is_a_valid_textfile(database_url: str, tmp_path: Path) -> None:
    config = applied(tmp_path, database_url)
    in_sync = parse_exposition(drift(config, database_url, "--format", "prometheus").stdout)
    assert [value for _, value in in_sync["reconcile_drift_rows"].samples] == [0, 0, 0]
    history = CliRunner().invoke(
        cli, ["history", "--format", "json", "--database-url", database_url]
    )
    applied_at = datetime.fromisoformat(json.loads(history.stdout)[0]["applied_at"])
    ((_, seconds),) = in_sync["reconcile_last_apply_timestamp_seconds"].samples
    assert seconds == applied_at.timestamp()
    execute(database_url, "DELETE FROM profiles WHERE name = 'writer'")
    result = drift(config, database_url, "--format", "prometheus")
    assert result.exit_code == 2
    families = parse_exposition(result.stdout)
    rows = {labels["kind"]: value for labels, value in families["reconcile_drift_rows"].samples}
    assert rows == {"provider": 0, "connection": 0, "profile": 1}
    assert [value for _, value in families["reconcile_out_of_band"].samples] == [1]


def test_hostile_row_names_stay_framed_in_xml_and_text(database_url: str, tmp_path: Path) -> None:
    """A row the config owned, whose name an admin forged: the plan deletes it."""
    config = applied(tmp_path, database_url)
    forged = 'x"<&]]>\x1b[31m</testcase>\n::error::y'
    execute(
        database_url,
        "INSERT INTO providers (name, type, managed_by) VALUES (:name, 'ollama', 'config')",
        params={"name": forged},
    )
    junit = drift(config, database_url, "--format", "junit")
    assert junit.exit_code == 2
    root = ET.fromstring(junit.stdout.encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert 'provider x"<&]]>\\x1b[31m</testcase>\\n::error::y' in names
    assert "\x1b" not in junit.stdout
    text = drift(config, database_url).stdout
    assert "\x1b" not in text and "\n::" not in text
    families = parse_exposition(drift(config, database_url, "--format", "prometheus").stdout)
    rows = {labels["kind"]: value for labels, value in families["reconcile_drift_rows"].samples}
    assert rows == {"provider": 1, "connection": 0, "profile": 0}


@pytest.mark.sqlite
def test_a_quote_and_a_backslash_in_the_sqlite_path_make_a_valid_label(tmp_path: Path) -> None:
    folder = tmp_path / 'we"ird\\dir'
    folder.mkdir()
    url = f"sqlite:///{folder / 'app.db'}"
    config = applied(tmp_path, url)
    result = drift(config, url, "--format", "prometheus")
    assert result.exit_code == 0, result.output
    ((labels, _),) = parse_exposition(result.stdout)["reconcile_out_of_band"].samples
    assert labels["database"] == redact(url)  # as every message shows the URL: %22, %5C


@pytest.mark.parametrize(
    ("text", "stderr"),
    [
        ("version: 1\nprofiles:\n  bot: {provider: nowhere, model: m}\n", "ref.unknown-provider"),
        ("version: 2\n", "schema.const"),
    ],
    ids=["unknown-reference", "invalid"],
)
def test_a_config_with_errors_is_exit_1_and_prints_nothing_on_stdout(
    database_url: str, tmp_path: Path, text: str, stderr: str
) -> None:
    config = write_config(tmp_path, text)
    for output in FORMATS:
        result = drift(config, database_url, "--format", output)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert stderr in result.stderr


def test_an_unreachable_database_is_exit_1(tmp_path: Path) -> None:
    result = drift(write_config(tmp_path), "postgresql://app:Pw-9@127.0.0.1:1/prod")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "database server unreachable" in result.stderr
    assert "Pw-9" not in result.output
