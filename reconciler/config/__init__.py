"""Loading a config: files -> parse -> interpolate -> schema -> merge -> rows -> semantic rules.

Every tier runs on whatever the earlier tiers could read, and every problem is collected: one run
reports all it can.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler import rules, secrets
from reconciler.config.convert import desired_state
from reconciler.config.interpolate import interpolate
from reconciler.config.load import read_file
from reconciler.config.merge import Part, expand, merge
from reconciler.config.schema import check_schema
from reconciler.errors import Problem, SourceMap
from reconciler.gc_pause import gc_paused
from reconciler.model import DesiredState

DEFAULT_PATHS = ("reconcile.yaml",)


@dataclass(frozen=True)
class LoadedConfig:
    """A config as far as it could be read: rows, locations, problems, the merged document."""

    desired: DesiredState
    sources: SourceMap
    problems: tuple[Problem, ...]
    document: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """No error (warnings allowed)."""
        return not any(problem.is_error for problem in self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if not problem.is_error)


@gc_paused
def load_config(
    paths: Sequence[str] = DEFAULT_PATHS, environ: Mapping[str, str] | None = None
) -> LoadedConfig:
    """Load, merge and check the config files and folders in ``paths`` (tiers 1-3).

    ``environ`` feeds ``${VAR}`` interpolation (default: the process environment). Never raises
    for bad input: every problem is in the result, located and sorted.
    """
    return _load(paths, os.environ if environ is None else environ)


def _load(paths: Sequence[str], environ: Mapping[str, str]) -> LoadedConfig:
    files, problems = expand(paths)
    parts: list[Part] = []
    for path, name in files:
        parsed = read_file(path, name)
        problems.extend(parsed.problems)
        if parsed.document is None:
            continue
        document, found = interpolate(
            parsed.document, parsed.templates, environ, parsed.sources, parsed.plain
        )
        problems.extend(found)
        problems.extend(check_schema(document, parsed.sources, name))
        parts.append(Part(name, document, parsed.sources))
    if not parts:
        return LoadedConfig(DesiredState(), SourceMap(), _finish(problems, files))
    document, sources, found = merge(parts)
    problems.extend(found)
    return _checked(document, sources, problems, files, tuple(p.file for p in parts))


def check_document(document: dict[str, Any], file: str, sources: SourceMap) -> LoadedConfig:
    """Tiers 2-3 on a document already read, interpolated and merged (a plan file's config).

    ``file`` names the document in problems that ``sources`` cannot locate. Never raises for bad
    input, like `load_config`.
    """
    problems = check_schema(document, sources, file)
    return _checked(document, sources, problems, [(None, file)], (file,))


def _checked(
    document: dict[str, Any],
    sources: SourceMap,
    problems: list[Problem],
    files: Sequence[tuple[Any, str]],
    names: tuple[str, ...],
) -> LoadedConfig:
    """The semantic tier on the merged ``document``, after the problems found so far."""
    desired = desired_state(document)
    problems.extend(rules.check(desired, sources))
    problems.extend(secrets.secret_problems(document, sources))
    return LoadedConfig(desired, sources, _finish(problems, files), document, names)


def _finish(problems: Iterable[Problem], files: Sequence[tuple[Any, str]]) -> tuple[Problem, ...]:
    """Each (code, path) once, secrets redacted, in file order then line and column."""
    order = {name: index for index, (_path, name) in enumerate(files)}
    unique: dict[tuple[str, str, Any], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.code, problem.path, problem.location), problem)
    return tuple(sorted((_redacted(p) for p in unique.values()), key=lambda p: _key(p, order)))


def _redacted(problem: Problem) -> Problem:
    message, path = secrets.redact(problem.message), secrets.redact(problem.path)
    if message == problem.message and path == problem.path:
        return problem
    return Problem(problem.code, message, problem.level, problem.location, path)


def _key(problem: Problem, order: Mapping[str, int]) -> tuple[int, int, int, str]:
    location = problem.location
    if location is None:
        return (len(order), 0, 0, problem.code)
    return (order.get(location.file, -1), location.line, location.column, problem.code)
