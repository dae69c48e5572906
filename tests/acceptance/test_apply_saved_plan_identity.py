"""``reconcile apply PLANFILE`` applies to the database it was planned against, named by its
instance id whatever the URL (spellings, a read-only user, a replica), and a plan file applied a
second time is recognised: exit 0, the entry named, nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from database_servers import DatabaseServer, SqliteFiles

from reconciler.cli import cli
from reconciler.store import open_engine, upgrade
from tests.acceptance.database_snapshot import execute, journal, scalar, snapshot
from tests.acceptance.test_apply_saved_plan import CONFIG


def reconcile(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def save_plan(tmp_path: Path, url: str, text: str = CONFIG, name: str = "plan.json") -> Path:
    config = tmp_path / "reconcile.yaml"
    config.write_text(text, encoding="utf-8")
    plan = tmp_path / name
    result = reconcile("plan", "-f", str(config), "--database-url", url, "--out", str(plan))
    assert result.exit_code == 0, result.output
    return plan


def apply(plan: Path, url: str) -> Result:
    return reconcile("apply", str(plan), "--database-url", url)


def instance_of(plan: Path) -> str | None:
    value: str | None = json.loads(plan.read_text(encoding="utf-8"))["instance_id"]
    return value


def respelled(url: str, tmp_path: Path) -> list[str]:
    """Other URLs of the same database: ``localhost`` for ``127.0.0.1`` (and back), the other
    MySQL/MariaDB dialect name, the default driver; for SQLite a ``./`` and a symlinked folder."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        link = tmp_path / "link"
        link.symlink_to(path.parent)
        return [f"sqlite:///{path.parent}/./{path.name}", f"sqlite:///{link / path.name}"]
    host = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(parsed.host or "", parsed.host)
    other = parsed.set(host=host)
    if parsed.get_backend_name() == "postgresql":
        spellings = [other, other.set(drivername="postgresql")]
    else:
        dialect = "mariadb" if parsed.get_backend_name() == "mysql" else "mysql"
        spellings = [
            other,
            parsed.set(drivername=f"{dialect}+pymysql"),
            other.set(drivername=dialect),
        ]
    return [spelled.render_as_string(hide_password=False) for spelled in spellings]


def test_a_plan_records_the_instance_id_of_its_database(database_url: str, tmp_path: Path) -> None:
    plan = save_plan(tmp_path, database_url)
    stored = scalar(database_url, "SELECT id FROM reconcile_instance")
    assert instance_of(plan) == stored
    assert stored is not None


def test_other_spellings_of_the_database_url_apply_the_plan(
    database_url: str, tmp_path: Path
) -> None:
    for index, url in enumerate(respelled(database_url, tmp_path)):
        execute(database_url, "DELETE FROM reconcile_journal")
        plan = save_plan(tmp_path, url if index % 2 else database_url, name=f"plan-{index}.json")
        target = database_url if index % 2 else url
        result = apply(plan, target)
        assert result.exit_code == 0, (url, result.output)
        assert len(journal(database_url)) == 1
        for table in ("profiles", "provider_connections", "providers"):
            execute(database_url, f"DELETE FROM {table}")


def test_a_plan_made_by_a_read_only_user_applies_as_the_owner(
    database_url: str, reader_url: str, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, reader_url)
    result = apply(plan, database_url)
    assert result.exit_code == 0, result.output
    assert "Apply complete: 13 created" in result.output


def test_a_plan_made_on_a_replica_applies_to_the_primary(
    database_url: str,
    database_server: SqliteFiles | DatabaseServer,
    tmp_path: Path,
) -> None:
    """A replica holds its primary's rows, the instance id among them: here a copy (an SQLite
    file copied, a PostgreSQL or MariaDB database copied row by row)."""
    replica = copy_of(database_url, database_server, tmp_path)
    try:
        plan = save_plan(tmp_path, replica)
        assert instance_of(plan) == scalar(database_url, "SELECT id FROM reconcile_instance")
        result = apply(plan, database_url)
        assert result.exit_code == 0, result.output
        assert scalar(replica, "SELECT count(*) FROM profiles") == 0
    finally:
        database_server.drop(replica)


