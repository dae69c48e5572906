"""Add keys to YAML text in place, leaving every other character as it was.

Used by ``reconcile backfill``. ruamel's round-trip parser (`reconciler.yamledit.outline`) locates
the nodes; the new keys are spliced into the original text, indented like their siblings and in
the style of the mapping that receives them: a line of its own in a block mapping, ``, key: value``
inside ``{...}``. Loading and dumping the whole document in ruamel's round-trip mode would be
shorter, but it re-indents a file whose sections use different indentation, respaces flow mappings
(``{ a: 1 }`` becomes ``{a: 1}``) and shifts end-of-line comments; here a diff of the file shows the
new keys and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reconciler.yamledit.dump import dump_block, dump_flow
from reconciler.yamledit.outline import (
    Collection,
    Entry,
    Node,
    Scalar,
    last_line,
    outline,
    resolve,
    split_lines,
)
from reconciler.yamledit.write import SECTION_ORDER


@dataclass(frozen=True, slots=True)
class Insertion:
    """``key: value`` to add to the mapping at ``path``.

    A missing top-level section is created. In a block mapping, ``after`` names the sibling the
    new key follows when the mapping has it; otherwise (and in a flow mapping) the key comes
    last. A key the mapping already has is left alone, so inserting twice changes nothing.
    """

    path: tuple[str, ...]
    key: str
    value: Any
    after: str | None = None


def insert(text: str, insertions: Iterable[Insertion]) -> str:
    """``text`` with ``insertions`` spliced in; ``text`` must hold one valid YAML mapping."""
    document = _Document(text)
    for insertion in insertions:
        document.add(insertion)
    return document.render()


@dataclass(eq=False, slots=True)
class _Group:
    """New keys that go to one place: after ``entry`` of ``target``, or a new ``section``."""

    path: tuple[str, ...]
    target: Collection
    entry: Entry | None
    section: str | None
    items: dict[str, Any]


class _Document:
    def __init__(self, text: str) -> None:
        self.text = text
        self.root = outline(text)
        self.lines = split_lines(text)
        self.newline = _newline(self.lines)
        self.step = _indent_step(self.root)
        self.groups: dict[tuple[int, int, str | None], _Group] = {}

    def add(self, insertion: Insertion) -> None:
        target, section = self._target(insertion.path)
        if section is None and target.get(insertion.key) is not None:
            return
        entry = None
        if section is None and target.entries:
            entry = target.get(insertion.after or "") or target.entries[-1]
        slot = (id(target), id(entry), section)
        group = self.groups.setdefault(
            slot, _Group(insertion.path, target, entry, section, items={})
        )
        group.items.setdefault(insertion.key, insertion.value)

    def _target(self, path: tuple[str, ...]) -> tuple[Collection, str | None]:
        node: Node = self.root
        for depth, name in enumerate(path):
            assert isinstance(node, Collection)
            entry = node.get(name)
            if entry is None:
                if depth != 0 or len(path) != 1:
                    raise ValueError(f"cannot create {'.'.join(path)}: only sections are created")
                return node, name
            node = resolve(entry.value)
        if not (isinstance(node, Collection) and node.mapping):
            raise ValueError(f"{'.'.join(path)} is not a mapping")
        return node, None

    def render(self) -> str:
        splices: dict[int, str] = {}
        for group in self.groups.values():
            offset, added = self._splice(group)
            splices[offset] = splices.get(offset, "") + added
        text = self.text
        for offset in sorted(splices, reverse=True):
            text = text[:offset] + splices[offset] + text[offset:]
        return text

    def _splice(self, group: _Group) -> tuple[int, str]:
        if group.section is not None:
            return self._new_section(group)
        target, entry = group.target, group.entry
        if target.flow:
            return self._flow(target, dict(group.items))
        assert entry is not None, "a block mapping has entries"
        line = self._end_line(entry) + 1
        blank = bool(isinstance(next(iter(group.items.values())), dict) and _spaced(target, self))
        column = target.entries[0].key.start.column
        added = ("\n" if blank else "") + _indented(
            dump_block(group.items, self.step, depth=len(group.path)), column
        )
        return self._at_line(line, added)

    def _flow(self, target: Collection, items: dict[str, Any]) -> tuple[int, str]:
        if not target.entries:
            return self._offset(target.end.line, target.end.column - 1), dump_flow(items)
        last = target.entries[-1].value
        return self._offset(last.end.line, last.end.column), ", " + dump_flow(items)

    def _new_section(self, group: _Group) -> tuple[int, str]:
        assert group.section is not None
        section = {group.section: group.items}
        if self.root.flow:
            return self._flow(self.root, section)
        later = SECTION_ORDER[SECTION_ORDER.index(group.section) + 1 :]
        successor = next((e for e in self.root.entries if e.name in later), None)
        if successor is None:
            return self._at_line(self._end_line(self.root.entries[-1]) + 1, dump_block(section))
        line = self._comments_above(successor)
        spacer = "\n" if line > 0 and not self.lines[line - 1].strip() else ""
        return self._at_line(line, dump_block(section, self.step) + spacer)

    def _comments_above(self, entry: Entry) -> int:
        """The first line of the comment block that introduces ``entry`` (its own line if none)."""
        line = entry.key.start.line
        while line > 0 and self.lines[line - 1].lstrip().startswith("#"):
            line -= 1
        return line

    def _end_line(self, entry: Entry) -> int:
        value = entry.value
        if isinstance(value, Scalar) and not value.value and value.style is None:
            return last_line(entry.key, self.lines)
        return last_line(value, self.lines)

    def _at_line(self, line: int, added: str) -> tuple[int, str]:
        added = added.replace("\n", self.newline)
        if line >= len(self.lines) and self.lines and self.lines[-1] == _chomp(self.lines[-1]):
            # The file ends without a line break: the new lines go after one, and keep it so.
            return len(self.text), self.newline + added.removesuffix(self.newline)
        return sum(len(text) for text in self.lines[:line]), added

    def _offset(self, line: int, column: int) -> int:
        return sum(len(text) for text in self.lines[:line]) + column


def _spaced(target: Collection, document: _Document) -> bool:
    """Whether the entries of ``target`` are separated by blank lines."""
    if len(target.entries) < 2:
        return False
    line = target.entries[-1].key.start.line
    return line > 0 and not document.lines[line - 1].strip()


def _indented(text: str, column: int) -> str:
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def _indent_step(root: Collection) -> int:
    """How far this file indents a block mapping inside another (2 when it never does)."""
    pending = [root]
    while pending:
        node = pending.pop(0)
        for entry in node.entries:
            child = entry.value  # not through aliases: an anchor stands at its own depth
            if isinstance(child, Collection) and child.mapping and not child.flow:
                step = child.entries[0].key.start.column - node.entries[0].key.start.column
                if step > 0:
                    return step
                pending.append(child)
    return 2


def _chomp(line: str) -> str:
    return line.rstrip("\r\n\x85\u2028\u2029")


def _newline(lines: list[str]) -> str:
    first = lines[0] if lines else ""
    return first[len(_chomp(first)) :] or "\n"
