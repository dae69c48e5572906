from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from reconciler.errors import DatabaseError
from reconciler.model import DatabaseState
from reconciler.store import engine as engine_module
from reconciler.store import (
    open_engine,
    parse_url,
    read_state,
    redact,
    resolve_url,
    upgrade,
)
from reconciler.store.failures import scrub


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        ("sqlite:///a.db", {"RECONCILE_DATABASE_URL": "sqlite:///b.db"}, "sqlite:///a.db"),
        (None, {"RECONCILE_DATABASE_URL": "sqlite:///b.db"}, "sqlite:///b.db"),
        (None, {"RECONCILE_DATABASE_URL": ""}, "sqlite:///reconcile.db"),
        (None, {}, "sqlite:///reconcile.db"),
    ],
)
def test_resolve_url(option: str | None, environ: dict[str, str], expected: str) -> None:
    assert resolve_url(option, environ) == expected


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:hunter2@db/prod", "postgresql://app:***@db/prod"),
        ("postgresql://app@db/prod", "postgresql://app@db/prod"),
        ("mysql+pymysql://u:p%40ss@h:3306/d", "mysql+pymysql://u:***@h:3306/d"),
        (
            "mysql://u@h/d?password=hunter2&charset=utf8mb4",
            "mysql://u@h/d?charset=utf8mb4&password=%2A%2A%2A",
        ),
        ("not a url://x:hunter2@y", "not a url://x:***@y"),
        ("weird password=hunter2", "weird password=***"),
        ("sqlite:///reconcile.db", "sqlite:///reconcile.db"),
    ],
)
def test_redact_hides_every_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert "hunter2" not in redact(url)


PASSWORD_PARTS = ("s3cr3t", "p4rt2", "p4rt3")
MALFORMED_URLS = [  # a raw '@' in the password: SQLAlchemy reads the rest as the host
    "postgresql+psycopg://app:s3cr3t@p4rt2@db.example.com/prod",
    "postgresql+psycopg://app:s3cr3t@p4rt2@p4rt3@127.0.0.1:1/prod",
    "mysql://app:s3cr3t@p4rt2@127.0.0.1:1/prod?charset=utf8mb4",
    "postgresql://app:s3cr3t@p4rt2@db/prod?password=p4rt3",
]
SPLIT_ELSEWHERE_URLS = [  # ... or as the host and the database or query
    "postgresql://app:s3cr3t@p4rt2/p4rt3@db/prod",
    "postgresql://app:s3cr3t@p4rt2?p4rt3@db/prod",
    "postgresql://app:s3cr3t@p4rt2@[::1/prod",
]
WELL_FORMED_URLS = [
    "postgresql://app:s3cr3t:p4rt2@db/prod",
    "postgresql://app:s3cr3t/p4rt2?p4rt3#x@db/prod",
    "postgresql://app:s3cr3t%40p4rt2@db/prod",
    "mysql://app@db/prod?PassWord=s3cr3t&sslpassword=p4rt2",
]
UNPARSEABLE_URLS = [
    "postgresql://app:s3cr3t@[::1/prod",
    "postgresql://app:s3cr3t/p4rt2@[::1/prod",
    "postgresql:/app:s3cr3t@db/prod",
    "postgresql//app:s3cr3t:p4rt2@db/prod",
    "postgresql://app:s3cr3t",
]


@pytest.mark.parametrize(
    "url", MALFORMED_URLS + SPLIT_ELSEWHERE_URLS + WELL_FORMED_URLS + UNPARSEABLE_URLS
)
def test_redact_shows_no_part_of_a_password(url: str) -> None:
    shown = redact(url)
    assert not [part for part in PASSWORD_PARTS if part in shown], shown


@pytest.mark.parametrize("url", MALFORMED_URLS + WELL_FORMED_URLS)
def test_redact_shows_no_part_of_a_parsed_password(url: str) -> None:
    shown = redact(sa.make_url(url))
    assert not [part for part in PASSWORD_PARTS if part in shown], shown


@pytest.mark.parametrize("url", MALFORMED_URLS + SPLIT_ELSEWHERE_URLS)
def test_parse_url_refuses_a_raw_at_sign_after_the_password(url: str) -> None:
    with pytest.raises(DatabaseError, match="%40") as raised:
        parse_url(url)
    assert not [part for part in PASSWORD_PARTS if part in raised.value.message]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:pw@db/prod?application_name=me%40host",
        "postgresql://app@db/prod?application_name=a@b",
        "sqlite:///data/a@b@c.db",
    ],
)
def test_parse_url_accepts_an_at_sign_that_is_not_after_a_password(url: str) -> None:
    parse_url(url)


def test_scrub_replaces_whole_passwords_only() -> None:
    url = sa.make_url("postgresql://u:b@h/d")
    assert scrub("database b failed: 'b'", url) == "database *** failed: '***'"


