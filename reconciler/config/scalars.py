"""Typed values from YAML scalar text, the way the C loader's resolver tags them.

ruamel's resolver (used by the C loader) follows YAML 1.2 for the cases that bite configs: only
``true``/``false`` (any case) are booleans, ``yes``/``on``/``no`` stay strings, ``0o17`` is octal,
``1:20`` is a string. It also accepts ``_`` in numbers and ``0b`` binary, and resolves plain dates
as timestamps; a timestamp is kept as its text, so every value stays JSON-compatible.
Which tag a plain scalar gets is the loader's business (`reconciler.config.load.resolve_plain`).
"""

from __future__ import annotations

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

Scalar = str | int | float | bool | None

_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf")}


def typed(tag: str, text: str) -> Scalar:
    """The value of a scalar ``text`` tagged ``tag``; unknown tags (timestamps...) keep the text."""
    try:
        if tag == INT:
            return _int(text)
        if tag == FLOAT:
            return _float(text)
    except ValueError:
        return text
    if tag == BOOL:
        return text.lower() in ("true", "yes", "on", "y")
    if tag == NULL:
        return None
    return text


def _int(text: str) -> int:
    digits = text.replace("_", "")
    try:
        return int(digits)
    except ValueError:
        return int(digits, 0)


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    if digits in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[digits]
    if digits.endswith(".nan"):
        return float("nan")
    return float(digits)
