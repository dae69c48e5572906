"""``reconcile apply PLANFILE``, and interactive ``apply -f``: only what was reviewed is applied."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

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
  writer:
    provider: eu
    model: claude-sonnet-4-6
    provider_connection: eu-key
  quick:
    provider: openai
    model: gpt-5-mini
"""


def reconcile(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def save_plan(tmp_path: Path, url: str, text: str = CONFIG, *, force: bool = False) -> Path:
    """A plan file written by ``reconcile plan --out`` for ``text`` against ``url``."""
    config_path = tmp_path / "reconcile.yaml"
    config_path.write_text(text, encoding="utf-8")
    plan_path = tmp_path / "plan.json"
    flags = ["--force"] if force else []
    result = reconcile(
        "plan", "-f", str(config_path), "--database-url", url, "--out", str(plan_path), *flags
    )
    assert result.exit_code in (0, 3), result.output  # a blocked plan is saved too
    config_path.unlink()  # the deploy has the plan, not the config
    return plan_path


def test_a_saved_plan_applies_without_its_config_file(database_url: str, tmp_path: Path) -> None:
    plan = save_plan(tmp_path, database_url)
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert "Apply complete: 13 created" in result.output
    (entry,) = journal(database_url)
    saved = json.loads(plan.read_text(encoding="utf-8"))
    assert entry["config_digest"] == saved["config_digest"]
    assert entry["plan"]["changes"] == saved["changes"]


def test_a_saved_plan_is_stale_once_a_row_it_touches_changed(
    database_url: str, tmp_path: Path
) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('openai', 'openai')",
        "INSERT INTO profiles (name, provider, model) VALUES ('quick', 'openai', 'old')",
    )
    plan = save_plan(tmp_path, database_url)
    execute(database_url, "UPDATE profiles SET model = 'edited' WHERE name = 'quick'")
    before = snapshot(database_url)
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 4, result.output
    assert "plan.stale" in result.output
    assert (
        "profile quick: the database row changed since the plan was made: model: 'old' -> 'edited'"
        in result.output
    )
    assert snapshot(database_url) == before


def test_a_saved_plan_is_stale_when_a_change_appears(database_url: str, tmp_path: Path) -> None:
    plan = save_plan(tmp_path, database_url)
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('eu', 'openai')",
    )
    before = snapshot(database_url)
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 4, result.output
    assert "provider eu: the reviewed plan would create it (declared)" in result.output
    assert snapshot(database_url) == before


def test_a_saved_plan_still_applies_after_an_unrelated_row_changed(
    database_url: str, tmp_path: Path
) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('lab', 'ollama')",
        "INSERT INTO provider_connections (name, provider, auth)"
        """ VALUES ('lab-local', 'lab', '{"type": "none"}')""",
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('side', 'lab', 'llama3', 'lab-local')",
    )
    plan = save_plan(tmp_path, database_url)
    execute(database_url, "UPDATE profiles SET model = 'llama4' WHERE name = 'side'")
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert scalar(database_url, "SELECT model FROM profiles WHERE name = 'side'") == "llama4"
    assert len(journal(database_url)) == 1


