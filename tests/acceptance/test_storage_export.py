"""``reconcile export -f`` under ``storage`` (DESIGN §6 Convergence, §14): the rows of the
application's tables, with the storage section, so the export applies alone and changes nothing
but ownership; on every backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from app_schemas import SCHEMAS, STORAGE, SURROGATE
from app_tables import EXTERNAL, app_rows, applied, reconcile, write_config
from database_snapshot import execute, journal
from ruamel.yaml import YAML

from reconciler.config import load_config


@pytest.mark.parametrize("schema", SCHEMAS)
def test_the_export_applies_alone_and_changes_nothing_but_ownership(
    app_database: Callable[[str], str], schema: str, tmp_path: Path
) -> None:
    url = app_database(schema)
    config = applied(tmp_path, url, schema)
    execute(url, *EXTERNAL[schema])
    before = app_rows(url, schema)
    exported = tmp_path / "export.yaml"
    result = reconcile("export", "-f", config, "--database-url", url, "-o", str(exported))
    assert result.exit_code == 0, result.output
    assert "profile 'Old Bot' is written as a comment" in result.stderr
    document = YAML(typ="safe").load(exported.read_text(encoding="utf-8"))
    assert list(document)[:3] == ["version", "settings", "storage"]
    loaded = load_config([str(exported)])
    assert loaded.valid, loaded.problems
    assert loaded.desired.storage == load_config([config]).desired.storage
    assert reconcile("validate", "-f", str(exported)).exit_code == 0
    apply = reconcile("apply", "-f", str(exported), "--yes", "--database-url", url)
    assert apply.exit_code == 0, apply.output
    assert "0 created" in apply.stdout and "0 deleted" in apply.stdout
    assert "(adopt)" in apply.stdout
    assert app_rows(url, schema) == before  # ownership lives in reconcile_ownership
    plan = reconcile("plan", "-f", str(exported), "--database-url", url, "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    again = reconcile("export", "-f", str(exported), "--database-url", url)
    assert again.exit_code == 0, again.output
    assert again.stdout == exported.read_text(encoding="utf-8")


def test_only_the_storage_section_of_the_config_is_read(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    applied(tmp_path, url, SURROGATE)
    body = "profiles:\n  elsewhere: {provider: openai, model: m}\n"
    other = write_config(tmp_path, SURROGATE, body, "other.yaml")
    result = reconcile("export", "-f", other, "--database-url", url)
    assert result.exit_code == 0, result.output
    document = YAML(typ="safe").load(result.stdout)
    assert sorted(document["profiles"]) == ["quick", "writer"]
    assert document["storage"]["providers"]["id"] == STORAGE[SURROGATE]["providers"]["id"]


def test_an_invalid_config_is_refused_with_its_problems(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    applied(tmp_path, url, SURROGATE)
    bad = write_config(tmp_path, SURROGATE, "profiles:\n  p: {provider: openai}\n", "bad.yaml")
    result = reconcile("export", "-f", bad, "--database-url", url)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "error [schema.required]" in result.stderr
    assert result.stderr.endswith("error: the config has 1 error(s); nothing was exported\n")


def test_a_storage_database_exported_without_the_config_says_to_pass_it(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    applied(tmp_path, url, SURROGATE)
    result = reconcile("export", "--database-url", url)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.endswith(
        "and no storage section was given: pass -f with the config that holds the storage"
        " section the database was set up with"
    )
    assert len(journal(url)) == 1
