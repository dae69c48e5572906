"""The hand-written programs reconcile is measured against, one per subcommand, run as processes.

    python tests/benchmarks/floors.py load FILE            ruamel's C safe load of the file
    python tests/benchmarks/floors.py select FILE URL      that load + SELECT * of the three tables
    python tests/benchmarks/floors.py insert FILE URL      that load + Core executemany (bulk)
    python tests/benchmarks/floors.py merge FILE URL       that load + ORM session.merge() per row
    python tests/benchmarks/floors.py grouped-update URL   the backfill as grouped UPDATEs

Each imports only what it needs, so its start-up is part of the floor, as reconcile's is of its
own time. The database must hold the reconciler's schema (the runner prepares it).
"""

from __future__ import annotations

import sys
from typing import Any

CANONICAL_PROVIDERS = ("anthropic", "openai", "gemini", "ollama")


def load(path: str) -> Any:
    from ruamel.yaml import YAML

    with open(path, encoding="utf-8") as file:  # noqa: PTH123 - the floor keeps imports minimal
        return YAML(typ="safe").load(file.read())


def select(path: str, url: str) -> None:
    import sqlalchemy as sa

    load(path)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        for table in ("providers", "provider_connections", "profiles"):
            connection.execute(sa.text(f"SELECT * FROM {table}")).all()


def _rows(document: Any) -> tuple[list[dict[str, Any]], ...]:
    providers = [{"name": n, "type": n} for n in CANONICAL_PROVIDERS] + [
        {"name": name, **row} for name, row in (document.get("providers") or {}).items()
    ]
    connections = [
        {"name": name, **row} for name, row in (document.get("connections") or {}).items()
    ]
    profiles = [{"name": name, **row} for name, row in (document.get("profiles") or {}).items()]
    return providers, connections, profiles


def insert(path: str, url: str) -> None:
    import sqlalchemy as sa

    from reconciler.store.tables import STATE_TABLES

    rows = _rows(load(path))
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for table, batch in zip(STATE_TABLES, rows, strict=True):
            connection.execute(table.insert(), batch)


def merge(path: str, url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session, registry

    from reconciler.store.tables import STATE_TABLES

    classes = [type(table.name, (), {}) for table in STATE_TABLES]
    mapper = registry()
    for cls, table in zip(classes, STATE_TABLES, strict=True):
        mapper.map_imperatively(cls, table)
    rows = _rows(load(path))
    with Session(sa.create_engine(url)) as session:
        for cls, batch in zip(classes, rows, strict=True):
            for fields in batch:
                instance = cls()
                for key, value in fields.items():
                    setattr(instance, key, value)
                session.merge(instance)
        session.commit()


def grouped_update(url: str) -> None:
    """What the backfill must do, by hand: the derived connections, one UPDATE per provider."""
    import sqlalchemy as sa

    derived = {p: f"{p}-personal" for p in CANONICAL_PROVIDERS[:3]} | {"ollama": "ollama-local"}
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO provider_connections (name, provider, auth, managed_by)"
                " VALUES (:name, :provider, :auth, 'backfill')"
            ),
            [
                {
                    "name": name,
                    "provider": provider,
                    "auth": '{"type": "none"}'
                    if provider == "ollama"
                    else f'{{"type": "api_key", "credential": "credential/{provider}/api_key"}}',
                }
                for provider, name in derived.items()
            ],
        )
        for provider, name in derived.items():
            connection.execute(
                sa.text(
                    "UPDATE profiles SET provider_connection = :c, updated_at = CURRENT_TIMESTAMP"
                    " WHERE provider = :p AND provider_connection IS NULL"
                ),
                {"c": name, "p": provider},
            )


PROGRAMS = {
    "load": load,
    "select": select,
    "insert": insert,
    "merge": merge,
    "grouped-update": grouped_update,
}

if __name__ == "__main__":
    PROGRAMS[sys.argv[1]](*sys.argv[2:])
