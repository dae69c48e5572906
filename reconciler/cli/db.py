"""``reconcile db upgrade``: create or migrate the reconciler's schema."""

from __future__ import annotations

import click

from reconciler.cli.app import cli
from reconciler.store import open_engine, redact, resolve_url, upgrade


@cli.group("db")
def db_group() -> None:
    """Manage the reconciler's database schema."""


@db_group.command("upgrade")
@click.option(
    "--database-url",
    metavar="URL",
    help="Database to migrate (default: $RECONCILE_DATABASE_URL, else sqlite:///reconcile.db).",
)
def upgrade_command(database_url: str | None) -> None:
    """Create the schema, or migrate it to this version's newest revision.

    Running it again on an up-to-date database changes nothing.

    \b
    Example:
      reconcile db upgrade --database-url postgresql://app@db/prod
    """
    url = resolve_url(database_url)
    engine = open_engine(url)
    try:
        result = upgrade(engine)
    finally:
        engine.dispose()
    if result.changed:
        before = result.before or "no schema"
        click.echo(f"{redact(url)}: upgraded from {before} to revision {result.after} (head)")
    else:
        click.echo(f"{redact(url)}: already at revision {result.after} (head)")
