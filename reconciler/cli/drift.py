"""``reconcile drift``: does the database still match the config, and did anything write behind
the reconciler's back? Read-only."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from reconciler.cli.app import EXIT_CHANGES, EXIT_OK, cli
from reconciler.cli.options import config_paths_option, database_url_option
from reconciler.cli.progress import step_line
from reconciler.config import DEFAULT_PATHS, load_config
from reconciler.errors import ConfigError
from reconciler.render import problems

if TYPE_CHECKING:
    from reconciler.planning.drift import Drift


@cli.command("drift")
@config_paths_option()
@database_url_option("Database to compare, only read: a read-only user will do")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "junit", "prometheus"]),
    default="text",
    show_default=True,
    help="text: for a terminal; json: one document; junit: a failing test case per differing"
    " row, for CI test reports; prometheus: a textfile for node_exporter's textfile collector.",
)
def drift_command(paths: tuple[str, ...], database_url: str | None, output: str) -> int:
    """Check that the database still matches the config and that nothing wrote to it outside
    reconcile since the last apply. Never writes to it.

    Reports the rows that differ from the config (what `reconcile plan` would change, refused
    changes included) and whether the rows are still those the last apply left (the state
    digest against the last journal entry's state_after): an application, an admin or a script
    writing to the tables shows as an out-of-band write, with the time of that entry.

    Exit status: 0 no drift; 2 drift (rows differ, or an out-of-band write); 1 errors in the
    config or the database unreachable (nothing is printed on stdout); 64 usage error.

    \b
    Examples:
      reconcile drift -f config/ --database-url postgresql://reader@db/prod
      reconcile drift -f config/ --format junit > drift.xml
      reconcile drift -f config/ --format prometheus > reconcile.prom.tmp  # mv it on 0 or 2
    """
    # Imported here: SQLAlchemy loads only for commands that use a database.
    from reconciler.service.drift import check_drift

    steps = step_line("checking drift")
    try:
        if steps is not None:
            steps("loading the config")
        config = load_config(paths or DEFAULT_PATHS)
        drift = check_drift(config, database_url, progress=steps)
    except ConfigError as error:
        colour = problems.use_colour(sys.stderr.isatty(), os.environ)
        click.echo(problems.text(error.problems, colour=colour), err=True, nl=False)
        raise
    finally:
        if steps is not None:
            steps.close()
    click.echo(_renderer(output)(drift), nl=False)
    return EXIT_CHANGES if drift.drifted else EXIT_OK


def _renderer(output: str) -> Callable[[Drift], str]:
    from reconciler.render.drift import drift_document, render_drift_text
    from reconciler.render.json import dumps
    from reconciler.render.junit import render_junit
    from reconciler.render.prometheus import render_prometheus

    if output == "json":
        return lambda drift: dumps(drift_document(drift))
    if output == "junit":
        return render_junit
    if output == "prometheus":
        return render_prometheus
    colour = problems.use_colour(sys.stdout.isatty(), os.environ)
    return lambda drift: render_drift_text(drift, color=colour)
