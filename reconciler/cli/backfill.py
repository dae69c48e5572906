"""``reconcile backfill``: show or write the derived ``provider_connection`` values."""

from __future__ import annotations

import os
import sys

import click

from reconciler.cli.app import EXIT_OK, cli
from reconciler.cli.options import config_paths_option
from reconciler.config import DEFAULT_PATHS
from reconciler.errors import Problem, ReconcileError
from reconciler.render import problems as render
from reconciler.render.diff import unified_diff
from reconciler.service.backfill_files import Backfill, backfill_files, write


@cli.command("backfill")
@config_paths_option()
@click.option("--write", "write_files", is_flag=True, help="Edit the files in place.")
def backfill_command(paths: tuple[str, ...], write_files: bool) -> int:
    """Show, as a diff, the provider_connection each profile without one would get.

    Offline: the connection the plan would derive, with the files' inference mode. A derived
    connection that is neither declared nor canonical is declared too, in the file of the
    profile, so the config stays self-contained. With --write, the files are edited in place:
    comments, order, quoting and layout stay as they were, only the new keys appear. A config
    with errors is never rewritten.

    \b
    Examples:
      reconcile backfill -f reconcile.yaml            # show the diff
      reconcile backfill -f config.d/ --write         # write it
    """
    try:
        backfill = backfill_files(paths or DEFAULT_PATHS)
    except ReconcileError as error:
        _problems(error.problems)
        raise
    _problems(backfill.problems)
    colour = render.use_colour(sys.stdout.isatty(), os.environ)
    for edit in backfill.edits:
        click.echo(unified_diff(edit.file, edit.before, edit.after, colour=colour), nl=False)
    if write_files:
        write(backfill)
    click.echo(_summary(backfill, written=write_files), err=True)
    return EXIT_OK


def _problems(problems: tuple[Problem, ...]) -> None:
    colour = render.use_colour(sys.stderr.isatty(), os.environ)
    for problem in problems:
        click.echo(render.text_line(problem, colour=colour), err=True)


def _summary(backfill: Backfill, *, written: bool) -> str:
    if not backfill.edits and backfill.problems:
        return "backfill: nothing to write"
    if not backfill.edits:
        return "backfill: nothing to do, every profile names its provider_connection"
    profiles = len(backfill.filled)
    connections = len(backfill.declared)
    what = f"{profiles} profile{'s' * (profiles != 1)} filled"
    if connections:
        what += f", {connections} connection{'s' * (connections != 1)} declared"
    files = ", ".join(edit.file for edit in backfill.edits)
    if written:
        return f"backfill: {what}; wrote {files}"
    return f"backfill: {what}; run with --write to edit {files}"
