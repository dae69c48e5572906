"""A one-line progress counter on stderr, for long applies on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from reconciler.store.write import Progress

DELAY = 1.0
"""Seconds before the line appears: short applies stay quiet."""


def progress_line(stream: TextIO | None = None) -> Progress | None:
    """A progress callback that draws on ``stream`` (stderr), or None when it is not a terminal."""
    out = stream or sys.stderr
    if not out.isatty():
        return None
    started = time.monotonic()
    shown = False

    def show(done: int, total: int) -> None:
        nonlocal shown
        if not shown and time.monotonic() - started < DELAY:
            return
        shown = True
        end = "\n" if done >= total else ""
        out.write(f"\rapplying: {done}/{total} changes written{end}")
        out.flush()

    return show
