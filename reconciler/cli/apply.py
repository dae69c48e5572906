"""``reconcile apply``: apply a config (``-f``) or a reviewed plan file (``PLANFILE``)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from reconciler.cli.app import EXIT_OK, cli, show_problems
from reconciler.cli.options import (
    config_paths_option,
    database_url_option,
    delete_limit_options,
    lock_timeout_option,
    take_ownership_option,
)
from reconciler.cli.progress import progress_line
from reconciler.config import DEFAULT_PATHS, LoadedConfig, load_config
from reconciler.errors import ConfigError, ReconcileError, UsageError
from reconciler.render import problems
from reconciler.render.text import render_text

if TYPE_CHECKING:
    from reconciler.service.apply import Applied, ApplyOptions


@cli.command("apply")
@click.argument("planfile", required=False, type=click.Path())
@config_paths_option()
@database_url_option()
@click.option("--force", is_flag=True, help="Delete referenced rows and show the consequences.")
@take_ownership_option()
@delete_limit_options()
@click.option("--yes", "-y", is_flag=True, help="Apply without asking (deploy pipelines).")
@lock_timeout_option()
@click.option(
    "--actor",
    metavar="NAME",
    help="Who applies, for the journal. Default: $RECONCILE_ACTOR, else the OS user.",
)
def apply_command(
    planfile: str | None,
    paths: tuple[str, ...],
    database_url: str | None,
    force: bool,
    take_ownership: bool,
    max_deletes: int | None,
    allow_empty: bool,
    yes: bool,
    lock_timeout: float,
    actor: str | None,
) -> int:
    """Apply the config to the database, in one transaction under a lock.

    With -f, plans under the lock and applies that plan (--yes), or shows the plan and asks first
    on a terminal. With PLANFILE (from `reconcile plan --out`), re-plans from the config saved in
    the file and applies only if nothing it depends on changed since (else exit 4), and only to
    the database it was planned against (its instance id; the URL and user may differ). Each
    successful apply writes one journal entry (`reconcile history`); a plan file applied again
    once it took effect, with nothing left to do, writes none and exits 0.

    \b
    Examples:
      reconcile apply -f reconcile.yaml --yes --database-url postgresql://app@db/prod
      reconcile plan -f config/ --out plan.json && reconcile apply plan.json
      RECONCILE_ACTOR=deploy-42 reconcile apply -f config/ --yes --lock-timeout 300
      reconcile apply -f config/ --yes --max-deletes 10   # blocked (exit 3) beyond 10 deletes
    """
    # Imported here: SQLAlchemy and Alembic load only for commands that use a database.
    from reconciler.planning import NO_LIMITS, Limits
    from reconciler.service.apply import ApplyOptions, apply_config, apply_saved_plan
    from reconciler.service.planfile import read_plan_file

    limits = Limits(max_deletes, allow_empty)
    options = ApplyOptions(
        force=force,
        take_ownership=take_ownership,
        actor=actor,
        lock_timeout=lock_timeout,
        progress=progress_line(),
        limits=limits,
    )
    try:
        if planfile is not None:
            if not planfile:
                raise UsageError("an empty PLANFILE names no file")
            if paths or force or take_ownership or limits != NO_LIMITS:
                raise UsageError(
                    "a PLANFILE is applied as it was planned: it takes no -f and keeps the"
                    " --force, --take-ownership, --max-deletes and --allow-empty it was made with"
                )
            applied = apply_saved_plan(read_plan_file(planfile), database_url, options)
        elif not yes and not _interactive():
            raise ReconcileError(
                "refusing to apply without --yes: no terminal to ask on; nothing was changed"
            )
        else:
            config = load_config(paths or DEFAULT_PATHS)
            if yes:
                if config.valid:  # an invalid config's errors come with the ConfigError below
                    _show_config_problems(config)
                applied = apply_config(config, database_url, options)
            else:  # the plan it shows lists the config's problems
                applied = _ask_then_apply(config, database_url, options)
    except ReconcileError as error:
        show_problems(error)
        raise
    _report(applied)
    return EXIT_OK


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _show_config_problems(config: LoadedConfig) -> None:
    """The warnings of a valid config, on stderr before anything else happens."""
    if config.problems:
        colour = problems.use_colour(sys.stderr.isatty(), os.environ)
        click.echo(problems.text(config.problems, colour=colour), err=True, nl=False)


def _ask_then_apply(
    config: LoadedConfig, database_url: str | None, options: ApplyOptions
) -> Applied:
    """Show the plan, ask, then apply it as a saved plan would be: only if it still holds."""
    from reconciler.service.apply import Reviewed, apply_config
    from reconciler.service.plan import plan_config

    planned = plan_config(
        config,
        database_url,
        force=options.force,
        take_ownership=options.take_ownership,
        limits=options.limits,
    )
    plan = planned.plan
    click.echo(render_text(plan, color=_colour()))
    if plan.has_errors:
        errors = sum(problem.is_error for problem in plan.problems)
        raise ConfigError(f"the config has {errors} error(s); nothing was applied")
    askable = plan.has_changes and not plan.is_blocked
    if askable and not click.confirm("Apply these changes?", default=False):
        raise ReconcileError("apply cancelled; nothing was changed")
    return apply_config(config, database_url, options, reviewed=Reviewed(planned.document))


def _report(applied: Applied) -> None:
    if applied.already_applied:
        click.echo(
            f"Nothing to do: this plan was already applied as journal entry"
            f" #{applied.journal_id}, and the database still matches it; nothing was written."
        )
        return
    plan = applied.plan
    if plan.has_changes:
        click.echo(render_text(plan, color=_colour()), nl=False)
    s = plan.summary
    outcome = (
        f"Apply complete: {s.create} created, {s.update} updated, {s.delete} deleted."
        if plan.has_changes
        else "No changes: the database already matches the config."
    )
    click.echo(f"{outcome} Journal entry #{applied.journal_id}.")


def _colour() -> bool:
    return problems.use_colour(sys.stdout.isatty(), os.environ)
