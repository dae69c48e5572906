"""``reconcile show PLANFILE``: a saved plan rendered again, without a database."""

from __future__ import annotations

import click

from reconciler.cli.app import EXIT_OK, cli, show_problems
from reconciler.cli.options import max_chars_option, plan_format_option, plan_output
from reconciler.errors import ReconcileError, UsageError
from reconciler.render.formats import PLAN_FORMATS


@cli.command("show")
@click.argument("planfile", type=click.Path())
@plan_format_option("the plan document as `plan --format json` printed it")
@max_chars_option()
def show_command(planfile: str, output: str, max_chars: int | None) -> int:
    """Show a plan saved by `reconcile plan --out`, as `plan` showed it. Opens no database.

    The file is checked as `reconcile apply PLANFILE` checks it (the plan against
    schemas/plan.schema.json, the saved config like -f); a tampered or broken file is a located
    error. Use it to read the whole plan a pull-request comment cut, or to post it again.

    Exit status: 0 shown; 1 the file is not an intact plan file; 64 usage error.

    \b
    Examples:
      reconcile show plan.json
      reconcile show plan.json --format markdown --max-chars 1000000 > plan.md
      reconcile show plan.json --format json | jq '.changes | length'
    """
    how = plan_output(output, max_chars)
    if not planfile:
        raise UsageError("an empty PLANFILE names no file")
    from reconciler.service.show import show_plan_file  # jsonschema loads only when it runs

    try:
        shown = show_plan_file(planfile)
    except ReconcileError as error:
        show_problems(error)
        raise
    click.echo(PLAN_FORMATS[output](shown.plan, shown.document, how), nl=False)
    return EXIT_OK