def copy_of(url: str, server: SqliteFiles | DatabaseServer, tmp_path: Path) -> str:
    if isinstance(server, SqliteFiles):
        copy = tmp_path / "replica.db"
        shutil.copyfile(sa.make_url(url).database or "", copy)
        return f"sqlite:///{copy}"
    copy = server.create()
    engine = open_engine(copy)
    upgrade(engine)
    source = open_engine(url)
    with source.connect() as reading, engine.begin() as writing:
        identity = reading.execute(sa.text("SELECT id FROM reconcile_instance")).scalar_one()
        writing.execute(sa.text("UPDATE reconcile_instance SET id = :id"), {"id": identity})
    source.dispose()
    engine.dispose()
    return copy


def test_another_database_is_refused_and_neither_is_written(
    database_url: str, database_server: SqliteFiles | DatabaseServer, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, database_url)
    other = database_server.create()
    try:
        engine = open_engine(other)
        upgrade(engine)
        engine.dispose()
        before = snapshot(other)
        result = apply(plan, other)
        assert result.exit_code == 1
        assert "refusing to apply it to another database" in result.output
        assert f"was planned against instance {instance_of(plan)}" in result.output
        assert snapshot(other) == before
        assert journal(database_url) == []
    finally:
        database_server.drop(other)


def test_a_database_without_an_id_is_refused_a_plan_that_has_one(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, database_url)
    result = apply(plan, empty_database_url)
    assert result.exit_code == 1
    assert "has no instance id (no reconciler schema yet" in result.output
    if empty_database_url.startswith("sqlite"):
        assert not Path(sa.make_url(empty_database_url).database or "").exists()
    else:
        engine = open_engine(empty_database_url)
        assert sa.inspect(engine).get_table_names() == []
        engine.dispose()


def test_a_plan_of_a_fresh_database_is_refused_by_one_applied_to(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, empty_database_url)
    assert instance_of(plan) is None
    applied = save_plan(tmp_path, database_url, name="other.json")
    assert apply(applied, database_url).exit_code == 0
    before = snapshot(database_url)
    refused = apply(plan, database_url)
    assert refused.exit_code == 1
    assert "was planned against a database without an instance id" in refused.output
    assert "is instance " in refused.output
    assert snapshot(database_url) == before
    result = apply(plan, empty_database_url)
    assert result.exit_code == 0, result.output
    assert scalar(empty_database_url, "SELECT count(*) FROM reconcile_instance") == 1


def test_a_first_deploy_refused_after_the_upgrade_can_still_apply_the_reviewed_plan(
    empty_database_url: str, tmp_path: Path
) -> None:
    """A refused apply (here a stale plan) upgrades the fresh database and stores its id; the
    reviewed plan of that fresh database then still applies: it was never applied to."""
    good = save_plan(tmp_path, empty_database_url)
    document = json.loads(good.read_text(encoding="utf-8"))
    document["config"]["profiles"]["writer"]["model"] = "another-model"
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(document), encoding="utf-8")
    assert apply(stale, empty_database_url).exit_code == 4
    assert scalar(empty_database_url, "SELECT count(*) FROM reconcile_instance") == 1
    result = apply(good, empty_database_url)
    assert result.exit_code == 0, result.output


def test_a_tampered_instance_id_is_another_database(database_url: str, tmp_path: Path) -> None:
    plan = save_plan(tmp_path, database_url)
    document = json.loads(plan.read_text(encoding="utf-8"))
    document["instance_id"] = "elsewhere"
    document["database"] = '"\x1b[31m\nforged'
    plan.write_text(json.dumps(document), encoding="utf-8")
    result = apply(plan, database_url)
    assert result.exit_code == 1
    assert "was planned against instance elsewhere" in result.output
    assert "\x1b" not in result.output
    assert journal(database_url) == []


