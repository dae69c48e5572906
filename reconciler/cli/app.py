"""The ``reconcile`` click group, and the one place that maps errors to exit codes."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from reconciler._version import __version__
from reconciler.errors import ConfigError, ReconcileError
from reconciler.render import problems
from reconciler.render.escape import plain

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_BLOCKED = 3
EXIT_STALE = 4
EXIT_USAGE = 64


class ReconcileGroup(click.Group):
    """A click group whose every outcome is one of the exit codes of DESIGN section 8.

    Commands return an ``int`` exit code (or ``None`` for 0) and raise `ReconcileError` for
    anything the user must fix; usage errors exit 64 instead of click's 2, and no traceback
    reaches the terminal.
    """

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        sys.exit(self._exit_code(args, prog_name or "reconcile", complete_var, extra))

    def _exit_code(
        self, args: Any, prog_name: str, complete_var: str | None, extra: dict[str, Any]
    ) -> int:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as done:
            return done.exit_code
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            return EXIT_ERROR
        except click.UsageError as error:
            error.show()
            return EXIT_USAGE
        except click.ClickException as error:
            error.show()
            return EXIT_ERROR
        except ReconcileError as error:
            lines = error.message.split("\n")  # its own lines; what they quote stays on them
            click.echo("error: " + "\n".join(plain(line) for line in lines), err=True)
            return error.exit_code
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            return 130
        except Exception as error:  # the last line of defence: one line, never a traceback
            if os.environ.get("RECONCILE_DEBUG"):
                raise
            click.echo(
                f"error: unexpected failure: {type(error).__name__}: {plain(str(error))}"
                " (set RECONCILE_DEBUG=1 for a traceback)",
                err=True,
            )
            return EXIT_ERROR
        return result if isinstance(result, int) else EXIT_OK


@click.group(
    cls=ReconcileGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="reconcile")
def cli() -> None:
    """Declarative config for LLM providers, connections and profiles.

    \b
    Validate the YAML offline, plan it against a SQL database, apply the plan:
      reconcile validate -f reconcile.yaml
      reconcile plan -f reconcile.yaml --database-url postgresql://app@db/prod
      reconcile apply plan.json
    """


def show_problems(error: ReconcileError) -> None:
    """The located problems of a `ConfigError` (a config's, a plan file's) or of a storage
    mapping the database refused (located in the config) on stderr, before the group prints
    its one-line message."""
    located = any(problem.location is not None for problem in error.problems)
    if error.problems and (isinstance(error, ConfigError) or located):
        colour = problems.use_colour(sys.stderr.isatty(), os.environ)
        click.echo(problems.text(error.problems, colour=colour), err=True, nl=False)
