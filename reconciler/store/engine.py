"""Database URLs and engines: where the URL comes from, how it is shown, how it is opened."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import URL, Connection, Engine, event, exc

from reconciler._version import DISTRIBUTION
from reconciler.errors import DatabaseError
from reconciler.store.dialects import DIALECTS, Dialect, dialect_of
from reconciler.store.failures import redact, scrub, splits_password, translated

DEFAULT_URL = "sqlite:///reconcile.db"
URL_VARIABLE = "RECONCILE_DATABASE_URL"
CONNECT_TIMEOUT = 5
"""Seconds to wait for a server before calling it unreachable."""

_ALIASES = {"postgres": "postgresql"}
"""Schemes SQLAlchemy no longer knows, read as the backend they name."""
_URL_SHAPE = (
    "expected dialect[+driver]://user[:password]@host[:port]/database,"
    " e.g. postgresql://app@db/prod or sqlite:///reconcile.db"
)


def resolve_url(option: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """``--database-url`` if given, else ``$RECONCILE_DATABASE_URL``, else ``sqlite:///reconcile.db``."""
    return option or environ.get(URL_VARIABLE) or DEFAULT_URL


def parse_url(url: str | URL) -> URL:
    """The URL as SQLAlchemy's `URL`, with our drivers filled in (psycopg 3, PyMySQL)."""
    if splits_password(url):
        raise DatabaseError(
            f"invalid database URL {redact(url)!r}: more than one '@' follows the user name"
            " (write an '@' in the password as %40)"
        )
    try:
        parsed = sa.make_url(url)
    except (exc.ArgumentError, ValueError) as error:
        raise DatabaseError(f"invalid database URL {redact(url)!r}: {_URL_SHAPE}") from error
    scheme = _ALIASES.get(parsed.drivername, parsed.drivername)
    if scheme in DIALECTS:  # a bare scheme: our driver
        parsed = parsed.set(drivername=DIALECTS[scheme].driver)
    if dialect_of(parsed).is_file:
        _require_sqlite_path(parsed)
    return parsed


