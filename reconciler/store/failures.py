"""Driver errors turned into one clear line each, with the password hidden.

Drivers report a refused connection, a wrong password or a missing privilege in their own words
(psycopg's libpq text, PyMySQL's numeric codes, sqlite3's messages). This module sorts them into
the few cases a user can act on and raises `reconciler.errors.DatabaseError` from the cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, exc, make_url

from reconciler.errors import DatabaseError

HIDDEN = "***"
_SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "sslpassword"})


@dataclass(frozen=True, slots=True)
class _Case:
    """One thing a user can act on: how to say it, and how each driver reports it."""

    template: str
    mysql_codes: frozenset[int]
    patterns: tuple[str, ...]  # searched in the lower-cased message of the other drivers


_LOST = frozenset({2006, 2013})
"""MySQL's "server has gone away" and "lost connection": also what a client sees when the server
drops a statement over its ``max_allowed_packet`` (it closes the connection mid-write)."""
LARGE_STATEMENT = 1024 * 1024
"""Bytes past which a lost connection during the statement is reported as its size."""

_CASES = (
    _Case(
        "authentication failed for {url}: {reason} (check the user and password)",
        frozenset({1045, 1698}),
        ("password authentication failed", r'role ".*" does not exist', "no pg_hba.conf entry"),
    ),
    _Case(
        "permission denied on {url}: {reason} (grant the database user the privileges it needs)",
        frozenset({1044, 1142, 1143, 1227, 1370}),
        ("permission denied", "must be owner", "readonly database", "read-only transaction"),
    ),
    _Case(
        "database not found at {url}: {reason} (create it first)",
        frozenset({1049}),
        (r'database ".*" does not exist',),
    ),
    _Case(
        "database server unreachable at {url}: {reason}",
        frozenset({2003, 2005}) | _LOST,
        ("connection refused", "timeout expired", "resolve host", "translate host", "connect to"),
    ),
    _Case(
        "cannot open the SQLite database {url}: {reason} (does its folder exist?)",
        frozenset(),
        ("unable to open database file",),
    ),
)
_PERMISSION = _CASES[1]
_OTHER = _Case("database error on {url}: {reason}", frozenset(), ())
_PACKET = _Case(
    "the database server at {url} refused a statement of about {size} ({reason}), as it does past"
    " its max_allowed_packet: raise max_allowed_packet on the server; nothing was written",
    frozenset({1153, 1301}),
    ("max_allowed_packet",),
)
_DATA = _Case(
    "the database at {url} refused a value: {reason}; nothing was written",
    frozenset({1264, 1366, 1406, 3140}),
    ("cannot contain nul", "value too long for type", "invalid byte sequence"),
)


# How SQLAlchemy splits a URL's user info: the password runs from the user name's ':' to the
# first '@'. A raw '@' in the password leaves the rest of it in the host, port or database.
_USER_INFO = re.compile(r"[\w+]+://[^:/]*:[^@]*@(?P<after>.*)", re.DOTALL)


def splits_password(url: str | URL) -> bool:
    """Whether another ``@`` follows the one that ends the password, as a raw ``@`` in the
    password makes: SQLAlchemy would read part of the password as the host."""
    match = _USER_INFO.match(_as_text(url))
    return match is not None and "@" in match["after"]


def redact(url: str | URL) -> str:
    """The URL as text with its password (and any password query parameter) hidden.

    A URL that does not parse, or whose password `splits_password`, is hidden from the user
    name's ``:`` to the last ``@``: more than the password, never less.
    """
    text = _as_text(url)
    if splits_password(text):
        return _redact_text(text)
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError, TypeError):
        return _redact_text(text)
    query = {
        key: HIDDEN if key.lower() in _SECRET_QUERY_KEYS else value
        for key, value in parsed.query.items()
    }
    return parsed.set(query=query).render_as_string(hide_password=True)


def _as_text(url: str | URL) -> str:
    return url if isinstance(url, str) else url.render_as_string(hide_password=False)


def _redact_text(text: str) -> str:
    """Hide from the first ``:`` after the scheme to the last ``@`` (to the end without one)."""
    start = text.find("://") + 3 if "://" in text else 0
    end = text.rfind("@")
    if end < start:  # no '@': whatever follows a ':' of the user info may be a password
        end = len(text)
    colon = text.find(":", start, end)
    if colon >= 0:
        text = f"{text[: colon + 1]}{HIDDEN}{text[end:]}"
    return re.sub(r"((?:password|passwd|pwd)=)[^&]*", rf"\1{HIDDEN}", text, flags=re.IGNORECASE)


def scrub(text: str, url: URL) -> str:
    """``text`` with every spelling of the URL's password (and of any password query parameter)
    replaced by ``***``.

    Only whole occurrences count, so a password ``b`` leaves ``database`` alone.
    """
    secrets = [str(url.password)] if url.password else []
    for key, value in url.query.items():
        if key.lower() in _SECRET_QUERY_KEYS:
            secrets += [value] if isinstance(value, str) else value
    for secret in filter(None, secrets):
        for spelling in {str(secret), quote(str(secret), safe="")}:
            pattern = rf"(?<![A-Za-z0-9]){re.escape(spelling)}(?![A-Za-z0-9])"
            text = re.sub(pattern, HIDDEN, text)
    return text


def describe(error: exc.DBAPIError, url: URL) -> str:
    """One line saying what went wrong with ``url``: the case, the driver's reason, a hint."""
    error = _first(error)
    reason = _reason(error.orig)
    case = _case(error.orig, reason.lower())
    size = _statement_size(error)
    if _mysql_code(error.orig) in _LOST and size >= LARGE_STATEMENT:
        case = _PACKET
    text = case.template.format(url=redact(url), reason=reason, size=f"{size / 2**20:.1f} MiB")
    return scrub(text, url)


def _first(error: exc.DBAPIError) -> exc.DBAPIError:
    """The driver error that started it all: a statement the server refused (MySQL's 1153) and
    then drops the connection, so the rollback fails with 2006, which Python raises last."""
    first, current = error, error.__context__
    while current is not None:
        if isinstance(current, exc.DBAPIError):
            first = current
        current = current.__context__
    return first


def _statement_size(error: exc.DBAPIError) -> int:
    """About how many bytes the failed statement sent: its SQL and parameters as text."""
    params: Any = error.params
    rows = params if isinstance(params, list | tuple) else [params]
    values = (v for row in rows if isinstance(row, Mapping) for v in row.values())
    return len(error.statement or "") + sum(len(str(v).encode()) for v in values)


@contextmanager
def translated(url: URL) -> Iterator[None]:
    """Turn a driver error raised inside the block into a one-line `DatabaseError`."""
    try:
        yield
    except exc.DBAPIError as error:
        raise DatabaseError(describe(error, url)) from error


def _case(orig: BaseException | None, message: str) -> _Case:
    code = _mysql_code(orig)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == "42501":  # PostgreSQL's insufficient_privilege
        return _PERMISSION
    if sqlstate.startswith("22"):  # PostgreSQL's data exceptions
        return _DATA
    for case in (*_CASES, _PACKET, _DATA):
        if code in case.mysql_codes:
            return case
        if code is None and any(re.search(pattern, message) for pattern in case.patterns):
            return case
    return _OTHER


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
