"""What a reviewer reads under each change, the same in text and markdown.

- `details`: the lines under one change: each field of a create, the `ownership_line` of an
  update that moves its row, each ``field: before -> after`` of an update, and a multi-line
  ``system_prompt`` or ``description`` that changed as a line diff (unified, with context),
  every line of it behind the tool's ``| `` so that no value starts a line of output.
  `DETAIL_LINES` lists what makes them: a new kind of line is one more function there.
- `entries`: a kind's changes as a reviewer reads them, alike updates as one `Entry` (the same
  lines under them: the same fields from the same values to the same values).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from reconciler.errors import transition
from reconciler.model import Kind, ManagedBy
from reconciler.planning import Action, Change, FieldDiff, Ownership
from reconciler.render.escape import block, is_multiline, plain

SIGNS = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}
BLOCK_FIELDS = frozenset({"system_prompt", "description"})
"""Fields whose multi-line values are shown line by line; any other value stays on one line."""
CONTEXT_LINES = 3
"""Unchanged lines a line diff shows around each change, as ``diff -u`` does."""
NAMES_SHOWN = 5
"""Names an entry of alike updates lists before counting the rest."""


class Detail(NamedTuple):
    """One line under a change: its text, and for a line of a line diff its sign: ``+`` added,
    ``-`` removed, a space for context (markdown starts the line with it, so GitHub colours
    it; text colours ``+`` and ``-``)."""

    text: str
    sign: str = ""


DetailLines = Callable[[Change], list[Detail]]


def show(value: Any) -> str:
    """A field value as YAML would spell it, on one line: ``null``, ``true``, ``{type: none}``.

    Strings are `plain`: redacted, control characters and line breaks escaped.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{plain(str(k))}: {show(v)}" for k, v in value.items()) + "}"
    text = plain(str(value))
    if isinstance(value, str) and _misread(value):
        return '"' + text.replace('"', '\\"') + '"'
    return text


_WORDS = frozenset({"null", "~", "true", "false", "yes", "no", "on", "off"})


def _misread(text: str) -> bool:
    """Whether the string, shown bare, would read as another value or hide a difference: empty,
    a YAML word (``null``, ``true``), a number, or with spaces at an end (``gpt-4 ``)."""
    if text == "" or text != text.strip() or text.lower() in _WORDS:
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def rows_of(rows: int, table: str) -> str:
    """``3 rows of app_usage``: rows of another table that keep a delete refused, ``table``
    already escaped for the output it goes to."""
    return f"{rows} row{'s' * (rows != 1)} of {table}"


def ownership_lines(change: Change) -> list[Detail]:
    """The `ownership_line` of an update that moves its row between owners or ``managed_by``
    values, so that no adoption or hand-back looks like an empty update."""
    ownership = change.ownership
    return [] if ownership is None else [Detail(ownership_line(ownership))]


def ownership_line(ownership: Ownership) -> str:
    """How a change moves a row's manager, on one line: ``managed_by: (external) -> config,
    owner: team-a``; a part that stays is shown without an arrow."""
    before, after = ownership
    managed_by = _moved(_managed_by(before.managed_by), _managed_by(after.managed_by))
    parts = [f"managed_by: {managed_by}"]
    if before.owner is not None or after.owner is not None:
        owner = (
            show(after.owner)
            if before.owner is None
            else _moved(show(before.owner), _owner(after.owner))
        )
        parts.append(f"owner: {owner}")
    return ", ".join(parts)


def _managed_by(value: ManagedBy | None) -> str:
    return "(external)" if value is None else str(value)


def _owner(value: str | None) -> str:
    return "(none)" if value is None else show(value)


def _moved(before: str, after: str) -> str:
    return before if before == after else f"{before} -> {after}"


def field_lines(change: Change) -> list[Detail]:
    """Each field of a create (``protected`` only when true), or each diff of an update (deletes
    have none)."""
    if change.action is Action.CREATE and change.after is not None:
        lines: list[Detail] = []
        for key, value in change.after.image().items():
            if key == "name" or value is None or (key == "protected" and not value):
                continue
            if key in BLOCK_FIELDS and is_multiline(value):
                lines += [Detail(f"{plain(key)}: |"), *(Detail(f"  {bar}") for bar in _bars(value))]
            else:
                lines.append(Detail(f"{plain(key)}: {show(value)}"))
        return lines
    lines = []
    for diff in change.diff:
        multiline = is_multiline(diff.before) or is_multiline(diff.after)
        if diff.field in BLOCK_FIELDS and multiline:
            lines += line_diff(diff)
        else:
            lines.append(Detail(transition(plain(diff.field), diff.before, diff.after, show)))
    return lines


