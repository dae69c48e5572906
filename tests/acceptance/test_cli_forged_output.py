"""Forged output through the real CLI: hostile database rows and configs stay in their frames.

Rows are written by plain SQL on every backend (the database accepts any name and any text);
configs are YAML a pull request may hold. Every format is read by the strict readers of
`tests.frames`.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute
from tests.frames import (
    BIDI,
    assert_markdown_framed,
    assert_no_forged_command,
    assert_terminal_safe,
)

FORGED_PROMPT = (
    "You are helpful.\n```\n</details>\n\n# Approved by security team\n<!--\n"
    "::error file=README.md,line=1::forged\n"
)
FORGED_LABEL = "Bot\r\n::stop-commands::x\u202e"
FORGED_NAME = "bot\n::error::forged"

CONFIG = """\
version: 1
profiles:
  writer:
    provider: openai
    model: gpt-5-mini
    label: Writer
    system_prompt: Be brief.
"""


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def insert_forged_rows(url: str) -> None:
    execute(
        url,
        "INSERT INTO providers (name, type) VALUES ('openai', 'openai')",
        "INSERT INTO profiles (name, provider, model, label, system_prompt) VALUES"
        " ('writer', 'openai', 'gpt-4', :label, :prompt)",
        "INSERT INTO profiles (name, provider, model, description) VALUES"
        " (:name, 'openai', '``` </details>', :prompt)",
        params={"label": FORGED_LABEL, "prompt": FORGED_PROMPT, "name": FORGED_NAME},
    )


def test_plan_of_forged_rows_stays_framed_in_every_format(
    database_url: str, tmp_path: Path
) -> None:
    insert_forged_rows(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    results = {
        output: reconcile(
            "plan", "-f", str(config), "--database-url", database_url, "--format", output
        )
        for output in ("text", "markdown", "json")
    }
    for result in results.values():
        assert result.exit_code == 0, result.output
        assert_no_forged_command(result.stdout + result.stderr)
        assert not BIDI.search(result.stdout)
    text = results["text"].stdout
    assert_terminal_safe(text)
    assert "      label: Bot\\r\\n::stop-commands::x\\u202e -> Writer" in text
    assert "        - | ::error file=README.md,line=1::forged" in text
    assert "  ~ bot\\n::error::forged  (backfill)" in text
    markdown = results["markdown"].stdout
    assert_markdown_framed(markdown)
    assert "-       - | # Approved by security team" in markdown  # a removed line of a line diff
    document = json.loads(results["json"].stdout)
    (update,) = [c for c in document["changes"] if c["name"] == "writer"]
    assert update["before"]["system_prompt"] == FORGED_PROMPT  # JSON keeps the value exact
    assert FORGED_NAME in [c["name"] for c in document["changes"]]


def test_apply_and_history_of_forged_rows_and_actor_stay_framed(
    database_url: str, tmp_path: Path
) -> None:
    """A forged ``--actor`` is refused in a framed message; one an older tool journaled (plain
    SQL here) is shown escaped by ``history``."""
    insert_forged_rows(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    actor = "deploy\n::error::forged\x1b[2J"
    refused = reconcile(
        "apply", "-f", str(config), "--database-url", database_url, "--yes", "--actor", actor
    )
    assert refused.exit_code == 64, refused.output
    assert_no_forged_command(refused.stdout + refused.stderr)
    applied = reconcile(
        "apply", "-f", str(config), "--database-url", database_url, "--yes", "--actor", "deploy"
    )
    assert applied.exit_code == 0, applied.output
    assert_no_forged_command(applied.stdout + applied.stderr)
    assert_terminal_safe(applied.stdout)
    execute(database_url, "UPDATE reconcile_journal SET actor = :actor", params={"actor": actor})
    for flags in ((), ("--plan",), ("--format", "json", "--plan")):
        result = reconcile("history", "--database-url", database_url, *flags)
        assert result.exit_code == 0, result.output
        assert_no_forged_command(result.stdout)
        assert_terminal_safe(result.stdout)
    assert (
        "by deploy\\n::error::forged\\x1b[2J"
        in reconcile("history", "--database-url", database_url).stdout
    )


def test_validate_of_a_forged_config_stays_framed_in_every_format(tmp_path: Path) -> None:
    """A key with a line break reaches the dotted path, a value the schema's message."""
    config = tmp_path / "reconcile.yaml"
    config.write_text(
        "version: 1\n"
        "profiles:\n"
        '  "a\\n::error file=README.md,line=1::forged":\n'
        "    provider: openai\n"
        '    model: "\\r\\n::stop-commands::x ``` </details> %0A"\n'
        '    max_tokens: "\\n::warning::y"\n',
        encoding="utf-8",
    )
    for output in ("text", "json", "github"):
        result = reconcile("validate", "-f", str(config), "--format", output)
        assert result.exit_code == 1, result.output
        own = result.stdout.count("\n") if output == "github" else 0
        assert_no_forged_command(result.stdout + result.stderr, own=own)
        assert not BIDI.search(result.stdout)
        if output == "github":
            assert own >= 2 and "%0A" in result.stdout
            for line in result.stdout.splitlines():
                assert line.startswith(("::error file=", "::warning file=")), line
        else:
            assert_terminal_safe(result.stdout)


def test_a_blocked_apply_names_a_forged_row_on_its_own_line(
    database_url: str, tmp_path: Path
) -> None:
    """The refusal quotes the row's name; its line break cannot start a line of the message."""
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('openai', 'openai')",
        "INSERT INTO provider_connections (name, provider, auth, managed_by) VALUES"
        " (:name, 'openai', :auth, 'config')",
        "INSERT INTO profiles (name, provider, model, provider_connection) VALUES"
        " ('legacy', 'openai', 'gpt-4', :name)",
        params={"name": FORGED_NAME, "auth": json.dumps({"type": "none"})},
    )
    config = tmp_path / "reconcile.yaml"
    config.write_text("version: 1\n", encoding="utf-8")
    result = reconcile("apply", "-f", str(config), "--database-url", database_url, "--yes")
    assert result.exit_code == 3, result.output
    assert "  connection bot\\n::error::forged: " in result.stderr
    assert_no_forged_command(result.stdout + result.stderr)