def _require_sqlite_path(url: URL) -> None:
    """An SQLite URL names a file: no user, password, host or port, and not memory.

    SQLAlchemy would refuse the first with a message showing the URL, and an in-memory database
    would make ``plan`` plan against nothing and ``apply`` write where nobody reads.
    """
    if url.username or url.password or url.host or url.port:
        raise DatabaseError(
            f"invalid SQLite URL {redact(url)!r}: it takes no user, password, host or port;"
            " write sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    if _in_memory(url):
        raise DatabaseError(
            f"refusing the in-memory SQLite database {redact(url)!r}: nothing read or written"
            " there outlives the command; name a file, e.g. sqlite:///reconcile.db"
        )


@contextmanager
def connected(
    url: str, *, read_only: bool = False, must_exist: bool = False
) -> Iterator[Connection]:
    """A connection to the database at ``url`` (as `open_engine` opens it), its failures one-line
    `DatabaseError`s; the engine is disposed after: the one way a service reads a database."""
    engine = open_engine(url, read_only=read_only, must_exist=must_exist)
    try:
        with translated(engine.url), engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@contextmanager
def owned_engine(engine: Engine | str) -> Iterator[Engine]:
    """``engine`` itself, or the engine of a database URL (resolved like ``--database-url``),
    disposed after: what a service that takes either hands on."""
    if not isinstance(engine, str):
        yield engine
        return
    owned = open_engine(resolve_url(engine))
    try:
        yield owned
    finally:
        owned.dispose()


def open_engine(url: str | URL, *, read_only: bool = False, must_exist: bool = False) -> Engine:
    """An engine on ``url``, checked by connecting once; driver errors become `DatabaseError`.

    ``read_only`` is for ``plan``: sessions are read-only on PostgreSQL and MySQL, and an SQLite
    file is opened read-only; a missing SQLite file is not created but reads as an empty
    database (an in-memory one). ``must_exist`` is for commands whose output would mislead on
    a mistyped path (``export``, ``history``): a missing SQLite file is a `DatabaseError`.
    The engine's URL is always the one given, so every message shows what the user wrote.
    """
    parsed = parse_url(url)
    dialect = dialect_of(parsed)
    if dialect.is_file:
        _refuse_folder(parsed)
    if dialect.is_file and must_exist:
        _require_sqlite_file(parsed)
    options = {} if dialect.is_file else _server_options(parsed, dialect, read_only)
    engine = _create(parsed, options)
    if dialect.is_file and read_only and not _is_uri(parsed):
        event.listen(engine, "do_connect", _read_only_file(parsed))
    statements = dialect.connect_sql + (dialect.read_only_sql if read_only else ())
    if statements:
        event.listen(engine, "connect", _run_on_connect(statements))
    if "read_timeout" in options:  # ours, bounding the handshake only
        event.listen(engine, "connect", _lift_handshake_timeout)
    with translated(parsed), _options_checked(parsed), engine.connect():
        pass
    return engine


def _create(url: URL, connect_args: dict[str, Any]) -> Engine:
    try:
        with _options_checked(url), warnings.catch_warnings():
            warnings.simplefilter("error", exc.SAWarning)
            return sa.create_engine(url, connect_args=connect_args)
    except ImportError as error:
        dialect = dialect_of(url)
        raise DatabaseError(
            f"the {dialect.name} driver is not installed ({error.name or error}):"
            f" pip install '{DISTRIBUTION}[{dialect.extra or dialect.name}]'"
        ) from error
    except exc.NoSuchModuleError as error:
        raise DatabaseError(
            f"unknown database driver {url.drivername!r} in {redact(url)}: {_URL_SHAPE}"
        ) from error


def _server_options(url: URL, dialect: Dialect, read_only: bool) -> dict[str, Any]:
    """The driver's connect arguments; what the URL's query sets is left to it."""
    options: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        options["connect_timeout"] = CONNECT_TIMEOUT
    if dialect.charset is not None and "charset" not in url.query:
        options["charset"] = dialect.charset
    if dialect.bounds_handshake and "read_timeout" not in url.query:
        options["read_timeout"] = CONNECT_TIMEOUT
    if read_only:
        options |= dialect.read_only_connect_args
    return options


@contextmanager
def _options_checked(url: URL) -> Iterator[None]:
    """A query option that SQLAlchemy or the driver refuses (``?read_timeout=abc``, an unknown
    ``charset``, a missing ``ssl_ca`` file) becomes one line naming the URL's options.

    Such errors are no driver `DBAPIError`: they come from parsing the options, before any
    connection. SQLAlchemy's warning that an option is ignored is refused too (`_create` makes
    it an error), as a likely typo.
    """
    try:
        yield
    except (ValueError, TypeError, LookupError, AttributeError, OSError, exc.SAWarning) as error:
        keys = sorted(url.query)
        if not keys:  # then no option of the user's: an unexpected failure, reported as one
            raise
        named = (
            f"the option {keys[0]}" if len(keys) == 1 else f"one of the options {', '.join(keys)}"
        )
        raise DatabaseError(
            f"invalid database URL {redact(url)}: {named} was refused ({_reason(error, url)})"
        ) from error


def _reason(error: BaseException, url: URL) -> str:
    """The error's own first line, with any password of the URL (or its query) hidden."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = re.sub(r"\s*\(Background on this \w+ at: \S+\)$", "", text)
    return scrub(f"{type(error).__name__}: {text}" if text else type(error).__name__, url)


def _in_memory(url: URL) -> bool:
    """An SQLite database in memory: no path, ``:memory:``, or a URI naming memory."""
    database = url.database or ""
    if database in ("", ":memory:"):
        return True
    return _is_uri(url) and (
        database.startswith("file::memory:") or url.query.get("mode") == "memory"
    )


def _is_uri(url: URL) -> bool:
    """A URL the user wrote as an SQLite URI (``?uri=true``): opened as they wrote it."""
    return "uri" in url.query


def _refuse_folder(url: URL) -> None:
    path = Path(url.database or "")
    if not _in_memory(url) and not _is_uri(url) and path.is_dir():
        raise DatabaseError(f"{path.resolve()} is a folder, not an SQLite database file")


def _require_sqlite_file(url: URL) -> None:
    path = Path(url.database or "").resolve()
    if not _is_uri(url) and not path.exists():
        raise DatabaseError(f"no SQLite database at {path}: the file does not exist")


def _read_only_file(url: URL) -> Callable[..., None]:
    """A ``do_connect`` hook opening the URL's file read-only (an empty in-memory database when
    there is no file: ``plan`` creates nothing). The engine keeps the user's URL: only the
    driver sees the read-only URI, so no message shows it."""
    path = Path(url.database or "").resolve()

    def connect(
        _dialect: object, _record: object, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        if not path.exists():
            cargs[:1] = [":memory:"]  # reads as empty, writes nothing
            return
        # A read-only connection cannot remove the -wal and -shm files it creates in a WAL
        # database, so one no process has open (no -wal file) is opened read-write and only read
        # (query_only): the last connection to close then removes them.
        mode = "rw" if _wal_and_unused(path) else "ro"
        cargs[:1] = [f"file:{quote(str(path))}?mode={mode}"]
        cparams["uri"] = True

    return connect


def _wal_and_unused(path: Path) -> bool:
    with path.open("rb") as file:
        header = file.read(20)
    wal_mode = header[18:20] == b"\x02\x02"  # the file format's read and write versions
    return wal_mode and not path.with_name(f"{path.name}-wal").exists()


def _run_on_connect(statements: tuple[str, ...]) -> Callable[[Any, object], None]:
    """A ``connect`` hook running the dialect's ``statements`` on every new connection."""

    def run(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()

    return run


def _lift_handshake_timeout(dbapi_connection: Any, _record: object) -> None:
    # PyMySQL's connect_timeout covers the TCP connect only: a server that accepts and never
    # answers would hang the handshake forever. So connections open with read_timeout set to
    # CONNECT_TIMEOUT, lifted here once connected: a lock wait may rightly take longer.
    dbapi_connection._read_timeout = None
