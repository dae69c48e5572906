from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from reconciler.errors import DatabaseError
from reconciler.store import current_revision, head_revision, open_engine, upgrade
from reconciler.store.dialects import exact_collation
from reconciler.store.migrate import HEAD_REVISION, VERSION_TABLE
from reconciler.store.tables import metadata

STATE_TABLES = {"providers", "provider_connections", "profiles", "reconcile_journal"}
INSTANCE_TABLE = "reconcile_instance"

# The schema every backend must end up with: columns in order with their nullability.
COLUMNS = {
    "providers": [
        ("name", False),
        ("type", False),
        ("base_url", True),
        ("enabled", False),
        ("managed_by", True),
        ("created_at", False),
        ("updated_at", False),
    ],
    "provider_connections": [
        ("name", False),
        ("provider", False),
        ("auth", False),
        ("managed_by", True),
        ("created_at", False),
        ("updated_at", False),
    ],
    "profiles": [
        ("name", False),
        ("provider", False),
        ("model", False),
        ("provider_connection", True),
        ("source", True),
        ("label", True),
        ("description", True),
        ("system_prompt", True),
        ("temperature", True),
        ("max_tokens", True),
        ("managed_by", True),
        ("created_at", False),
        ("updated_at", False),
    ],
    "reconcile_journal": [
        ("id", False),
        ("applied_at", False),
        ("actor", False),
        ("tool_version", False),
        ("config_digest", False),
        ("state_before", False),
        ("state_after", False),
        ("summary", False),
        ("plan", False),
    ],
}
INSTANCE_COLUMNS = [("id", False)]
FOREIGN_KEYS = {
    ("provider_connections", "fk_provider_connections_provider", ("provider",), "providers"),
    ("profiles", "fk_profiles_provider", ("provider",), "providers"),
    (
        "profiles",
        "fk_profiles_provider_connection",
        ("provider_connection",),
        "provider_connections",
    ),
}
INDEXES = {
    ("provider_connections", "ix_provider_connections_provider", ("provider",)),
    ("profiles", "ix_profiles_provider", ("provider",)),
    ("profiles", "ix_profiles_provider_connection", ("provider_connection",)),
}


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(empty_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def migrated(engine: sa.Engine) -> sa.Engine:
    upgrade(engine)
    return engine


def test_upgrade_creates_the_schema_at_head(engine: sa.Engine) -> None:
    result = upgrade(engine)
    assert (result.before, result.after, result.changed) == (None, head_revision(), True)
    tables = set(sa.inspect(engine).get_table_names())
    assert tables == STATE_TABLES | {INSTANCE_TABLE, VERSION_TABLE}


def test_upgrade_twice_is_a_no_op(migrated: sa.Engine) -> None:
    before = _schema_image(migrated)
    again = upgrade(migrated)
    assert (again.before, again.after, again.changed) == (head_revision(), head_revision(), False)
    assert _schema_image(migrated) == before


def test_columns_are_the_same_on_every_backend(migrated: sa.Engine) -> None:
    inspector = sa.inspect(migrated)
    for table, expected in COLUMNS.items():
        actual = [(c["name"], c["nullable"]) for c in inspector.get_columns(table)]
        assert actual == expected, table
    instance = [(c["name"], c["nullable"]) for c in inspector.get_columns(INSTANCE_TABLE)]
    assert instance == INSTANCE_COLUMNS


def test_foreign_keys_restrict_deletes(migrated: sa.Engine) -> None:
    inspector = sa.inspect(migrated)
    found = {
        (table, fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"])
        for table in COLUMNS
        for fk in inspector.get_foreign_keys(table)
    }
    assert found == FOREIGN_KEYS
    assert _delete_rules(migrated) == {name: "RESTRICT" for _, name, _, _ in FOREIGN_KEYS}


def test_indexes(migrated: sa.Engine) -> None:
    inspector = sa.inspect(migrated)
    found = {
        (table, index["name"], tuple(index["column_names"]))
        for table in COLUMNS
        for index in inspector.get_indexes(table)
        if index["name"] in {name for _, name, _ in INDEXES}
    }
    assert found == INDEXES


def test_migrations_match_the_table_definitions(migrated: sa.Engine) -> None:
    # Server defaults are checked by behaviour (plain-SQL inserts) since MySQL reflects
    # `true` as '1'; types and everything else must agree exactly.
    with migrated.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": _not_version_table},
        )
        assert compare_metadata(context, metadata) == []


def test_names_compare_case_sensitively(migrated: sa.Engine, backend: str) -> None:
    if backend == "mysql":
        with migrated.connect() as connection:
            collations = connection.execute(
                sa.text(
                    "SELECT table_name, column_name, collation_name FROM information_schema.columns"
                    " WHERE table_schema = DATABASE() AND column_name IN"
                    " ('name', 'provider', 'provider_connection')"
                    " AND table_name != :version"
                ),
                {"version": VERSION_TABLE},
            ).all()
        assert len(collations) == 6
        assert {row[2] for row in collations} == {exact_collation(migrated.dialect)}
        assert exact_collation(migrated.dialect) in ("utf8mb4_nopad_bin", "utf8mb4_0900_bin")
    with migrated.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO providers (name, type) VALUES ('GPU-BOX', 'ollama')")
        )
        connection.execute(
            sa.text("INSERT INTO providers (name, type) VALUES ('gpu-box', 'ollama')")
        )
        count = connection.execute(sa.text("SELECT COUNT(*) FROM providers")).scalar_one()
        found = connection.execute(
            sa.text("SELECT name FROM providers WHERE name = 'gpu-box'")
        ).all()
    assert (count, [row[0] for row in found]) == (2, ["gpu-box"])


