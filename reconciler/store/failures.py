"""Driver errors turned into one clear line each, with the password hidden.

Drivers report a refused connection, a wrong password or a missing privilege in their own words
(psycopg's libpq text, PyMySQL's numeric codes, sqlite3's messages). This module sorts them into
the few cases a user can act on and raises `reconciler.errors.DatabaseError` from the cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from sqlalchemy import URL, exc, make_url

from reconciler.errors import DatabaseError

HIDDEN = "***"
_SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "sslpassword"})

# (what went wrong, MySQL error codes, patterns for the lower-cased message of other drivers)
_KINDS: tuple[tuple[str, frozenset[int], tuple[str, ...]], ...] = (
    (
        "authentication failed",
        frozenset({1045, 1698}),
        ("password authentication failed", r'role ".*" does not exist', "no pg_hba.conf entry"),
    ),
    (
        "permission denied",
        frozenset({1044, 1142, 1143, 1227, 1370}),
        ("permission denied", "must be owner", "readonly database", "read-only transaction"),
    ),
    ("database does not exist", frozenset({1049}), (r'database ".*" does not exist',)),
    (
        "database server unreachable",
        frozenset({2003, 2005, 2006, 2013}),
        ("connection refused", "timeout expired", "resolve host", "translate host", "connect to"),
    ),
    ("cannot open the SQLite database file", frozenset(), ("unable to open database file",)),
)
_HINTS = {
    "authentication failed": "check the user and password",
    "database does not exist": "create it first",
    "permission denied": "grant the database user the privileges it needs",
}


def redact(url: str | URL) -> str:
    """The URL as text with its password (and any password query parameter) hidden."""
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError, TypeError):
        return _redact_text(str(url))
    query = {
        key: HIDDEN if key.lower() in _SECRET_QUERY_KEYS else value
        for key, value in parsed.query.items()
    }
    return parsed.set(query=query).render_as_string(hide_password=True)


def _redact_text(text: str) -> str:
    text = re.sub(r"(://[^/?#@:]*:)[^/?#@]*@", rf"\1{HIDDEN}@", text)
    return re.sub(r"((?:password|passwd|pwd)=)[^&]*", rf"\1{HIDDEN}", text, flags=re.IGNORECASE)


def scrub(text: str, url: URL) -> str:
    """``text`` with every spelling of the URL's password replaced by ``***``."""
    password = url.password
    if password:
        for spelling in {str(password), quote(str(password), safe="")}:
            text = text.replace(spelling, HIDDEN)
    return text


def describe(error: exc.DBAPIError, url: URL) -> str:
    """One line saying what went wrong with ``url``: the case, the driver's reason, a hint."""
    reason = _reason(error.orig)
    kind = _kind(error.orig, reason.lower()) or "database error"
    hint = _HINTS.get(kind)
    line = f"{kind}: {redact(url)}: {reason}" + (f" ({hint})" if hint else "")
    return scrub(line, url)


@contextmanager
def translated(url: URL) -> Iterator[None]:
    """Turn a driver error raised inside the block into a one-line `DatabaseError`."""
    try:
        yield
    except exc.DBAPIError as error:
        raise DatabaseError(describe(error, url)) from error


def _kind(orig: BaseException | None, message: str) -> str | None:
    code = _mysql_code(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "42501":
        return "permission denied"
    for kind, codes, patterns in _KINDS:
        if code in codes or (code is None and any(re.search(part, message) for part in patterns)):
            return kind
    return None


def _mysql_code(orig: BaseException | None) -> int | None:
    args = getattr(orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _reason(orig: BaseException | None) -> str:
    """The driver's own words, first line only, without libpq's and PyMySQL's wrapping."""
    if orig is None:
        return "unknown error"
    args = orig.args
    text = str(args[1]) if len(args) > 1 and isinstance(args[0], int) else str(orig)
    first = text.strip().splitlines()[0] if text.strip() else type(orig).__name__
    if " failed: " in first:  # libpq: 'connection to server at "h", port 5432 failed: FATAL: ...'
        first = first.rsplit(" failed: ", 1)[1]
    return re.sub(r"^(FATAL|ERROR):\s+", "", first).strip()
