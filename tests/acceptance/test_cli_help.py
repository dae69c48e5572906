"""Every command's ``--help`` works and shows a realistic example of that very command: an
indented ``reconcile <command> ...`` line (what users copy)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from reconciler.cli import cli


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of ``command`` and of every command below it, the root first."""
    yield path
    if isinstance(command, click.Group):
        for name in command.list_commands(click.Context(command)):
            child = command.get_command(click.Context(command), name)
            assert child is not None
            yield from command_paths(child, (*path, name))


PATHS = list(command_paths(cli))


def test_the_tree_holds_the_commands_on_main() -> None:
    assert {("validate",), ("schema",), ("completion",)} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(("reconcile", *p)) for p in PATHS])
def test_help_shows_an_example_of_the_command(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="reconcile")
    assert result.exit_code == 0, result.output
    usage = " ".join(("reconcile", *path))
    assert result.output.startswith(f"Usage: {usage}")
    example = re.compile(rf"^\s+(\$ )?{re.escape(usage)}( \S.*)?$", re.MULTILINE)
    assert example.search(result.output), result.output
