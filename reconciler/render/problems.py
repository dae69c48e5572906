"""Problems as text lines, as validate's JSON, and as GitHub Actions annotations.

Plain functions of `Problem`s, so ``plan`` renders its problems the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.errors import Level, Problem
from reconciler.render.escape import json_text, line_start, plain, printable, redacted

_COLOURS = {Level.ERROR: "\033[1;31m", Level.WARNING: "\033[1;33m"}
_DIM = "\033[2m"
_RESET = "\033[0m"


def use_colour(is_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    return is_terminal and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def where(problem: Problem) -> str:
    """``file:line:column`` (or just ``file``, or ``-`` when unknown); it starts a line."""
    location = problem.location
    if location is None:
        return "-"
    return f"{line_start(location.file)}:{location.line}:{location.column}"


def text_line(problem: Problem, *, colour: bool = False) -> str:
    """``file:line:column: level [code] message (at path)``."""
    level = str(problem.level)
    if colour:
        level = f"{_COLOURS[problem.level]}{level}{_RESET}"
    line = f"{where(problem)}: {level} [{plain(problem.code)}] {plain(problem.message)}"
    if problem.path:
        at = f"(at {plain(problem.path)})"
        line += f" {_DIM}{at}{_RESET}" if colour else f" {at}"
    return line


def text(problems: Iterable[Problem], *, colour: bool = False) -> str:
    """Every problem on its own line, then a one-line count; ends with a newline."""
    listed = list(problems)
    lines = [text_line(problem, colour=colour) for problem in listed]
    lines.append(summary(listed))
    return "\n".join(lines) + "\n"


def summary(problems: Iterable[Problem]) -> str:
    listed = list(problems)
    errors = sum(problem.is_error for problem in listed)
    warnings = len(listed) - errors
    if not listed:
        return "valid: no problems"
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def problem_image(problem: Problem) -> dict[str, Any]:
    """One problem as JSON: ``{file, line, column, path, code, level, message}`` and then its
    ``details`` (``table``, ``on_delete``, ``rows``…), its strings `redacted` (a plan's
    problems quote database values)."""
    location = problem.location
    image: dict[str, Any] = {
        "file": redacted(location.file) if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "path": redacted(problem.path),
        "code": problem.code,
        "level": str(problem.level),
        "message": redacted(problem.message),
    }
    for key, value in problem.details:
        image[key] = redacted(value) if isinstance(value, str) else value
    return image


def validation_json(problems: Iterable[Problem], *, valid: bool) -> str:
    """``{"valid": bool, "problems": [...]}``, as ``validate --format json`` prints it."""
    document = {"valid": valid, "problems": [problem_image(p) for p in problems]}
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def github(problems: Iterable[Problem]) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=code::message``."""
    return "".join(github_line(problem) + "\n" for problem in problems)


def github_line(problem: Problem) -> str:
    """One annotation; every string `printable`, then escaped as GitHub reads data (``%``, CR,
    LF) and properties (also ``:`` and ``,``)."""
    command = "error" if problem.is_error else "warning"
    properties = []
    if problem.location is not None:
        location = problem.location
        properties += [
            f"file={_property(printable(location.file))}",
            f"line={location.line}",
            f"col={location.column}",
        ]
    properties.append(f"title={_property(printable(problem.code))}")
    message = problem.message + (f" (at {problem.path})" if problem.path else "")
    return f"::{command} {','.join(properties)}::{_data(printable(message))}"


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")
