from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from reconciler.model import Auth, Connection, Kind, ManagedBy, Profile, Provider
from reconciler.planning import Action, Change, Reason
from reconciler.planning.diff import field_diffs
from reconciler.store import open_engine
from reconciler.store.write import execute_changes

OPENAI = Provider("openai", "openai", managed_by=ManagedBy.SEED)
OLD = Connection("old", "openai", Auth("api_key", "vault/old"), managed_by=ManagedBy.CONFIG)
NEW = Connection("new", "openai", Auth("api_key", "vault/new"), managed_by=ManagedBy.BACKFILL)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(database_url)
    yield engine
    engine.dispose()


def create(kind: Kind, row: Any, reason: Reason = Reason.DECLARED) -> Change:
    return Change(kind, row.name, Action.CREATE, reason, None, row)


def update(kind: Kind, before: Any, after: Any, reason: Reason = Reason.DECLARED) -> Change:
    """An update as the plan makes it: its diff names the columns apply writes."""
    diff = field_diffs(kind, before, after)
    return Change(kind, before.name, Action.UPDATE, reason, before, after, diff)


def delete(kind: Kind, before: Any) -> Change:
    return Change(kind, before.name, Action.DELETE, Reason.REMOVED, before, None)


def profile(name: str, connection: str | None = None, model: str = "m") -> Profile:
    return Profile(name, "openai", model, connection, managed_by=ManagedBy.CONFIG)


def run(engine: sa.Engine, changes: list[Change]) -> int:
    """Execute ``changes`` in one transaction; returns the number of statements sent."""
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    with engine.begin() as connection:
        sa.event.listen(connection, "before_cursor_execute", count)
        execute_changes(connection, changes)
        sa.event.remove(connection, "before_cursor_execute", count)
    return statements


def rows(engine: sa.Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def seed(engine: sa.Engine, count: int) -> list[Profile]:
    profiles = [profile(f"p{index:04d}", "old") for index in range(count)]
    run(
        engine,
        [
            create(Kind.PROVIDER, OPENAI, Reason.SEED),
            create(Kind.CONNECTION, OLD),
            *(create(Kind.PROFILE, row) for row in profiles),
        ],
    )
    return profiles


def test_thousands_of_rows_take_a_handful_of_statements(engine: sa.Engine) -> None:
    profiles = seed(engine, 1200)
    moved = [update(Kind.PROFILE, row, profile(row.name, "new"), Reason.FORCE) for row in profiles]
    statements = run(
        engine,
        [create(Kind.CONNECTION, NEW, Reason.BACKFILL), *moved, delete(Kind.CONNECTION, OLD)],
    )
    # one insert, three grouped UPDATEs of at most 500 names, one DELETE (+ dialect chatter)
    assert statements <= 8
    assert rows(engine, "SELECT DISTINCT provider_connection FROM profiles") == [("new",)]
    assert rows(engine, "SELECT name FROM provider_connections") == [("new",)]


def test_rows_with_different_values_share_one_executemany(engine: sa.Engine) -> None:
    profiles = seed(engine, 300)
    changes = [
        update(Kind.PROFILE, row, profile(row.name, "old", model=f"model-{row.name}"))
        for row in profiles
    ]
    assert run(engine, changes) <= 3
    assert rows(engine, "SELECT model FROM profiles WHERE name = 'p0042'") == [("model-p0042",)]


def test_references_move_before_the_rows_they_named_go(engine: sa.Engine) -> None:
    (bot,) = seed(engine, 1)
    run(
        engine,
        [
            delete(Kind.CONNECTION, OLD),  # listed first, executed last
            update(Kind.PROFILE, bot, profile("p0000", "new"), Reason.FORCE),
            create(Kind.CONNECTION, NEW, Reason.BACKFILL),
        ],
    )
    assert rows(engine, "SELECT provider_connection FROM profiles") == [("new",)]


def test_managed_by_is_written_as_the_plan_says_and_updated_at_moves(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO providers (name, type) VALUES ('openai', 'openai')")
        )
        connection.execute(
            sa.text(
                "INSERT INTO profiles (name, provider, model, created_at, updated_at)"
                " VALUES ('ext', 'openai', 'm', '2001-01-01 00:00:00', '2001-01-01 00:00:00')"
            )
        )
    external = Profile("ext", "openai", "m")
    run(engine, [update(Kind.PROFILE, external, profile("ext"), Reason.ADOPT)])
    ((owner, created, updated),) = rows(
        engine, "SELECT managed_by, created_at, updated_at FROM profiles"
    )
    assert owner == "config"
    assert str(created).startswith("2001-01-01")
    assert not str(updated).startswith("2001-01-01")


def test_a_failing_statement_leaves_nothing_once_rolled_back(engine: sa.Engine) -> None:
    orphan = Profile("orphan", "nowhere", "m", managed_by=ManagedBy.CONFIG)
    with pytest.raises(sa.exc.IntegrityError):
        run(engine, [create(Kind.PROVIDER, OPENAI, Reason.SEED), create(Kind.PROFILE, orphan)])
    assert rows(engine, "SELECT count(*) FROM providers") == [(0,)]
