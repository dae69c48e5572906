"""``reconcile db upgrade``: create or migrate the reconciler's schema."""

from __future__ import annotations

import click

from reconciler.cli.app import cli
from reconciler.cli.options import database_url_option, lock_timeout_option


@cli.group("db")
def db_group() -> None:
    """Manage the reconciler's database schema.

    \b
    Example, before the first apply (apply also upgrades by itself):
      reconcile db upgrade --database-url postgresql://app@db/prod
    """


@db_group.command("upgrade")
@database_url_option("Database to migrate")
@lock_timeout_option()
def upgrade_command(database_url: str | None, lock_timeout: float) -> None:
    """Create the schema, or migrate it to this version's newest revision.

    Runs under the same lock as apply. Running it again on an up-to-date database changes
    nothing; one that was interrupted is finished.

    \b
    Example:
      reconcile db upgrade --database-url postgresql://app@db/prod
    """
    # Imported here: SQLAlchemy and Alembic load only for commands that use a database.
    from reconciler.store import owned_engine, redact, resolve_url, upgrade

    url = resolve_url(database_url)
    with owned_engine(url) as engine:
        result = upgrade(engine, lock_timeout)
    if result.changed:
        before = result.before or "no schema"
        click.echo(f"{redact(url)}: upgraded from {before} to revision {result.after} (head)")
    else:
        click.echo(f"{redact(url)}: already at revision {result.after} (head)")
