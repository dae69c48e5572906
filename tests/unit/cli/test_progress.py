"""The progress lines on stderr: silent off a terminal and for short work; the step when long."""

from __future__ import annotations

import io
import threading

import pytest

from reconciler.cli import progress
from reconciler.cli.progress import StepLine, progress_line, step_line


class Terminal(io.StringIO):
    """A stream that says it is a terminal, and tells when something was drawn on it."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn = threading.Event()

    def isatty(self) -> bool:
        return True

    def flush(self) -> None:
        self.drawn.set()


def test_nothing_off_a_terminal() -> None:
    assert step_line("planning", io.StringIO()) is None
    assert progress_line(io.StringIO()) is None


def test_short_work_draws_nothing() -> None:
    out = Terminal()
    line = step_line("planning", out)
    assert isinstance(line, StepLine)
    line("reading the database")
    line.close()
    assert out.getvalue() == ""


def test_long_work_shows_the_step_under_way_then_wipes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.01)
    out = Terminal()
    line = StepLine(out, "planning")
    line("reading the database")
    assert out.drawn.wait(5)
    line("planning")
    line.close()
    assert out.getvalue() == (
        "\r\x1b[Kplanning: reading the database…\r\x1b[Kplanning: planning…\r\x1b[K"
    )
