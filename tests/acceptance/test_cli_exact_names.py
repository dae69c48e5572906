"""Names compare exactly on every backend: a legacy ``'bot '`` and a declared ``bot`` are two rows,
and so are the providers they reference (MariaDB's ``utf8mb4_bin`` would call them one)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute, snapshot

CONFIG = """\
version: 1
providers:
  gpu:
    type: ollama
connections:
  key:
    provider: gpu
    auth: {type: none}
profiles:
  bot:
    provider: gpu
    model: llama3
    provider_connection: key
"""
NAMES = ("gpu", "key", "bot")


def plan_document(config: Path, url: str) -> dict[str, object]:
    result = CliRunner().invoke(
        cli, ["plan", "-f", str(config), "--database-url", url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_a_name_with_a_trailing_space_is_another_row(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('gpu ', 'ollama')",
        "INSERT INTO provider_connections (name, provider, auth)"
        """ VALUES ('key ', 'gpu ', '{"type": "none"}')""",
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('bot ', 'gpu ', 'llama3', 'key ')",
    )
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    planned = plan_document(config, database_url)
    changes = planned["changes"]
    assert isinstance(changes, list)
    ours = [(c["kind"], c["name"], c["action"]) for c in changes if c["name"].strip() in NAMES]
    assert ours == [
        ("provider", "gpu", "create"),
        ("connection", "key", "create"),
        ("profile", "bot", "create"),
    ]
    applied = CliRunner().invoke(
        cli, ["apply", "--yes", "-f", str(config), "--database-url", database_url]
    )
    assert applied.exit_code == 0, applied.output
    assert plan_document(config, database_url)["changes"] == []
    rows = snapshot(database_url)
    connections = [row[:2] for row in rows["provider_connections"] if row[0].strip() in NAMES]
    assert sorted(connections) == [
        ("key", "gpu"),
        ("key ", "gpu "),
    ]
    assert sorted((row[0], row[1], row[3]) for row in rows["profiles"]) == [
        ("bot", "gpu", "key"),
        ("bot ", "gpu ", "key "),
    ]
