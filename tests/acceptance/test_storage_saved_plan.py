"""``reconcile apply PLANFILE`` under ``storage`` (DESIGN §7, §14, §15): the saved config carries
the storage section, so the plan is made again through the mapping; stale when an application's
row changed by SQL since, and only for the database it was planned against; every backend."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_schemas import SCHEMAS, SURROGATE
from app_tables import BODY, PROFILES, app_rows, applied, names, reconcile, write_config
from database_snapshot import execute, journal


def save_plan(folder: Path, url: str, schema: str, body: str | None = None) -> Path:
    """A plan file of ``schema``'s config against ``url``; the config file is gone after."""
    config = Path(write_config(folder, schema, body))
    plan = folder / "plan.json"
    result = reconcile("plan", "-f", str(config), "--database-url", url, "--out", str(plan))
    assert result.exit_code == 0, result.output
    config.unlink()  # the deploy has the plan, not the config
    return plan


def saved(plan: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(plan.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("schema", SCHEMAS)
def test_a_plan_of_a_fresh_app_database_applies_from_its_file(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    plan = save_plan(tmp_path, url, schema)
    assert saved(plan)["instance_id"] is None  # no bookkeeping tables yet
    assert "storage" in saved(plan)["config"]
    result = reconcile("apply", str(plan), "--database-url", url)
    assert result.exit_code == 0, result.output
    assert "Apply complete: " in result.stdout
    (entry,) = journal(url)
    assert entry["config_digest"] == saved(plan)["config_digest"]
    assert entry["plan"]["changes"] == saved(plan)["changes"]
    assert names(url, PROFILES[schema]) == {"writer", "quick"}
    config = write_config(tmp_path, schema)
    replan = reconcile("plan", "-f", config, "--database-url", url, "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output


@pytest.mark.parametrize("schema", SCHEMAS)
def test_a_plan_file_applied_again_writes_nothing(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    applied(tmp_path, url, schema)
    changed = BODY[schema].replace("model: gpt-5-mini", "model: gpt-5")
    plan = save_plan(tmp_path, url, schema, changed)
    assert saved(plan)["instance_id"] is not None
    first = reconcile("apply", str(plan), "--database-url", url)
    assert first.exit_code == 0, first.output
    before = app_rows(url, schema)
    again = reconcile("apply", str(plan), "--database-url", url)
    assert again.exit_code == 0, again.output
    assert "this plan was already applied as journal entry #2" in again.stdout
    assert (app_rows(url, schema), len(journal(url))) == (before, 2)


def test_a_plan_of_a_fresh_database_applied_again_is_refused_as_on_own_tables(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    """It recorded no instance id, and the database has one and a journal now: the same
    answer as for the reconciler's own tables (`test_apply_saved_plan_identity`)."""
    url = app_database(SURROGATE)
    plan = save_plan(tmp_path, url, SURROGATE)
    assert reconcile("apply", str(plan), "--database-url", url).exit_code == 0
    again = reconcile("apply", str(plan), "--database-url", url)
    assert again.exit_code == 1, again.output
    assert "was planned against a database without an instance id" in again.stderr
    assert len(journal(url)) == 1


def test_a_plan_made_before_db_upgrade_applies_after_it(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    plan = save_plan(tmp_path, url, SURROGATE)
    config = write_config(tmp_path, SURROGATE, name="upgrade.yaml")
    upgraded = reconcile("db", "upgrade", "-f", config, "--database-url", url)
    assert upgraded.exit_code == 0, upgraded.output  # the instance id is stored now
    result = reconcile("apply", str(plan), "--database-url", url)
    assert result.exit_code == 0, result.output
    assert len(journal(url)) == 1


@pytest.mark.parametrize("schema", SCHEMAS)
def test_a_saved_plan_is_stale_once_an_app_row_changed_by_sql(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    applied(tmp_path, url, schema)
    changed = BODY[schema].replace("model: claude-sonnet-4-6", "model: claude-opus-4-1")
    plan = save_plan(tmp_path, url, schema, changed)
    table = PROFILES[schema]
    execute(url, f"UPDATE {table} SET model = 'edited' WHERE name = 'writer'")
    before = app_rows(url, schema)
    result = reconcile("apply", str(plan), "--database-url", url)
    assert result.exit_code == 4, result.output
    assert "plan.stale" in result.output
    assert (
        "profile writer: the database row changed since the plan was made:"
        " model: 'claude-sonnet-4-6' -> 'edited'"
    ) in result.output
    assert app_rows(url, schema) == before
    assert len(journal(url)) == 1


def test_a_plan_applies_only_to_the_database_it_was_planned_against(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    planned, other = app_database(SURROGATE), app_database(SURROGATE)
    applied(tmp_path, planned, SURROGATE)
    applied(tmp_path, other, SURROGATE)
    body = BODY[SURROGATE] + "  more:\n    provider: openai\n    model: gpt-5\n"
    plan = save_plan(tmp_path, planned, SURROGATE, body)
    before = app_rows(other, SURROGATE)
    result = reconcile("apply", str(plan), "--database-url", other)
    assert result.exit_code == 1, result.output
    assert "refusing to apply it to another database" in result.stderr
    assert app_rows(other, SURROGATE) == before
    assert reconcile("apply", str(plan), "--database-url", planned).exit_code == 0


def test_a_plan_of_a_fresh_database_is_refused_by_one_applied_to(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    fresh, other = app_database(SURROGATE), app_database(SURROGATE)
    plan = save_plan(tmp_path, fresh, SURROGATE)
    applied(tmp_path, other, SURROGATE)
    result = reconcile("apply", str(plan), "--database-url", other)
    assert result.exit_code == 1, result.output
    assert "a database without an instance id" in result.stderr
    assert len(journal(other)) == 1
