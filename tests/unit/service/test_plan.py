"""``plan_config`` and ``unreadable``: a config planned against the database as it stands, read
only, and the one plan document a CI step can parse whatever happened."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from database_servers import READER_PASSWORD
from plan_values import brief

from reconciler.config import LoadedConfig, load_config
from reconciler.errors import DatabaseError
from reconciler.model import DatabaseState
from reconciler.planning.digest import config_digest, state_digest
from reconciler.schema_files import load_schema
from reconciler.service.plan import Planned, plan_config, unreadable
from reconciler.store import open_engine, read_state, upgrade
from reconciler.store.migrate import VERSION_TABLE
from tests.acceptance.database_snapshot import execute

VALIDATOR = jsonschema.Draft202012Validator(load_schema("plan.schema.json"))
UNREACHABLE = "postgresql://app:s3cret-pw@127.0.0.1:1/prod"
"""Nothing listens on port 1: opening it raises `DatabaseError` at once."""

CONFIG = """\
version: 1
providers:
  eu:
    type: anthropic
profiles:
  writer:
    provider: eu
    model: claude-new
"""


def load(tmp_path: Path, text: str = CONFIG) -> LoadedConfig:
    path = tmp_path / "reconcile.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config([str(path)])


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """An SQLite file at head holding provider ``eu`` and profile ``writer`` (model ``claude``),
    both owned by the config, and no canonical row."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = open_engine(url)
    upgrade(engine)
    engine.dispose()
    execute(
        url,
        "INSERT INTO providers (name, type, managed_by) VALUES ('eu', 'anthropic', 'config')",
        "INSERT INTO profiles (name, provider, model, managed_by)"
        " VALUES ('writer', 'eu', 'claude', 'config')",
    )
    yield url


def state_of(url: str) -> DatabaseState:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return read_state(connection)
    finally:
        engine.dispose()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_plan_is_made_against_the_rows_the_database_holds(
    tmp_path: Path, sqlite_url: str
) -> None:
    config = load(tmp_path)
    planned = plan_config(config, sqlite_url)
    assert ("update", "profile", "writer", "declared") in brief(planned.plan)
    assert ("create", "provider", "openai", "seed") in brief(planned.plan)
    assert not any(name == "eu" for _, _, name, _ in brief(planned.plan))  # in sync already
    writer = next(c for c in planned.document["changes"] if c["name"] == "writer")
    assert writer["diff"] == [
        {"field": "model", "before": "claude", "after": "claude-new"},
        {"field": "provider_connection", "before": None, "after": "eu-personal"},
    ]


def test_the_document_is_the_plan_with_where_and_what_it_was_made_from(
    tmp_path: Path, sqlite_url: str
) -> None:
    config = load(tmp_path)
    planned = plan_config(config, sqlite_url)
    document = planned.document
    VALIDATOR.validate(document)
    assert document["database"] == sqlite_url
    assert document["config_digest"] == config_digest(config)
    assert document["state_digest"] == state_digest(state_of(sqlite_url))
    assert document["summary"] == {
        "create": planned.plan.summary.create,
        "update": 1,
        "delete": 0,
        "blocked": 0,
    }
    assert [c["name"] for c in document["changes"]] == [c.name for c in planned.plan.changes]
    assert planned.read_database


def test_planning_never_writes_to_the_database(tmp_path: Path, sqlite_url: str) -> None:
    database = tmp_path / "app.db"
    before = file_digest(database)
    planned = plan_config(load(tmp_path), sqlite_url)
    assert planned.plan.has_changes
    assert file_digest(database) == before


def test_a_missing_sqlite_file_plans_as_empty_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    planned = plan_config(load(tmp_path), f"sqlite:///{missing}")
    assert not missing.exists()
    assert planned.read_database
    assert planned.document["state_digest"] == state_digest(DatabaseState())
    assert ("create", "provider", "eu", "declared") in brief(planned.plan)


def test_a_database_without_the_schema_plans_as_empty_and_stays_without_it(
    tmp_path: Path, empty_database_url: str
) -> None:
    planned = plan_config(load(tmp_path), empty_database_url)
    assert planned.document["state_digest"] == state_digest(DatabaseState())
    assert planned.plan.summary.create > 0
    engine = open_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == []
    finally:
        engine.dispose()


def test_a_read_only_user_plans_and_its_password_is_never_in_the_document(
    tmp_path: Path, database_url: str, reader_url: str
) -> None:
    planned = plan_config(load(tmp_path), reader_url)
    assert planned.read_database
    assert planned.plan.summary.create > 0
    assert READER_PASSWORD not in json.dumps(planned.document)


def test_an_invalid_config_is_not_planned_and_the_database_is_not_opened(tmp_path: Path) -> None:
    config = load(tmp_path, CONFIG.replace("type: anthropic", "type: anthropik"))
    steps: list[str] = []
    planned = plan_config(config, UNREACHABLE, force=True, progress=steps.append)
    assert steps == []
    assert not planned.read_database
    assert planned.plan.changes == () and planned.plan.blocked == ()
    assert planned.plan.problems == config.problems
    assert planned.plan.has_errors and planned.plan.force
    assert planned.document["state_digest"] is None
    assert planned.document["config_digest"] == config_digest(config)
    assert planned.document["database"] == "postgresql://app:***@127.0.0.1:1/prod"
    assert [p["code"] for p in planned.document["problems"]] == [p.code for p in config.problems]
    VALIDATOR.validate(planned.document)