def test_a_plan_file_applied_again_is_recognised_and_writes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, database_url)
    assert apply(plan, database_url).exit_code == 0
    (entry,) = journal(database_url)
    before = snapshot(database_url)
    again = apply(plan, database_url)
    assert again.exit_code == 0, again.output
    assert f"already applied as journal entry #{entry['id']}" in again.output
    assert "nothing was written" in again.output
    assert snapshot(database_url) == before


def test_a_row_outside_the_plan_changed_since_it_was_applied_keeps_it_recognised(
    database_url: str, tmp_path: Path
) -> None:
    plan = save_plan(tmp_path, database_url)
    assert apply(plan, database_url).exit_code == 0
    execute(database_url, "INSERT INTO providers (name, type) VALUES ('side', 'ollama')")
    again = apply(plan, database_url)
    assert again.exit_code == 0, again.output
    assert "already applied as journal entry" in again.output
    assert len(journal(database_url)) == 1


def test_the_same_plan_made_twice_is_one_plan(database_url: str, tmp_path: Path) -> None:
    """What "the same plan" means: the same config and the same changes (``before`` images
    included); the digest of rows it does not touch may differ."""
    first = save_plan(tmp_path, database_url, name="first.json")
    execute(database_url, "INSERT INTO providers (name, type) VALUES ('side', 'ollama')")
    second = save_plan(tmp_path, database_url, name="second.json")
    assert (
        json.loads(first.read_text())["state_digest"]
        != json.loads(second.read_text())["state_digest"]
    )
    assert apply(first, database_url).exit_code == 0
    again = apply(second, database_url)
    assert again.exit_code == 0, again.output
    assert "already applied as journal entry" in again.output
    assert len(journal(database_url)) == 1


@pytest.mark.parametrize(
    "meanwhile",
    ["edit-a-row-it-wrote", "apply-another-config", "apply-the-config-with-f"],
)
def test_a_plan_file_is_not_taken_for_applied_unless_the_last_entry_applied_it(
    database_url: str, tmp_path: Path, meanwhile: str
) -> None:
    plan = save_plan(tmp_path, database_url)
    if meanwhile == "apply-the-config-with-f":  # its entry records no reviewed plan
        config = tmp_path / "same.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        assert (
            reconcile("apply", "-f", str(config), "--yes", "--database-url", database_url).exit_code
            == 0
        )
    else:
        assert apply(plan, database_url).exit_code == 0
    if meanwhile == "edit-a-row-it-wrote":
        execute(database_url, "UPDATE profiles SET model = 'edited' WHERE name = 'quick'")
    elif meanwhile == "apply-another-config":
        other = tmp_path / "other.yaml"
        other.write_text(CONFIG.replace("gpt-5-mini", "gpt-5"), encoding="utf-8")
        result = reconcile("apply", "-f", str(other), "--yes", "--database-url", database_url)
        assert result.exit_code == 0, result.output
    entries = len(journal(database_url))
    again = apply(plan, database_url)
    assert again.exit_code == 4, again.output
    assert "plan.stale" in again.output
    assert len(journal(database_url)) == entries


def test_a_plan_without_changes_applied_again_writes_no_second_entry(
    database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "first.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    assert (
        reconcile("apply", "-f", str(config), "--yes", "--database-url", database_url).exit_code
        == 0
    )
    plan = save_plan(tmp_path, database_url)  # nothing to do
    first = apply(plan, database_url)
    assert first.exit_code == 0, first.output
    assert "No changes" in first.output
    assert len(journal(database_url)) == 2
    again = apply(plan, database_url)
    assert again.exit_code == 0, again.output
    assert "already applied as journal entry" in again.output
    assert len(journal(database_url)) == 2


def test_the_journal_records_the_digest_of_the_plan_it_applied(
    database_url: str, tmp_path: Path
) -> None:
    from reconciler.planning.digest import plan_digest

    plan = save_plan(tmp_path, database_url)
    assert apply(plan, database_url).exit_code == 0
    (entry,) = journal(database_url)
    assert entry["plan"]["plan_digest"] == plan_digest(json.loads(plan.read_text()))
    assert entry["plan"]["instance_id"] == instance_of(plan)
