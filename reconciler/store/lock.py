"""The one lock that serialises applies across processes, on every backend.

Each backend's `reconciler.store.dialects.ApplyLock`: PostgreSQL takes a transaction-scoped
advisory lock (``pg_advisory_xact_lock``) bounded by ``lock_timeout``; MySQL/MariaDB a named lock
(``GET_LOCK``) held by the session and released at the end; SQLite starts the transaction with
``BEGIN IMMEDIATE`` under a busy timeout, which takes the database's write lock. Waiting longer
than the timeout raises `LockTimeout` naming the lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from reconciler.errors import LockTimeout
from reconciler.store.dialects import ApplyLock, dialect_of

LOCK_NAME = "reconciler"
DEFAULT_TIMEOUT = 60.0
_PG_LOCK_NOT_AVAILABLE = "55P03"


@contextmanager
def locked_transaction(engine: Engine, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Connection]:
    """One transaction holding the reconciler lock: committed on success, rolled back on error.

    Several processes entering this with the same database run one after another; one that waits
    longer than ``timeout`` seconds raises `LockTimeout` and has changed nothing.
    """
    with engine.connect() as connection:
        lock = dialect_of(connection).apply_lock
        if lock is ApplyLock.NAMED:
            with _named_lock(connection, timeout), connection.begin():
                yield connection
            return
        with connection.begin():
            if lock is ApplyLock.ADVISORY:
                _advisory_lock(connection, timeout)
            else:
                _write_lock(connection, timeout)
            yield connection


def _advisory_lock(connection: Connection, timeout: float) -> None:
    if timeout <= 0:
        took = connection.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), _name())
        if not took:
            raise _timeout("pg_advisory_xact_lock(hashtext('reconciler'))", timeout)
        return
    # lock_timeout bounds the wait and keeps the server's queue fair; reset afterwards so it does
    # not also bound the row locks of the apply itself.
    connection.execute(text(f"SET LOCAL lock_timeout = '{_milliseconds(timeout)}ms'"))
    try:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), _name())
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
            raise _timeout("pg_advisory_xact_lock(hashtext('reconciler'))", timeout) from None
        raise
    connection.execute(text("SET LOCAL lock_timeout TO DEFAULT"))


@contextmanager
def _named_lock(connection: Connection, timeout: float) -> Iterator[None]:
    # GET_LOCK names are server-wide, so the database name keeps two databases on one server
    # from serialising each other.
    database = connection.scalar(text("SELECT DATABASE()")) or ""
    name = f"{LOCK_NAME}.{database}"[:64]
    connection.commit()  # GET_LOCK is not transactional; the apply begins after it
    took = connection.scalar(
        text("SELECT GET_LOCK(:name, :timeout)"), {"name": name, "timeout": timeout}
    )
    connection.commit()
    if took != 1:
        raise _timeout(f"GET_LOCK('{name}')", timeout)
    try:
        yield
    finally:
        _release_named(connection, name)


def _release_named(connection: Connection, name: str) -> None:
    try:
        connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": name})
        connection.commit()
    except DBAPIError:
        # The session is gone, and the server released its lock with it.
        connection.invalidate()


def _write_lock(connection: Connection, timeout: float) -> None:
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {_milliseconds(timeout)}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as error:
        if "locked" in str(error.orig) or "busy" in str(error.orig):
            raise _timeout("BEGIN IMMEDIATE (the SQLite write lock)", timeout) from None
        raise


def _milliseconds(timeout: float) -> int:
    return max(1, round(timeout * 1000))


def _name() -> dict[str, str]:
    return {"name": LOCK_NAME}


def _timeout(lock: str, timeout: float) -> LockTimeout:
    return LockTimeout(
        f"timed out after {timeout:g}s waiting for the reconciler lock {lock}: another apply "
        "or upgrade holds it; retry, or raise --lock-timeout"
    )
