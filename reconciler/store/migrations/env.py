"""Alembic environment of the reconciler, run programmatically by `reconciler.store.migrate`.

There is no ``alembic.ini``: the caller passes an open SQLAlchemy connection in
``config.attributes["connection"]`` and the version table name in ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from reconciler.store.tables import metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=context.config.attributes["version_table"],
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("the reconciler runs its migrations online only")
run_migrations_online()