def test_progress_is_told_each_step_in_order(tmp_path: Path, sqlite_url: str) -> None:
    steps: list[str] = []
    plan_config(load(tmp_path), sqlite_url, progress=steps.append)
    assert steps == ["reading the database", "planning"]


def test_force_reaches_the_plan(tmp_path: Path, sqlite_url: str) -> None:
    """``writer`` leaves the config while an external profile's connection still needs ``eu``."""
    execute(
        sqlite_url,
        "INSERT INTO provider_connections (name, provider, auth)"
        """ VALUES ('eu-key', 'eu', '{"type": "none"}')""",
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('theirs', 'eu', 'm', 'eu-key')",
    )
    config = load(tmp_path, "version: 1\n")
    guarded = plan_config(config, sqlite_url)
    assert [(b.kind, b.name, b.code) for b in guarded.plan.blocked] == [
        ("provider", "eu", "delete.referenced")
    ]
    forced = plan_config(config, sqlite_url, force=True)
    assert forced.plan.blocked == () and forced.plan.force
    deletes = {(c.kind, c.name, c.reason) for c in forced.plan.changes if c.action == "delete"}
    assert deletes == {
        ("provider", "eu", "removed"),
        ("connection", "eu-key", "force"),
        ("profile", "theirs", "force"),
        ("profile", "writer", "removed"),
    }


def test_config_warnings_and_plan_problems_are_each_listed_once(
    tmp_path: Path, sqlite_url: str
) -> None:
    text = CONFIG + (
        "    provider_connection: legacy\n"
        "connections:\n"
        "  sub:\n    provider: eu\n    auth: {type: oauth_subscription}\n"
    )
    config = load(tmp_path, text)
    assert {(p.code, p.level) for p in config.problems} == {
        ("ref.unknown-connection", "warning"),
        ("auth.unsupported", "warning"),
    }
    problems = plan_config(config, sqlite_url).plan.problems
    assert sorted((p.code, str(p.level), p.path) for p in problems) == [
        ("auth.unsupported", "warning", "connections.sub.auth.type"),
        ("ref.unknown-connection", "error", "profiles.writer.provider_connection"),
    ]
    execute(
        sqlite_url,
        """INSERT INTO provider_connections (name, provider, auth)"""
        """ VALUES ('legacy', 'eu', '{"type": "none"}')""",
    )
    codes = [p.code for p in plan_config(config, sqlite_url).plan.problems]
    assert codes == ["auth.unsupported"]  # the database holds legacy: the reference resolves


def test_an_unreachable_database_raises_database_error_without_its_password(
    tmp_path: Path,
) -> None:
    with pytest.raises(DatabaseError) as raised:
        plan_config(load(tmp_path), UNREACHABLE)
    assert "s3cret-pw" not in raised.value.message
    assert "127.0.0.1" in raised.value.message


def test_a_schema_from_a_newer_reconciler_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    execute(sqlite_url, f"UPDATE {VERSION_TABLE} SET version_num = '9999'")
    with pytest.raises(DatabaseError, match=r"revision 9999.*upgrade reconciler"):
        plan_config(load(tmp_path), sqlite_url)


def test_the_url_resolves_like_the_database_url_option(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_DATABASE_URL", sqlite_url)
    planned = plan_config(load(tmp_path))
    assert planned.document["database"] == sqlite_url
    assert ("update", "profile", "writer", "declared") in brief(planned.plan)


# -- unreadable -----------------------------------------------------------------------------------


def test_an_unreadable_database_is_one_problem_after_the_configs_own(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        CONFIG + "connections:\n  sub:\n    provider: eu\n    auth: {type: oauth_subscription}\n",
    )
    planned = unreadable(config, UNREACHABLE, DatabaseError("database server unreachable at x"))
    assert isinstance(planned, Planned)
    assert [(p.code, p.message) for p in planned.plan.problems] == [
        ("auth.unsupported", config.problems[0].message),
        ("database.unreadable", "database server unreachable at x"),
    ]
    assert planned.plan.changes == () and not planned.read_database
    assert planned.document["database"] == "postgresql://app:***@127.0.0.1:1/prod"
    assert planned.document["config_digest"] == config_digest(config)
    VALIDATOR.validate(planned.document)


def test_rows_that_could_not_be_read_are_listed_each(tmp_path: Path, sqlite_url: str) -> None:
    execute(
        sqlite_url,
        "INSERT INTO provider_connections (name, provider, auth) VALUES ('a', 'eu', 'null')",
        "INSERT INTO provider_connections (name, provider, auth) VALUES ('b', 'eu', 'no json')",
    )
    config = load(tmp_path)
    with pytest.raises(DatabaseError) as raised:
        plan_config(config, sqlite_url)
    planned = unreadable(config, sqlite_url, raised.value)
    assert [(p.code, p.path) for p in planned.plan.problems] == [
        ("state.unreadable", "provider_connections.a.auth"),
        ("state.unreadable", "provider_connections.b.auth"),
    ]
    assert planned.plan.problems == raised.value.problems
    assert planned.document["state_digest"] is None
    VALIDATOR.validate(planned.document)
