"""Protected rows (DESIGN §13) through the CLI on every backend: no plan deletes one.

``protected: true`` in the config (or set by an admin with plain SQL) keeps a row from every
delete, ``removed`` and ``--force`` alike: the plan is blocked (``delete.protected``, exit 3) and
writes nothing. Changing the flag is an ordinary update, so deleting a protected row takes two
applies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute, scalar, snapshot

CONFIG = """\
version: 1
providers:
  gpu: {type: ollama, base_url: "http://gpu:11434", protected: true}
connections:
  gpu-local: {provider: gpu, auth: {type: none}, protected: true}
profiles:
  local: {provider: gpu, model: llama3, provider_connection: gpu-local, protected: true}
  quick: {provider: openai, model: gpt-5-mini}
"""


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "reconcile.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def apply(url: str, config: str, *extra: str) -> Result:
    return reconcile("apply", "-f", config, "--yes", "--database-url", url, *extra)


def plan_json(url: str, config: str, *extra: str) -> tuple[int, dict[str, Any]]:
    result = reconcile("plan", "-f", config, "--database-url", url, "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def protected(url: str, table: str, name: str) -> bool:
    return bool(scalar(url, f"SELECT protected FROM {table} WHERE name = '{name}'"))


def test_protected_is_stored_and_part_of_the_row_image(database_url: str, tmp_path: Path) -> None:
    config = write(tmp_path, CONFIG)
    code, document = plan_json(database_url, config)
    assert code == 0
    images = {c["name"]: c["after"] for c in document["changes"]}
    assert (images["gpu"]["protected"], images["quick"]["protected"]) == (True, False)
    assert images["openai-personal"]["protected"] is False
    text = reconcile("plan", "-f", config, "--database-url", database_url)
    assert "      protected: true\n" in text.output
    assert apply(database_url, config).exit_code == 0
    assert protected(database_url, "providers", "gpu")
    assert protected(database_url, "provider_connections", "gpu-local")
    assert protected(database_url, "profiles", "local")
    assert not protected(database_url, "profiles", "quick")
    assert "No changes" in apply(database_url, config).output


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["removed", "force"])
def test_a_protected_row_that_leaves_the_config_blocks_the_plan(
    database_url: str, tmp_path: Path, force: list[str]
) -> None:
    assert apply(database_url, write(tmp_path, CONFIG)).exit_code == 0
    emptied = write(tmp_path, "version: 1\nprofiles:\n  quick: {provider: openai, model: m}\n")
    code, document = plan_json(database_url, emptied, *force)
    assert code == 3
    assert [{k: b[k] for k in ("kind", "name", "action", "code")} for b in document["blocked"]] == [
        {"kind": "provider", "name": "gpu", "action": "delete", "code": "delete.protected"},
        {"kind": "connection", "name": "gpu-local", "action": "delete", "code": "delete.protected"},
        {"kind": "profile", "name": "local", "action": "delete", "code": "delete.protected"},
    ]
    assert (
        "apply the config with protected: false for it first" in document["blocked"][0]["message"]
    )
    before = snapshot(database_url)
    result = apply(database_url, emptied, *force)
    assert result.exit_code == 3, result.output
    assert "nothing was applied" in result.output
    assert "profile local: profile local is protected and is never deleted" in result.output
    assert snapshot(database_url) == before  # the journal included: no row for a refused plan


def test_deleting_a_protected_row_takes_two_applies(database_url: str, tmp_path: Path) -> None:
    assert apply(database_url, write(tmp_path, CONFIG)).exit_code == 0
    unprotected = write(tmp_path, CONFIG.replace(", protected: true}", "}"))
    first = apply(database_url, unprotected)
    assert first.exit_code == 0, first.output
    assert "      protected: true -> false\n" in first.output
    assert "Apply complete: 0 created, 3 updated, 0 deleted." in first.output
    second = apply(database_url, write(tmp_path, "version: 1\n"), "--allow-empty")
    assert second.exit_code == 0, second.output
    assert "4 deleted" in second.output  # gpu, gpu-local, local and quick
    assert scalar(database_url, "SELECT COUNT(*) FROM profiles") == 0


def test_an_admin_protected_external_row_is_safe_from_a_forced_cascade(
    database_url: str, tmp_path: Path
) -> None:
    config = write(tmp_path, "version: 1\nproviders:\n  gpu: {type: ollama}\n")
    assert apply(database_url, config).exit_code == 0
    execute(
        database_url,
        "INSERT INTO provider_connections (name, provider, auth) VALUES"
        """ ('gpu-box', 'gpu', '{"type": "none"}')""",
        "INSERT INTO profiles (name, provider, model) VALUES ('app-bot', 'gpu', 'llama3')",
        "UPDATE profiles SET protected = true WHERE name = 'app-bot'",
    )
    emptied = write(tmp_path, "version: 1\n")
    code, document = plan_json(database_url, emptied, "--force", "--allow-empty")
    assert code == 3
    assert [(b["name"], b["code"]) for b in document["blocked"]] == [
        ("app-bot", "delete.protected")
    ]
    before = snapshot(database_url)
    result = apply(database_url, emptied, "--force", "--allow-empty")
    assert result.exit_code == 3, result.output
    assert snapshot(database_url) == before
    execute(database_url, "UPDATE profiles SET protected = false WHERE name = 'app-bot'")
    forced = apply(database_url, emptied, "--force", "--allow-empty")
    assert forced.exit_code == 0, forced.output
    assert "3 deleted" in forced.output  # app-bot, gpu-box and gpu, as --force shows
