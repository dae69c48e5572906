"""Secrets already in the database never leave it: plans, plan files, the journal and history.

Every test runs the real CLI on every backend against rows an earlier tool (or an admin) wrote
with plain SQL: a connection whose ``auth.credential`` is a key itself, and a profile whose
``system_prompt`` quotes one.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.secrets import REDACTED
from reconciler.store import open_engine
from tests.acceptance.database_snapshot import execute, scalar

KEY = "sk-proj-Zx8Qw2Lm9Rt4Vb7Nc1Kp6Hs3Jd5Fg0Ya"
OTHER_KEY = "sk-proj-Ab3Cd5Ef7Gh9Ij1Kl2Mn4Op6Qr8St0Uv"
PROMPT_KEY = "sk-ant-Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc"

CONFIG = """\
version: 1
connections:
  legacy-key:
    provider: openai
    auth: {type: api_key, credential: vault/x}
profiles:
  writer:
    provider: openai
    model: gpt-5-mini
    provider_connection: legacy-key
"""


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def insert_secrets(url: str, key: str = KEY) -> None:
    """The legacy rows, by plain SQL: a key as the credential, another one in a prompt."""
    auth = json.dumps({"type": "api_key", "credential": key})
    execute(
        url,
        "INSERT INTO providers (name, type) VALUES ('openai', 'openai')",
        "INSERT INTO provider_connections (name, provider, auth) VALUES"
        " ('legacy-key', 'openai', :auth)",
        "INSERT INTO profiles (name, provider, model, system_prompt) VALUES"
        " ('old-bot', 'openai', 'gpt-4', :prompt)",
        params={"auth": auth, "prompt": f"You are helpful.\nUse {PROMPT_KEY} for search.\n"},
    )


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in (KEY, OTHER_KEY, PROMPT_KEY):
            assert secret not in text
            assert secret[8:30] not in text  # not even a part of it


def journal_columns(url: str) -> str:
    """Every column of every journal row, as the database returns it."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT * FROM reconcile_journal")).all()
    finally:
        engine.dispose()
    assert rows
    return repr([tuple(row) for row in rows])