@pytest.mark.parametrize(
    ("url", "drivername"),
    [
        ("postgresql://a@h/d", "postgresql+psycopg"),
        ("postgres://a@h/d", "postgresql+psycopg"),
        ("mysql://a@h/d", "mysql+pymysql"),
        ("mariadb://a@h/d", "mariadb+pymysql"),
        ("postgresql+psycopg2://a@h/d", "postgresql+psycopg2"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_parse_url_fills_in_our_drivers(url: str, drivername: str) -> None:
    assert parse_url(url).drivername == drivername


@pytest.mark.sqlite
def test_read_only_sqlite_does_not_create_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    engine = open_engine(f"sqlite:///{path}", read_only=True)
    with engine.connect() as connection:
        assert read_state(connection) == DatabaseState()
    engine.dispose()
    assert not path.exists()


@pytest.mark.sqlite
@pytest.mark.parametrize("read_only", [True, False])
def test_a_sqlite_file_that_must_exist_is_not_created(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(DatabaseError, match=f"^no SQLite database at {path}: the file does not"):
        open_engine(f"sqlite:///{path}", read_only=read_only, must_exist=True)
    assert not path.exists()


@pytest.mark.sqlite
@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_read_only_sqlite_opens_an_existing_file_read_only(
    tmp_path: Path, journal_mode: str
) -> None:
    url = f"sqlite:///{tmp_path / 'odd name?#%.db'}"
    writable = open_engine(url)
    upgrade(writable)
    with writable.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA journal_mode={journal_mode}")
    writable.dispose()
    engine = open_engine(url, read_only=True)
    # A WAL database nobody has open is opened read-write (to clean up its -wal and -shm files)
    # and only read: query_only refuses writes, with SQLite's "readonly" error as well.
    with pytest.raises(sa.exc.OperationalError, match="readonly"), engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('p', 'openai')"))
    engine.dispose()


@pytest.mark.sqlite
def test_a_failed_connection_is_a_database_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="cannot open the SQLite database"):
        open_engine(f"sqlite:///{tmp_path / 'no' / 'folder.db'}")


@pytest.mark.slow
@pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)], indirect=True)
def test_mysql_queries_may_outlast_the_connect_timeout(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "CONNECT_TIMEOUT", 1)
    engine = open_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT SLEEP(2)")).scalar_one() == 0
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://u:s3cr3t@/reconcile.db", "invalid SQLite URL 'sqlite://u:***@/reconcile.db'"),
        ("sqlite://host/reconcile.db", "invalid SQLite URL 'sqlite://host/reconcile.db'"),
        ("sqlite://:1/reconcile.db", "invalid SQLite URL"),
        ("sqlite://", "refusing the in-memory SQLite database 'sqlite://'"),
        ("sqlite:///:memory:", "refusing the in-memory SQLite database"),
        ("sqlite:///file::memory:?uri=true", "refusing the in-memory SQLite database"),
        ("sqlite:///file:x?mode=memory&uri=true", "refusing the in-memory SQLite database"),
    ],
)
def test_an_sqlite_url_must_name_a_file(url: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=f"^{re.escape(message)}") as raised:
        parse_url(url)
    assert "s3cr3t" not in raised.value.message


def test_an_sqlite_uri_naming_a_file_is_left_as_written() -> None:
    assert parse_url("sqlite:///file:app.db?mode=ro&uri=true").database == "file:app.db"


@pytest.mark.sqlite
def test_a_read_only_sqlite_engine_keeps_the_users_url_and_options(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}?timeout=0"
    upgrade(open_engine(url))
    engine = open_engine(url, read_only=True)
    assert engine.url == parse_url(url)  # what messages show: never the read-only file: URI
    engine.dispose()


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("timeout=abc", "the option timeout"),
        ("uri=maybe", "the option uri"),
        ("mode=ro", "the option mode"),  # ignored without uri=true: refused as a likely typo
        ("timeout=abc&cached_statements=x", "one of the options cached_statements, timeout"),
    ],
)
def test_an_option_sqlalchemy_refuses_is_named(tmp_path: Path, query: str, named: str) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}?{query}"
    with pytest.raises(DatabaseError, match=f"^invalid database URL .*: {named} was refused \\("):
        open_engine(url)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://app:s3cr3t@127.0.0.1:1/prod?charset=bogus",
        "mysql://app@127.0.0.1:1/prod?ssl_ca=/missing&password=s3cr3t",
    ],
)
def test_an_option_the_driver_refuses_hides_every_password(url: str) -> None:
    with pytest.raises(DatabaseError, match=r"^invalid database URL .* was refused") as raised:
        open_engine(url)
    assert "s3cr3t" not in raised.value.message


def test_scrub_hides_a_password_given_as_a_query_parameter() -> None:
    url = sa.make_url("mysql://app@h/d?password=hunter2&charset=utf8mb4")
    assert scrub("Access denied: hunter2 (utf8mb4)", url) == "Access denied: *** (utf8mb4)"


@pytest.mark.parametrize("read_only", [False, True])
def test_a_folder_is_refused_as_an_sqlite_file(tmp_path: Path, read_only: bool) -> None:
    with pytest.raises(DatabaseError, match="is a folder, not an SQLite database file"):
        open_engine(f"sqlite:///{tmp_path}", read_only=read_only)
