"""Each database backend's quirks in one place: a `Dialect` per backend, found by `dialect_of`.

The other store modules ask the `Dialect` of their URL, engine or connection what to do instead of
testing backend names. A ``mysql://`` URL may reach a MariaDB server: both names share the MySQL
facts, and the few that depend on the server (`exact_collation`) read SQLAlchemy's dialect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import sqlalchemy as sa
from sqlalchemy import URL, Connection, Engine

from reconciler.errors import DatabaseError
from reconciler.store.failures import redact


class ApplyLock(Enum):
    """How a backend serialises applies; `reconciler.store.lock` takes each kind."""

    ADVISORY = "advisory"
    """A transaction's advisory lock (``pg_advisory_xact_lock``), bounded by ``lock_timeout``."""
    NAMED = "named"
    """A named lock the session holds (``GET_LOCK``), taken before the transaction begins."""
    WRITE = "write"
    """The database file's write lock (``BEGIN IMMEDIATE``), under a busy timeout."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """What the store does differently on one backend."""

    name: str
    """SQLAlchemy's backend name, as in a URL's scheme."""
    driver: str
    """The drivername a bare scheme gets (``mysql://`` opens with PyMySQL)."""
    extra: str | None
    """The ``reconciler[extra]`` that installs the driver; ``None``: Python ships it."""
    port: int | None
    """The port a URL without one reaches; ``None``: no server."""
    is_file: bool
    """The database is a file the driver opens (SQLite): no server, user, host or port."""
    charset: str | None
    """The client character set asked for unless the URL names one."""
    bounds_handshake: bool
    """The driver's ``connect_timeout`` covers the TCP connect only (PyMySQL): ``read_timeout``
    bounds the handshake too, lifted once connected."""
    read_only_connect_args: Mapping[str, str]
    """Driver arguments that make every session read-only."""
    connect_sql: tuple[str, ...]
    """Statements run on every new connection."""
    read_only_sql: tuple[str, ...]
    """Statements run on every new connection of a read-only engine."""
    apply_lock: ApplyLock
    array_parameters: bool
    """A list binds as one array parameter, so ``name = ANY(:names)`` takes any number of names."""
    stores_time_zone: bool
    """``DateTime(timezone=True)`` keeps the zone; elsewhere the column holds naive UTC."""
    statement_size_query: str | None
    """SQL giving the most bytes the server accepts in one statement; ``None``: no such bound."""
    schemas: bool
    """Tables may live in another schema (PostgreSQL) or database (MySQL) than the connection's;
    SQLite has none (attached databases are not supported)."""
    integer_bits: int
    """The bits a plain ``INTEGER`` column holds: SQLite's integers are all 64-bit."""
    delete_rules_sql: str | None
    """SQL listing the ``ON DELETE`` rule of every foreign key of a schema (``:schema``, NULL:
    the connection's own) as rows ``(table, key, position, column, rule)``, where SQLAlchemy's
    reflection leaves rules out (SQLite's inline ``REFERENCES``, MySQL's default ``RESTRICT``);
    ``None``: reflection reports every rule but ``NO ACTION``."""


SQLITE = Dialect(
    name="sqlite",
    driver="sqlite",
    extra=None,
    port=None,
    is_file=True,
    charset=None,
    bounds_handshake=False,
    read_only_connect_args={},
    # SQLite leaves foreign keys off unless each connection turns them on.
    connect_sql=("PRAGMA foreign_keys=ON",),
    read_only_sql=("PRAGMA query_only=ON",),
    apply_lock=ApplyLock.WRITE,
    array_parameters=False,
    stores_time_zone=False,
    statement_size_query=None,
    schemas=False,
    integer_bits=64,
    delete_rules_sql=(
        'SELECT m.name, p.id, p.seq, p."from", p.on_delete FROM sqlite_master AS m'
        " JOIN pragma_foreign_key_list(m.name) AS p WHERE m.type = 'table'"
    ),
)

POSTGRESQL = Dialect(
    name="postgresql",
    driver="postgresql+psycopg",
    extra="postgres",
    port=5432,
    is_file=False,
    charset=None,
    bounds_handshake=False,
    read_only_connect_args={"options": "-c default_transaction_read_only=on"},
    connect_sql=(),
    read_only_sql=(),
    apply_lock=ApplyLock.ADVISORY,
    array_parameters=True,
    stores_time_zone=True,
    statement_size_query=None,
    schemas=True,
    integer_bits=32,
    delete_rules_sql=None,
)

MYSQL = Dialect(
    name="mysql",
    driver="mysql+pymysql",
    extra="mysql",
    port=3306,
    is_file=False,
    charset="utf8mb4",  # MySQL's utf8 is utf8mb3, which holds no emoji
    bounds_handshake=True,
    read_only_connect_args={"init_command": "SET SESSION TRANSACTION READ ONLY"},
    connect_sql=(),
    read_only_sql=(),
    apply_lock=ApplyLock.NAMED,
    array_parameters=False,
    stores_time_zone=False,
    # Statements over max_allowed_packet are refused (16 MiB by default on MariaDB).
    statement_size_query="SELECT @@max_allowed_packet",
    schemas=True,
    integer_bits=32,
    delete_rules_sql=(
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION, k.COLUMN_NAME, r.DELETE_RULE"
        " FROM information_schema.KEY_COLUMN_USAGE AS k"
        " JOIN information_schema.REFERENTIAL_CONSTRAINTS AS r"
        " ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME"
        " AND r.TABLE_NAME = k.TABLE_NAME"
        " WHERE k.TABLE_SCHEMA = COALESCE(:schema, DATABASE())"
        " AND k.REFERENCED_TABLE_NAME IS NOT NULL"
    ),
)

MARIADB = dataclasses.replace(MYSQL, name="mariadb", driver="mariadb+pymysql")

DIALECTS: Mapping[str, Dialect] = {
    dialect.name: dialect for dialect in (SQLITE, POSTGRESQL, MYSQL, MARIADB)
}
MYSQL_NAMES = (MYSQL.name, MARIADB.name)
"""The names the MySQL family goes by, for SQLAlchemy's per-dialect type variants."""


def dialect_of(bind: URL | Engine | Connection) -> Dialect:
    """The `Dialect` of a URL's backend, or of an engine's or a connection's;
    `DatabaseError` for a backend the reconciler does not support."""
    if isinstance(bind, URL):
        name, url = bind.get_backend_name(), bind
    else:
        name, url = bind.dialect.name, bind.engine.url
    dialect = DIALECTS.get(name)
    if dialect is None:
        raise DatabaseError(
            f"unsupported database {name!r} in {redact(url)}: use sqlite, postgresql, mysql or"
            " mariadb"
        )
    return dialect


def exact_collation(dialect: sa.engine.Dialect) -> str:
    """The binary ``utf8mb4`` collation of this MySQL/MariaDB server that is NO PAD, so that
    ``'bot '`` and ``'bot'`` are two names; ``utf8mb4_bin`` (PAD SPACE) where there is none."""
    if getattr(dialect, "is_mariadb", False):
        return "utf8mb4_nopad_bin"
    if (dialect.server_version_info or (0,)) >= (8,):
        return "utf8mb4_0900_bin"
    return "utf8mb4_bin"  # MySQL 5.7 has no NO PAD binary collation
