"""Driver errors as one clear line each, and URLs with their passwords hidden."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pymysql
import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from reconciler.errors import DatabaseError
from reconciler.store.failures import HIDDEN, describe, redact, scrub, splits_password, translated

URL = sa.make_url("mysql+pymysql://app:s3cret-Pw@db.example/prod")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:pw@db/prod", "postgresql://app:***@db/prod"),
        (
            "mysql+pymysql://app@db/prod?password=pw",
            "mysql+pymysql://app@db/prod?password=%2A%2A%2A",
        ),
        ("postgresql://app:p@ss@db/prod", "postgresql://app:***@db/prod"),
        ("not a url :pw", "not a url :***"),
        ("sqlite:///reconcile.db", "sqlite:///reconcile.db"),
    ],
)
def test_redact_hides_every_password_and_no_more_than_it_must(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_a_raw_at_sign_splits_the_password() -> None:
    assert splits_password("postgresql://app:p@ss@db/prod")
    assert not splits_password("postgresql://app:p%40ss@db/prod")


def test_scrub_hides_whole_spellings_of_the_password_only() -> None:
    url = sa.make_url("postgresql://app:b@db/database")
    assert (
        scrub("password b rejected for database b", url)
        == f"password {HIDDEN} rejected for database {HIDDEN}"
    )


def _mysql_error(code: int, message: str) -> exc.DBAPIError:
    return exc.OperationalError("SELECT 1", {}, pymysql.err.OperationalError(code, message))


@pytest.mark.parametrize(
    ("code", "start"),
    [
        (1045, "authentication failed for mysql+pymysql://app:***@db.example/prod"),
        (1142, "permission denied on "),
        (1049, "database not found at "),
        (2003, "database server unreachable at "),
        (1406, "the database at mysql+pymysql://app:***@db.example/prod refused a value"),
        (9999, "database error on "),
    ],
)
def test_mysql_codes_say_what_the_user_can_act_on(code: int, start: str) -> None:
    line = describe(_mysql_error(code, "Access denied for user 'app' using s3cret-Pw"), URL)
    assert line.startswith(start)
    assert "s3cret-Pw" not in line
    assert "\n" not in line


def test_a_lost_connection_on_a_large_statement_is_named_by_its_size() -> None:
    params = {"prompt": "x" * (2 * 1024 * 1024)}
    error = exc.OperationalError("INSERT", params, pymysql.err.OperationalError(2006, "gone"))
    assert "refused a statement of about 2.0 MiB" in describe(error, URL)


def test_a_real_sqlite_failure_becomes_one_database_error(tmp_path: Path) -> None:
    url = sa.make_url(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    engine = sa.create_engine(url)
    try:
        with pytest.raises(DatabaseError) as raised, translated(url), engine.connect():
            pass
    finally:
        engine.dispose()
    assert raised.value.message.startswith("cannot open the SQLite database")
    assert isinstance(raised.value.__cause__, exc.DBAPIError)
    assert isinstance(raised.value.__cause__.orig, sqlite3.OperationalError)
