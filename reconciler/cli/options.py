"""Options that several commands share, defined once so they read and behave the same."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

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


def config_paths_option(default: str = "reconcile.yaml") -> Callable[[F], F]:
    """``-f/--file PATH``, repeatable, into the ``paths`` parameter; empty means the default."""
    return click.option(
        "-f",
        "--file",
        "paths",
        multiple=True,
        metavar="PATH",
        type=click.Path(),
        callback=_named,
        help="Config file or folder (every *.yaml/*.yml inside); repeat to merge several."
        f"  [default: {default}]",
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
