"""``reconcile plan``: validation tiers 1-4 and the plan against the database; never writes."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from reconciler.cli.app import EXIT_BLOCKED, EXIT_CHANGES, EXIT_ERROR, EXIT_OK, cli, show_problems
from reconciler.cli.options import (
    config_paths_option,
    database_url_option,
    delete_limit_options,
    max_chars_option,
    plan_format_option,
    plan_output,
    take_ownership_option,
)
from reconciler.cli.progress import step_line
from reconciler.config import DEFAULT_PATHS, load_config
from reconciler.errors import DatabaseError
from reconciler.render import problems as render_problems
from reconciler.render.formats import PLAN_FORMATS
from reconciler.render.json import dumps

if TYPE_CHECKING:
    from reconciler.service.plan import Planned


@cli.command("plan")
@config_paths_option()
@database_url_option()
@plan_format_option("one document (schemas/plan.schema.json)")
@click.option(
    "--out",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Also save the plan with its config, for `reconcile apply FILE` (not written when the"
    " config has errors).",
)
@click.option("--force", is_flag=True, help="Plan deletes of referenced rows and their cascade.")
@take_ownership_option()
@delete_limit_options()
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes (0 when none)."
)
@max_chars_option()
def plan_command(
    paths: tuple[str, ...],
    database_url: str | None,
    output: str,
    out: str | None,
    force: bool,
    take_ownership: bool,
    max_deletes: int | None,
    allow_empty: bool,
    detailed_exitcode: bool,
    max_chars: int | None,
) -> int:
    """Show what `reconcile apply` would change in the database. Never writes to it.

    Validates the config (as `reconcile validate` does), reads the database read-only (a
    read-only database user will do; a missing SQLite file is not created, a database without
    the schema reads as empty) and prints the plan: canonical rows to seed, declared rows to
    create, update or adopt, config rows to delete, provider_connection backfills, and what the
    guards refuse: deletes of referenced or canonical rows, more deletes than --max-deletes,
    and deleting every config row of a kind the config declares none of (unless --allow-empty).
    Markdown (a pull-request comment) keeps within --max-chars; the plan file (--out) and
    `reconcile show` hold every row.

    Exit status: 0 planned (no changes, with --detailed-exitcode); 2 changes (with
    --detailed-exitcode); 3 blocked by a guard; 1 errors in the config or the database
    unreachable; 64 usage error. The first of 1, 3, 2 wins.

    \b
    Examples:
      reconcile plan -f reconcile.yaml --database-url sqlite:///app.db
      reconcile plan -f config/ --format markdown --out plan.json --detailed-exitcode > plan.md
      RECONCILE_DATABASE_URL=postgresql://reader@db/prod reconcile plan -f config/ --format json
      reconcile plan -f config/ --force   # what deleting referenced rows would take with it
      reconcile plan -f config/ --max-deletes 10 --out plan.json   # blocked beyond 10 deletes
      reconcile plan -f config/ --take-ownership --out plan.json  # adopt another owner's rows
      reconcile plan -f config/ --format markdown --max-chars 999000 > note.md   # a GitLab note
    """
    how = plan_output(output, max_chars)
    # Imported here: SQLAlchemy loads only for commands that use a database.
    from reconciler.planning import Limits
    from reconciler.service.plan import plan_config, unreadable
    from reconciler.service.planfile import write_plan_file

    limits = Limits(max_deletes, allow_empty)

    steps = step_line("planning")
    try:
        if steps is not None:
            steps("loading the config")
        config = load_config(paths or DEFAULT_PATHS)
        planned = plan_config(
            config,
            database_url,
            force=force,
            take_ownership=take_ownership,
            limits=limits,
            progress=steps,
        )
    except DatabaseError as error:
        if output == "json":  # one document whatever happens (DESIGN section 9)
            click.echo(dumps(unreadable(config, database_url, error).document), nl=False)
        else:  # a storage mapping the database refused: its problems, located in the config
            show_problems(error)
        raise
    finally:
        if steps is not None:
            steps.close()
    click.echo(PLAN_FORMATS[output](planned.plan, planned.document, how), nl=False)
    plan = planned.plan
    if plan.has_errors:
        _report_errors(planned, output)
        return EXIT_ERROR
    if out is not None:
        write_plan_file(
            out,
            planned.document,
            config.document,
            force=force,
            limits=limits,
            take_ownership=take_ownership,
        )
        click.echo(f"Saved the plan to {out}: apply it with `reconcile apply {out}`.", err=True)
    if plan.is_blocked:
        return EXIT_BLOCKED
    if detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def _report_errors(planned: Planned, output: str) -> None:
    """On stderr: the located errors (for a CI log, when stdout went to a file), then a count."""
    errors = [problem for problem in planned.plan.problems if problem.is_error]
    if output != "text":
        colour = render_problems.use_colour(sys.stderr.isatty(), os.environ)
        for problem in errors:
            click.echo(render_problems.text_line(problem, colour=colour), err=True)
    if planned.read_database:
        outcome = " against the database; it cannot be applied"
    else:
        outcome = "; nothing was planned"
    click.echo(f"error: the config has {len(errors)} error(s){outcome}", err=True)
