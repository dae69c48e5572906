"""Alembic environment of the bookkeeping tables under ``storage`` (DESIGN §14), run
programmatically by `reconciler.store.migrate` like ``migrations/env.py``.

Under a ``storage`` mapping the rows live in the application's tables; the reconciler creates only
these: the journal, the instance id, the side table ``reconcile_ownership``, and the version table.
"""

from __future__ import annotations

from alembic import context

from reconciler.store.tables import bookkeeping_metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=bookkeeping_metadata,
        version_table=context.config.attributes["version_table"],
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("the reconciler runs its migrations online only")
run_migrations_online()
