"""Progress on stderr for long work on a terminal: a counter for applies, the step for plans."""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from reconciler.store.write import Progress

DELAY = 1.0
"""Seconds before anything appears: short commands stay quiet."""

_CLEAR = "\r\x1b[K"


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


class StepLine:
    """Names the step under way (``planning: reading the database…``) on one line of ``stream``.

    Nothing shows during the first `DELAY` seconds; a timer draws the step then, even while it is
    still running. `close` wipes the line, so the command's own output starts on a clean one.
    """

    def __init__(self, stream: TextIO, verb: str) -> None:
        self._out, self._verb = stream, verb
        self._step = ""
        self._shown = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(DELAY, self._draw)
        self._timer.daemon = True
        self._timer.start()

    def __call__(self, step: str) -> None:
        with self._lock:
            self._step = step
        if self._shown:
            self._draw()

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._shown:
                self._out.write(_CLEAR)
                self._out.flush()
            self._step = ""

    def _draw(self) -> None:
        with self._lock:
            if not self._step:
                return
            self._shown = True
            self._out.write(f"{_CLEAR}{self._verb}: {self._step}…")
            self._out.flush()


def step_line(verb: str, stream: TextIO | None = None) -> StepLine | None:
    """A `StepLine` on ``stream`` (stderr), or None when it is not a terminal."""
    out = stream or sys.stderr
    return StepLine(out, verb) if out.isatty() else None
