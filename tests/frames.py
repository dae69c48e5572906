"""Strict readers of output, as a markdown renderer and the GitHub Actions runner read it.

Shared by the property tests of the renderers and the CLI tests of hostile rows and configs.
"""

from __future__ import annotations

import re
import string

SECRET = "sk-proj-Zx8Qw2Lm9Rt4Vb7Nc1Kp6Hs3Jd5Fg0Ya"
"""A key shaped like a real one; it must never appear in any output."""

BIDI = re.compile("[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\x7f-\x9f]")
TOOL_HEADINGS = {
    "### reconcile plan",
    "#### :no_entry: Blocked",
    "#### :warning: Deletes",
    "#### Problems",
}
SUMMARY = re.compile(
    r"<details><summary>((Providers|Connections|Profiles): \d+ changes"
    r"|Graph: the changed rows and what they reference)</summary>"
)
TABLE_ROW = re.compile(
    r"\| \| create \| update \| delete \||\|---\|---:\|---:\|---:\|"
    r"|\| (Providers|Connections|Profiles|\*\*Total\*\*)( \| (\d+|\*\*\d+\*\*))+ \|"
)
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")


def lines_of(output: str) -> list[str]:
    """Lines as a terminal, a log viewer or the Actions runner splits them."""
    return re.split(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c", output)


def assert_no_forged_command(output: str, *, own: int = 0) -> None:
    """No line starts with ``::`` (leading whitespace ignored, as the runner does), but the
    tool's own ``own`` annotations."""
    commands = [line for line in lines_of(output) if line.lstrip().startswith("::")]
    assert len(commands) == own, commands


def assert_terminal_safe(output: str) -> None:
    """No control character but LF and the colours' ESC, no bidi, no secret."""
    uncoloured = re.sub(r"\x1b\[[0-9;]*m", "", output)
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", uncoloured), repr(uncoloured)
    assert not BIDI.search(output)
    assert SECRET not in output


def assert_markdown_framed(markdown: str) -> None:
    """A strict reading: every fence closes where the tool closed it, and outside fences only
    the tool's headings, ``<details>`` lines and table rows, no raw HTML, no open code span."""
    fence: str | None = None
    depth = 0
    for line in markdown.split("\n"):
        if fence is not None:
            closing = FENCE.fullmatch(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                assert closing.group(2).strip() == "", line
                assert line == fence, f"content closed the fence: {line!r}"
                fence = None
            continue
        opening = FENCE.fullmatch(line)
        if opening:
            fence = opening.group(1)
            assert line in (fence, fence + "diff", fence + "mermaid"), line
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("#"):
            assert line in TOOL_HEADINGS, line
        if SUMMARY.fullmatch(line):
            depth += 1
            continue
        if line == "</details>":
            depth -= 1
            assert depth >= 0
            continue
        if line.startswith("|"):
            assert TABLE_ROW.fullmatch(line), line
            continue
        outside_code = _without_code_spans(line)
        assert not re.search(r"(?<!\\)[<>`\[\]]", outside_code), (line, outside_code)
    assert fence is None, "a fence was left open"
    assert depth == 0, "a <details> was left open"


def _without_code_spans(line: str) -> str:
    r"""``line`` outside its inline code spans, as CommonMark reads them: outside code a
    backslash escapes the punctuation after it (left out here: it is literal text, and an
    escaped backtick opens nothing); a backtick run opens a span that closes at the next run
    of its length, a backslash before it or not, since backslash escapes do not work in code
    (`` `a\` `` is the code ``a\``); a run without one is literal, and kept for the caller."""
    out, index = "", 0
    while index < len(line):
        if line[index] == "\\" and line[index + 1 : index + 2] in _PUNCTUATION:
            index += 2
            continue
        run = re.match(r"`+", line[index:])
        if run is None:
            out += line[index]
            index += 1
            continue
        ticks = run.group(0)
        closer = re.compile(f"(?<!`){ticks}(?!`)").search(line, index + len(ticks))
        if closer is None:
            out += ticks
            index += len(ticks)
        else:
            index = closer.end()
    return out


_PUNCTUATION = frozenset(string.punctuation)
"""What a backslash escapes in CommonMark: ASCII punctuation."""
