"""Owners (DESIGN §13) through the CLI on every backend: several configs share one database.

Each config names its owner in ``settings.owner``; a plan prunes only its owner's rows, refuses a
row another owner's config manages (``ownership.conflict``, exit 3, even with ``--force``) unless
``--take-ownership``, and never lets ``--force`` delete or rewrite another owner's row. A blocked
plan writes nothing, no journal row included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.store import open_engine
from tests.acceptance.database_snapshot import execute, journal, snapshot

TEAM_A = """\
version: 1
settings: {owner: team-a}
providers:
  eu: {type: anthropic}
connections:
  eu-key:
    provider: eu
    auth: {type: api_key, credential: credential/eu/api_key}
profiles:
  writer: {provider: eu, model: claude-sonnet-4-6, provider_connection: eu-key}
  summariser: {provider: eu, model: claude-haiku-4-5, provider_connection: eu-key}
"""

TEAM_B = """\
version: 1
settings: {owner: team-b}
profiles:
  search: {provider: eu, model: claude-sonnet-4-6, provider_connection: eu-key}
  quick: {provider: openai, model: gpt-5-mini}
"""


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, text: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def apply(url: str, config: str, *extra: str) -> Result:
    return reconcile("apply", "-f", config, "--yes", "--database-url", url, *extra)


def plan_json(url: str, config: str, *extra: str) -> tuple[int, dict[str, Any]]:
    result = reconcile("plan", "-f", config, "--database-url", url, "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def rows(url: str, table: str) -> dict[str, tuple[Any, ...]]:
    """Every row of ``table`` by name, whole (timestamps included)."""
    return {row[0]: row for row in snapshot(url)[table]}


def owners(url: str, table: str) -> dict[str, tuple[str | None, str | None]]:
    """``managed_by`` and ``owner`` of every row of ``table`` by name."""
    engine = open_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text(f"SELECT name, managed_by, owner FROM {table}"))
        managers = {name: (managed_by, owner) for name, managed_by, owner in found}
    engine.dispose()
    return managers


def shared(url: str, tmp_path: Path) -> tuple[str, str]:
    """Team-a's and team-b's configs applied in turn; their paths."""
    team_a, team_b = write(tmp_path, TEAM_A, "a.yaml"), write(tmp_path, TEAM_B, "b.yaml")
    assert apply(url, team_a, "--actor", "deploy-a").exit_code == 0
    result = apply(url, team_b, "--actor", "deploy-b")
    assert result.exit_code == 0, result.output
    return team_a, team_b


def assert_refused(url: str, result: Result, before: dict[str, Any]) -> None:
    """Exit 3, and the database (journal included) exactly as it was."""
    assert result.exit_code == 3, result.output
    assert "nothing was applied" in result.output
    assert snapshot(url) == before


def test_each_owner_prunes_only_its_own_rows(database_url: str, tmp_path: Path) -> None:
    shared(database_url, tmp_path)
    assert owners(database_url, "profiles") == {
        "writer": ("config", "team-a"),
        "summariser": ("config", "team-a"),
        "search": ("config", "team-b"),
        "quick": ("config", "team-b"),
    }
    theirs = {n: r for n, r in rows(database_url, "profiles").items() if n in ("search", "quick")}
    smaller = write(tmp_path, TEAM_A.replace("  summariser:", "  # summariser:"), "a.yaml")
    result = apply(database_url, smaller)
    assert result.exit_code == 0, result.output
    assert "Apply complete: 0 created, 0 updated, 1 deleted." in result.output
    after = rows(database_url, "profiles")
    assert set(after) == {"writer", "search", "quick"}
    assert {n: after[n] for n in theirs} == theirs  # not a byte changed, timestamps included
    # Team-b's config, which declares nothing of team-a's, leaves team-a's rows alone too.
    emptied = write(tmp_path, "version: 1\nsettings: {owner: team-b}\n", "b.yaml")
    result = apply(database_url, emptied, "--allow-empty")
    assert result.exit_code == 0, result.output
    assert set(rows(database_url, "profiles")) == {"writer"}
    assert set(rows(database_url, "providers")) >= {"eu"}


def test_the_journal_records_each_applys_owner(database_url: str, tmp_path: Path) -> None:
    shared(database_url, tmp_path)
    assert [entry["owner"] for entry in journal(database_url)] == ["team-a", "team-b"]
    result = reconcile("history", "--database-url", database_url, "--format", "json")
    assert [(e["actor"], e["owner"]) for e in json.loads(result.stdout)] == [
        ("deploy-b", "team-b"),
        ("deploy-a", "team-a"),
    ]
    only_a = reconcile(
        "history", "--database-url", database_url, "--format", "json", "--owner", "team-a"
    )
    assert [e["actor"] for e in json.loads(only_a.stdout)] == ["deploy-a"]
    text = reconcile("history", "--database-url", database_url, "--owner", "team-b")
    assert "by deploy-b  owner team-b" in text.output and "deploy-a" not in text.output
    none = reconcile("history", "--database-url", database_url, "--owner", "Team-A")
    assert none.output == "No applies recorded.\n"


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_a_row_another_owner_manages_blocks_the_plan(
    database_url: str, tmp_path: Path, force: list[str]
) -> None:
    shared(database_url, tmp_path)
    grabbing = write(
        tmp_path,
        "version: 1\nsettings: {owner: team-b}\nprofiles:\n"
        "  writer: {provider: eu, model: gpt-5, provider_connection: eu-key}\n",
        "grab.yaml",
    )
    code, document = plan_json(database_url, grabbing, *force)
    assert code == 3
    (blocked,) = document["blocked"]
    assert {k: blocked[k] for k in ("kind", "name", "action", "code", "owner")} == {
        "kind": "profile",
        "name": "writer",
        "action": "update",
        "code": "ownership.conflict",
        "owner": "team-a",
    }
    assert "--take-ownership" in blocked["message"]
    before = snapshot(database_url)
    assert_refused(database_url, apply(database_url, grabbing, *force), before)


def test_take_ownership_makes_the_row_this_configs(database_url: str, tmp_path: Path) -> None:
    shared(database_url, tmp_path)
    grabbing = write(
        tmp_path,
        TEAM_B.replace("profiles:\n", "profiles:\n  writer: {provider: eu, model: gpt-5}\n"),
        "b.yaml",
    )
    shown = reconcile("plan", "-f", grabbing, "--database-url", database_url, "--take-ownership")
    assert shown.exit_code == 0, shown.output
    assert "--take-ownership: rows another owner's config manages" in shown.output
    assert "  ~ writer  (adopt)\n      managed_by: config, owner: team-a -> team-b\n" in (
        shown.output
    )
    result = apply(database_url, grabbing, "--take-ownership")
    assert result.exit_code == 0, result.output
    assert owners(database_url, "profiles")["writer"] == ("config", "team-b")
    again = apply(database_url, grabbing)  # it is team-b's now: no flag needed
    assert "No changes" in again.output
    # Team-a's config, which still declares it, is now the one refused.
    before = snapshot(database_url)
    assert_refused(database_url, apply(database_url, write(tmp_path, TEAM_A, "a.yaml")), before)


def test_a_saved_plan_keeps_its_take_ownership(database_url: str, tmp_path: Path) -> None:
    shared(database_url, tmp_path)
    grabbing = write(
        tmp_path,
        "version: 1\nsettings: {owner: team-b}\nprofiles:\n"
        "  writer: {provider: eu, model: gpt-5, provider_connection: eu-key}\n",
        "grab.yaml",
    )
    refused_file, taking_file = tmp_path / "refused.json", tmp_path / "taking.json"
    refused = reconcile(
        "plan", "-f", grabbing, "--database-url", database_url, "--out", str(refused_file)
    )
    assert refused.exit_code == 3
    taking = reconcile(
        "plan",
        *("-f", grabbing, "--database-url", database_url, "--out", str(taking_file)),
        "--take-ownership",
    )
    assert taking.exit_code == 0, taking.output
    saved = json.loads(taking_file.read_text(encoding="utf-8"))
    assert (saved["take_ownership"], saved["force"]) == (True, False)
    assert json.loads(refused_file.read_text(encoding="utf-8"))["take_ownership"] is False
    usage = reconcile("apply", str(refused_file), "--take-ownership")
    assert usage.exit_code == 64
    assert (
        "keeps the --force, --take-ownership, --max-deletes and --allow-empty it was made"
        in usage.output
    )
    before = snapshot(database_url)
    still = reconcile("apply", str(refused_file), "--database-url", database_url)
    assert_refused(database_url, still, before)
    result = reconcile("apply", str(taking_file), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert owners(database_url, "profiles")["writer"] == ("config", "team-b")


def test_external_and_backfill_rows_adopted_take_the_configs_owner(
    database_url: str, tmp_path: Path
) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('eu', 'anthropic')",
        "INSERT INTO provider_connections (name, provider, auth, managed_by) VALUES"
        """ ('eu-key', 'eu', '{"type": "none"}', 'backfill')""",
    )
    config = write(tmp_path, TEAM_A, "a.yaml")
    code, document = plan_json(database_url, config)
    assert code == 0
    moved = {c["name"]: c.get("ownership") for c in document["changes"]}
    assert moved["eu"] == {
        "before": {"managed_by": None, "owner": None},
        "after": {"managed_by": "config", "owner": "team-a"},
    }
    assert moved["eu-key"] == {
        "before": {"managed_by": "backfill", "owner": None},
        "after": {"managed_by": "config", "owner": "team-a"},
    }
    markdown = reconcile(
        "plan", "-f", config, "--database-url", database_url, "--format", "markdown"
    )
    assert "!     managed_by: (external) -> config, owner: team-a" in markdown.output
    text = apply(database_url, config)
    assert text.exit_code == 0, text.output
    assert "  ~ eu  (adopt)\n      managed_by: (external) -> config, owner: team-a\n" in text.output
    assert "managed_by: backfill -> config, owner: team-a" in text.output
    assert owners(database_url, "providers")["eu"] == ("config", "team-a")
    assert owners(database_url, "provider_connections")["eu-key"] == ("config", "team-a")
    assert owners(database_url, "provider_connections")["anthropic-managed"] == ("seed", None)


def test_a_forced_cascade_never_deletes_another_owners_row(
    database_url: str, tmp_path: Path
) -> None:
    shared(database_url, tmp_path)  # team-b's search uses team-a's eu and eu-key
    without_eu = write(tmp_path, "version: 1\nsettings: {owner: team-a}\n", "a.yaml")
    code, document = plan_json(database_url, without_eu, "--force", "--allow-empty")
    assert code == 3
    held = [(b["kind"], b["name"], b["code"], b["referenced_by"]) for b in document["blocked"]]
    assert held == [
        ("provider", "eu", "delete.referenced", [{"kind": "profile", "name": "search"}]),
        ("connection", "eu-key", "delete.referenced", [{"kind": "profile", "name": "search"}]),
    ]
    assert (
        "--force never deletes or changes another owner's rows" in document["blocked"][0]["message"]
    )
    before = snapshot(database_url)
    assert_refused(
        database_url, apply(database_url, without_eu, "--force", "--allow-empty"), before
    )


def test_a_config_row_with_a_null_owner_is_the_default_owners(
    database_url: str, tmp_path: Path
) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type, managed_by) VALUES ('old', 'openai', 'config'),"
        " ('kept', 'openai', 'config')",
    )
    before = snapshot(database_url)
    claim = write(
        tmp_path,
        "version: 1\nsettings: {owner: team-a}\nproviders:\n  kept: {type: openai}\n",
        "a.yaml",
    )
    code, document = plan_json(database_url, claim)
    assert (code, [(b["name"], b["owner"]) for b in document["blocked"]]) == (
        3,
        [("kept", "default")],
    )
    assert_refused(database_url, apply(database_url, claim), before)
    mine = write(tmp_path, "version: 1\nproviders:\n  kept: {type: openai}\n", "default.yaml")
    result = apply(database_url, mine)
    assert result.exit_code == 0, result.output
    assert "1 deleted" in result.output  # old, the default owner's
    assert owners(database_url, "providers")["kept"] == ("config", None)  # still the default's


def test_export_of_one_owner_applies_as_that_owner_with_no_change(
    database_url: str, tmp_path: Path
) -> None:
    shared(database_url, tmp_path)
    execute(
        database_url,
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('app', 'openai', 'm', 'openai-managed')",
    )
    exported = tmp_path / "team-a.yaml"
    result = reconcile(
        "export", "--database-url", database_url, "--owner", "team-a", "-o", str(exported)
    )
    assert result.exit_code == 0, result.output
    text = exported.read_text(encoding="utf-8")
    assert "  owner: team-a\n" in text
    assert "writer:" in text and "summariser:" in text and "eu-key:" in text
    assert "search:" not in text and "quick:" not in text and "app:" not in text
    before = snapshot(database_url)
    again = apply(database_url, str(exported))
    assert again.exit_code == 0, again.output
    assert "No changes" in again.output
    after = snapshot(database_url)
    for table in ("providers", "provider_connections", "profiles"):
        assert after[table] == before[table]
    everything = reconcile("export", "--database-url", database_url)
    assert "search:" in everything.stdout and "app:" in everything.stdout
    assert "owner:" not in everything.stdout
    bad = reconcile("export", "--database-url", database_url, "--owner", "Team A")
    assert bad.exit_code == 64
    assert "is not a lowercase DNS label" in bad.output


def test_a_saved_plan_is_stale_once_another_owner_took_its_row(
    database_url: str, tmp_path: Path
) -> None:
    execute(database_url, "INSERT INTO providers (name, type) VALUES ('eu', 'anthropic')")
    config = write(tmp_path, "version: 1\nproviders:\n  eu: {type: anthropic}\n", "d.yaml")
    plan_file = tmp_path / "plan.json"
    planned = reconcile(
        "plan",
        "-f",
        config,
        "--database-url",
        database_url,
        "--out",
        str(plan_file),
        "--take-ownership",
    )
    assert planned.exit_code == 0, planned.output
    taken = write(
        tmp_path,
        "version: 1\nsettings: {owner: team-b}\nproviders:\n  eu: {type: anthropic}\n",
        "b.yaml",
    )
    assert apply(database_url, taken).exit_code == 0  # same fields, another manager
    before = snapshot(database_url)
    result = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert result.exit_code == 4, result.output
    assert "provider eu: who manages it changed since the plan was made" in result.output
    assert snapshot(database_url) == before


def test_settings_owner_is_a_dns_label_and_files_agree_on_it(tmp_path: Path) -> None:
    bad = write(tmp_path, "version: 1\nsettings:\n  owner: Team A\n", "bad.yaml")
    result = reconcile("validate", "-f", bad)
    assert result.exit_code == 1
    assert f"{bad}:3:10: error [schema.pattern] owner 'Team A' is not a lowercase DNS label" in (
        result.output
    )
    first = write(tmp_path, "version: 1\nsettings: {owner: team-a}\n", "1.yaml")
    second = write(tmp_path, "version: 1\nsettings: {owner: team-b}\n", "2.yaml")
    merged = reconcile("validate", "-f", first, "-f", second)
    assert merged.exit_code == 1
    assert "[settings.conflict] settings.owner is 'team-b' here but 'team-a' at" in merged.output
