"""Options that several commands share, defined once so they read and behave the same."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from reconciler.render.formats import PLAN_FORMATS, SIZED_FORMATS, PlanOutput
from reconciler.render.markdown import MAX_CHARS, MIN_CHARS
from reconciler.render.problems import use_colour

F = TypeVar("F", bound=Callable[..., Any])

MAX_LOCK_TIMEOUT = 86_400.0
"""A day: a deploy that waits longer for a lock is stuck, and the databases' own lock waits
count milliseconds in 32 bits (about 24 days)."""

DEFAULT_LOCK_TIMEOUT = 60.0
"""Seconds; the same as `reconciler.store.lock.DEFAULT_TIMEOUT` (a test keeps them equal), here so
that the CLI loads SQLAlchemy only when a command runs."""

DATABASE_URL_HELP = "Default: $RECONCILE_DATABASE_URL, else sqlite:///reconcile.db."


def database_url_option(what: str = "") -> Callable[[F], F]:
    """``--database-url URL``; ``what`` says what the command does with the database."""
    text = f"{what} ({DATABASE_URL_HELP[0].lower()}{DATABASE_URL_HELP[1:-1]})." if what else ""
    return click.option("--database-url", metavar="URL", help=text or DATABASE_URL_HELP)


def config_paths_option(
    default: str = "reconcile.yaml", note: str | None = None
) -> Callable[[F], F]:
    """``-f/--file PATH``, repeatable, into the ``paths`` parameter; empty means the default.

    ``note`` replaces the default's note, for a command that reads a config only when given one.
    """
    return click.option(
        "-f",
        "--file",
        "paths",
        multiple=True,
        metavar="PATH",
        type=click.Path(),
        callback=_named,
        help="Config file or folder (every *.yaml/*.yml inside); repeat to merge several."
        + (f"  [default: {default}]" if note is None else f" {note}"),
    )


class Seconds(click.ParamType[float]):
    """A finite number of seconds from 0 to ``maximum``: ``inf``, ``nan`` and ``1e309`` are usage
    errors (float() reads them, and no database can wait that long)."""

    name = "seconds"

    def __init__(self, maximum: float) -> None:
        self.maximum = maximum

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not 0 <= seconds <= self.maximum:
            self.fail(
                f"{value!r} is not a number of seconds from 0 to {self.maximum:g}", param, ctx
            )
        return seconds


def _named(_context: click.Context, _parameter: click.Parameter, paths: tuple[str, ...]) -> Any:
    """Existence and readability are the loader's to report (``file.not-found``,
    ``file.unreadable``, located, exit 1); only an empty path, which would mean the current
    folder (say ``-f "$UNSET"``), is a usage error."""
    if "" in paths:
        raise click.BadParameter("an empty path names no file or folder")
    return paths


def take_ownership_option() -> Callable[[F], F]:
    """``--take-ownership``: adopt the declared rows another owner's config manages."""
    return click.option(
        "--take-ownership",
        is_flag=True,
        help="Make declared rows that another owner's config manages this config's (without it"
        " they block the plan: ownership.conflict).",
    )


def lock_timeout_option() -> Callable[[F], F]:
    """``--lock-timeout SECONDS``: how long apply or db upgrade waits for the reconciler lock."""
    return click.option(
        "--lock-timeout",
        type=Seconds(MAX_LOCK_TIMEOUT),
        default=DEFAULT_LOCK_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help="How long to wait for a running apply or upgrade to finish"
        f" (0 to {MAX_LOCK_TIMEOUT:g}).",
    )


MAX_DELETES = 1_000_000_000
"""The same as `reconciler.planning.limits.MAX_DELETES` (a test keeps them equal), here so that
the CLI loads the planner only when a command runs."""


def delete_limit_options() -> Callable[[F], F]:
    """``--max-deletes N`` and ``--allow-empty`` (DESIGN §13), for plan and apply."""
    max_deletes = click.option(
        "--max-deletes",
        type=click.IntRange(0, MAX_DELETES),
        metavar="N",
        help="Block the plan (exit 3, delete.limit) if it deletes more than N rows in all;"
        " recorded in a plan file. --force does not override it.",
    )
    allow_empty = click.option(
        "--allow-empty",
        is_flag=True,
        help="Let a config that declares no row of a kind delete every config row of that"
        " kind (else blocked: delete.all); recorded in a plan file.",
    )

    def decorate(command: F) -> F:
        return max_deletes(allow_empty(command))

    return decorate


class Characters(click.ParamType[int]):
    """A whole number of characters, at least ``minimum``: fewer cannot hold the summary table
    and the lines that say what was cut."""

    name = "characters"

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a whole number of characters", param, ctx)
        if number < self.minimum:
            self.fail(
                f"{value!r} is too small: a markdown plan needs at least {self.minimum:,}"
                " characters for its summary table and the lines that say what was cut",
                param,
                ctx,
            )
        return number


def max_chars_option() -> Callable[[F], F]:
    """``--max-chars N`` into ``max_chars`` (None when not given): see `plan_output`."""
    return click.option(
        "--max-chars",
        type=Characters(MIN_CHARS),
        metavar="N",
        help=f"Markdown only: at most N characters (default {MAX_CHARS:,}; a GitHub comment"
        " holds 65,536). The summary table, blocked entries, deletes and problems come first;"
        " the details of the changes fill the rest, and a cut list says how many rows it left"
        f" out. At least {MIN_CHARS:,}.",
    )


def plan_output(output: str, max_chars: int | None) -> PlanOutput:
    """How ``--format output`` prints a plan: in colour on a terminal without ``NO_COLOR``, and
    within ``--max-chars``, which is a usage error with a format it does not apply to (text
    and JSON are never cut)."""
    colour = use_colour(sys.stdout.isatty(), os.environ)
    if max_chars is None:
        return PlanOutput(colour)
    if output not in SIZED_FORMATS:
        formats = ", ".join(f"--format {name}" for name in sorted(SIZED_FORMATS))
        raise click.UsageError(
            f"--max-chars applies to {formats} only: --format {output} is never cut"
        )
    return PlanOutput(colour, max_chars)


def plan_format_option(json_help: str) -> Callable[[F], F]:
    """``--format text|json|markdown`` into ``output``, for the commands that print a plan."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(list(PLAN_FORMATS)),
        default="text",
        show_default=True,
        help=f"text: for a terminal; json: {json_help}; markdown: for a pull-request comment.",
    )
