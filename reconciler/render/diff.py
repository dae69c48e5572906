"""File edits as a unified diff, the way ``git diff`` shows them."""

from __future__ import annotations

import difflib

from reconciler.render.escape import file_line, plain

_NO_NEWLINE = "\\ No newline at end of file\n"
_COLOURS = {"---": "\033[1m", "+++": "\033[1m", "@@": "\033[36m", "-": "\033[31m", "+": "\033[32m"}
_RESET = "\033[0m"


def unified_diff(file: str, before: str, after: str, *, colour: bool = False) -> str:
    """``--- a/FILE``, ``+++ b/FILE`` and hunks with three lines of context; "" when equal.

    Each line of the files is shown `file_line` after its ``+``/``-``/space: control and bidi
    characters escaped, and no line that passes for a workflow command.
    """
    name = plain(file.lstrip("/"))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = []
    for index, line in enumerate(lines):
        ending = "\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""
        body = line[: len(line) - len(ending)]
        if index >= 2 and not body.startswith("@@"):  # not the two file headers, nor a hunk's
            body = body[:1] + file_line(body[1:])
        line = body + (ending or "\n" + _NO_NEWLINE)
        out.append(_coloured(line) if colour else line)
    return "".join(out)


def _coloured(line: str) -> str:
    for prefix, code in _COLOURS.items():
        if line.startswith(prefix):
            body, newline, rest = line.partition("\n")
            return f"{code}{body}{_RESET}{newline}{rest}"
    return line
