"""``reconcile validate``: tiers 1-3 of validation, offline."""

from __future__ import annotations

import os
import sys

import click

from reconciler.cli.app import EXIT_ERROR, EXIT_OK, cli
from reconciler.config import load_config
from reconciler.render import problems as render


@cli.command("validate")
@click.option(
    "-f",
    "--file",
    "paths",
    multiple=True,
    default=["reconcile.yaml"],
    show_default=True,
    metavar="PATH",
    help="Config file or folder (every *.yaml/*.yml inside); repeat to merge several.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: file:line:column lines; json: one document; github: Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate_command(paths: tuple[str, ...], output: str, strict: bool) -> int:
    """Check the config offline: YAML, JSON schema and semantic rules. No database.

    Every problem is reported at once, as file:line:column: level [code] message.
    Exit status: 0 valid, 1 errors (or warnings with --strict), 64 usage error.

    \b
    Examples:
      reconcile validate -f reconcile.yaml
      reconcile validate -f base.yaml -f config.d/ --strict
      reconcile validate -f config.d/ --format github   # in a GitHub Actions step
    """
    loaded = load_config(paths)
    ok = loaded.valid and not (strict and loaded.warnings)
    if output == "json":
        click.echo(render.validation_json(loaded.problems, valid=ok), nl=False)
    elif output == "github":
        click.echo(render.github(loaded.problems), nl=False)
    else:
        colour = render.use_colour(sys.stdout.isatty(), os.environ)
        click.echo(render.text(loaded.problems, colour=colour), nl=False)
    return EXIT_OK if ok else EXIT_ERROR
