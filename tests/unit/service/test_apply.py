"""The apply service: one transaction under the lock that writes the plan and one journal row, or
nothing at all; refusals as the library's error types, in the order of DESIGN §8."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from plan_values import brief, config, prof, prov

from reconciler._version import __version__
from reconciler.config import LoadedConfig, load_config
from reconciler.errors import (
    BlockedError,
    ConfigError,
    DatabaseError,
    LockTimeout,
    ReconcileError,
    StaleError,
    UsageError,
)
from reconciler.model import DatabaseState
from reconciler.planning.digest import config_digest, state_digest
from reconciler.render.json import summary_image
from reconciler.service import apply as apply_module
from reconciler.service.apply import (
    ACTOR_VARIABLE,
    Applied,
    ApplyOptions,
    Reviewed,
    actor_name,
    apply_config,
    apply_plan,
    apply_saved_plan,
)
from reconciler.service.plan import plan_config
from reconciler.service.planfile import SavedPlan, read_plan_file, write_plan_file
from reconciler.store import open_engine, read_state
from reconciler.store.lock import locked_transaction
from reconciler.store.tables import ACTOR_LENGTH
from tests.acceptance import triggers
from tests.acceptance.database_snapshot import execute, journal, snapshot

ACTOR = ApplyOptions(actor="deploy-7")

CONFIG = """\
version: 1
providers:
  eu:
    type: anthropic
profiles:
  writer:
    provider: eu
    model: claude
"""


def load(tmp_path: Path, text: str = CONFIG, name: str = "reconcile.yaml") -> LoadedConfig:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_config([str(path)])


def with_model(model: str) -> str:
    return CONFIG.replace("model: claude", f"model: {model}")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A real SQLite file in ``tmp_path`` that does not exist yet: apply creates and upgrades it."""
    return f"sqlite:///{tmp_path / 'app.db'}"


def state_of(url: str) -> DatabaseState:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return read_state(connection)
    finally:
        engine.dispose()


