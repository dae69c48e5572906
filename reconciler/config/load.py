"""Read one YAML file into plain values, keeping the location of every key and value.

The only module that touches ruamel.yaml. Files are composed by the C parser
(``CSafeLoader(text).get_single_node()``, with a faster resolver) and plain values are
built from its nodes with the garbage collector paused; the nodes' marks give 1-based lines and
columns. Duplicate keys, alias bombs and recursive aliases are refused as located problems,
never as exceptions.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from ruamel.yaml import CSafeLoader
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import Resolver
from ruamel.yaml.tag import Tag

from reconciler.config.scalars import MAP, MERGE, SEQ, STR, Scalar, typed
from reconciler.errors import Location, Path, Problem, SourceMap, dotted

ALIAS_BUDGET = 100_000
"""Nodes that aliases may add beyond what the text itself could hold (one node per character)."""

MAX_DEPTH = 100
"""Lists and mappings nested in one another, at most (a config needs 4).

The C composer recurses once per level on the C stack and crashes the process (SIGSEGV) at about
26,000 levels with an 8 MiB stack, far less in a thread; 100 leaves a wide margin on both sides.
"""

# A block collection's line starts with indentation and ``- ``/``? ``/``: `` indicators; YAML (1.1,
# as libyaml reads it) breaks lines at any of these characters.
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_PREFIX = "[ \t?:-]{%d}"


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file as read: its top mapping (``None`` when unreadable), locations and problems."""

    file: str
    document: dict[str, Any] | None
    sources: SourceMap
    problems: tuple[Problem, ...] = ()
    templates: tuple[Path, ...] = ()
    """Paths of the string values holding ``${``, to interpolate."""
    plain: frozenset[Path] = frozenset()
    """Those of ``templates`` that are plain (unquoted): typed again after interpolation."""


def read_file(path: FilePath, name: str | None = None) -> ParsedFile:
    """Read and parse ``path``; ``name`` is how problems cite it (default: the path as given)."""
    file = name if name is not None else str(path)
    try:
        data = read_regular_file(path)
    except FileNotFoundError:
        return _failed(file, "file.not-found", "no such file")
    except OSError as error:
        return _failed(file, "file.unreadable", f"cannot read the file: {error.strerror or error}")
    text = _decode(data, file)
    if isinstance(text, Problem):
        return ParsedFile(file, None, SourceMap(), (text,))
    return parse_text(text, file)


def read_regular_file(path: FilePath) -> bytes:
    """The bytes of the regular file at ``path``; anything else (a FIFO, a device, a folder)
    raises `OSError`, like a file that cannot be opened."""
    # O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO, device or socket"
            raise OSError(errno.EINVAL, f"not a regular file ({kind})")
        return stream.read()


def parse_text(text: str, file: str) -> ParsedFile:
    """Parse YAML ``text`` that came from ``file``."""
    builder = _Builder(file, limit=len(text) + ALIAS_BUDGET)
    deep = _too_deep(text)
    if deep is not None:
        message = (
            f"lists and mappings nest more than {MAX_DEPTH} levels deep here (a config"
            " needs 4); refusing to read the file"
        )
        return _failed(file, "yaml.nesting", message, deep.line + 1, deep.column + 1)
    try:
        node = _Loader(text).get_single_node()
    except YAMLError as error:
        return _failed(file, "yaml.syntax", *_syntax(error, text))
    if not isinstance(node, MappingNode):
        return _not_a_mapping(file, node)
    try:
        document = builder.mapping(node, ())
    except _Refused as refused:
        return ParsedFile(file, None, SourceMap(), (refused.problem,))
    except RecursionError:
        return _failed(file, "yaml.nesting", "the document nests too deeply to read")
    sources = SourceMap(keys=Marks(file, builder.keys), values=Marks(file, builder.values))
    return ParsedFile(
        file,
        document,
        sources,
        problems=tuple(builder.problems),
        templates=tuple(builder.templates),
        plain=frozenset(builder.plain),
    )


