"""Options that several commands share, defined once so they read and behave the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

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


def _named(_context: click.Context, _parameter: click.Parameter, paths: tuple[str, ...]) -> Any:
    """Existence and readability are the loader's to report (``file.not-found``,
    ``file.unreadable``, located, exit 1); only an empty path, which would mean the current
    folder (say ``-f "$UNSET"``), is a usage error."""
    if "" in paths:
        raise click.BadParameter("an empty path names no file or folder")
    return paths
