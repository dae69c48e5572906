"""``${VAR}`` and ``${VAR:-default}`` in string values, as in POSIX sh.

Only values are interpolated, never keys. ``${VAR:-default}`` also uses the default when VAR is
set but empty; ``$${`` writes a literal ``${``. A plain (unquoted) scalar is typed again after
substitution exactly as its text would be written literally (by the loader's resolver: with
N=1_0, ``${N}`` is 10, as ``1_0`` is), so ``max_tokens: ${MAX_TOKENS:-4096}`` is the integer 4096;
quote it to keep a string. An unset variable without a default is ``env.undefined`` and its
reference is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.config.load import resolve_plain
from reconciler.errors import Path, Problem, SourceMap, shown

_REFERENCE = re.compile(r"\$(\$)?\{(?:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|[^}]*\}?)")


def interpolate(
    document: dict[str, Any],
    templates: Iterable[Path],
    environ: Mapping[str, str],
    sources: SourceMap,
    plain: frozenset[Path] = frozenset(),
) -> tuple[dict[str, Any], list[Problem]]:
    """``document`` with the strings at ``templates`` interpolated; ``document`` is not changed.

    Only the containers on the way to a changed value are copied.
    """
    problems: list[Problem] = []
    result = dict(document)
    copied = {id(result)}
    for path in templates:
        text = _get(document, path)
        if not isinstance(text, str):
            continue
        value: Any = _substitute(
            text,
            environ,
            lambda code, message, p=path: problems.append(sources.problem(code, message, p)),
        )
        if path in plain:
            value = resolve_plain(value)
        _set(result, path, value, copied)
    return result, problems


def _substitute(text: str, environ: Mapping[str, str], report: Any) -> str:
    def substitute(match: re.Match[str]) -> str:
        escaped, name, default = match.groups()
        if escaped:
            return match.group(0)[1:]
        if name is None:
            written = match.group(0)
            unclosed = "" if written.endswith("}") else " (no closing '}')"
            report(
                "env.syntax",
                f"malformed reference {shown(written)}{unclosed}:"
                " expected ${NAME} or ${NAME:-default}",
            )
            return written
        found = environ.get(name)
        if found:
            return found
        if default is not None:
            return default
        if found is None:
            report("env.undefined", f"environment variable {name} is not set and has no default")
            return match.group(0)  # left as written, so later tiers do not report it again
        return ""

    return _REFERENCE.sub(substitute, text)


def _get(document: Any, path: Path) -> Any:
    for key in path:
        document = document[key]
    return document


def _set(root: Any, path: Path, value: Any, copied: set[int]) -> None:
    node = root
    for key in path[:-1]:
        child = node[key]
        if id(child) not in copied:
            child = list(child) if isinstance(child, list) else dict(child)
            copied.add(id(child))
            node[key] = child
        node = child
    node[path[-1]] = value
