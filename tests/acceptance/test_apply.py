"""``reconcile apply -f … --yes`` and ``reconcile history`` on every backend, through the CLI."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.store import open_engine
from reconciler.store.lock import locked_transaction
from tests.acceptance.database_snapshot import execute, journal, scalar, snapshot

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
  default:
    provider: eu
    model: claude-sonnet-4-6
    provider_connection: eu-key
  quick:
    provider: openai
    model: gpt-5-mini
"""


def reconcile(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def write(tmp_path: Path, text: str, name: str = "reconcile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def apply(url: str, config: str, *extra: str, env: dict[str, str] | None = None) -> Result:
    return reconcile("apply", "-f", config, "--yes", "--database-url", url, *extra, env=env)


def test_apply_creates_then_a_second_apply_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    config = write(tmp_path, CONFIG)
    first = apply(database_url, config)
    assert first.exit_code == 0, first.output
    assert "Apply complete: 13 created, 0 updated, 0 deleted. Journal entry #" in first.output
    assert scalar(
        database_url, "SELECT provider_connection FROM profiles WHERE name = 'quick'"
    ) == ("openai-personal")
    before = snapshot(database_url)
    second = apply(database_url, config)
    assert second.exit_code == 0, second.output
    assert "No changes: the database already matches the config." in second.output
    after = snapshot(database_url)
    for table in ("providers", "provider_connections", "profiles"):
        assert after[table] == before[table]
    entries = journal(database_url)
    assert len(entries) == 2
    assert entries[1]["summary"] == {"create": 0, "update": 0, "delete": 0, "blocked": 0}
    assert entries[1]["state_before"] == entries[0]["state_after"] == entries[1]["state_after"]


def test_managed_by_follows_the_reason(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('eu', 'openai')",
    )
    assert apply(database_url, write(tmp_path, CONFIG)).exit_code == 0
    owners = dict(owner_rows(database_url, "providers") + owner_rows(database_url, "profiles"))
    assert owners == {
        "anthropic": "seed",
        "gemini": "seed",
        "ollama": "seed",
        "openai": "seed",
        "eu": "config",  # adopted
        "default": "config",
        "quick": "config",
    }
    connections = dict(owner_rows(database_url, "provider_connections"))
    assert connections["openai-personal"] == "backfill"
    assert connections["eu-key"] == "config"
    assert connections["openai-managed"] == "seed"


def owner_rows(url: str, table: str) -> list[tuple[str, str | None]]:
    engine = open_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT name, managed_by FROM {table}")).all()
    engine.dispose()
    return [(name, owner) for name, owner in rows]


def test_without_a_terminal_and_without_yes_nothing_happens(
    database_url: str, tmp_path: Path
) -> None:
    before = snapshot(database_url)
    result = reconcile("apply", "-f", write(tmp_path, CONFIG), "--database-url", database_url)
    assert result.exit_code == 1
    assert "refusing to apply without --yes" in result.output
    assert snapshot(database_url) == before


def test_a_blocked_plan_exits_3_and_writes_nothing(database_url: str, tmp_path: Path) -> None:
    assert apply(database_url, write(tmp_path, CONFIG)).exit_code == 0
    execute(
        database_url,
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('legacy-bot', 'eu', 'm', 'eu-key')",
    )
    before = snapshot(database_url)
    result = apply(database_url, write(tmp_path, "version: 1\n", "empty.yaml"))
    assert result.exit_code == 3, result.output
    assert "blocked" in result.output
    assert "legacy-bot" in result.output
    assert snapshot(database_url) == before


def test_an_unknown_reference_is_located_and_exits_1(database_url: str, tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "version: 1\nprofiles:\n  bot:\n    provider: openai\n    model: m\n"
        "    provider_connection: nowhere\n",
    )
    result = apply(database_url, config)
    assert result.exit_code == 1
    assert f"{config}:6:26: error [ref.unknown-connection]" in result.output
    assert snapshot(database_url)["reconcile_journal"] == []


def test_an_invalid_config_touches_no_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    result = apply(url, write(tmp_path, "version: 2\n"))
    assert result.exit_code == 1
    assert result.output.count("[schema.const]") == 1  # each problem shown once
    assert not (tmp_path / "never.db").exists()


def test_apply_creates_the_schema_of_an_empty_database(
    empty_database_url: str, tmp_path: Path
) -> None:
    result = apply(empty_database_url, write(tmp_path, CONFIG))
    assert result.exit_code == 0, result.output
    assert len(journal(empty_database_url)) == 1


def test_a_lock_held_elsewhere_times_out_naming_the_lock(database_url: str, tmp_path: Path) -> None:
    config = write(tmp_path, CONFIG)
    engine = open_engine(database_url)
    with locked_transaction(engine, 5):
        result = apply(database_url, config, "--lock-timeout", "0.5")
    engine.dispose()
    assert result.exit_code == 1
    assert "timed out after 0.5s waiting for the reconciler lock" in result.output
    assert snapshot(database_url)["profiles"] == []


def test_a_waiting_apply_goes_ahead_once_the_lock_is_free(
    database_url: str, tmp_path: Path
) -> None:
    config = write(tmp_path, CONFIG)
    engine = open_engine(database_url)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with locked_transaction(engine, 5):
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    threading.Timer(0.5, release.set).start()
    result = apply(database_url, config, "--lock-timeout", "10")
    holder.join()
    engine.dispose()
    assert result.exit_code == 0, result.output


def test_actor_comes_from_the_option_else_the_environment(
    database_url: str, tmp_path: Path
) -> None:
    config = write(tmp_path, CONFIG)
    assert apply(database_url, config, "--actor", "deploy-42").exit_code == 0
    assert apply(database_url, config, env={"RECONCILE_ACTOR": "ci-bot"}).exit_code == 0
    assert [entry["actor"] for entry in journal(database_url)] == ["deploy-42", "ci-bot"]


def test_history_lists_entries_newest_first(database_url: str, tmp_path: Path) -> None:
    config = write(tmp_path, CONFIG)
    apply(database_url, config, "--actor", "first")
    apply(database_url, config, "--actor", "second")
    result = reconcile("history", "--database-url", database_url, "--format", "json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert [entry["actor"] for entry in entries] == ["second", "first"]
    assert all("plan" not in entry for entry in entries)
    assert entries[1]["summary"]["create"] == 13
    assert entries[0]["state_before"] == entries[1]["state_after"]
    limited = reconcile(
        "history", "--database-url", database_url, "--format", "json", "--limit", "1", "--plan"
    )
    (entry,) = json.loads(limited.output)
    assert entry["actor"] == "second"
    assert entry["plan"]["summary"] == entry["summary"]
    text = reconcile("history", "--database-url", database_url)
    assert text.output.index("by second") < text.output.index("by first")


def test_history_points_out_a_break_in_the_chain(database_url: str, tmp_path: Path) -> None:
    config = write(tmp_path, CONFIG)
    apply(database_url, config)
    execute(database_url, "UPDATE profiles SET model = 'edited' WHERE name = 'default'")
    apply(database_url, config)
    result = reconcile("history", "--database-url", database_url)
    assert "the database changed outside reconcile since #" in result.output


def test_history_of_a_database_never_applied_to(empty_database_url: str) -> None:
    if empty_database_url.startswith("sqlite"):  # an empty file: a missing one is an error
        Path(sa.make_url(empty_database_url).database or "").touch()
    result = reconcile("history", "--database-url", empty_database_url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_history_of_a_missing_sqlite_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = reconcile("history", "--database-url", "sqlite:///typo.db")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: no SQLite database at {tmp_path / 'typo.db'}: the file does not exist\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [["plan.json", "-f", "x.yaml"], ["plan.json", "--force"]],
    ids=["planfile-and-file", "planfile-and-force"],
)
def test_a_plan_file_takes_no_file_and_no_force(args: list[str]) -> None:
    result = reconcile("apply", *args)
    assert result.exit_code == 64
    assert "PLANFILE is applied as it was planned" in result.output


def test_the_lock_timeout_default_is_the_lock_modules() -> None:
    from reconciler.cli.options import DEFAULT_LOCK_TIMEOUT
    from reconciler.store.lock import DEFAULT_TIMEOUT

    assert DEFAULT_LOCK_TIMEOUT == DEFAULT_TIMEOUT
