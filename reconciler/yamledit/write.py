"""The text of a config file written by the tool (``reconcile export``).

Stable layout, so the same rows always give the same bytes: the schema modeline, then the
sections in their usual order separated by blank lines (``storage``, when given, before the
rows), names sorted, ``auth`` and the mappings inside ``storage`` in flow style, and the rows a
config cannot declare as a commented block at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.yamledit.dump import dump_block

SECTION_ORDER = ("version", "settings", "storage", "providers", "connections", "profiles")
"""The order of the top-level keys in a file the tool writes or adds a section to."""

ROW_SECTIONS = frozenset({"providers", "connections", "profiles"})
"""The sections whose rows are written sorted by name (``storage`` keeps the kinds' order)."""

LEFT_OUT_HEADER = (
    "Left out: rows a config cannot declare (a name that is not a lowercase DNS label, or",
    "fields the config would refuse: see the warnings of reconcile export). They stay in the",
    "database as they are, and a config may still reference them. Secrets are [redacted].",
)


def modeline(schema_url: str) -> str:
    """The comment that makes editors with the YAML language server validate the file."""
    return f"# yaml-language-server: $schema={schema_url}\n"


@dataclass(frozen=True)
class Rendered:
    """The text of a config file, and the line (from 1) of each row written as a comment."""

    text: str
    comment_lines: dict[tuple[str, str], int]


def render_config(
    document: Mapping[str, Any],
    schema_url: str,
    left_out: Mapping[str, Mapping[str, Any]] | None = None,
) -> Rendered:
    """``document`` as config file text; ``left_out`` rows follow as comments, by section."""
    blocks = [
        dump_block({section: _laid_out(section, document[section])})
        for section in SECTION_ORDER
        if section in document
    ]
    text = modeline(schema_url) + "\n".join(blocks)
    if not left_out:
        return Rendered(text, {})
    text += "\n"
    lines = [*LEFT_OUT_HEADER, ""]
    positions = {}
    for section in SECTION_ORDER:
        rows = _sorted(left_out.get(section, {}))
        if rows:
            lines.append(f"{section}:")
        for name, fields in rows.items():
            positions[(section, name)] = text.count("\n") + len(lines) + 1
            lines.extend(_indented(dump_block({name: fields}, depth=1), 2))
    return Rendered(text + "".join(f"# {line}\n" if line else "#\n" for line in lines), positions)


def _indented(text: str, columns: int) -> list[str]:
    return [" " * columns + line for line in text.splitlines()]


def _laid_out(section: str, value: Any) -> Any:
    return _sorted(value) if section in ROW_SECTIONS else value


def _sorted(value: Any) -> Any:
    """Rows sorted by name; the fields inside a row keep their order."""
    if isinstance(value, Mapping) and all(isinstance(item, Mapping) for item in value.values()):
        return {name: value[name] for name in sorted(value)}
    return value
