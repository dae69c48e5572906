"""``reconcile export``: write the database as a config file."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.app import cli, show_problems
from reconciler.cli.options import config_paths_option, database_url_option
from reconciler.config import load_config
from reconciler.config.schema import config_schema
from reconciler.errors import ConfigError, ReconcileError
from reconciler.render import problems as render
from reconciler.yamledit.dump import DEFAULT_SCHEMA_REF

if TYPE_CHECKING:
    from reconciler.storage import Storage


def _owner_name(
    _context: click.Context, _parameter: click.Parameter, owner: str | None
) -> str | None:
    """The owner is written as ``settings.owner``: a name the config schema accepts there."""
    if owner is not None and not re.fullmatch(config_schema()["$defs"]["name"]["pattern"], owner):
        raise click.BadParameter(f"{owner!r} is not a lowercase DNS label, as settings.owner is")
    return owner


@cli.command("export")
@database_url_option("Database to read")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the config to FILE instead of standard output.",
)
@click.option(
    "--schema-ref",
    metavar="REF",
    default=DEFAULT_SCHEMA_REF,
    show_default=True,
    help="Path or URL of the JSON schema for the file's yaml-language-server modeline"
    " (write it with `reconcile schema > .schemas/reconcile.schema.json`).",
)
@click.option(
    "--owner",
    metavar="NAME",
    callback=_owner_name,
    help="Only the rows the config of owner NAME manages, with settings.owner: NAME.",
)
@config_paths_option(
    note="Only its storage section is read: the rows come from the application's tables it"
    " maps, and the export carries it. Default: none, the reconciler's own tables."
)
def export_command(
    database_url: str | None,
    output: Path | None,
    schema_ref: str,
    owner: str | None,
    paths: tuple[str, ...],
) -> None:
    """Write the database's providers, connections and profiles as a config file.

    Canonical rows are left out; a row a config cannot declare (a legacy name, or fields the
    config's validation refuses, such as a secret) is written as a comment, with a warning, and
    never a secret. The database is only read. Applying the export adopts the rows:
    the plan that follows is empty. With --owner NAME, only the rows that NAME's config manages
    are written, with settings.owner: NAME; applied as NAME, it changes nothing. With -f, the
    rows are read from the application's tables that the config's storage section maps (its
    other sections are not used), and the export carries that section, so it applies alone.

    \b
    Example, to start managing an existing database from git:
      reconcile export --database-url postgresql://app@db/prod -o reconcile.yaml
      reconcile apply -f reconcile.yaml --database-url postgresql://app@db/prod
      reconcile export --owner team-a -o team-a.yaml   # one owner's rows, to move or review
      reconcile export -f storage.yaml -o reconcile.yaml   # rows in the application's tables
    """
    from reconciler.service.export import export_database  # loads SQLAlchemy: only when run
    from reconciler.store import resolve_url

    try:
        storage = _storage(paths)
        text, warnings = export_database(
            resolve_url(database_url), str(output or "-"), schema_ref, owner, storage
        )
    except ReconcileError as error:
        show_problems(error)
        raise
    colour = render.use_colour(sys.stderr.isatty(), os.environ)
    for problem in warnings:
        click.echo(render.text_line(problem, colour=colour), err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


def _storage(paths: tuple[str, ...]) -> Storage | None:
    """The storage section of the config in ``paths`` (none without ``-f``); an invalid config
    is refused, as every command refuses one."""
    if not paths:
        return None
    config = load_config(paths)
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s); nothing was exported", errors)
    return config.desired.storage
