"""Saved plan files (``reconcile plan --out``): the reviewed plan and the config behind it.

A plan file is input like any config: it may have been edited between review and deploy. Reading
one checks the whole file against ``schemas/plan.schema.json`` (``plan.schema``) and its saved
config through the same tiers as ``-f`` (schema, semantic rules, ``secret.inline``), so nothing a
file may hold reaches the database unchecked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from reconciler import secrets
from reconciler.config import LoadedConfig, check_document
from reconciler.config.load import read_regular_file
from reconciler.errors import (
    ConfigError,
    Location,
    Path,
    Problem,
    ReconcileError,
    SourceMap,
    dotted,
)
from reconciler.gc_pause import gc_paused
from reconciler.planning import NO_LIMITS, Limits
from reconciler.render.json import dumps
from reconciler.schema_files import load_schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

CONFIG_KEY = "config"
FORCE_KEY = "force"
MAX_DELETES_KEY = "max_deletes"
ALLOW_EMPTY_KEY = "allow_empty"
TAKE_OWNERSHIP_KEY = "take_ownership"
FILE_KEYS = (FORCE_KEY, MAX_DELETES_KEY, ALLOW_EMPTY_KEY, TAKE_OWNERSHIP_KEY, CONFIG_KEY)
"""What a plan file adds to the plan document: how it was planned, and the config."""
FORMAT_VERSION = 1
MESSAGE_LIMIT = 200
INTEGER_DIGITS = 100


@dataclass(frozen=True)
class SavedPlan:
    """A plan file: its plan JSON, the merged config document, and the flags it was made with:
    ``--force``, the delete limits, ``--take-ownership``."""

    path: str
    document: Mapping[str, Any]
    config: Mapping[str, Any]
    force: bool
    loaded: LoadedConfig | None = None
    """The saved config as checked when read (`read_plan_file`); ``None``: check it on apply."""
    limits: Limits = NO_LIMITS
    take_ownership: bool = False
    """A file of an older version records none: not taking (the safe default)."""


@gc_paused
def read_plan_file(path: str) -> SavedPlan:
    """Read and check a plan file; anything but an intact, valid plan is a `ConfigError`.

    Whole-file problems (unreadable, not JSON, not a plan, another ``format_version``) are
    ``plan.file``; schema violations are ``plan.schema`` at their path; the saved config's own
    problems keep their codes and are located at ``config.<path>`` in the file.
    """
    document = _read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get(CONFIG_KEY), dict):
        raise _invalid(path, "not a plan file from `reconcile plan --out` (it has no saved config)")
    version = document.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise _invalid(path, f"unsupported plan format_version {version!r} (expected 1)")
    try:
        problems = _schema_problems(document, path)
        loaded = check_saved_config(document[CONFIG_KEY], path)
    except RecursionError:
        raise _invalid(path, "not a plan file (it nests too deeply to check)") from None
    problems.extend(loaded.problems)
    errors = [problem for problem in problems if problem.is_error]
    if errors:
        message = f"{path}: the plan file has {len(errors)} error(s); nothing was applied"
        raise ConfigError(message, errors)
    return SavedPlan(
        path,
        document,
        document[CONFIG_KEY],
        document[FORCE_KEY],
        loaded,
        _limits(document),
        document.get(TAKE_OWNERSHIP_KEY, False),
    )


def _limits(document: Mapping[str, Any]) -> Limits:
    """The limits a plan file records; a file of an older version records none: no cap, and
    ``delete.all`` on (the safe defaults)."""
    return Limits(document.get(MAX_DELETES_KEY), document.get(ALLOW_EMPTY_KEY, False))


def check_saved_config(config: dict[str, Any], path: str) -> LoadedConfig:
    """The saved config through tiers 2-3, every problem at ``path`` with a ``config.`` path."""
    everywhere = _Everywhere(Location(path))
    loaded = check_document(config, path, SourceMap(keys=everywhere, values=everywhere))
    located = tuple(in_config(problem) for problem in loaded.problems)
    return LoadedConfig(loaded.desired, loaded.sources, located, loaded.document, loaded.files)


def write_plan_file(
    path: str,
    document: Mapping[str, Any],
    config: Mapping[str, Any],
    *,
    force: bool,
    limits: Limits = NO_LIMITS,
    take_ownership: bool = False,
) -> None:
    """Save a plan for a later ``reconcile apply PLANFILE``: its JSON, ``force``, the delete
    ``limits``, ``take_ownership``, the config; the plan applies with them as they were.

    ``config`` is the merged, interpolated config document (`LoadedConfig.document`); a file that
    cannot be written raises `ReconcileError`.
    """
    saved = {
        **document,
        FORCE_KEY: force,
        MAX_DELETES_KEY: limits.max_deletes,
        ALLOW_EMPTY_KEY: limits.allow_empty,
        TAKE_OWNERSHIP_KEY: take_ownership,
        CONFIG_KEY: dict(config),
    }
    text = dumps(saved)
    try:
        FilePath(path).write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReconcileError(f"{path}: cannot write the plan file: {reason}") from error


def _read_json(path: str) -> Any:
    try:
        data = read_regular_file(FilePath(path))
    except OSError as error:
        raise _invalid(path, f"cannot read the plan file: {error.strerror or error}") from error
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant, parse_int=_integer)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "it nests too deeply" if isinstance(error, RecursionError) else error
        raise _invalid(path, f"not a plan file (not JSON: {reason})") from error


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _integer(text: str) -> int:
    """No plan holds a long integer; Python would refuse one of over 4,300 digits obscurely."""
    if len(text) > INTEGER_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits")
    return int(text)


@cache
def _validator() -> Draft202012Validator:
    """The plan schema, with the two keys only plan files have required too."""
    from jsonschema import Draft202012Validator

    schema = load_schema("plan.schema.json")
    required = [*schema["required"], FORCE_KEY, CONFIG_KEY]
    return Draft202012Validator({**schema, "required": required})


def _schema_problems(document: dict[str, Any], path: str) -> list[Problem]:
    """``plan.schema`` problems; the saved config's own schema is checked with the config."""
    outside = {key: value for key, value in document.items() if key != CONFIG_KEY}
    outside[CONFIG_KEY] = {}
    return [
        Problem(
            "plan.schema",
            _short(secrets.redact(error.message)),
            location=Location(path),
            path=dotted(tuple(error.absolute_path)),
        )
        for error in _validator().iter_errors(outside)
    ]


def _short(message: str) -> str:
    """jsonschema's messages quote the whole value, which may be a big part of the file."""
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def in_config(problem: Problem) -> Problem:
    """``problem`` of the saved config, its path as it stands in the plan file (``config.…``)."""
    path = f"{CONFIG_KEY}.{problem.path}" if problem.path else CONFIG_KEY
    return Problem(problem.code, problem.message, problem.level, problem.location, path)


class _Everywhere(Mapping[Path, Location]):
    """Every path at one place: a JSON document keeps no line of its own."""

    def __init__(self, location: Location) -> None:
        self._location = location

    def __getitem__(self, _path: Path) -> Location:
        return self._location

    def __contains__(self, _path: object) -> bool:
        # No path was written at a place of its own: a rule asking whether the user wrote a
        # value (storage.field-not-stored for an explicit null) must not take every one as set.
        return False

    def __iter__(self) -> Iterator[Path]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _invalid(path: str, message: str) -> ConfigError:
    problem = Problem("plan.file", message, location=Location(path))
    return ConfigError(f"{path}: {message}", [problem])
