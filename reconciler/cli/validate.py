"""``reconcile validate``: tiers 1-3 of validation, offline."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from reconciler.cli.app import EXIT_ERROR, EXIT_OK, cli
from reconciler.cli.options import config_paths_option
from reconciler.config import DEFAULT_PATHS, load_config
from reconciler.config.sniff import declares_config
from reconciler.render.formats import PROBLEM_FORMATS
from reconciler.render.problems import use_colour


@cli.command("validate")
@click.argument("files", nargs=-1, metavar="[PATH]...")
@config_paths_option("reconcile.yaml, when no PATH is given either")
@click.option(
    "--format",
    "output",
    type=click.Choice(list(PROBLEM_FORMATS)),
    default="text",
    show_default=True,
    help="text: file:line:column lines; json: one document; github: Actions annotations;"
    " sarif: SARIF 2.1.0, for code scanning.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--only-configs",
    is_flag=True,
    help="Skip, silently, each PATH file whose top level lacks version: and one of providers,"
    " connections, profiles (CI files, manifests). For pre-commit.",
)
def validate_command(
    files: tuple[str, ...], paths: tuple[str, ...], output: str, strict: bool, only_configs: bool
) -> int:
    """Check the config offline: YAML, JSON schema and semantic rules. No database.

    The -f options merge into one config. Each PATH argument is checked as a config of its own
    (a folder: its files merged), the way pre-commit passes staged files.

    Every problem is reported at once, as file:line:column: level [code] message.
    Exit status: 0 valid, 1 errors (or warnings with --strict), 64 usage error.

    \b
    Examples:
      reconcile validate -f reconcile.yaml
      reconcile validate -f base.yaml -f config.d/ --strict
      reconcile validate -f config.d/ --format github   # in a GitHub Actions step
      reconcile validate -f config.d/ --format sarif > reconcile.sarif  # code scanning
      reconcile validate --only-configs deploy/*.yaml   # what the pre-commit hook runs
    """
    loaded = [load_config(config) for config in _configs(files, paths, only_configs)]
    problems = tuple(problem for config in loaded for problem in config.problems)
    warned = any(config.warnings for config in loaded)
    ok = all(config.valid for config in loaded) and not (strict and warned)
    colour = use_colour(sys.stdout.isatty(), os.environ)
    click.echo(PROBLEM_FORMATS[output](problems, ok, colour), nl=False)
    return EXIT_OK if ok else EXIT_ERROR


def _configs(files: Sequence[str], paths: Sequence[str], only_configs: bool) -> list[Sequence[str]]:
    """The configs to check: the ``-f`` paths together, then each PATH argument alone."""
    if not files and not paths:
        return [DEFAULT_PATHS]
    configs: list[Sequence[str]] = [paths] if paths else []
    for file in files:
        path = Path(file)
        if only_configs and path.is_file() and not declares_config(path):
            continue
        configs.append((file,))
    return configs