DETAIL_LINES: tuple[DetailLines, ...] = (ownership_lines, field_lines)
"""What `details` shows under a change, in order."""


def details(change: Change) -> list[Detail]:
    """The lines under ``change``, from each of `DETAIL_LINES`."""
    return [line for lines in DETAIL_LINES for line in lines(change)]


def line_diff(diff: FieldDiff) -> list[Detail]:
    """``field:`` and the change of a multi-line string as a unified line diff.

    Both sides strings: hunks (``@@ -1,4 +1,4 @@``) with `CONTEXT_LINES` of context, each line
    ``- | ``, ``+ | `` or ``  | `` and its text `block`-escaped. A side that is not a string
    (``null``) is shown whole: ``- null`` and every line of the other side added.
    """
    lines = [Detail(f"{plain(diff.field)}:")]
    if isinstance(diff.before, str) and isinstance(diff.after, str):
        return lines + list(_hunks(diff.before, diff.after))
    return lines + _whole(diff.before, "-") + _whole(diff.after, "+")


@lru_cache(maxsize=64)
def _hunks(before: str, after: str) -> tuple[Detail, ...]:
    """Cached: 5,000 profiles that get one new prompt diff it once."""
    out = []
    changed = difflib.unified_diff(block(before), block(after), n=CONTEXT_LINES, lineterm="")
    for index, line in enumerate(changed):
        if index < 2:  # the ---/+++ file headers
            continue
        if line.startswith("@@"):
            out.append(Detail(f"  {line}"))
            continue
        sign = line[:1]
        out.append(Detail(f"  {sign} {_bar(line[1:])}", sign))
    return tuple(out)


def _whole(value: Any, sign: str) -> list[Detail]:
    if not is_multiline(value):
        return [Detail(f"  {sign} {show(value)}", sign)]
    return [Detail(f"  {sign} {bar}", sign) for bar in _bars(value)]


def _bars(value: str) -> list[str]:
    return [_bar(line) for line in block(value)]


def _bar(line: str) -> str:
    """A line of a value behind the tool's ``|``, so it never starts a line of output."""
    return f"| {line}" if line else "|"


@dataclass(frozen=True)
class Entry:
    """One change, or several alike updates of one kind shown once.

    ``change`` is the first of them in plan order; ``names`` every name, the first included.
    """

    change: Change
    names: list[str] = field(default_factory=list)
    lines: Sequence[Detail] | None = None
    """The details, when grouping already made them; else made on demand (`Entry.details`)."""

    @property
    def rows(self) -> int:
        return len(self.names)

    def details(self) -> Sequence[Detail]:
        return self.lines if self.lines is not None else details(self.change)

    def title(self) -> str:
        """The change's name, or ``5000 profiles alike: a, b, c, d, e and 4995 more``."""
        if self.rows == 1:
            return plain(self.change.name)
        shown = ", ".join(plain(name) for name in self.names[:NAMES_SHOWN])
        more = f" and {self.rows - NAMES_SHOWN} more" if self.rows > NAMES_SHOWN else ""
        return f"{self.rows} {self.change.kind.section} alike: {shown}{more}"


def entries(changes: Iterable[Change]) -> list[Entry]:
    """``changes`` as entries, in order: an update joins the first earlier one of its kind and
    reason with the same `details` (a group stands where its first row does)."""
    out: list[Entry] = []
    alike: dict[tuple[Kind, object, tuple[Detail, ...]], Entry] = {}
    for change in changes:
        if change.action is not Action.UPDATE:
            out.append(Entry(change, [change.name]))
            continue
        lines = tuple(details(change))
        key = (change.kind, change.reason, lines)
        found = alike.get(key)
        if found is None:
            found = alike[key] = Entry(change, [], lines)
            out.append(found)
        found.names.append(change.name)
    return out
