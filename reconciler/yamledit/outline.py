"""Where each node of a YAML document starts and ends, from ruamel's round-trip parser.

The parser's events carry exact marks for every scalar, collection and alias (an alias is located
where it is written, not where its anchor is), which is what an in-place edit needs. Only
`reconciler.yamledit.edit` uses this, for ``reconcile backfill``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)

MERGE_KEY = "<<"


@dataclass(frozen=True, slots=True)
class Mark:
    """A 0-based line and column."""

    line: int
    column: int


@dataclass(eq=False, slots=True)
class Node:
    start: Mark
    end: Mark


@dataclass(eq=False, slots=True)
class Scalar(Node):
    value: str = ""
    style: str | None = None


@dataclass(eq=False, slots=True)
class Alias(Node):
    target: Node | None = None


@dataclass(eq=False, slots=True)
class Entry:
    key: Node
    value: Node

    @property
    def name(self) -> str | None:
        """The key's text when it is a scalar other than the merge key ``<<``."""
        if isinstance(self.key, Scalar) and not (
            self.key.value == MERGE_KEY and not self.key.style
        ):
            return self.key.value
        return None


@dataclass(eq=False, slots=True)
class Collection(Node):
    flow: bool = False
    entries: list[Entry] = field(default_factory=list)
    """Mapping entries; a sequence's items are entries whose key is the item itself."""
    mapping: bool = True

    def get(self, name: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.name == name), None)


def outline(text: str) -> Collection:
    """The outline of the first document in ``text``, which must be a mapping."""
    events = iter(YAML().parse(text))
    anchors: dict[str, Node] = {}
    for event in events:
        if isinstance(event, MappingStartEvent):
            return _collection(event, events, anchors)
    raise ValueError("the document is not a mapping")


def resolve(node: Node) -> Node:
    """The node an alias stands for; any other node itself."""
    while isinstance(node, Alias) and node.target is not None:
        node = node.target
    return node


def last_line(node: Node, lines: list[str]) -> int:
    """The 0-based line holding the last character of ``node`` (block scalars included)."""
    if isinstance(node, Collection) and not node.flow and node.entries:
        last = node.entries[-1]
        return last_line(last.value if node.mapping else last.key, lines)
    if isinstance(node, Scalar) and node.style in ("|", ">"):
        return _block_scalar_end(node, lines)
    if node.end.column == 0 and node.end.line > node.start.line:
        return node.end.line - 1
    return node.end.line


def _block_scalar_end(node: Scalar, lines: list[str]) -> int:
    end = node.end.line - 1 if node.end.column == 0 else node.end.line
    header = lines[node.start.line][node.start.column :].split(maxsplit=1)[0]
    if "+" not in header:  # trailing blank lines are not part of a clipped or stripped value
        while end > node.start.line and not lines[end].strip():
            end -= 1
    return end


def _node(event: Event, events: Iterator[Event], anchors: dict[str, Node]) -> Node:
    if isinstance(event, AliasEvent):
        return Alias(_mark(event.start_mark), _mark(event.end_mark), anchors.get(event.anchor))
    if isinstance(event, CollectionStartEvent):
        return _collection(event, events, anchors)
    if not isinstance(event, ScalarEvent):
        raise ValueError(f"unexpected YAML event {type(event).__name__}")
    node = Scalar(_mark(event.start_mark), _mark(event.end_mark), event.value, event.style)
    if event.anchor is not None:
        anchors[event.anchor] = node
    return node


def _collection(
    start: CollectionStartEvent, events: Iterator[Event], anchors: dict[str, Node]
) -> Collection:
    mapping = isinstance(start, MappingStartEvent)
    collection = Collection(_mark(start.start_mark), _mark(start.end_mark), bool(start.flow_style))
    collection.mapping = mapping
    if start.anchor is not None:
        anchors[start.anchor] = collection
    for event in events:
        if isinstance(event, MappingEndEvent | SequenceEndEvent):
            collection.end = _mark(event.end_mark)
            return collection
        key = _node(event, events, anchors)
        value = _node(next(events), events, anchors) if mapping else key
        collection.entries.append(Entry(key, value))
    raise ValueError("the document ends inside a collection")


def _mark(mark: Any) -> Mark:
    return Mark(mark.line, mark.column)


_LINE_BREAK = re.compile(r"(?<=\r\n)|(?<=[\n\x85\u2028\u2029])|(?<=\r)(?!\n)")


def split_lines(text: str) -> list[str]:
    """``text`` as lines that keep their line breaks, broken where YAML breaks lines."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and not lines[-1] else lines
