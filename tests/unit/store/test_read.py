from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from reconciler.errors import DatabaseError, Problem
from reconciler.model import Auth, Connection, DatabaseState, ManagedBy, Profile, Provider
from reconciler.store import open_engine, read_state, upgrade
from reconciler.store import read as read_module
from reconciler.store.tables import profiles, provider_connections, providers
from reconciler.store.types import stored_auth

PROVIDERS = [
    Provider("openai", "openai", managed_by=ManagedBy.SEED),
    Provider("GPU-BOX", "ollama", "http://gpu:11434", False),
    Provider("gpu-box", "ollama", "http://other:11434", True, True, ManagedBy.CONFIG, "Team B"),
]
CONNECTIONS = [
    Connection("openai-managed", "openai", Auth("platform"), managed_by=ManagedBy.SEED),
    Connection("openai-personal", "openai", Auth("api_key", "credential/openai/api_key")),
    Connection("Legacy_Local", "GPU-BOX", Auth("none"), True, ManagedBy.BACKFILL),
]
PROFILES = [
    Profile("bare", "openai", "gpt-5-mini"),
    Profile(
        "full",
        "openai",
        "gpt-5",
        provider_connection="openai-personal",
        source="user",
        label="Full ✓",
        description="every field\nset",
        system_prompt="Be brief. " * 1000,
        temperature=0.7,
        max_tokens=4096,
        protected=True,
        managed_by=ManagedBy.CONFIG,
        owner="team-a",
    ),
    Profile("Legacy_Bot", "GPU-BOX", "llama3", "Legacy_Local", temperature=2.0, max_tokens=1),
]


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = open_engine(database_url)
    yield engine
    engine.dispose()


def test_every_field_round_trips(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(providers), [_values(row) for row in PROVIDERS])
        connection.execute(
            sa.insert(provider_connections),
            [{**_values(row), "auth": row.auth.image()} for row in CONNECTIONS],
        )
        connection.execute(sa.insert(profiles), [_values(row) for row in PROFILES])
    with engine.connect() as connection:
        state = read_state(connection)
    assert state == DatabaseState(
        providers={row.name: row for row in PROVIDERS},
        connections={row.name: row for row in CONNECTIONS},
        profiles={row.name: row for row in PROFILES},
    )
    for expected in (*PROVIDERS, *CONNECTIONS, *PROFILES):
        read = {**state.providers, **state.connections, **state.profiles}[expected.name]
        assert read.managed_by is expected.managed_by, expected.name
        assert (read.owner, read.protected) == (expected.owner, expected.protected)
        assert type(read.protected) is bool
    assert isinstance(state.providers["GPU-BOX"].enabled, bool)
    # Profiles come as the driver's own tuples, past Core's type processing: the same types, not
    # just equal values (a Decimal 2 would equal the float 2.0).
    for expected in PROFILES:
        read_types = [type(value) for value in state.profiles[expected.name]]
        assert read_types == [type(value) for value in expected], expected.name


