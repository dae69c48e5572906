from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from database_servers import DatabaseServer, SqliteFiles

from reconciler.errors import DatabaseError
from reconciler.store import open_engine, upgrade
from reconciler.store.instance import instance_id


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(empty_database_url)
    yield engine
    engine.dispose()


def read_id(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return instance_id(connection)


def at_revision(engine: sa.Engine, revision: str) -> None:
    from alembic import command

    from reconciler.store.migrate import _config

    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def test_a_database_without_the_schema_has_no_id_and_gets_none_by_reading(
    engine: sa.Engine,
) -> None:
    assert read_id(engine) is None
    assert sa.inspect(engine).get_table_names() == []


def test_the_first_upgrade_stores_a_random_id_that_later_upgrades_keep(
    engine: sa.Engine, database_server: SqliteFiles | DatabaseServer
) -> None:
    upgrade(engine)
    first = read_id(engine)
    assert first is not None and uuid.UUID(first).version == 4
    upgrade(engine)
    assert read_id(engine) == first
    other_url = database_server.create()
    try:
        other = open_engine(other_url)
        upgrade(other)
        assert read_id(other) not in (None, first)
        other.dispose()
    finally:
        database_server.drop(other_url)


def test_a_schema_older_than_the_instance_id_gets_one_at_its_next_upgrade(
    engine: sa.Engine,
) -> None:
    at_revision(engine, "0002")
    assert read_id(engine) is None
    assert upgrade(engine).before == "0002"
    assert read_id(engine) is not None


def test_an_upgrade_killed_before_it_stored_the_id_is_finished_by_the_next(
    engine: sa.Engine,
) -> None:
    at_revision(engine, "0002")
    with engine.begin() as connection:  # what MySQL's implicit commit of CREATE TABLE leaves
        connection.execute(sa.text("CREATE TABLE reconcile_instance (id VARCHAR(36) PRIMARY KEY)"))
    assert read_id(engine) is None
    upgrade(engine)
    assert read_id(engine) is not None


def test_more_than_one_id_is_refused(engine: sa.Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO reconcile_instance (id) VALUES ('another')"))
    with pytest.raises(DatabaseError, match="holds more than one instance id"):
        read_id(engine)
