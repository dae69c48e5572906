"""``reconcile db check``: a config's ``storage`` mapping against the live schema, read-only.

The checks that run before every plan (DESIGN §14), alone: nothing is planned nor written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.config import LoadedConfig
from reconciler.errors import Problem
from reconciler.model import Kind
from reconciler.storage import Storage
from reconciler.store import connected, redact, resolve_url
from reconciler.store.mapped.columns import spelled
from reconciler.store.mapped.reflect import Reflected, located, reflect_storage


@dataclass(frozen=True)
class Checked:
    """A config's mapping checked against a database.

    ``reflected`` is ``None`` when the database was not opened: the config is invalid (its
    problems are ``problems``) or has no ``storage`` (the reconciler's own tables).
    """

    storage: Storage | None
    problems: tuple[Problem, ...]
    """The config's problems, then the mapping's, located in the config."""
    database: str | None = None
    """The database checked, its password hidden; ``None``: not opened."""
    reflected: Reflected | None = None
    types: Mapping[Kind, Mapping[str, str]] = field(default_factory=dict)
    """Per mapped table that exists, each column's type as the database spells it."""

    @property
    def ok(self) -> bool:
        """No error: the mapping fits (warnings of the config allowed)."""
        return not any(problem.is_error for problem in self.problems)


def check_storage(config: LoadedConfig, database_url: str | None = None) -> Checked:
    """Reflect and check ``config``'s ``storage`` on the database, read-only.

    ``database_url`` resolves like ``--database-url``. An invalid config, or one without
    ``storage``, is not checked and the database is not opened. A database that cannot be
    opened (a missing SQLite file included) raises `DatabaseError`.
    """
    storage = config.desired.storage
    if not config.valid or storage is None:
        return Checked(storage, config.problems)
    url = resolve_url(database_url)
    with connected(url, read_only=True, must_exist=True) as connection:
        reflected = reflect_storage(connection, storage)
        types = {
            kind: {column.name: spelled(column.type, connection.dialect) for column in table.c}
            for kind, table in reflected.tables.items()
        }
    problems = (*config.problems, *located(reflected.problems, config.sources))
    return Checked(storage, problems, redact(url), reflected, types)
