"""A strict reader of the Prometheus text exposition format (version 0.0.4), for tests.

https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format: lines end in
``\\n``; ``# HELP name text`` (``\\\\`` and ``\\n`` escaped) and ``# TYPE name type`` at most once
per metric, TYPE before its samples; samples ``name{label="value",...} value [timestamp]``,
label values escaping ``\\\\``, ``\\"`` and ``\\n`` only; a metric's samples are contiguous, and
no two share a label set. Anything else is an `AssertionError` naming the line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

METRIC_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABEL = rf"({LABEL_NAME})=({LABEL_VALUE})"
HELP = re.compile(rf"# HELP ({METRIC_NAME}) ((?:[^\\\n]|\\[\\n])*)")
TYPE = re.compile(rf"# TYPE ({METRIC_NAME}) (counter|gauge|histogram|summary|untyped)")
SAMPLE = re.compile(
    rf"({METRIC_NAME})(?:\{{((?:{LABEL_NAME}={LABEL_VALUE})(?:,{LABEL_NAME}={LABEL_VALUE})*,?)?\}})?"
    r" (\S+)(?: (-?\d+))?"
)
_UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


@dataclass
class Family:
    name: str
    help: str | None = None
    type: str | None = None
    samples: list[tuple[dict[str, str], float]] = field(default_factory=list)


def unescape(value: str) -> str:
    return re.sub(r'\\[\\"n]', lambda m: _UNESCAPE[m.group(0)], value)


def parse_value(text: str, line: str) -> float:
    assert re.fullmatch(r"[+-]?(?:Inf|NaN|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)", text), line
    value = float(text)
    assert math.isfinite(value) or text in ("NaN", "+Inf", "-Inf", "Inf"), line
    return value


def parse_exposition(text: str) -> dict[str, Family]:
    """Every metric family of ``text``, in order; raises `AssertionError` on any fault."""
    assert text.endswith("\n"), "the last line must end with a line feed"
    assert "\r" not in text, "lines end in \\n only"
    families: dict[str, Family] = {}
    finished: set[str] = set()
    current: str | None = None
    for line in text[:-1].split("\n"):
        if not line.strip():
            continue
        if line.startswith("#"):
            name = _comment(line, families)
        else:
            name = _sample(line, families)
            if name in finished:
                raise AssertionError(f"samples of {name} are not contiguous: {line!r}")
        if current is not None and name != current:
            finished.add(current)
        current = name
    return families


def _comment(line: str, families: dict[str, Family]) -> str:
    if help_ := HELP.fullmatch(line):
        family = families.setdefault(help_.group(1), Family(help_.group(1)))
        assert family.help is None, f"a second HELP: {line!r}"
        family.help = help_.group(2).replace("\\n", "\n").replace("\\\\", "\\")
        return family.name
    if type_ := TYPE.fullmatch(line):
        family = families.setdefault(type_.group(1), Family(type_.group(1)))
        assert family.type is None, f"a second TYPE: {line!r}"
        assert not family.samples, f"TYPE after samples: {line!r}"
        family.type = type_.group(2)
        return family.name
    assert not line.startswith(("# HELP", "# TYPE")), f"a malformed HELP or TYPE: {line!r}"
    raise AssertionError(f"the tool writes no other comment: {line!r}")


def _sample(line: str, families: dict[str, Family]) -> str:
    match = SAMPLE.fullmatch(line)
    assert match, f"not a sample line: {line!r}"
    name, labels_text, value = match.group(1), match.group(2) or "", match.group(3)
    labels: dict[str, str] = {}
    for label in re.finditer(LABEL, labels_text):
        assert label.group(1) not in labels, f"a label given twice: {line!r}"
        labels[label.group(1)] = unescape(label.group(2)[1:-1])
    family = families.setdefault(name, Family(name))
    assert labels not in [seen for seen, _ in family.samples], f"a repeated label set: {line!r}"
    family.samples.append((labels, parse_value(value, line)))
    return name
