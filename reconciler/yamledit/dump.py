"""YAML text from plain values, the way every file this tool writes is laid out.

One ruamel configuration for the whole tool: block mappings indented by ``indent``, mappings
inside a row (``auth``) in flow style, multi-line strings as literal blocks, no
line wrapping. Strings that would read as something else (``'123'``, ``'null'``, ``'a: b'``) are
quoted by ruamel's representer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

_UNICODE_BREAKS = frozenset("\x85\u2028\u2029")
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./+-]*")
FLOW_DEPTH = 3
"""Mappings this deep in a document (root 0, section 1, row 2) are written in flow style:
``auth: {type: none}``."""

DEFAULT_SCHEMA_REF = ".schemas/reconcile.schema.json"
"""Where the GitOps walkthrough of the README puts ``reconcile schema``'s output."""


def dump_block(data: Mapping[str, Any], indent: int = 2, depth: int = 0) -> str:
    """``data`` as a block mapping; mappings at depth `FLOW_DEPTH` and below in flow style.

    ``depth`` is how deep in the document ``data`` stands (0 for the document itself).
    """
    return _dump(_styled(data, depth=depth, flow_from=FLOW_DEPTH), indent)


def dump_flow(data: Mapping[str, Any]) -> str:
    """``data`` as one flow mapping without its braces: ``a: {b: c}`` (for a flow context)."""
    text = _dump(_styled(data, depth=0, flow_from=0), indent=2).strip()
    return text[1:-1]


def _dump(data: CommentedMap, indent: int) -> str:
    yaml = YAML()
    yaml.width = 1 << 16
    yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _styled(data: Mapping[str, Any], depth: int, flow_from: int) -> CommentedMap:
    styled = CommentedMap()
    for key, value in data.items():
        if isinstance(value, Mapping):
            styled[key] = _styled(value, depth + 1, flow_from)
        elif isinstance(value, str) and _UNICODE_BREAKS.intersection(value):
            # ruamel writes these line breaks raw in a single-quoted scalar, where reading
            # folds them into spaces; double quotes escape them (\N, \L, \P).
            styled[key] = DoubleQuotedScalarString(value)
        elif depth < flow_from and isinstance(value, str) and _literal_safe(value):
            styled[key] = LiteralScalarString(value)
        elif depth >= flow_from and isinstance(value, str) and _flow_unsafe(value):
            # ruamel (YAML 1.2) writes these plain in a flow mapping, where libyaml, the loader
            # of every reconcile command, reads `a:b` as a key and refuses a leading `?` or `:`.
            styled[key] = SingleQuotedScalarString(value)
        else:
            styled[key] = value
    if depth >= flow_from:
        styled.fa.set_flow_style()
    return styled


def _flow_unsafe(text: str) -> bool:
    """Whether ``text`` needs quotes in a flow mapping: all but names and paths do, since
    libyaml reads some plain scalars that ruamel writes otherwise (``a:b``, ``0?``, ``:0``)."""
    return _FLOW_PLAIN.fullmatch(text) is None


def _literal_safe(text: str) -> bool:
    """Whether a literal block keeps ``text`` exactly; otherwise ruamel's quoting is used."""
    lines = text.split("\n")
    return (
        "\n" in text
        and not text.startswith((" ", "\n"))
        and not text.endswith("\n\n")
        and all(line == line.rstrip() for line in lines)
        and all(character == "\n" or character.isprintable() for character in text)
    )
