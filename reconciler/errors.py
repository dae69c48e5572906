"""Problems, their locations, and the one error hierarchy of the tool.

Every problem a user can cause is a `Problem`: a code such as ``schema.required``, a level, a
message, the dotted path in the document and, when known, the place in a file. Stages that cannot
go on raise a `ReconcileError` subclass carrying the problems; the CLI maps each subclass to one
exit code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Path = tuple[str | int, ...]
"""A path into the document: ``("profiles", "default", "model")``."""


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a file; ``line`` and ``column`` count from 1."""

    file: str
    line: int = 1
    column: int = 1


Detail = tuple[str, str | int]
"""A key and value a problem carries beside its message: ``("table", "app_usage")``."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located where the user can fix it.

    ``details`` are keys of the problem's JSON beyond the usual ones, in order, for a program
    to read what the message says (``delete.foreign-references``: ``table``, ``on_delete``,
    ``rows``); none of them is named like a usual key.
    """

    code: str
    message: str
    level: Level = Level.ERROR
    location: Location | None = None
    path: str = ""
    details: tuple[Detail, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def dotted(path: Path) -> str:
    """``("profiles", "a", "model")`` -> ``"profiles.a.model"``; list indexes as ``[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


SHOWN_LIMIT = 60
"""Characters of a value a message quotes; the rest is cut with an ellipsis."""

_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})
_PLAIN = re.compile(r"[A-Za-z_][\w./-]*")


def shown(value: Any, limit: int = SHOWN_LIMIT) -> str:
    """``value`` as a message quotes it: in YAML's spelling (``true``, ``null``, ``{a: 1}``,
    ``'text'``), cut after about ``limit`` characters with ``…`` (and the full length).

    A string holding a character that is not printable (a control, a bidirectional override) is
    double-quoted with YAML's escapes, so a message never carries it to a terminal.
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{_string(value[:limit] + '…', quoted=True)} ({len(value):,} characters)"
    text = _spelled(value, limit, top=True)
    if len(text) <= limit:
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{text[:limit]}… ({len(text.lstrip('-')):,} digits)"
    return f"{text[:limit]}…"


def transition(
    field: str | None, before: Any, after: Any, spell: Callable[[Any], str] = shown
) -> str:
    """A value's change, spelt one way everywhere: ``field: before -> after`` (``before -> after``
    without a field); ``spell`` renders each value, `shown` in messages."""
    moved = f"{spell(before)} -> {spell(after)}"
    return moved if field is None else f"{field}: {moved}"


def _spelled(value: Any, limit: int, *, top: bool = False) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond Python's digit limit for int -> str
            return "a number of thousands of digits"
    if isinstance(value, float):
        if value != value:
            return ".nan"
        return {float("inf"): ".inf", float("-inf"): "-.inf"}.get(value, repr(value))
    if isinstance(value, dict):
        items = (f"{_spelled(k, limit)}: {_spelled(v, limit)}" for k, v in value.items())
        return "{" + _joined(items, limit) + "}"
    if isinstance(value, list | tuple):
        return "[" + _joined((_spelled(item, limit) for item in value), limit) + "]"
    text = str(value)
    return _string(text[:limit] + "…" if len(text) > limit else text, quoted=top)


def _joined(items: Iterable[str], limit: int) -> str:
    """Items joined with ``, ``, stopping once past ``limit`` (the caller cuts the rest)."""
    out = ""
    for item in items:
        out += f", {item}" if out else item
        if len(out) > limit:
            break
    return out


def _string(text: str, *, quoted: bool) -> str:
    if not text.isprintable():
        return '"' + "".join(map(_escaped, text)) + '"'
    if not quoted and _PLAIN.fullmatch(text) and text.lower() not in _WORDS:
        return text
    return f"'{text}'" if "'" not in text else '"' + "".join(map(_escaped, text)) + '"'


_SHORT_ESCAPES = {"\0": "\\0", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\e"}


def _escaped(char: str) -> str:
    """One character inside a YAML double-quoted string."""
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Where each key and value of a loaded document stands in its file.

    ``keys`` locates the key of a mapping entry, ``values`` its value (or a list item). Lookups
    fall back to the nearest located ancestor, so a missing key points at its parent key.
    """

    keys: Mapping[Path, Location] = field(default_factory=dict)
    values: Mapping[Path, Location] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Location | None:
        table = self.keys if key else self.values
        found = table.get(path)
        if found is not None:
            return found
        for end in range(len(path) - 1, 0, -1):
            parent = self.keys.get(path[:end])
            if parent is not None:
                return parent
        return None

    def problem(
        self,
        code: str,
        message: str,
        path: Path,
        *,
        level: Level = Level.ERROR,
        key: bool = False,
        details: tuple[Detail, ...] = (),
    ) -> Problem:
        """A `Problem` at ``path``, located through this map."""
        return Problem(code, message, level, self.locate(path, key=key), dotted(path), details)


class ReconcileError(Exception):
    """Base of every error the tool reports to a user; carries the problems behind it."""

    exit_code = 1

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


class ConfigError(ReconcileError):
    """The config could not be loaded or is invalid."""


class DatabaseError(ReconcileError):
    """The database is unreachable, refused us, or failed mid-way."""


class LockTimeout(DatabaseError):
    """Another apply held the lock for longer than ``--lock-timeout``."""


class BlockedError(ReconcileError):
    """A guard refused the plan (delete.referenced, delete.canonical, delete.protected,
    ownership.conflict, backfill.*)."""

    exit_code = 3


class StaleError(ReconcileError):
    """A saved plan no longer matches what the database would get."""

    exit_code = 4


class UsageError(ReconcileError):
    """A command line that cannot be run as given."""

    exit_code = 64