def test_trailing_spaces_make_another_name_and_references_match_exactly(
    migrated: sa.Engine,
) -> None:
    insert_provider = "INSERT INTO providers (name, type) VALUES (:name, 'ollama')"
    insert_profile = "INSERT INTO profiles (name, provider, model) VALUES (:name, :provider, 'm')"
    with migrated.begin() as connection:
        connection.execute(sa.text(insert_provider), [{"name": "gpu "}, {"name": "gpu"}])
        connection.execute(sa.text(insert_profile), {"name": "bot ", "provider": "gpu "})
        connection.execute(sa.text(insert_profile), {"name": "bot", "provider": "gpu"})
        found = connection.execute(sa.text("SELECT name FROM profiles WHERE name = 'bot'")).all()
        joined = connection.execute(
            sa.text(
                "SELECT p.name, r.name FROM profiles p JOIN providers r ON r.name = p.provider"
                " ORDER BY p.name"
            )
        ).all()
    assert [row[0] for row in found] == ["bot"]
    assert [tuple(row) for row in joined] == [("bot", "gpu"), ("bot ", "gpu ")]
    with pytest.raises(sa.exc.IntegrityError), migrated.begin() as connection:
        connection.execute(sa.text(insert_profile), {"name": "lost", "provider": "gpu  "})


def _at_first_revision(engine: sa.Engine) -> None:
    from alembic import command

    from reconciler.store.migrate import _config

    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001")


@pytest.mark.mysql
@pytest.mark.parametrize("backend", ["mysql"], indirect=True)
def test_upgrading_from_the_pad_space_collation_keeps_every_row(engine: sa.Engine) -> None:
    _at_first_revision(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('gpu', 'ollama')"))
        connection.execute(
            sa.text("INSERT INTO profiles (name, provider, model) VALUES ('bot ', 'gpu', 'm')")
        )
    assert upgrade(engine).before == "0001"
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT name, provider FROM profiles")).all()
    assert [tuple(row) for row in rows] == [("bot ", "gpu")]
    test_migrations_match_the_table_definitions(engine)
    test_foreign_keys_restrict_deletes(engine)


@pytest.mark.mysql
@pytest.mark.parametrize("backend", ["mysql"], indirect=True)
def test_an_exact_names_upgrade_killed_half_way_is_finished_by_the_next(engine: sa.Engine) -> None:
    _at_first_revision(engine)
    collation = exact_collation(engine.dialect)
    with engine.begin() as connection:  # what a kill after the first ALTERs leaves: each commits
        for table, column in [("provider_connections", "provider"), ("profiles", "provider")]:
            connection.execute(sa.text(f"ALTER TABLE {table} DROP FOREIGN KEY fk_{table}_{column}"))
        connection.execute(
            sa.text(
                "ALTER TABLE providers MODIFY name VARCHAR(255)"
                f" CHARACTER SET utf8mb4 COLLATE {collation} NOT NULL"
            )
        )
    assert upgrade(engine).after == head_revision()
    test_foreign_keys_restrict_deletes(engine)
    test_names_compare_case_sensitively(engine, "mysql")


@pytest.mark.mysql
@pytest.mark.parametrize("backend", ["mysql"], indirect=True)
def test_a_reference_equal_only_with_its_trailing_spaces_ignored_is_refused(
    engine: sa.Engine,
) -> None:
    _at_first_revision(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('gpu', 'ollama')"))
        connection.execute(
            sa.text("INSERT INTO profiles (name, provider, model) VALUES ('bot', 'gpu ', 'm')")
        )
    with pytest.raises(DatabaseError, match="profiles 'bot' has provider 'gpu '") as refused:
        upgrade(engine)
    assert "spell that name exactly, then run reconcile db upgrade" in str(refused.value)
    with engine.connect() as connection:
        assert current_revision(connection) == "0001"
    test_foreign_keys_restrict_deletes(engine)  # nothing was changed


def test_upgrade_on_a_connection_leaves_the_commit_to_the_caller(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        result = upgrade(connection)
        assert result.after == head_revision()
        connection.commit()
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()


def test_current_revision_of_an_empty_database_creates_nothing(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert current_revision(connection) is None
    assert sa.inspect(engine).get_table_names() == []


def _not_version_table(name: str | None, type_: str, _parent: Any) -> bool:
    return not (type_ == "table" and name == VERSION_TABLE)


def _schema_image(engine: sa.Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    with engine.connect() as connection:
        revision = current_revision(connection)
    return {
        "revision": revision,
        "tables": {
            table: [
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ]
            for table in sorted(inspector.get_table_names())
        },
    }


def _delete_rules(engine: sa.Engine) -> dict[str, str]:
    """The ON DELETE rule of each foreign key, read from the catalog of each backend."""
    if engine.dialect.name in ("mysql", "mariadb"):
        query = (
            "SELECT constraint_name, delete_rule FROM information_schema.referential_constraints"
            " WHERE constraint_schema = DATABASE()"
        )
        with engine.connect() as connection:
            return {row[0]: row[1] for row in connection.execute(sa.text(query))}
    inspector = sa.inspect(engine)
    return {
        fk["name"]: (fk["options"].get("ondelete") or "").upper()
        for table in COLUMNS
        for fk in inspector.get_foreign_keys(table)
        if fk["name"]
    }


def test_the_written_out_head_is_alembics_head() -> None:
    assert head_revision() == HEAD_REVISION