def test_a_saved_plan_keeps_the_force_it_was_made_with(database_url: str, tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    first.write_text(CONFIG, encoding="utf-8")
    assert (
        reconcile("apply", "-f", str(first), "--yes", "--database-url", database_url).exit_code == 0
    )
    execute(
        database_url,
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('legacy', 'eu', 'm', 'eu-key')",
    )
    unforced = save_plan(tmp_path, database_url, "version: 1\n")
    assert reconcile("apply", str(unforced), "--database-url", database_url).exit_code == 3
    forced = save_plan(tmp_path, database_url, "version: 1\n", force=True)
    result = reconcile("apply", str(forced), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert scalar(database_url, "SELECT count(*) FROM profiles WHERE name = 'legacy'") == 0


def test_a_file_that_is_not_a_plan_is_refused(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": 1}', encoding="utf-8")
    result = reconcile("apply", str(path), "--database-url", database_url)
    assert result.exit_code == 1
    assert "not a plan file from `reconcile plan --out`" in result.output
    missing = reconcile("apply", str(tmp_path / "nope.json"), "--database-url", database_url)
    assert missing.exit_code == 1
    assert "cannot read the plan file" in missing.output


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reconciler.cli.apply._interactive", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_interactive_apply_shows_the_plan_and_asks(database_url: str, tmp_path: Path) -> None:
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    declined = reconcile("apply", "-f", str(config), "--database-url", database_url, input="n\n")
    assert declined.exit_code == 1
    assert "+ writer" in declined.output
    assert "Apply these changes? [y/N]" in declined.output
    assert "apply cancelled; nothing was changed" in declined.output
    assert snapshot(database_url)["profiles"] == []
    accepted = reconcile("apply", "-f", str(config), "--database-url", database_url, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert len(journal(database_url)) == 1


@pytest.mark.usefixtures("terminal")
def test_interactive_apply_rechecks_the_plan_it_showed(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")

    def someone_else_writes_then_yes(*_args: object, **_kwargs: object) -> bool:
        execute(database_url, "INSERT INTO providers (name, type) VALUES ('eu', 'gemini')")
        return True

    monkeypatch.setattr(click, "confirm", someone_else_writes_then_yes)
    result = reconcile("apply", "-f", str(config), "--database-url", database_url)
    assert result.exit_code == 4, result.output
    assert scalar(database_url, "SELECT count(*) FROM profiles") == 0


def test_a_saved_plan_is_refused_by_another_database(database_url: str, tmp_path: Path) -> None:
    plan = save_plan(tmp_path, database_url)
    elsewhere = tmp_path / "elsewhere.db"
    result = reconcile("apply", str(plan), "--database-url", f"sqlite:///{elsewhere}")
    assert result.exit_code == 1
    assert "was planned against" in result.output
    assert "refusing to apply it to another database" in result.output
    assert not elsewhere.exists()
    assert journal(database_url) == []


def test_a_saved_plan_shows_the_problems_that_refuse_it(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('ext', 'openai')",
        "INSERT INTO provider_connections (name, provider, auth)"
        """ VALUES ('ext-key', 'ext', '{"type": "none"}')""",
    )
    text = "version: 1\nprofiles:\n  bot: {provider: ext, model: m, provider_connection: ext-key}\n"
    plan = save_plan(tmp_path, database_url, text)
    execute(database_url, "DELETE FROM provider_connections WHERE name = 'ext-key'")
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 1
    assert f"{plan}:1:1: error [ref.unknown-connection]" in result.output
    assert "(at config.profiles.bot.provider_connection)" in result.output
    assert journal(database_url) == []


def tamper(plan: Path, edit: Callable[[dict[str, Any]], object]) -> None:
    """Edit a saved plan file as someone between review and deploy could."""
    document = json.loads(plan.read_text(encoding="utf-8"))
    edit(document)
    plan.write_text(json.dumps(document), encoding="utf-8")


def refused(database_url: str, plan: Path) -> str:
    """Apply ``plan``, which must be refused with exit 1 before the database is touched."""
    before = snapshot(database_url)
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 1, result.output
    assert "unexpected failure" not in result.output
    assert "Traceback" not in result.output
    assert snapshot(database_url) == before
    return result.output


QUICK = {"provider": "openai", "model": "gpt-5-mini"}
OPENAI_KEY = "sk-proj-" + "Zq3vX9kLmP2wRt7YbN4cHs8JdF6gQa1E" * 2


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["config"]["profiles"]["writer"].update(temperature=99),
            "error [schema.maximum] 99 is more than the maximum of 2"
            " (at config.profiles.writer.temperature)",
        ),
        (
            lambda d: d["config"]["profiles"]["writer"].update(label=OPENAI_KEY),
            "error [secret.inline] this looks like an API key (sk-…: OpenAI, DeepSeek and others)",
        ),
        (
            lambda d: d["config"]["profiles"].update({"Bad Name": QUICK}),
            "error [schema.propertyNames] name 'Bad Name' is not a lowercase DNS label",
        ),
        (
            lambda d: d["config"]["profiles"]["writer"].update(provider="nowhere"),
            "error [ref.provider-mismatch]",
        ),
        (
            lambda d: d["config"]["connections"]["eu-key"]["auth"].pop("credential"),
            "error [auth.credential-required]",
        ),
    ],
    ids=["schema", "secret", "name", "reference", "auth"],
)
def test_a_tampered_saved_config_is_checked_like_a_config_file(
    database_url: str, tmp_path: Path, edit: Callable[[dict[str, Any]], object], expected: str
) -> None:
    plan = save_plan(tmp_path, database_url)
    tamper(plan, edit)
    output = refused(database_url, plan)
    assert f"{plan}:1:1: {expected}" in output
    assert OPENAI_KEY not in output
    assert "the plan file has 1 error(s); nothing was applied" in output


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("database"), "error [plan.schema] 'database' is a required property"),
        (
            lambda d: d.pop("instance_id"),
            "error [plan.schema] 'instance_id' is a required property",
        ),
        (
            lambda d: d.update(changes=[{"x": 1}]),
            "error [plan.schema] 'kind' is a required property (at changes[0])",
        ),
        (lambda d: d.update(changes=[None]), "None is not of type 'object' (at changes[0])"),
        (lambda d: d.update(blocked=None), "None is not of type 'array' (at blocked)"),
        (lambda d: d.update(force="yes"), "'yes' is not of type 'boolean' (at force)"),
        (lambda d: d.pop("force"), "error [plan.schema] 'force' is a required property"),
        (
            lambda d: d["changes"][0].update(action="drop"),
            "error [plan.schema] 'drop' is not one of",
        ),
    ],
    ids=[
        "no-database",
        "no-instance-id",
        "change-shape",
        "null-change",
        "null-blocked",
        "force",
        "no-force",
        "enum",
    ],
)
def test_a_tampered_plan_is_refused_by_the_plan_schema(
    database_url: str, tmp_path: Path, edit: Callable[[dict[str, Any]], object], expected: str
) -> None:
    plan = save_plan(tmp_path, database_url)
    tamper(plan, edit)
    output = refused(database_url, plan)
    assert f"{plan}:1:1: " in output
    assert expected in output


