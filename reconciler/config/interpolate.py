"""``${VAR}`` and ``${VAR:-default}`` in string values, as in POSIX sh.

Only values are interpolated, never keys. ``${VAR:-default}`` also uses the default when VAR is
set but empty; ``$${`` writes a literal ``${``. A plain (unquoted) scalar is typed again after
substitution, so ``max_tokens: ${MAX_TOKENS:-4096}`` is the integer 4096; quote it to keep a
string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reconciler.config.scalars import resolve_plain
from reconciler.errors import Path, Problem, SourceMap

_REFERENCE = re.compile(r"\$(\$)?\{(?:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([^}]*)\}?)")


def interpolate(
    document: dict[str, Any],
    environ: Mapping[str, str],
    sources: SourceMap,
    templates: frozenset[Path] = frozenset(),
) -> tuple[dict[str, Any], list[Problem]]:
    """A copy of ``document`` with every ``${...}`` in its string values replaced."""
    problems: list[Problem] = []
    result = _walk(document, (), _Context(environ, sources, templates, problems))
    return result, problems


class _Context:
    def __init__(
        self,
        environ: Mapping[str, str],
        sources: SourceMap,
        templates: frozenset[Path],
        problems: list[Problem],
    ) -> None:
        self.environ = environ
        self.sources = sources
        self.templates = templates
        self.problems = problems


def _walk(value: Any, path: Path, context: _Context) -> Any:
    if isinstance(value, str):
        return _string(value, path, context) if "${" in value else value
    if isinstance(value, dict):
        return {key: _walk(item, (*path, key), context) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, (*path, index), context) for index, item in enumerate(value)]
    return value


def _string(text: str, path: Path, context: _Context) -> Any:
    def substitute(match: re.Match[str]) -> str:
        escaped, name, default, malformed = match.groups()
        if escaped:
            return match.group(0)[1:]
        if name is None:
            message = (
                f"malformed reference ${{{malformed}}}: expected ${{NAME}} or ${{NAME:-default}}"
            )
            context.problems.append(context.sources.problem("env.syntax", message, path))
            return match.group(0)
        found = context.environ.get(name)
        if found:
            return found
        if default is not None:
            return default
        if found is None:
            message = f"environment variable {name} is not set and ${{{name}}} has no default"
            context.problems.append(context.sources.problem("env.undefined", message, path))
            return match.group(0)  # left as written, so later tiers do not report it again
        return ""

    result = _REFERENCE.sub(substitute, text)
    return resolve_plain(result) if path in context.templates else result
