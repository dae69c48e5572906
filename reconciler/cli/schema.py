"""``reconcile schema``: print the JSON schema of the config file."""

from __future__ import annotations

import click

from reconciler.cli.app import cli
from reconciler.schema_files import read_schema_text


@cli.command("schema")
@click.option("--plan", "which", flag_value="plan", help="Print the plan JSON schema instead.")
def schema_command(which: str | None) -> None:
    """Print the JSON schema (Draft 2020-12) of the config file.

    \b
    Example, for an editor without network access:
      reconcile schema > .schemas/reconcile.schema.json
    """
    name = "plan.schema.json" if which == "plan" else "reconcile.schema.json"
    click.echo(read_schema_text(name), nl=False)