_TAGS = {tag: Tag(suffix=tag) for tag in (STR, SEQ, MAP)}
_IMPLICIT = {
    first: [(_TAGS.setdefault(tag, Tag(suffix=tag)), regexp) for tag, regexp in resolvers]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_STR, _SEQ, _MAP = _TAGS[STR], _TAGS[SEQ], _TAGS[MAP]


def resolve_plain(text: str) -> Scalar:
    """The value ``text`` has written as a plain (unquoted) scalar in a file.

    The loader's own resolver, so a plain ``${VAR}`` is typed after interpolation exactly as
    its text written literally: ``1_0`` is 10 either way, ``0b11`` is 3, ``yes`` a string.
    """
    for tag, regexp in _IMPLICIT.get(text[:1], ()):
        if regexp.match(text):
            return typed(tag.suffix, text)
    return text


class _Loader(CSafeLoader):
    """The C loader with a faster tag resolver and the same results.

    The C parser calls ``resolve`` once per node; ruamel's builds a list and often a `Tag`
    each time. This one walks the same regexes, keyed by first character, and returns shared
    `Tag` objects.
    """

    def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> Tag:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


class Marks(Mapping[Path, Location]):
    """Locations by path, kept as the C parser's marks until one is looked up.

    A `Location` costs about ten times a dict entry to build, and only the few that a problem
    cites are ever read.
    """

    def __init__(self, file: str, marks: dict[Path, Any]) -> None:
        self._file = file
        self._marks = marks

    def __getitem__(self, path: Path) -> Location:
        mark = self._marks[path]
        return Location(self._file, mark.line + 1, mark.column + 1)

    def __iter__(self) -> Iterator[Path]:
        return iter(self._marks)

    def __len__(self) -> int:
        return len(self._marks)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Builder:
    """Builds plain values from composed nodes, recording where each key and value stands."""

    def __init__(self, file: str, limit: int) -> None:
        self.file = file
        self.keys: dict[Path, Any] = {}  # path -> the C parser's start mark
        self.values: dict[Path, Any] = {}
        self.templates: list[Path] = []
        self.plain: set[Path] = set()
        self.problems: list[Problem] = []
        self._left = limit
        self._open: set[int] = set()

    def build(self, node: Node, path: Path) -> Any:
        self._left -= 1
        if self._left < 0:
            raise _Refused(self._alias_bomb(node, path))
        if type(node) is ScalarNode:
            self.values[path] = node.start_mark
            # ctag.suffix is the full tag as the C parser gave it; node.tag decodes it every time.
            tag = node.ctag.suffix
            if tag == STR:
                if "${" in node.value:
                    self.templates.append(path)
                    if not node.style:
                        self.plain.add(path)
                return node.value
            return typed(tag, node.value)
        if id(node) in self._open:
            message = "an alias refers to a node that contains it"
            raise _Refused(self._problem("yaml.recursive-alias", message, node, path))
        self._open.add(id(node))
        try:
            if type(node) is SequenceNode:
                self.values[path] = node.start_mark
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            return self.mapping(node, path)
        finally:
            self._open.discard(id(node))

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        pairs = node.value
        result = self._merged(pairs, path) if any(k.ctag.suffix == MERGE for k, _ in pairs) else {}
        explicit: set[str] = set()
        for key_node, value_node in pairs:
            if key_node.ctag.suffix == MERGE:
                continue
            if type(key_node) is not ScalarNode:
                message = "a key must be a plain string, not a mapping or a list"
                self.problems.append(self._problem("yaml.complex-key", message, key_node, path))
                continue
            key = key_node.value
            child = (*path, key)
            if key in explicit:
                first = self.keys[child]
                message = (
                    f"duplicate key {key!r} (first at line {first.line + 1},"
                    f" column {first.column + 1})"
                )
                self.problems.append(self._problem("yaml.duplicate-key", message, key_node, child))
                continue
            explicit.add(key)
            self.keys[child] = key_node.start_mark
            result[key] = self.build(value_node, child)
        self.values[path] = node.start_mark
        return result

    def _merged(self, pairs: list[tuple[Node, Node]], path: Path) -> dict[str, Any]:
        """The keys of ``<<: *defaults`` (or ``<<: [*a, *b]``, the first winning) at ``path``.

        Sources are built last to first, so the first one's values and locations win; all are
        built before the mapping's own keys, which then override them and their locations.
        """
        result: dict[str, Any] = {}
        for key_node, value_node in pairs:
            if key_node.ctag.suffix != MERGE:
                continue
            sources = value_node.value if type(value_node) is SequenceNode else [value_node]
            for source in reversed(sources):
                if type(source) is not MappingNode:
                    message = "'<<' merges mappings only"
                    self.problems.append(self._problem("yaml.syntax", message, source, path))
                    continue
                result.update(self.build(source, path))
        return result

    def at(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _problem(self, code: str, message: str, node: Node, path: Path) -> Problem:
        return Problem(code, message, location=self.at(node), path=dotted(path))

    def _alias_bomb(self, node: Node, path: Path) -> Problem:
        message = (
            f"aliases expand this document beyond {ALIAS_BUDGET:,} nodes more than its text holds"
            " (an alias bomb?); refusing to expand it"
        )
        return self._problem("yaml.alias-budget", message, node, path)


def _too_deep(text: str) -> Any:
    """The start mark of the first collection nested deeper than `MAX_DEPTH`, else ``None``.

    Composing recurses in C, so the depth is bounded before. A cheap bound first: flow nesting is
    at most the number of ``[`` and ``{``; block nesting grows by at most two levels per column
    of a line's indentation-and-indicator prefix. Only a text whose bound exceeds the limit (or
    whose prefix is long: deep indentation in a block scalar) is walked as parser events, which
    do not recurse and give the exact depth.
    """
    flow = text.count("[") + text.count("{")
    longest = (MAX_DEPTH - flow) // 2 - 1  # the prefix a line may have with the bound in limit
    if longest >= 0 and not _long_prefix(text, longest + 1):
        return None
    parser = CSafeLoader(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return None  # composing reports it, having reached it first as well
    return None


def _long_prefix(text: str, length: int) -> bool:
    """Whether a line starts with ``length`` characters of indentation and indicators.

    One search per line break the text holds, each led by that literal character: a regex
    that starts with a literal scans at C speed, one with an alternation ten times slower.
    """
    prefix = _PREFIX % length
    if re.match(prefix, text):
        return True
    return any(b in text and re.search(re.escape(b) + prefix, text) for b in _LINE_BREAKS)


def _failed(file: str, code: str, message: str, line: int = 1, column: int = 1) -> ParsedFile:
    problem = Problem(code, message, location=Location(file, line, column))
    return ParsedFile(file, None, SourceMap(), (problem,))


def _not_a_mapping(file: str, node: Node | None) -> ParsedFile:
    if node is None:
        return _failed(
            file, "yaml.not-a-mapping", "the file is empty; expected a mapping with version: 1"
        )
    kind = "a list" if isinstance(node, SequenceNode) else "a single value"
    mark = node.start_mark
    message = f"the top of the file is {kind}; expected a mapping with version: 1"
    return _failed(file, "yaml.not-a-mapping", message, mark.line + 1, mark.column + 1)


def _decode(data: bytes, file: str) -> str | Problem:
    """UTF-8 text (a BOM is dropped), or a located problem for binary or other encodings."""
    if b"\0" in data:
        offset = data.index(b"\0")
        message = (
            "not a text file: it contains NUL bytes (binary, or UTF-16/32?); expected UTF-8 YAML"
        )
        return Problem("file.encoding", message, location=_offset_location(data, offset, file))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"not valid UTF-8: byte 0x{data[error.start]:02x} cannot start a character here"
        return Problem("file.encoding", message, location=_offset_location(data, error.start, file))


def _offset_location(data: bytes, offset: int, file: str) -> Location:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Location(file, data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def _syntax(error: YAMLError, text: str) -> tuple[str, int, int]:
    """The parser's message, line and column (1-based)."""
    if isinstance(error, ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        return (
            f"unacceptable character #x{error.character:04x}: control characters are not allowed",
            line,
            column,
        )
    if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        message = str(error.problem)
        if error.context and error.context_mark is not None:
            context = error.context_mark
            message += f" ({error.context} at line {context.line + 1}, column {context.column + 1})"
        if text[mark.index : mark.index + 1] == "\t":
            message += "; YAML does not allow tabs for indentation"
        return message, mark.line + 1, mark.column + 1
    return str(error).splitlines()[0], 1, 1
