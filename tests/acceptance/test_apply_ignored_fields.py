"""``settings.ignore`` (DESIGN §13) through the CLI on every backend: an ignored field is written
when the row is created and never compared afterwards, whatever the database holds in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reconciler.cli import cli
from tests.acceptance.database_snapshot import execute, scalar, snapshot

CONFIG = """\
version: 1
settings:
  ignore:
    providers: [enabled]
    connections: [auth]
    profiles: [label, temperature]
providers:
  eu:
    type: anthropic
    enabled: false
connections:
  eu-key:
    provider: eu
    auth: {type: api_key, credential: credential/eu/api_key}
profiles:
  writer: {provider: eu, model: m, provider_connection: eu-key, label: Writer, temperature: 0.5}
  plain: {provider: eu, model: m, provider_connection: eu-key}
"""


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, text: str, name: str = "reconcile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def apply(url: str, config: str) -> Result:
    return reconcile("apply", "-f", config, "--yes", "--database-url", url)


def plan(url: str, config: str, *extra: str) -> Result:
    return reconcile("plan", "-f", config, "--database-url", url, *extra)


def profile(url: str, name: str) -> tuple[Any, ...]:
    return (
        scalar(url, f"SELECT label FROM profiles WHERE name = '{name}'"),
        scalar(url, f"SELECT temperature FROM profiles WHERE name = '{name}'"),
        scalar(url, f"SELECT model FROM profiles WHERE name = '{name}'"),
    )


def test_ignored_fields_are_written_on_create_then_left_to_the_database(
    database_url: str, tmp_path: Path
) -> None:
    config = write(tmp_path, CONFIG)
    assert apply(database_url, config).exit_code == 0
    assert profile(database_url, "writer") == ("Writer", 0.5, "m")
    assert profile(database_url, "plain") == (None, None, "m")  # the defaults
    assert not scalar(database_url, "SELECT enabled FROM providers WHERE name = 'eu'")
    # the application and an admin take over the fields
    execute(
        database_url,
        "UPDATE providers SET enabled = :yes WHERE name = 'eu'",
        "UPDATE profiles SET label = 'Theirs', temperature = 1.9 WHERE name = 'writer'",
        "UPDATE profiles SET label = 'Set later' WHERE name = 'plain'",
        "UPDATE provider_connections SET auth = :auth WHERE name = 'eu-key'",
        params={
            "yes": True,
            "auth": json.dumps({"type": "api_key", "credential": "vault/rotated"}),
        },
    )
    assert plan(database_url, config, "--detailed-exitcode").exit_code == 0
    before = snapshot(database_url)
    result = apply(database_url, config)
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output
    assert snapshot(database_url)["profiles"] == before["profiles"]
    assert profile(database_url, "writer") == ("Theirs", 1.9, "m")
    assert scalar(database_url, "SELECT enabled FROM providers WHERE name = 'eu'")


def test_an_update_of_other_fields_keeps_the_databases_value_in_its_images(
    database_url: str, tmp_path: Path
) -> None:
    assert apply(database_url, write(tmp_path, CONFIG)).exit_code == 0
    execute(database_url, "UPDATE profiles SET label = 'Theirs' WHERE name = 'writer'")
    changed = write(
        tmp_path,
        CONFIG.replace("writer: {provider: eu, model: m,", "writer: {provider: eu, model: n,"),
    )
    result = plan(database_url, changed, "--format", "json")
    (change,) = json.loads(result.stdout)["changes"]
    assert change["diff"] == [{"field": "model", "before": "m", "after": "n"}]
    assert change["before"]["label"] == change["after"]["label"] == "Theirs"
    assert change["after"]["temperature"] == 0.5
    assert apply(database_url, changed).exit_code == 0
    assert profile(database_url, "writer") == ("Theirs", 0.5, "n")
    assert plan(database_url, changed, "--detailed-exitcode").exit_code == 0


def test_an_adopted_row_keeps_the_databases_value(database_url: str, tmp_path: Path) -> None:
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES ('eu', 'anthropic')",
        "INSERT INTO profiles (name, provider, model, label, temperature)"
        " VALUES ('writer', 'eu', 'm', 'Legacy', 1.0)",
    )
    config = write(tmp_path, CONFIG)
    result = plan(database_url, config, "--format", "json")
    changes = {c["name"]: c for c in json.loads(result.stdout)["changes"]}
    assert (changes["writer"]["reason"], changes["writer"]["diff"]) == (
        "adopt",
        [{"field": "provider_connection", "before": None, "after": "eu-key"}],
    )
    assert (changes["eu"]["reason"], changes["eu"]["diff"]) == ("adopt", [])
    assert apply(database_url, config).exit_code == 0
    assert profile(database_url, "writer") == ("Legacy", 1.0, "m")
    assert scalar(database_url, "SELECT managed_by FROM profiles WHERE name = 'writer'") == (
        "config"
    )
    assert scalar(database_url, "SELECT enabled FROM providers WHERE name = 'eu'")


def test_validate_refuses_a_field_that_cannot_be_ignored(tmp_path: Path) -> None:
    config = write(
        tmp_path, "version: 1\nsettings:\n  ignore:\n    profiles: [label, provider_connection]\n"
    )
    result = reconcile("validate", "-f", config)
    assert result.exit_code == 1
    assert (
        f"{config}:4:23: error [schema.enum] 'provider_connection' cannot be ignored"
        in result.output
    )


def test_files_must_agree_on_ignore_as_a_whole(tmp_path: Path) -> None:
    first = write(
        tmp_path, "version: 1\nsettings:\n  ignore: {profiles: [label, model]}\n", "a.yaml"
    )
    same = write(
        tmp_path, "version: 1\nsettings:\n  ignore: {profiles: [model, label]}\n", "b.yaml"
    )
    other = write(tmp_path, "version: 1\nsettings:\n  ignore: {profiles: [label]}\n", "c.yaml")
    assert reconcile("validate", "-f", first, "-f", same).exit_code == 0
    result = reconcile("validate", "-f", first, "-f", other)
    assert result.exit_code == 1
    assert f"{other}:3:11: error [settings.conflict]" in result.output