def test_auth_written_by_plain_sql_reads_as_auth(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('p', 'openai')"))
        connection.execute(
            sa.text(
                "INSERT INTO provider_connections (name, provider, auth) VALUES"
                """ ('c', 'p', '{"credential": "credential/p/key", "type": "api_key"}')"""
            )
        )
        state = read_state(connection)
    assert state.connections["c"].auth == Auth("api_key", "credential/p/key")
    assert state.providers["p"] == Provider("p", "openai", None, True)


def test_legacy_auth_that_is_no_json_object_is_read_not_rejected(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('p', 'openai')"))
        connection.execute(
            sa.text(
                "INSERT INTO provider_connections (name, provider, auth) VALUES"
                """ ('odd', 'p', '"x"'), ('list', 'p', '[1]')"""
            )
        )
        state = read_state(connection)
    assert state.connections["odd"].auth == Auth("x")
    assert state.connections["list"].auth == Auth("[1]")


def test_an_empty_schema_reads_as_empty(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert read_state(connection) == DatabaseState()


def test_a_missing_schema_reads_as_empty_and_creates_nothing(
    empty_database_url: str, backend: str
) -> None:
    engine = open_engine(empty_database_url, read_only=True)
    with engine.connect() as connection:
        assert read_state(connection) == DatabaseState()
    engine.dispose()
    if backend == "sqlite":
        assert not Path(sa.make_url(empty_database_url).database or "").exists()
    else:
        writable = open_engine(empty_database_url)
        assert sa.inspect(writable).get_table_names() == []
        writable.dispose()


def test_read_only_engine_refuses_writes(database_url: str) -> None:
    engine = open_engine(database_url, read_only=True)
    try:
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(sa.insert(providers).values(name="p", type="openai"))
    finally:
        engine.dispose()
    check = open_engine(database_url)
    with check.connect() as connection:
        assert read_state(connection) == DatabaseState()
    check.dispose()


def test_a_read_only_user_reads_the_state(reader_url: str, database_url: str) -> None:
    writer = open_engine(database_url)
    with writer.begin() as connection:
        connection.execute(sa.insert(providers).values(name="p", type="openai"))
    writer.dispose()
    engine = open_engine(reader_url, read_only=True)
    with engine.connect() as connection:
        state = read_state(connection)
    engine.dispose()
    assert list(state.providers) == ["p"]


def test_an_incomplete_schema_is_an_error(empty_database_url: str) -> None:
    engine = open_engine(empty_database_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE profiles"))
        expected = (
            r"incomplete reconciler schema .* \(only providers, provider_connections,"
            r" reconcile_journal; profiles missing\): they were dropped after reconciler created"
            r" them; restore them"
        )
        with pytest.raises(DatabaseError, match=expected), engine.connect() as connection:
            read_state(connection)
    finally:
        engine.dispose()


def test_tables_of_another_application_are_an_error(empty_database_url: str) -> None:
    engine = open_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE providers (name VARCHAR(10))"))
        expected = r"^table providers in .* was not created by reconciler"
        with pytest.raises(DatabaseError, match=expected), engine.connect() as connection:
            read_state(connection)
    finally:
        engine.dispose()


def _values(row: Provider | Connection | Profile) -> dict[str, object]:
    values = row.image()
    values["managed_by"] = None if row.managed_by is None else row.managed_by.value
    values["owner"] = row.owner
    return values


@pytest.mark.parametrize(
    ("stored", "auth"),
    [
        ({"type": "api_key", "credential": "k"}, Auth("api_key", "k")),
        ({"type": "none", "credential": None}, Auth("none")),
        ("x", Auth("x")),
        ([1], Auth("[1]")),
        (5, Auth("5")),
    ],
)
def test_stored_auth_reads_what_says_an_auth(stored: object, auth: Auth) -> None:
    assert stored_auth(stored) == auth


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        (None, "JSON null"),
        ({"credential": "k"}, 'without a text "type"'),
        ({"type": 1}, 'without a text "type"'),
        ({"type": "api_key", "credential": 5}, '"credential" is not text'),
    ],
)
def test_stored_auth_refuses_to_guess(stored: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        stored_auth(stored)


def _stored(profile: Profile) -> tuple[object, ...]:
    managed_by = None if profile.managed_by is None else profile.managed_by.value
    return (*profile[:-3], int(profile.protected), managed_by, profile.owner)


def test_the_fast_and_the_checked_profile_reads_agree() -> None:
    rows = [_stored(profile) for profile in PROFILES]
    assert read_module._plain_profiles(rows)
    problems: list[Problem] = []
    checked = read_module._PROFILES.rows(rows, problems)
    assert problems == []
    assert checked == {profile.name: profile for profile in PROFILES}
    for profile in PROFILES:
        assert checked[profile.name].managed_by is profile.managed_by


@pytest.mark.parametrize(
    ("index", "value"),
    [
        (2, b"gpt"),
        (3, 7),
        (8, "hot"),
        (8, float("nan")),
        (8, float("-inf")),
        (9, 1.5),
        (10, "yes"),
        (10, None),
        (10, 1.0),
        (11, "config "),
        (11, "CONFIG"),
        (12, b"team-a"),
    ],
)
def test_a_value_the_model_cannot_hold_leaves_the_fast_read(index: int, value: object) -> None:
    rows = [_stored(profile) for profile in PROFILES]
    rows[1] = (*rows[1][:index], value, *rows[1][index + 1 :])
    assert not read_module._plain_profiles(rows)
    problems: list[Problem] = []
    read = read_module._PROFILES.rows(rows, problems)
    column = Profile._fields[index]
    assert [problem.path for problem in problems] == [f"profiles.full.{column}"]
    assert problems[0].code == "state.unreadable"
    assert sorted(read) == ["Legacy_Bot", "bare"]


def test_a_protected_flag_the_fast_read_leaves_to_the_checked_one_reads_alike() -> None:
    """MySQL's BOOLEAN is an integer: any non-zero one is true, row by row as in the fast read."""
    rows = [_stored(profile) for profile in PROFILES]
    rows[0] = (*rows[0][:10], 2, *rows[0][11:])
    assert not read_module._plain_profiles(rows)
    problems: list[Problem] = []
    read = read_module._PROFILES.rows(rows, problems)
    assert problems == []
    assert read["bare"].protected is True