def test_the_database_url_a_plan_shows_is_for_reading_only(
    database_url: str, tmp_path: Path
) -> None:
    """Plans name their database by its instance id (test_apply_saved_plan_identity.py); the URL
    is for people, and a plan file whose URL was edited applies all the same."""
    plan = save_plan(tmp_path, database_url)
    tamper(plan, lambda d: d.update(database="::not a url::"))
    result = reconcile("apply", str(plan), "--database-url", database_url)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "not a plan file (not JSON: Expecting value"),
        ('{"format_version": 1, "config": {', "not a plan file (not JSON:"),
        ("[1, 2]", "not a plan file from `reconcile plan --out`"),
        ('{"format_version": 2, "config": {}}', "unsupported plan format_version 2 (expected 1)"),
        ('{"format_version": "1", "config": {}}', "unsupported plan format_version '1'"),
        ('{"format_version": true, "config": {}}', "unsupported plan format_version True"),
        ('{"format_version": 1, "config": {"a": NaN}}', "not JSON: NaN is not a JSON number"),
        ("[" * 100_000, "not a plan file (not JSON: it nests too deeply)"),
        ('{"format_version": 1, "config": {"a": 1' + "0" * 5000 + "}}", "integer of 5001 digits"),
    ],
    ids=["empty", "truncated", "a-list", "v2", "v-string", "v-true", "nan", "deep", "long-int"],
)
def test_a_plan_file_that_is_no_plan_is_a_clear_error(
    database_url: str, tmp_path: Path, text: str, expected: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(text, encoding="utf-8")
    output = refused(database_url, plan)
    assert f"{plan}:1:1: error [plan.file] " in output
    assert expected in output


def test_a_truncated_plan_file_is_refused(database_url: str, tmp_path: Path) -> None:
    plan = save_plan(tmp_path, database_url)
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "error [plan.file] not a plan file (not JSON:" in refused(database_url, plan)


@pytest.mark.parametrize("kind", ["folder", "fifo", "binary", "through-a-file", "dangling-link"])
def test_a_plan_file_that_cannot_be_read_is_a_located_error(
    database_url: str, tmp_path: Path, kind: str
) -> None:
    plan = unreadable(tmp_path, kind)
    output = refused(database_url, plan)
    assert f"{plan}:1:1: error [plan.file]" in output


def unreadable(tmp_path: Path, kind: str) -> Path:
    """A path that no test, even as root, can read a file from."""
    path = tmp_path / "plan.json"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01binary")
    elif kind == "through-a-file":
        path.write_text("{}", encoding="utf-8")
        path = path / "plan.json"
    else:
        path.symlink_to(tmp_path / "nowhere.json")
    return path


def test_an_empty_planfile_argument_is_a_usage_error(database_url: str) -> None:
    result = reconcile("apply", "", "--database-url", database_url)
    assert result.exit_code == 64
    assert "an empty PLANFILE names no file" in result.output


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def positions(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and index path in ``value`` below the top."""
    found = [path] if path else []
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.extend(positions(item, (*path, key)))
    return found


def test_a_plan_file_with_any_value_anywhere_never_fails_unexpectedly(
    database_url: str, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, database_url)
    original = json.loads(plan.read_text(encoding="utf-8"))

    @settings(max_examples=25, deadline=None)
    @given(st.sampled_from(positions(original)), JSON_VALUES)
    def apply_edited(path: tuple[Any, ...], value: Any) -> None:
        document = json.loads(json.dumps(original))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
        plan.write_text(json.dumps(document), encoding="utf-8")
        before = snapshot(database_url)
        result = reconcile("apply", str(plan), "--database-url", database_url)
        assert "unexpected failure" not in result.output
        assert result.exit_code in (0, 1, 4), result.output
        if result.exit_code:
            assert snapshot(database_url) == before

    apply_edited()