def test_plans_in_every_format_show_database_secrets_redacted(
    database_url: str, tmp_path: Path
) -> None:
    insert_secrets(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    outputs = {}
    for output in ("text", "markdown", "json"):
        result = reconcile(
            "plan", "-f", str(config), "--database-url", database_url, "--format", output
        )
        assert result.exit_code == 0, result.output
        assert_no_secret(result.stdout, result.stderr)
        outputs[output] = result.stdout
    assert f"auth.credential: {REDACTED} -> vault/x" in outputs["text"]
    assert f"auth.credential: {REDACTED} -> vault/x" in outputs["markdown"]
    document = json.loads(outputs["json"])
    (adopt,) = [c for c in document["changes"] if c["name"] == "legacy-key"]
    assert adopt["before"]["auth"] == {"type": "api_key", "credential": REDACTED}
    assert adopt["diff"] == [{"field": "auth.credential", "before": REDACTED, "after": "vault/x"}]
    (backfill,) = [c for c in document["changes"] if c["name"] == "old-bot"]
    prompt = f"You are helpful.\nUse {REDACTED} for search.\n"
    assert backfill["before"]["system_prompt"] == backfill["after"]["system_prompt"] == prompt


def test_plan_file_apply_journal_and_history_hold_no_secret(
    database_url: str, tmp_path: Path
) -> None:
    insert_secrets(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    planned = reconcile(
        "plan", "-f", str(config), "--database-url", database_url, "--out", str(plan_file)
    )
    assert planned.exit_code == 0, planned.output
    saved = plan_file.read_text(encoding="utf-8")
    assert REDACTED in saved
    applied = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert applied.exit_code == 0, applied.output  # the redacted plan equals the recomputed one
    assert "Apply complete" in applied.stdout
    credential = scalar(
        database_url, "SELECT auth FROM provider_connections WHERE name = 'legacy-key'"
    )
    assert "vault/x" in str(credential)
    histories = [
        reconcile("history", "--database-url", database_url, *flags)
        for flags in ((), ("--plan",), ("--format", "json"), ("--format", "json", "--plan"))
    ]
    assert all(result.exit_code == 0 for result in histories)
    assert REDACTED in histories[3].stdout
    assert_no_secret(
        saved,
        planned.stdout,
        planned.stderr,
        applied.stdout,
        applied.stderr,
        journal_columns(database_url),
        *(result.stdout + result.stderr for result in histories),
    )


def test_apply_with_yes_journals_no_secret(database_url: str, tmp_path: Path) -> None:
    insert_secrets(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    result = reconcile("apply", "-f", str(config), "--database-url", database_url, "--yes")
    assert result.exit_code == 0, result.output
    assert_no_secret(result.stdout, result.stderr, journal_columns(database_url))


def test_a_secret_replaced_between_plan_and_apply_is_overwritten_by_the_reviewed_value(
    database_url: str, tmp_path: Path
) -> None:
    """Both secrets redact alike, so the plan still holds: harmless, since the apply writes the
    credential the reviewer saw (the config's), whatever key the row held."""
    insert_secrets(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    planned = reconcile(
        "plan", "-f", str(config), "--database-url", database_url, "--out", str(plan_file)
    )
    assert planned.exit_code == 0, planned.output
    other = json.dumps({"type": "api_key", "credential": OTHER_KEY})
    execute(
        database_url,
        "UPDATE provider_connections SET auth = :auth WHERE name = 'legacy-key'",
        params={"auth": other},
    )
    applied = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert applied.exit_code == 0, applied.output
    auth = scalar(database_url, "SELECT auth FROM provider_connections WHERE name = 'legacy-key'")
    auth = json.loads(auth) if isinstance(auth, str) else auth
    assert auth == {"type": "api_key", "credential": "vault/x"}
    assert_no_secret(applied.stdout, applied.stderr, journal_columns(database_url))


def test_a_secret_replaced_by_a_plain_value_makes_the_plan_stale(
    database_url: str, tmp_path: Path
) -> None:
    insert_secrets(database_url)
    config = tmp_path / "reconcile.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    planned = reconcile(
        "plan", "-f", str(config), "--database-url", database_url, "--out", str(plan_file)
    )
    assert planned.exit_code == 0, planned.output
    plain = json.dumps({"type": "api_key", "credential": "credential/legacy"})
    execute(
        database_url,
        "UPDATE provider_connections SET auth = :auth WHERE name = 'legacy-key'",
        params={"auth": plain},
    )
    applied = reconcile("apply", str(plan_file), "--database-url", database_url)
    assert applied.exit_code == 4, applied.output
    assert f"'{REDACTED}'" in applied.stderr and "credential/legacy" in applied.stderr
    assert_no_secret(applied.stdout, applied.stderr)


def test_history_redacts_a_plan_an_older_version_journaled_whole(database_url: str) -> None:
    plan = {
        "changes": [{"kind": "connection", "name": "k", "before": {"auth": {"credential": KEY}}}]
    }
    execute(
        database_url,
        "INSERT INTO reconcile_journal (applied_at, actor, tool_version, config_digest,"
        " state_before, state_after, summary, plan) VALUES (CURRENT_TIMESTAMP, 'old', '0.0.1',"
        " 'sha256:c', 'sha256:a', 'sha256:b', :summary, :plan)",
        params={"summary": json.dumps({"update": 1}), "plan": json.dumps(plan)},
    )
    for flags in (("--plan",), ("--format", "json", "--plan")):
        result = reconcile("history", "--database-url", database_url, *flags)
        assert result.exit_code == 0, result.output
        assert REDACTED in result.stdout
        assert_no_secret(result.stdout, result.stderr)
