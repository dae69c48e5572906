"""``reconcile completion SHELL``: print the shell completion script for bash, zsh or fish."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from reconciler.cli.app import cli

SHELLS = ("bash", "zsh", "fish")


@cli.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    Load it once in the current shell, or install it for good:
      eval "$(reconcile completion bash)"                      # bash, now
      reconcile completion bash > ~/.local/share/bash-completion/completions/reconcile
      reconcile completion zsh > "${fpath[1]}/_reconcile"      # zsh
      reconcile completion fish > ~/.config/fish/completions/reconcile.fish
    """
    completion_class = get_completion_class(shell)
    if completion_class is None:  # click knows every shell in SHELLS; guard for older clicks
        raise click.UsageError(f"no completion support for {shell}")
    script = completion_class(cli, {}, "reconcile", "_RECONCILE_COMPLETE").source()
    click.echo(script)
