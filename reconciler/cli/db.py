"""``reconcile db upgrade``: create or migrate the reconciler's schema."""

from __future__ import annotations

import click

from reconciler.cli.app import cli, show_problems
from reconciler.cli.options import config_paths_option, database_url_option, lock_timeout_option
from reconciler.config import load_config
from reconciler.errors import ReconcileError


@cli.group("db")
def db_group() -> None:
    """Manage the reconciler's database schema.

    \b
    Example, before the first apply (apply also upgrades by itself):
      reconcile db upgrade --database-url postgresql://app@db/prod
    """


@db_group.command("upgrade")
@config_paths_option(
    note="Its storage section, if any, keeps the rows in the application's tables: then only"
    " the bookkeeping tables are created. Default: none, the reconciler's own tables."
)
@database_url_option("Database to migrate")
@lock_timeout_option()
def upgrade_command(paths: tuple[str, ...], database_url: str | None, lock_timeout: float) -> None:
    """Create the schema, or migrate it to this version's newest revision.

    Runs under the same lock as apply. Running it again on an up-to-date database changes
    nothing; one that was interrupted is finished. With -f, the config's storage section says
    how the database keeps its rows: in the application's tables, the reconciler creates only
    its bookkeeping tables (the journal, the instance id, reconcile_ownership), never a table of
    rows.

    \b
    Examples:
      reconcile db upgrade --database-url postgresql://app@db/prod
      reconcile db upgrade -f reconcile.yaml --database-url postgresql://app@db/prod  # storage
    """
    # Imported here: SQLAlchemy and Alembic load only for commands that use a database.
    from reconciler.service.upgrade import upgrade_database
    from reconciler.store import redact, resolve_url
    from reconciler.store.migrate import is_bookkeeping

    url = resolve_url(database_url)
    try:
        config = load_config(paths) if paths else None
        result = upgrade_database(url, config, lock_timeout)
    except ReconcileError as error:
        show_problems(error)
        raise
    tables = ""
    if is_bookkeeping(result.after):
        tables = (
            ": the bookkeeping tables for the storage mapping (the rows stay in the tables it maps)"
        )
    if result.changed:
        before = result.before or "no schema"
        click.echo(
            f"{redact(url)}: upgraded from {before} to revision {result.after} (head){tables}"
        )
    else:
        click.echo(f"{redact(url)}: already at revision {result.after} (head){tables}")