def rows_only(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The snapshot without the journal."""
    return {table: rows for table, rows in snapshot(url).items() if table != "reconcile_journal"}


# -- actor ----------------------------------------------------------------------------------------


def test_the_actor_is_the_option_else_the_variable_else_the_os_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(apply_module.getpass, "getuser", lambda: "os-user")
    assert actor_name("cli", {ACTOR_VARIABLE: "env"}) == "cli"
    assert actor_name(None, {ACTOR_VARIABLE: "env"}) == "env"
    assert actor_name("", {ACTOR_VARIABLE: "env"}) == "env"
    assert actor_name(None, {ACTOR_VARIABLE: ""}) == "os-user"
    assert actor_name(None, {}) == "os-user"


def test_without_a_login_name_the_actor_is_the_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise KeyError("getpwuid(): uid not found")

    monkeypatch.setattr(apply_module.getpass, "getuser", no_user)
    assert actor_name(None, {}) == f"uid:{apply_module.os.getuid()}"


@pytest.mark.parametrize(
    ("option", "environ", "source"),
    [
        ("x" * (ACTOR_LENGTH + 1), {}, "--actor"),
        ("deploy\n::error::x", {}, "--actor"),
        (None, {ACTOR_VARIABLE: "a\x1b[2Jb"}, "$RECONCILE_ACTOR"),
    ],
)
def test_an_actor_the_journal_cannot_hold_is_a_usage_error_naming_its_source(
    option: str | None, environ: dict[str, str], source: str
) -> None:
    with pytest.raises(UsageError, match=f"the actor \\({source.replace('$', '[$]')}\\)") as raised:
        actor_name(option, environ)
    assert raised.value.exit_code == 64
    assert "\n" not in raised.value.message and "\x1b" not in raised.value.message
    assert actor_name("x" * ACTOR_LENGTH, {}) == "x" * ACTOR_LENGTH


def test_a_bad_actor_is_refused_before_the_database_is_touched(
    tmp_path: Path, sqlite_url: str
) -> None:
    with pytest.raises(UsageError):
        apply_config(load(tmp_path), sqlite_url, ApplyOptions(actor="a\tb"))
    assert not (tmp_path / "app.db").exists()


# -- what an apply returns and writes -------------------------------------------------------------


def test_an_apply_writes_the_plan_and_returns_what_it_did(tmp_path: Path, sqlite_url: str) -> None:
    config = load(tmp_path)
    applied = apply_config(config, sqlite_url, ACTOR)
    assert isinstance(applied, Applied)
    assert ("create", "profile", "writer", "declared") in brief(applied.plan)
    assert applied.state_before == state_digest(DatabaseState())
    assert applied.state_after == state_digest(state_of(sqlite_url))
    assert applied.context.database == sqlite_url
    assert applied.context.config_digest == config_digest(config)
    assert applied.context.state_digest == applied.state_before
    assert applied.document["database"] == sqlite_url
    assert applied.document["state_digest"] == applied.state_before
    assert applied.document["summary"] == summary_image(applied.plan.summary)
    assert [c["name"] for c in applied.document["changes"]] == [
        c.name for c in applied.plan.changes
    ]
    assert plan_config(config, sqlite_url).plan.changes == ()  # converged


def test_an_apply_journals_one_row_of_who_what_and_the_states_it_chains(
    tmp_path: Path, sqlite_url: str
) -> None:
    config = load(tmp_path)
    applied = apply_config(config, sqlite_url, ACTOR)
    (entry,) = journal(sqlite_url)
    assert entry["id"] == applied.journal_id
    assert entry["actor"] == "deploy-7"
    assert entry["tool_version"] == __version__
    assert entry["config_digest"] == config_digest(config)
    assert (entry["state_before"], entry["state_after"]) == (
        applied.state_before,
        applied.state_after,
    )
    assert entry["summary"] == summary_image(applied.plan.summary)
    assert entry["plan"] == json.loads(json.dumps(applied.document))


def test_a_no_op_apply_writes_nothing_but_one_journal_row(tmp_path: Path, sqlite_url: str) -> None:
    config = load(tmp_path)
    first = apply_config(config, sqlite_url, ACTOR)
    rows = rows_only(sqlite_url)
    again = apply_config(config, sqlite_url, ACTOR)
    assert again.plan.changes == () and again.plan.blocked == ()
    assert rows_only(sqlite_url) == rows
    entries = journal(sqlite_url)
    assert [e["id"] for e in entries] == [first.journal_id, again.journal_id]
    assert again.journal_id > first.journal_id
    assert entries[1]["summary"] == {"create": 0, "update": 0, "delete": 0, "blocked": 0}
    assert again.state_before == again.state_after == first.state_after


def test_the_next_apply_sees_the_previous_ones_result(tmp_path: Path, sqlite_url: str) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    second = apply_config(load(tmp_path, with_model("claude-2")), sqlite_url, ACTOR)
    assert brief(second.plan) == [("update", "profile", "writer", "declared")]
    assert state_of(sqlite_url).profiles["writer"].model == "claude-2"


def test_apply_plan_takes_an_engine_it_does_not_dispose(sqlite_url: str) -> None:
    engine = open_engine(sqlite_url)
    try:
        desired = config(prov("eu", "anthropic"), prof("bot", "eu", model="x"))
        applied = apply_plan(engine, desired, config_digest="sha256:" + "a" * 64, options=ACTOR)
        assert applied.context.config_digest == "sha256:" + "a" * 64
        with engine.connect() as connection:  # still open
            assert read_state(connection).profiles["bot"].model == "x"
    finally:
        engine.dispose()
    assert journal(sqlite_url)[0]["config_digest"] == "sha256:" + "a" * 64


def test_progress_counts_up_to_every_change(tmp_path: Path, sqlite_url: str) -> None:
    calls: list[tuple[int, int]] = []
    options = ApplyOptions(actor="a", progress=lambda done, total: calls.append((done, total)))
    applied = apply_config(load(tmp_path), sqlite_url, options)
    total = len(applied.plan.changes)
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert {seen for _, seen in calls} == {total}


def test_the_url_resolves_like_the_database_url_option(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_DATABASE_URL", sqlite_url)
    applied = apply_config(load(tmp_path), None, ACTOR)
    assert applied.context.database == sqlite_url
    assert len(journal(sqlite_url)) == 1


# -- refusals -------------------------------------------------------------------------------------


def test_an_invalid_config_is_refused_before_any_connection(
    tmp_path: Path, sqlite_url: str
) -> None:
    config = load(tmp_path, CONFIG.replace("type: anthropic", "type: anthropik"))
    with pytest.raises(ConfigError, match="nothing was applied") as raised:
        apply_config(config, sqlite_url, ACTOR)
    assert [p.code for p in raised.value.problems] == [
        p.code for p in config.problems if p.is_error
    ]
    assert not (tmp_path / "app.db").exists()


def test_errors_against_the_database_are_a_config_error_and_nothing_is_written(
    tmp_path: Path, sqlite_url: str
) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    before = snapshot(sqlite_url)
    config = load(tmp_path, with_model("claude-2") + "    provider_connection: nowhere\n")
    assert config.valid  # only a warning offline: the database might hold it
    with pytest.raises(ConfigError, match="1 error") as raised:
        apply_config(config, sqlite_url, ACTOR)
    ((code, path, line),) = [
        (p.code, p.path, p.location.line if p.location else None) for p in raised.value.problems
    ]
    assert (code, path, line) == (
        "ref.unknown-connection",
        "profiles.writer.provider_connection",
        9,
    )
    assert snapshot(sqlite_url) == before


@pytest.fixture
def referenced(tmp_path: Path, sqlite_url: str) -> str:
    """A database where the config's connection ``eu-key`` is used by a profile it does not own."""
    with_key = CONFIG + "connections:\n  eu-key:\n    provider: eu\n    auth: {type: none}\n"
    apply_config(load(tmp_path, with_key), sqlite_url, ACTOR)
    execute(
        sqlite_url,
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('theirs', 'eu', 'm', 'eu-key')",
    )
    return sqlite_url


def test_a_blocked_plan_is_a_blocked_error_and_nothing_is_written(
    tmp_path: Path, referenced: str
) -> None:
    before = snapshot(referenced)
    with pytest.raises(BlockedError) as raised:
        apply_config(load(tmp_path, with_model("claude-2")), referenced, ACTOR)
    assert raised.value.exit_code == 3
    assert raised.value.message.startswith("the plan is blocked (1 refused change(s))")
    assert "\n  connection eu-key: " in raised.value.message
    assert snapshot(referenced) == before  # the model update did not go ahead either


def test_force_lets_the_delete_and_its_consequences_go_ahead(
    tmp_path: Path, referenced: str
) -> None:
    applied = apply_config(load(tmp_path), referenced, ApplyOptions(force=True, actor="a"))
    assert ("delete", "connection", "eu-key", "removed") in brief(applied.plan)
    assert ("update", "profile", "theirs", "force") in brief(applied.plan)
    assert "eu-key" not in state_of(referenced).connections
    assert journal(referenced)[-1]["plan"]["summary"]["delete"] == 1


def test_a_reviewed_plan_that_still_holds_is_applied(tmp_path: Path, sqlite_url: str) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    config = load(tmp_path, with_model("claude-2"))
    planned = plan_config(config, sqlite_url)
    applied = apply_config(config, sqlite_url, ACTOR, reviewed=Reviewed(planned.document))
    assert applied.plan.changes == planned.plan.changes


def test_a_stale_reviewed_plan_is_refused_and_nothing_is_written(
    tmp_path: Path, sqlite_url: str
) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    config = load(tmp_path, with_model("claude-2"))
    reviewed = Reviewed(plan_config(config, sqlite_url).document)
    execute(sqlite_url, "UPDATE profiles SET model = 'edited' WHERE name = 'writer'")
    before = snapshot(sqlite_url)
    with pytest.raises(StaleError) as raised:
        apply_config(config, sqlite_url, ACTOR, reviewed=reviewed)
    assert raised.value.exit_code == 4
    ((code, message),) = [(p.code, p.message) for p in raised.value.problems]
    assert code == "plan.stale"
    assert message.startswith("profile writer: the database row changed since the plan was made")
    assert raised.value.message.startswith("plan.stale: the reviewed plan no longer matches")
    assert message in raised.value.message
    assert snapshot(sqlite_url) == before


def test_a_change_to_a_row_the_plan_does_not_touch_leaves_it_fresh(
    tmp_path: Path, sqlite_url: str
) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    config = load(tmp_path, with_model("claude-2"))
    reviewed = Reviewed(plan_config(config, sqlite_url).document)
    execute(
        sqlite_url,
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('x', 'eu', 'm', 'eu-personal')",
    )
    applied = apply_config(config, sqlite_url, ACTOR, reviewed=reviewed)
    assert brief(applied.plan) == [("update", "profile", "writer", "declared")]


def test_errors_come_before_staleness_and_staleness_before_guards(
    tmp_path: Path, referenced: str
) -> None:
    config = load(tmp_path, with_model("claude-2"))
    stale = Reviewed({"config_digest": "sha256:0", "changes": [], "blocked": []})
    with pytest.raises(StaleError):  # the plan is blocked too
        apply_config(config, referenced, ACTOR, reviewed=stale)
    broken = load(tmp_path, with_model("claude-2") + "    provider_connection: nowhere\n")
    with pytest.raises(ConfigError):  # blocked and stale too
        apply_config(broken, referenced, ACTOR, reviewed=stale)


def test_an_unreachable_database_is_a_database_error_without_its_password(
    tmp_path: Path,
) -> None:
    with pytest.raises(DatabaseError) as raised:
        apply_config(load(tmp_path), "postgresql://app:s3cret-pw@127.0.0.1:1/prod", ACTOR)
    assert "s3cret-pw" not in str(raised.value)
    assert "127.0.0.1" in str(raised.value)


# -- saved plans ----------------------------------------------------------------------------------


def saved_plan(tmp_path: Path, url: str, text: str = CONFIG, *, force: bool = False) -> SavedPlan:
    """A plan file as ``reconcile plan --out`` writes it, read back as ``apply PLANFILE`` does."""
    config = load(tmp_path, text, "planned.yaml")
    planned = plan_config(config, url, force=force)
    path = tmp_path / "plan.json"
    write_plan_file(str(path), planned.document, config.document, force=force)
    return read_plan_file(str(path))


def test_a_saved_plan_is_applied_with_its_own_config_digest(
    tmp_path: Path, sqlite_url: str
) -> None:
    saved = saved_plan(tmp_path, sqlite_url)
    applied = apply_saved_plan(saved, sqlite_url, ACTOR)
    assert [c["name"] for c in applied.document["changes"]] == [
        c["name"] for c in saved.document["changes"]
    ]
    (entry,) = journal(sqlite_url)
    assert entry["config_digest"] == saved.document["config_digest"]
    assert entry["plan"]["changes"] == saved.document["changes"]


def test_a_stale_saved_plan_is_refused_and_nothing_is_written(
    tmp_path: Path, sqlite_url: str
) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    saved = saved_plan(tmp_path, sqlite_url, with_model("claude-2"))
    execute(sqlite_url, "UPDATE profiles SET model = 'edited' WHERE name = 'writer'")
    before = snapshot(sqlite_url)
    with pytest.raises(StaleError) as raised:
        apply_saved_plan(saved, sqlite_url, ACTOR)
    assert [p.code for p in raised.value.problems] == ["plan.stale"]
    assert snapshot(sqlite_url) == before


def test_a_saved_plan_is_refused_on_another_database_which_is_not_even_opened(
    tmp_path: Path, sqlite_url: str
) -> None:
    apply_config(load(tmp_path), sqlite_url, ACTOR)  # the database gets its instance id
    saved = saved_plan(tmp_path, sqlite_url)
    other = tmp_path / "other.db"
    with pytest.raises(ReconcileError) as raised:
        apply_saved_plan(saved, f"sqlite:///{other}", ACTOR)
    assert [p.code for p in raised.value.problems] == ["plan.database"]
    assert f"({sqlite_url})" in raised.value.message
    assert "has no instance id" in raised.value.message
    assert not other.exists()


def test_a_saved_plan_applies_to_its_database_under_another_spelling(
    tmp_path: Path, sqlite_url: str
) -> None:
    saved = saved_plan(tmp_path, sqlite_url)
    applied = apply_saved_plan(saved, f"sqlite:///{tmp_path}/./app.db", ACTOR)
    assert applied.plan.has_changes


def test_a_saved_plan_keeps_the_force_it_was_made_with(tmp_path: Path, referenced: str) -> None:
    unforced = saved_plan(tmp_path, referenced, "version: 1\n")
    with pytest.raises(BlockedError):
        apply_saved_plan(unforced, referenced, ApplyOptions(force=True, actor="a"))
    forced = saved_plan(tmp_path, referenced, "version: 1\n", force=True)
    applied = apply_saved_plan(forced, referenced, ApplyOptions(force=False, actor="a"))
    assert applied.plan.force and ("delete", "connection", "eu-key", "removed") in brief(
        applied.plan
    )


def test_a_saved_config_with_errors_is_refused_at_its_place_in_the_file(
    tmp_path: Path, sqlite_url: str
) -> None:
    document = dict(saved_plan(tmp_path, sqlite_url).document)
    broken = {"version": 1, "profiles": {"x": {"provider": "openai"}}}  # no model
    saved = SavedPlan(str(tmp_path / "plan.json"), document, broken, False)  # not checked yet
    with pytest.raises(ConfigError) as raised:
        apply_saved_plan(saved, sqlite_url, ACTOR)
    assert raised.value.message.startswith(f"{tmp_path / 'plan.json'}: the saved config has")
    assert all(p.path.startswith("config.profiles.x") for p in raised.value.problems)
    assert not (tmp_path / "app.db").exists()


def test_errors_of_the_saved_config_against_the_database_are_located_in_the_file(
    tmp_path: Path, sqlite_url: str
) -> None:
    with_legacy = with_model("claude-2") + "    provider_connection: legacy\n"
    apply_config(load(tmp_path), sqlite_url, ACTOR)
    execute(
        sqlite_url,
        """INSERT INTO provider_connections (name, provider, auth)"""
        """ VALUES ('legacy', 'eu', '{"type": "none"}')""",
    )
    saved = saved_plan(tmp_path, sqlite_url, with_legacy)
    execute(sqlite_url, "DELETE FROM provider_connections WHERE name = 'legacy'")
    with pytest.raises(ConfigError) as raised:
        apply_saved_plan(saved, sqlite_url, ACTOR)
    assert [(p.code, p.path) for p in raised.value.problems] == [
        ("ref.unknown-connection", "config.profiles.writer.provider_connection")
    ]


# -- the lock and atomicity, on every backend -----------------------------------------------------


@pytest.fixture
def holder(database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(database_url)
    yield engine
    engine.dispose()


def test_an_apply_waits_for_the_lock_no_longer_than_asked_and_writes_nothing(
    tmp_path: Path, database_url: str, holder: sa.Engine
) -> None:
    config = load(tmp_path)
    before = snapshot(database_url)
    refused = pytest.raises(LockTimeout, match=r"timed out after 0\.2s waiting for the reconciler")
    with locked_transaction(holder, timeout=5), refused:
        apply_config(config, database_url, ApplyOptions(actor="a", lock_timeout=0.2))
    assert snapshot(database_url) == before
    applied = apply_config(config, database_url, ApplyOptions(actor="a", lock_timeout=5))
    assert [e["id"] for e in journal(database_url)] == [applied.journal_id]


def test_an_apply_that_fails_mid_write_leaves_no_row_and_no_journal(
    tmp_path: Path, database_url: str
) -> None:
    """The failure comes after the first statement has written rows."""

    def fail(done: int, _total: int) -> None:
        raise RuntimeError(f"stopped after {done} rows")

    before = snapshot(database_url)
    with pytest.raises(RuntimeError, match="stopped after"):
        apply_config(load(tmp_path), database_url, ApplyOptions(actor="a", progress=fail))
    assert snapshot(database_url) == before


def test_a_row_the_database_refuses_is_a_database_error_and_rolls_everything_back(
    tmp_path: Path, backend: str, empty_database_url: str
) -> None:
    url = empty_database_url
    two = CONFIG + "  editor:\n    provider: eu\n    model: claude\n"
    apply_config(load(tmp_path, two), url, ACTOR)
    execute(url, *triggers.statements(triggers.FAIL_ON_UPDATE, backend, row="writer"))
    before = snapshot(url)
    # a new provider is inserted first, then both profiles are updated, writer refused
    after = two.replace("model: claude", "model: next").replace(
        "profiles:", "  us:\n    type: openai\nprofiles:"
    )
    with pytest.raises(DatabaseError, match="trigger refused writer") as raised:
        apply_config(load(tmp_path, after), url, ACTOR)
    assert "Traceback" not in raised.value.message and "\n" not in raised.value.message
    assert snapshot(url) == before


def test_a_no_op_apply_journals_one_row_on_every_backend(tmp_path: Path, database_url: str) -> None:
    config = load(tmp_path)
    first = apply_config(config, database_url, ACTOR)
    rows = rows_only(database_url)
    again = apply_config(config, database_url, ACTOR)
    assert rows_only(database_url) == rows
    entries = journal(database_url)
    assert [e["id"] for e in entries] == [first.journal_id, again.journal_id]
    assert entries[1]["summary"] == {"create": 0, "update": 0, "delete": 0, "blocked": 0}
    assert entries[1]["state_before"] == entries[1]["state_after"] == entries[0]["state_after"]
