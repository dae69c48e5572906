"""The text of a config file written by the tool (``reconcile export``).

Stable layout, so the same rows always give the same bytes: the schema modeline, then the
sections in their usual order separated by blank lines, names sorted, ``auth`` in flow style, and
the rows a config cannot declare as a commented block at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.config.dump import dump_block

SECTION_ORDER = ("version", "settings", "providers", "connections", "profiles")
"""The order of the top-level keys in a file the tool writes or adds a section to."""

LEFT_OUT_HEADER = (
    "Left out: rows whose names a config cannot declare (not lowercase DNS labels).",
    "They stay in the database as they are, and a config may still reference them.",
)


def modeline(schema_url: str) -> str:
    """The comment that makes editors with the YAML language server validate the file."""
    return f"# yaml-language-server: $schema={schema_url}\n"


def render_config(
    document: Mapping[str, Any],
    schema_url: str,
    left_out: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """``document`` as config file text; ``left_out`` rows follow as comments, by section."""
    blocks = [
        dump_block({section: _sorted(document[section])})
        for section in SECTION_ORDER
        if section in document
    ]
    if left_out:
        blocks.append(_commented(left_out))
    return modeline(schema_url) + "\n".join(blocks)


def _commented(left_out: Mapping[str, Mapping[str, Any]]) -> str:
    rows = {section: _sorted(left_out[section]) for section in SECTION_ORDER if section in left_out}
    lines = [*LEFT_OUT_HEADER, "", *dump_block(rows).splitlines()]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def _sorted(value: Any) -> Any:
    """Rows sorted by name; the fields inside a row keep their order."""
    if isinstance(value, Mapping) and all(isinstance(item, Mapping) for item in value.values()):
        return {name: value[name] for name in sorted(value)}
    return value
