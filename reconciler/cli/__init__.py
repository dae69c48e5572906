"""The ``reconcile`` command line: one module per command, each a thin wrapper over the API."""

from __future__ import annotations

from reconciler.cli import (  # noqa: F401  (each registers its command on `cli`)
    apply,
    backfill,
    completion,
    db,
    export,
    history,
    plan,
    schema,
    validate,
)
from reconciler.cli.app import cli


def main() -> None:
    """Console entry point."""
    cli.main()


__all__ = ["cli", "main"]
