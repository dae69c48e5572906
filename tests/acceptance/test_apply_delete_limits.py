"""Delete limits (DESIGN §13) through the CLI on every backend: ``--max-deletes N`` and the
always-on ``delete.all`` guard with ``--allow-empty``. Every blocked plan exits 3 and writes
nothing, no journal row either; a plan file records the limits and applies with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute, journal, scalar, snapshot

CONFIG = """\
version: 1
providers:
  eu:
    type: anthropic
connections:
  eu-key:
    provider: eu
    auth: {type: api_key, credential: credential/eu/api_key}
profiles:
  one: {provider: eu, model: m, provider_connection: eu-key}
  two: {provider: eu, model: m, provider_connection: eu-key}
  three: {provider: eu, model: m, provider_connection: eu-key}
"""
ONE_PROFILE = CONFIG.replace(
    "  two: {provider: eu, model: m, provider_connection: eu-key}\n"
    "  three: {provider: eu, model: m, provider_connection: eu-key}\n",
    "",
)
NO_PROFILES = CONFIG.split("profiles:")[0]


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, text: str, name: str = "reconcile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def apply(url: str, config: str, *extra: str) -> Result:
    return reconcile("apply", "-f", config, "--yes", "--database-url", url, *extra)


def plan_json(url: str, config: str, *extra: str) -> dict[str, Any]:
    result = reconcile("plan", "-f", config, "--database-url", url, "--format", "json", *extra)
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def applied(url: str, tmp_path: Path) -> None:
    result = apply(url, write(tmp_path, CONFIG, "first.yaml"))
    assert result.exit_code == 0, result.output


def test_more_deletes_than_max_deletes_block_plan_and_apply(
    database_url: str, tmp_path: Path
) -> None:
    applied(database_url, tmp_path)
    config = write(tmp_path, ONE_PROFILE)
    before = snapshot(database_url)
    planned = reconcile("plan", "-f", config, "--database-url", database_url, "--max-deletes", "1")
    assert planned.exit_code == 3, planned.output
    assert "  ! the plan: delete refused [delete.limit]" in planned.stdout
    assert "plan again with --max-deletes 2 or more" in planned.stdout
    assert "  - two" in planned.stdout  # the deletes are listed for review
    (entry,) = plan_json(database_url, config, "--max-deletes", "1")["blocked"]
    assert {key: entry[key] for key in ("kind", "name", "action", "code", "count", "limit")} == {
        "kind": None,
        "name": None,
        "action": "delete",
        "code": "delete.limit",
        "count": 2,
        "limit": 1,
    }
    markdown = reconcile(
        "plan", "-f", config, "--database-url", database_url, "--max-deletes", "1",
        "--format", "markdown",
    )  # fmt: skip
    assert "- `the plan` (delete) `delete.limit`: this plan would delete 2 rows" in markdown.stdout
    for extra in ((), ("--force",)):  # --force does not override it
        result = apply(database_url, config, "--max-deletes", "1", *extra)
        assert result.exit_code == 3, result.output
        assert "the plan: this plan would delete 2 rows" in result.output
        assert snapshot(database_url) == before
    result = apply(database_url, config, "--max-deletes", "2")
    assert result.exit_code == 0, result.output
    assert scalar(database_url, "SELECT count(*) FROM profiles") == 1


def test_max_deletes_zero_allows_no_delete_but_any_other_change(
    database_url: str, tmp_path: Path
) -> None:
    applied(database_url, tmp_path)
    grown = CONFIG + "  four: {provider: eu, model: m, provider_connection: eu-key}\n"
    assert apply(database_url, write(tmp_path, grown), "--max-deletes", "0").exit_code == 0
    assert apply(database_url, write(tmp_path, CONFIG), "--max-deletes", "0").exit_code == 3
    for bad in ("-1", "many", "1000000001"):
        result = apply(database_url, write(tmp_path, CONFIG), "--max-deletes", bad)
        assert result.exit_code == 64, result.output


def test_a_config_that_declares_no_row_of_a_kind_may_not_delete_all_of_them(
    database_url: str, tmp_path: Path
) -> None:
    applied(database_url, tmp_path)
    before = snapshot(database_url)
    empty = write(tmp_path, "version: 1\n", "empty.yaml")
    for extra in ((), ("--force",), ("--max-deletes", "100")):
        result = apply(database_url, empty, *extra)
        assert result.exit_code == 3, result.output
        assert "every profile: the config declares no profiles" in result.output
        assert "plan again with --allow-empty" in result.output
        assert snapshot(database_url) == before  # no row, no journal entry
    document = plan_json(database_url, empty)
    assert [(b["kind"], b["name"], b["code"], b["count"]) for b in document["blocked"]] == [
        ("provider", None, "delete.all", 1),
        ("connection", None, "delete.all", 1),
        ("profile", None, "delete.all", 3),
    ]
    text = reconcile("plan", "-f", empty, "--database-url", database_url)
    assert "  ! every connection: delete refused [delete.all]" in text.stdout
    result = apply(database_url, empty, "--allow-empty")
    assert result.exit_code == 0, result.output
    assert "5 deleted" in result.output
    assert scalar(database_url, "SELECT count(*) FROM profiles") == 0


def test_only_the_kind_the_config_left_out_is_guarded(database_url: str, tmp_path: Path) -> None:
    applied(database_url, tmp_path)
    before = snapshot(database_url)
    result = apply(database_url, write(tmp_path, NO_PROFILES))
    assert result.exit_code == 3, result.output
    assert "every profile: the config declares no profiles" in result.output
    assert "every connection" not in result.output
    assert snapshot(database_url) == before
    # one profile declared is enough: the config still says what it wants
    assert apply(database_url, write(tmp_path, ONE_PROFILE)).exit_code == 0


def test_a_connection_handed_back_to_backfill_is_no_delete(
    database_url: str, tmp_path: Path
) -> None:
    text = (
        "version: 1\nconnections:\n  openai-personal:\n    provider: openai\n"
        "    auth: {type: api_key, credential: credential/openai/api_key}\n"
        "profiles:\n  quick: {provider: openai, model: m}\n"
    )
    assert apply(database_url, write(tmp_path, text)).exit_code == 0
    kept = "version: 1\nprofiles:\n  quick: {provider: openai, model: m}\n"
    result = apply(database_url, write(tmp_path, kept), "--max-deletes", "0")
    assert result.exit_code == 0, result.output
    assert scalar(
        database_url, "SELECT managed_by FROM provider_connections WHERE name = 'openai-personal'"
    ) == ("backfill")


def save_plan(url: str, config: str, plan_file: Path, *extra: str) -> Result:
    return reconcile("plan", "-f", config, "--database-url", url, "--out", str(plan_file), *extra)


def test_a_plan_file_records_the_limits_and_applies_with_them(
    database_url: str, tmp_path: Path
) -> None:
    applied(database_url, tmp_path)
    plan_file = tmp_path / "plan.json"
    config = write(tmp_path, ONE_PROFILE)
    assert save_plan(database_url, config, plan_file, "--max-deletes", "1").exit_code == 3
    saved = json.loads(plan_file.read_text(encoding="utf-8"))
    assert (saved["max_deletes"], saved["allow_empty"]) == (1, False)
    before = snapshot(database_url)
    refused = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert refused.exit_code == 3, refused.output
    assert snapshot(database_url) == before
    for option in (("--max-deletes", "5"), ("--allow-empty",)):
        usage = reconcile("apply", str(plan_file), "--database-url", database_url, *option)
        assert usage.exit_code == 64, usage.output
        assert (
            "keeps the --force, --take-ownership, --max-deletes and --allow-empty it was made with"
            in (usage.output)
        )
    empty = write(tmp_path, "version: 1\n", "empty.yaml")
    assert save_plan(database_url, empty, plan_file, "--allow-empty").exit_code == 0
    assert json.loads(plan_file.read_text(encoding="utf-8"))["allow_empty"] is True
    result = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert scalar(database_url, "SELECT count(*) FROM profiles") == 0


def test_the_stale_check_covers_plan_level_entries(database_url: str, tmp_path: Path) -> None:
    applied(database_url, tmp_path)
    plan_file = tmp_path / "plan.json"
    assert save_plan(
        database_url, write(tmp_path, ONE_PROFILE), plan_file, "--max-deletes", "2"
    ).exit_code == 0  # fmt: skip
    # another config row appears before the deploy: the plan now deletes 3, over its limit
    execute(
        database_url,
        "INSERT INTO profiles (name, provider, model, provider_connection, managed_by)"
        " VALUES ('four', 'eu', 'm', 'eu-key', 'config')",
    )
    before = snapshot(database_url)
    result = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert result.exit_code == 4, result.output
    assert "the plan: delete is now blocked (delete.limit)" in result.output
    assert "profile four: now needs to delete it (removed)" in result.output
    assert snapshot(database_url) == before
    assert len(journal(database_url)) == 1
