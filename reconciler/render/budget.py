"""Lines within a number of characters: sections in order, each kept whole or cut between entries.

A `Section` is a list that can be cut: lines before (``head``) and after (``tail``) its
entries, the entries (each a few lines kept together, standing for a number of rows), and the
line that ends it when cut (``more``, told how many rows were left out). `fit` gives every
section that can have its frame and ``more`` line one, in order, then fills them in order: a
section takes entries while the room left, less the frames of the sections after it, holds
them. So what comes first is cut last, and no list is open at a cut: frames always close.

Sizes count each line with its newline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

Entries = Sequence[tuple[int, Sequence[str]]]
"""``(rows, lines)`` of each entry of a `Section`."""


def size(lines: Iterable[str]) -> int:
    """Characters of ``lines`` joined and each ended by a newline."""
    return sum(len(line) + 1 for line in lines)


@dataclass(frozen=True)
class Section:
    """A list a budget may cut between its entries.

    ``entries`` are ``(rows, lines)``; ``rows`` is how many rows all entries stand for, those
    not given too (a caller may render only as many as can ever fit: see `take`). A section
    of one entry whose ``more`` says it was left out is a block shown whole or not at all.
    """

    head: Sequence[str]
    entries: Entries
    tail: Sequence[str]
    more: Callable[[int], str]
    rows: int

    @property
    def least(self) -> int:
        """The size of the frame and a ``more`` line for every row: the most a cut one takes."""
        return size(self.head) + size(self.tail) + len(self.more(self.rows)) + 1

    def within(self, room: int) -> tuple[list[str], int]:
        """The head, the entries that fit ``room`` with the tail (and, when any is left out,
        the ``more`` line), then the tail; at most ``room`` characters if `least` fits. Also
        how many rows were left out."""
        used = size(self.head) + size(self.tail)
        lines = list(self.head)
        left = self.rows
        for rows, entry in self.entries:
            after = left - rows
            needed = size(entry) + (len(self.more(after)) + 1 if after else 0)
            if used + needed > room:
                break
            lines += entry
            used += size(entry)
            left = after
        if left:
            lines.append(self.more(left))
        return lines + list(self.tail), left


@dataclass(frozen=True)
class Fitted:
    """What `fit` kept: the lines, their size, the sections left out whole, and whether any
    section was cut or left out."""

    lines: list[str] = field(default_factory=list)
    used: int = 0
    left_out: Sequence[Section] = ()
    cut: bool = False


def fit(sections: Sequence[Section], room: int) -> Fitted:
    """``sections`` in order within ``room`` characters (see the module docstring)."""
    kept: list[Section] = []
    reserved = 0
    for section in sections:
        if reserved + section.least > room:
            break
        kept.append(section)
        reserved += section.least
    lines: list[str] = []
    used = 0
    cut = len(kept) < len(sections)
    for index, section in enumerate(kept):
        later = sum(other.least for other in kept[index + 1 :])
        shown, left = section.within(room - used - later)
        lines += shown
        used += size(shown)
        cut = cut or left > 0
    return Fitted(lines, used, sections[len(kept) :], cut)


def take(entries: Iterable[tuple[int, Sequence[str]]], room: int) -> Entries:
    """The first ``entries`` up to ``room`` characters: what a section of that room can show,
    rendered without rendering the rest (10,000 creates when a few hundred fit)."""
    taken: list[tuple[int, Sequence[str]]] = []
    used = 0
    for rows, lines in entries:
        used += size(lines)
        if used > room:
            break
        taken.append((rows, lines))
    return taken
