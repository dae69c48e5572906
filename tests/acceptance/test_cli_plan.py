"""``reconcile plan`` on every backend: the three formats, exit codes, guards, --force, --out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.schema_files import load_schema
from tests.acceptance.database_snapshot import execute, journal

PLAN_SCHEMA = jsonschema.Draft202012Validator(load_schema("plan.schema.json"))

CONFIG = """\
version: 1
providers:
  eu:
    type: anthropic
    base_url: https://eu.example.com
connections:
  eu-key:
    provider: eu
    auth: {type: api_key, credential: credential/eu/api_key}
profiles:
  writer:
    provider: eu
    model: claude-sonnet-4-6
    provider_connection: eu-key
  quick:
    provider: openai
    model: gpt-5-mini
"""


def reconcile(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def write_config(tmp_path: Path, text: str = CONFIG, name: str = "reconcile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def plan(config: str, url: str, *args: str) -> Result:
    return reconcile("plan", "-f", config, "--database-url", url, *args)


def plan_json(config: str, url: str, *args: str) -> dict[str, Any]:
    result = plan(config, url, "--format", "json", *args)
    document: dict[str, Any] = json.loads(result.stdout)
    PLAN_SCHEMA.validate(document)
    return document


def applied(config: str, url: str) -> None:
    result = reconcile("apply", "-f", config, "--yes", "--database-url", url)
    assert result.exit_code == 0, result.output


def test_text_lists_every_change_grouped_by_kind(database_url: str, tmp_path: Path) -> None:
    result = plan(write_config(tmp_path), database_url)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Providers") < out.index("Connections") < out.index("Profiles")
    assert "  + anthropic  (seed)" in out
    assert "  + eu\n      type: anthropic\n      base_url: https://eu.example.com" in out
    assert "  + openai-personal  (backfill)" in out
    assert "      provider_connection: openai-personal" in out  # quick's derived connection
    assert out.endswith("Plan: 13 to create, 0 to update, 0 to delete, 0 blocked.\n")
    assert "\033[" not in out  # not a terminal: no colour


def test_json_follows_the_plan_schema(database_url: str, tmp_path: Path) -> None:
    document = plan_json(write_config(tmp_path), database_url)
    assert document["summary"] == {"create": 13, "update": 0, "delete": 0, "blocked": 0}
    assert document["state_digest"].startswith("sha256:")
    quick = next(c for c in document["changes"] if c["name"] == "quick")
    assert quick["after"]["provider_connection"] == "openai-personal"
    assert [c["kind"] for c in document["changes"]] == sorted(
        (c["kind"] for c in document["changes"]), key=["provider", "connection", "profile"].index
    )


def test_markdown_starts_with_the_summary_table(database_url: str, tmp_path: Path) -> None:
    result = plan(write_config(tmp_path), database_url, "--format", "markdown")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "### reconcile plan",
        "",
        "| | create | update | delete |",
        "|---|---:|---:|---:|",
    ]
    assert "| **Total** | **13** | **0** | **0** |" in lines
    assert "<details><summary>Profiles: 2 changes</summary>" in lines


def test_detailed_exitcode_is_2_with_changes_and_0_in_sync(
    database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path)
    assert plan(config, database_url, "--detailed-exitcode").exit_code == 2
    assert plan(config, database_url).exit_code == 0  # changes alone are not a failure
    applied(config, database_url)
    in_sync = plan(config, database_url, "--detailed-exitcode")
    assert in_sync.exit_code == 0, in_sync.output
    assert in_sync.stdout.startswith("No changes: the database matches the config.\n")
    assert plan_json(config, database_url)["changes"] == []


def test_an_adopted_external_row_is_a_change(database_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    applied(config, database_url)
    execute(database_url, "UPDATE providers SET managed_by = NULL WHERE name = 'eu'")
    result = plan(config, database_url, "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "  ~ eu  (adopt)" in result.stdout


def orphaned_connection(database_url: str, tmp_path: Path) -> str:
    """The config applied, an external profile on its connection, then a config without them."""
    applied(write_config(tmp_path), database_url)
    execute(
        database_url,
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('legacy', 'eu', 'old-model', 'eu-key')",
    )
    return write_config(tmp_path, "version: 1\n", "emptied.yaml")


def test_a_referenced_delete_is_blocked_exit_3(database_url: str, tmp_path: Path) -> None:
    config = orphaned_connection(database_url, tmp_path)
    result = plan(config, database_url, "--detailed-exitcode")
    assert result.exit_code == 3, result.output
    assert "  ! connection eu-key: delete refused [delete.referenced]" in result.stdout
    assert "      referenced by: profile legacy" in result.stdout
    document = plan_json(config, database_url)
    blocked = {(b["kind"], b["name"]): b for b in document["blocked"]}
    assert blocked["connection", "eu-key"]["referenced_by"] == [
        {"kind": "profile", "name": "legacy"}
    ]


def test_force_shows_the_whole_cascade(database_url: str, tmp_path: Path) -> None:
    config = orphaned_connection(database_url, tmp_path)
    result = plan(config, database_url, "--force", "--allow-empty", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert result.stdout.startswith("--force: deletes go ahead and every consequence is listed.")
    assert "  - legacy  (force)" in result.stdout
    document = plan_json(config, database_url, "--force", "--allow-empty")
    deletes = [(c["kind"], c["name"], c["reason"]) for c in document["changes"]]
    assert deletes == [
        ("profile", "legacy", "force"),
        ("profile", "quick", "removed"),
        ("profile", "writer", "removed"),
        ("connection", "eu-key", "removed"),
        ("provider", "eu", "removed"),
    ]
    assert document["blocked"] == []


def test_errors_win_over_blocked_and_changes(database_url: str, tmp_path: Path) -> None:
    orphaned_connection(database_url, tmp_path)
    config = write_config(
        tmp_path,
        "version: 1\nprofiles:\n  odd:\n    provider: openai\n    model: m\n"
        "    provider_connection: nowhere\n",
        "broken.yaml",
    )
    result = plan(config, database_url, "--detailed-exitcode", "--out", str(tmp_path / "p.json"))
    assert result.exit_code == 1, result.output
    assert f"{config}:6:26: error [ref.unknown-connection] connection 'nowhere' does not exist" in (
        result.stdout
    )
    assert "error: the config has 1 error(s) against the database" in result.stderr
    assert not (tmp_path / "p.json").exists()


def test_config_and_plan_problems_are_listed_once(database_url: str, tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "version: 1\nconnections:\n  sub:\n    provider: anthropic\n"
        "    auth: {type: oauth_subscription}\n"
        "profiles:\n  odd:\n    provider: anthropic\n    model: m\n"
        "    provider_connection: nowhere\n",
    )
    document = plan_json(config, database_url)
    found = [(p["code"], p["level"], p["path"]) for p in document["problems"]]
    # Offline, the unknown name is a warning; against the database it is one error.
    assert found == [
        ("auth.unsupported", "warning", "connections.sub.auth.type"),
        ("ref.unknown-connection", "error", "profiles.odd.provider_connection"),
    ]


def test_a_name_the_database_holds_is_no_problem(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('openai', 'openai')",
        "INSERT INTO provider_connections (name, provider, auth)"
        """ VALUES ('Legacy_Conn', 'openai', '{"type": "none"}')""",
    )
    config = write_config(
        tmp_path,
        "version: 1\nprofiles:\n  bot:\n    provider: openai\n    model: m\n"
        "    provider_connection: Legacy_Conn\n",
    )
    offline = reconcile("validate", "-f", config)
    assert "warning [ref.unknown-connection]" in offline.stdout
    document = plan_json(config, database_url)
    assert document["problems"] == []


def test_an_invalid_config_prints_one_json_document_without_the_database(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, "version: 1\nproviders:\n  x:\n    type: nope\n")
    unreachable = "postgresql://app:Secret-pw-9@127.0.0.1:1/prod"  # nothing listens on port 1
    result = plan(config, unreachable, "--format", "json", "--out", str(tmp_path / "p.json"))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    PLAN_SCHEMA.validate(document)
    assert document["changes"] == [] and document["state_digest"] is None
    assert document["database"] == "postgresql://app:***@127.0.0.1:1/prod"
    assert [(p["code"], p["line"], p["column"]) for p in document["problems"]] == [
        ("schema.enum", 4, 11)
    ]
    assert f"{config}:4:11: error [schema.enum]" in result.stderr  # for the CI log
    assert "nothing was planned" in result.stderr
    assert "Secret-pw-9" not in result.output
    assert not (tmp_path / "p.json").exists()


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_an_invalid_config_says_nothing_was_planned(output: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, "version: 1\nprofiles:\n  a:\n    provider: openai\n")
    result = plan(config, "sqlite:///" + str(tmp_path / "x.db"), "--format", output)
    assert result.exit_code == 1
    assert "No changes planned: the config has errors" in result.stdout
    assert "error [schema.required]" in result.stdout
    assert not (tmp_path / "x.db").exists()


def test_out_saves_the_plan_then_apply_applies_it(database_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    saved = tmp_path / "plan.json"
    result = plan(config, database_url, "--format", "markdown", "--out", str(saved))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("### reconcile plan")  # --format decides stdout only
    assert f"Saved the plan to {saved}" in result.stderr
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["force"] is False
    assert document["config"]["profiles"]["quick"] == {"provider": "openai", "model": "gpt-5-mini"}
    PLAN_SCHEMA.validate({k: v for k, v in document.items() if k not in ("force", "config")})
    assert document["changes"] == plan_json(config, database_url)["changes"]
    Path(config).unlink()
    done = reconcile("apply", str(saved), "--database-url", database_url)
    assert done.exit_code == 0, done.output
    (entry,) = journal(database_url)
    assert entry["config_digest"] == document["config_digest"]


def test_out_saves_the_interpolated_config(database_url: str, tmp_path: Path) -> None:
    config = write_config(
        tmp_path, "version: 1\nprofiles:\n  a:\n    provider: openai\n    model: ${MODEL}\n"
    )
    saved = tmp_path / "plan.json"
    args = ("plan", "-f", config, "--database-url", database_url, "--out", str(saved))
    result = reconcile(*args, env={"MODEL": "gpt-5"})
    assert result.exit_code == 0, result.output
    assert json.loads(saved.read_text())["config"]["profiles"]["a"]["model"] == "gpt-5"


def test_out_to_a_missing_folder_is_one_clear_error(database_url: str, tmp_path: Path) -> None:
    result = plan(write_config(tmp_path), database_url, "--out", str(tmp_path / "no" / "p.json"))
    assert result.exit_code == 1
    assert "cannot write the plan file: No such file or directory" in result.stderr
    assert "Traceback" not in result.output


def test_the_same_inputs_give_byte_identical_output(database_url: str, tmp_path: Path) -> None:
    config = orphaned_connection(database_url, tmp_path)
    for output in ("text", "json", "markdown"):
        runs = {plan(config, database_url, "--format", output, "--force").stdout for _ in range(3)}
        assert len(runs) == 1, output
    assert len(journal(database_url)) == 1  # the apply's: planning journals nothing


def test_usage_errors_exit_64() -> None:
    assert reconcile("plan", "--format", "github").exit_code == 64
    assert reconcile("plan", "--bogus").exit_code == 64


def test_an_unreachable_database_still_prints_one_json_document(tmp_path: Path) -> None:
    url = "postgresql://app:s3cret-pw@127.0.0.1:1/prod"
    result = plan(write_config(tmp_path), url, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    PLAN_SCHEMA.validate(document)
    assert [p["code"] for p in document["problems"]] == ["database.unreadable"]
    assert document["changes"] == [] and document["state_digest"] is None
    assert "s3cret-pw" not in result.output
