"""Problems, their locations, and the one error hierarchy of the tool.

Every problem a user can cause is a `Problem`: a code such as ``schema.required``, a level, a
message, the dotted path in the document and, when known, the place in a file. Stages that cannot
go on raise a `ReconcileError` subclass carrying the problems; the CLI maps each subclass to one
exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located where the user can fix it."""

    code: str
    message: str
    level: Level = Level.ERROR
    location: Location | None = None
    path: str = ""

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
    ) -> Problem:
        """A `Problem` at ``path``, located through this map."""
        return Problem(code, message, level, self.locate(path, key=key), dotted(path))


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
    """A guard refused the plan (delete.referenced, delete.canonical, backfill.conflict)."""

    exit_code = 3


class StaleError(ReconcileError):
    """A saved plan no longer matches what the database would get."""

    exit_code = 4


class UsageError(ReconcileError):
    """A command line that cannot be run as given."""

    exit_code = 64
