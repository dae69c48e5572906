"""``reconcile db upgrade`` and ``db check``: the reconciler's schema, and a ``storage``
mapping against the application's."""

from __future__ import annotations

import os
import sys

import click

from reconciler.cli.app import EXIT_ERROR, EXIT_OK, cli, show_problems
from reconciler.cli.options import config_paths_option, database_url_option, lock_timeout_option
from reconciler.config import DEFAULT_PATHS, load_config
from reconciler.errors import ReconcileError
from reconciler.render.problems import use_colour


@cli.group("db")
def db_group() -> None:
    """Manage the reconciler's database schema, or check a storage mapping.

    \b
    Examples, before the first apply (apply also upgrades by itself):
      reconcile db upgrade --database-url postgresql://app@db/prod
      reconcile db check -f config/ --database-url postgresql://reader@db/prod
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


@db_group.command("check")
@config_paths_option()
@database_url_option("Database to check, read-only")
def check_command(paths: tuple[str, ...], database_url: str | None) -> int:
    """Check the config's storage mapping against the application's tables. Never writes.

    Reflects the mapped tables read-only (a read-only user will do) and reports what plan and
    apply would refuse: a missing table or column, a key without a unique index, a column
    whose type cannot hold its field, a NOT NULL column without a default that nothing maps.
    Prints the mapping as understood (tables, key, id, fields and their columns' types,
    timestamps, references by id) and the application's foreign keys into the mapped tables
    with their ON DELETE rule, then the problems as file:line:column: level [code] message.
    An invalid config is reported and the database is not opened.

    Exit status: 0 the mapping fits (or there is no storage section); 1 problems, errors in the
    config or the database unreachable; 64 usage error.

    \b
    Examples:
      reconcile db check -f reconcile.yaml --database-url sqlite:///app.db
      reconcile db check -f config/ --database-url postgresql://reader@db/prod
    """
    # Imported here: SQLAlchemy loads only for commands that use a database.
    from reconciler.render.storage import check_text
    from reconciler.service.db_check import check_storage

    config = load_config(paths or DEFAULT_PATHS)
    checked = check_storage(config, database_url)
    colour = use_colour(sys.stdout.isatty(), os.environ)
    click.echo(check_text(checked, colour=colour), nl=False)
    if not config.valid:
        errors = sum(problem.is_error for problem in config.problems)
        click.echo(
            f"error: the config has {errors} error(s); the database was not opened", err=True
        )
    return EXIT_OK if checked.ok else EXIT_ERROR
