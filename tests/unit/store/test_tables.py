from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from reconciler.model import Auth, ManagedBy
from reconciler.store import open_engine
from reconciler.store.tables import profiles, provider_connections, providers, reconcile_journal


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(database_url)
    yield engine
    engine.dispose()


def test_plain_sql_insert_with_required_columns_only(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('p', 'openai')"))
        connection.execute(
            sa.text(
                "INSERT INTO provider_connections (name, provider, auth)"
                """ VALUES ('c', 'p', '{"type": "none"}')"""
            )
        )
        connection.execute(
            sa.text("INSERT INTO profiles (name, provider, model) VALUES ('x', 'p', 'm')")
        )
    with engine.connect() as connection:
        provider = connection.execute(sa.select(providers)).one()
        profile = connection.execute(sa.select(profiles)).one()
        auth = connection.execute(sa.select(provider_connections.c.auth)).scalar_one()
    assert (provider.enabled, provider.managed_by, provider.base_url) == (True, None, None)
    assert provider.created_at is not None and provider.updated_at is not None
    assert (profile.provider_connection, profile.temperature, profile.managed_by) == (
        None,
        None,
        None,
    )
    assert auth == Auth("none")


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO provider_connections (name, provider, auth)"
        """ VALUES ('c', 'nowhere', '{"type": "none"}')""",
        "INSERT INTO profiles (name, provider, model) VALUES ('x', 'nowhere', 'm')",
        "INSERT INTO profiles (name, provider, model, provider_connection)"
        " VALUES ('x', 'p', 'm', 'nowhere')",
    ],
    ids=["connection-provider", "profile-provider", "profile-connection"],
)
def test_dangling_reference_is_refused(engine: sa.Engine, statement: str) -> None:
    _insert_provider(engine)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.text(statement))


def test_deleting_a_referenced_row_is_refused(engine: sa.Engine) -> None:
    _insert_provider(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(provider_connections).values(name="c", provider="p", auth={"type": "none"})
        )
        connection.execute(
            sa.insert(profiles).values(name="x", provider="p", model="m", provider_connection="c")
        )
    for table in (providers, provider_connections):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(sa.delete(table))


@pytest.mark.sqlite
def test_sqlite_turns_foreign_keys_on_for_every_connection(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    first, second = engine.connect(), engine.connect()
    try:
        for connection in (first, second):
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        first.close()
        second.close()
        engine.dispose()


@pytest.mark.parametrize("value", [0.7, 0.1, 1.9999999999999998, 2.0, 0.0, 1e-300])
def test_temperature_round_trips_exactly(engine: sa.Engine, value: float) -> None:
    _insert_provider(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(profiles).values(name="x", provider="p", model="m", temperature=value)
        )
        stored = connection.execute(sa.select(profiles.c.temperature)).scalar_one()
    assert stored == value


def test_large_plan_fits_in_the_journal(engine: sa.Engine) -> None:
    plan = {"changes": [{"name": f"profile-{i}", "after": "x" * 100} for i in range(40_000)]}
    with engine.begin() as connection:
        connection.execute(
            sa.insert(reconcile_journal).values(
                actor="ci",
                tool_version="0.1.0",
                config_digest="sha256:0",
                state_before="sha256:1",
                state_after="sha256:2",
                summary={"create": 0},
                plan=plan,
            )
        )
        stored = connection.execute(sa.select(reconcile_journal.c.plan)).scalar_one()
    assert stored == plan


def _insert_provider(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(providers).values(name="p", type="openai"))


def test_model_values_bind_and_read_back(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.insert(providers).values(name="p", type="openai", managed_by=ManagedBy.SEED)
        )
        connection.execute(
            sa.insert(provider_connections).values(
                name="c", provider="p", auth=Auth("api_key", "credential/p"), managed_by="config"
            )
        )
        stored = connection.execute(
            sa.text(
                "SELECT managed_by FROM providers"
                " UNION ALL SELECT managed_by FROM provider_connections"
            )
        ).scalars()
        assert sorted(stored) == ["config", "seed"]
        row = connection.execute(sa.select(provider_connections)).one()
    assert (row.auth, row.managed_by) == (Auth("api_key", "credential/p"), ManagedBy.CONFIG)
