"""A database URL through every command that takes one: no part of its password in any output,
for malformed URLs too (a raw ``@`` or ``:`` in the password, a URL that does not parse)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli

PARTS = ("s3cr3t", "p4rt2", "p4rt3")
"""The pieces of every password below; none may show."""

URLS = [  # nothing listens on port 1: each fails fast
    pytest.param("postgresql+psycopg://app:s3cr3t@p4rt2@127.0.0.1:1/prod", id="pg-raw-at"),
    pytest.param("mysql://app:s3cr3t@p4rt2@p4rt3@127.0.0.1:1/prod", id="mysql-two-raw-ats"),
    pytest.param("postgresql://app:s3cr3t@p4rt2/p4rt3@127.0.0.1:1/prod", id="raw-at-and-slash"),
    pytest.param("postgresql://app:s3cr3t:p4rt2@127.0.0.1:1/prod", id="colon"),
    pytest.param("mysql://app:s3cr3t%40p4rt2@127.0.0.1:1/prod", id="percent-encoded"),
    pytest.param("mysql://app@127.0.0.1:1/prod?password=s3cr3t", id="query"),
    pytest.param("postgresql://app:s3cr3t@p4rt2@[::1/prod", id="unparseable"),
    pytest.param("postgresql:/app:s3cr3t@127.0.0.1:1/prod", id="no-double-slash"),
]
COMMANDS = [
    pytest.param(["plan", "-f", "{config}"], id="plan"),
    pytest.param(["plan", "-f", "{config}", "--format", "markdown"], id="plan-markdown"),
    pytest.param(["apply", "-f", "{config}", "--yes"], id="apply"),
    pytest.param(["db", "upgrade"], id="db-upgrade"),
    pytest.param(["export"], id="export"),
    pytest.param(["history"], id="history"),
]


def run(args: list[str], url: str, tmp_path: Path) -> Result:
    config = tmp_path / "reconcile.yaml"
    config.write_text("version: 1\n", encoding="utf-8")
    argv = [arg.format(config=config) for arg in args]
    return CliRunner().invoke(cli, [*argv, "--database-url", url])


def shown_parts(result: Result) -> list[str]:
    return [part for part in PARTS if part in result.stdout + result.stderr]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("args", COMMANDS)
def test_no_part_of_the_password_shows(args: list[str], url: str, tmp_path: Path) -> None:
    result = run(args, url, tmp_path)
    assert result.exit_code == 1, result.output
    assert shown_parts(result) == [], result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


@pytest.mark.parametrize("url", URLS)
def test_no_part_of_the_password_shows_in_the_plan_document(url: str, tmp_path: Path) -> None:
    result = run(["plan", "-f", "{config}", "--format", "json"], url, tmp_path)
    assert result.exit_code == 1, result.output
    assert shown_parts(result) == [], result.output
    assert json.loads(result.stdout)["problems"][0]["code"] == "database.unreadable"


def test_a_raw_at_sign_in_the_password_says_how_to_write_it(tmp_path: Path) -> None:
    url = "postgresql+psycopg://app:s3cr3t@p4rt2@db.example.com/prod"
    result = run(["plan", "-f", "{config}"], url, tmp_path)
    assert result.stderr == (
        "error: invalid database URL 'postgresql+psycopg://app:***@db.example.com/prod':"
        " more than one '@' follows the user name (write an '@' in the password as %40)\n"
    )
