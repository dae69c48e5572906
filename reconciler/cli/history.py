"""``reconcile history``: the journal of applies, newest first."""

from __future__ import annotations

import click

from reconciler.cli.app import cli
from reconciler.cli.options import database_url_option
from reconciler.render.formats import HISTORY_FORMATS


@cli.command("history")
@database_url_option()
@click.option(
    "--format",
    "output",
    type=click.Choice(list(HISTORY_FORMATS)),
    default="text",
    show_default=True,
    help="json: an array of entries, newest first.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N newest entries.")
@click.option("--plan", "with_plan", is_flag=True, help="Include each entry's plan (json format).")
@click.option(
    "--owner", metavar="NAME", help="Only the applies of configs with settings.owner NAME."
)
def history_command(
    database_url: str | None, output: str, limit: int | None, with_plan: bool, owner: str | None
) -> None:
    """Show the journal: one entry per successful apply, newest first.

    Each entry records who applied, with which tool version and config, and digests of the
    state before and after; consecutive entries chain unless something else wrote in between.

    \b
    Examples:
      reconcile history --database-url postgresql://app@db/prod --limit 10
      reconcile history --format json --plan --limit 1 | jq '.[0].plan.changes'
      reconcile history --owner team-a --limit 5
    """
    from reconciler.service.history import read_history  # SQLAlchemy loads only when a command runs

    entries = read_history(database_url, limit=limit, with_plan=with_plan, owner=owner)
    click.echo(HISTORY_FORMATS[output](entries, with_plan), nl=False)
