"""The rows a small plan changes and what they reference, as a mermaid flowchart (DESIGN §15).

One node per changed row and per row a changed row references (a connection its provider, a
profile its provider and connection), coloured by action; referenced rows the plan leaves alone
are grey. A solid edge is a reference the row has after the plan, a dotted one a reference the
plan takes away (from an update, or from a row it deletes). So a reviewer sees which profiles a
connection change touches.

Names are user data and never reach the diagram as they are. Node ids are generated (``n0``,
``n1``, ... in plan order). A label is `plain` (redacted, controls and bidi shown as escapes),
cut to `LABEL_LIMIT` characters, then every character outside `_SAFE` is written as mermaid's
entity code ``#<decimal>;`` (mermaid turns it into the HTML character reference after parsing,
so the browser shows the character itself). A label thus holds no quote, bracket, backtick,
``%``, ``:``, ``;``, ``<``, ``&`` or line break: it cannot end its node, start a statement or a
directive, become markup, or close the markdown fence around the diagram.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from reconciler.model import Connection, Kind, Profile, Row
from reconciler.planning import Action, Change, Plan
from reconciler.render.details import SIGNS
from reconciler.render.escape import fenced, plain

GRAPH_LIMIT = 30
"""Plans with more changes than this get no graph: it would be unreadable, and large."""

LABEL_LIMIT = 40
"""Characters of a name shown in its node, so that 30 changes with their references stay
well within mermaid's default ``maxTextSize`` (50,000 characters) whatever the names hold."""

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-./_~")
"""Characters a name keeps in its label. Not even the space: mermaid trims a label, and a name
of spaces would vanish (as ``#32;`` it stays)."""
UNCHANGED = "unchanged"
"""The class of a referenced row that the plan leaves alone."""
STYLES = {
    Action.CREATE.value: "fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
    Action.UPDATE.value: "fill:#fff8c5,stroke:#9a6700,color:#0d1117",
    Action.DELETE.value: "fill:#ffebe9,stroke:#cf222e,color:#0d1117",
    UNCHANGED: "fill:#f6f8fa,stroke:#8c959f,color:#57606a",
}
"""``classDef`` per action, in GitHub's diff colours. No ``;`` at the end: mermaid drops the
last character of a ``classDef`` line holding ``:``, ``#`` and ``;``."""

RowKey = tuple[Kind, str]


class _Edge(NamedTuple):
    source: RowKey
    target: RowKey
    kept: bool
    """True: the row references the target after the plan; False: the plan drops it."""


def graph(plan: Plan) -> str | None:
    """The fenced ``mermaid`` block of ``plan``, or None when it has no changes or more than
    `GRAPH_LIMIT`. The same plan always gives the same text."""
    if not plan.changes or len(plan.changes) > GRAPH_LIMIT:
        return None
    actions = _actions(plan.changes)
    edges = list(dict.fromkeys(edge for change in plan.changes for edge in _edges(change)))
    keys = list(dict.fromkeys([*actions, *(edge.target for edge in edges)]))
    ids = {key: f"n{index}" for index, key in enumerate(keys)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[key]}["{_label(key, actions.get(key))}"]' for key in keys]
    lines += [f"  {ids[e.source]} {'-->' if e.kept else '-.->'} {ids[e.target]}" for e in edges]
    lines += _classes(keys, ids, actions)
    return "\n".join(fenced(lines, "mermaid"))


def section(plan: Plan) -> list[str]:
    """The `graph` as markdown lines in a collapsed ``<details>``; none without a graph.

    Collapsed: a graph of 30 changes is taller than a screen and would push the blocked
    entries and deletes, which a reviewer must see first, out of sight; and where mermaid is
    not rendered (e-mail notifications, ``gh pr view``) its source is noise.
    """
    diagram = graph(plan)
    if diagram is None:
        return []
    summary = "<details><summary>Graph: the changed rows and what they reference</summary>"
    return [summary, "", diagram, "", "</details>", ""]


def _actions(changes: tuple[Change, ...]) -> dict[RowKey, Action]:
    actions: dict[RowKey, Action] = {}
    for change in changes:
        actions.setdefault((change.kind, change.name), change.action)
    return actions


def _edges(change: Change) -> Iterator[_Edge]:
    source = (change.kind, change.name)
    after = list(_references(change.after))
    yield from (_Edge(source, target, True) for target in after)
    yield from (
        _Edge(source, target, False) for target in _references(change.before) if target not in after
    )


def _references(row: Row | None) -> Iterator[RowKey]:
    if isinstance(row, Connection | Profile):
        yield Kind.PROVIDER, row.provider
    if isinstance(row, Profile) and row.provider_connection:
        yield Kind.CONNECTION, row.provider_connection


def _label(key: RowKey, action: Action | None) -> str:
    kind, name = key
    shown = plain(name)
    if len(shown) > LABEL_LIMIT:
        shown = shown[: LABEL_LIMIT - 1] + "…"
    sign = f"{SIGNS[action]} " if action is not None else ""
    # Kind and name on one line: with a <br> in it, mermaid reads a shown backslash-n as one too.
    return f"{sign}{kind} {escape_label(shown)}"


def escape_label(text: str) -> str:
    """``text`` inside a quoted mermaid label: each character outside `_SAFE` as ``#<code>;``."""
    return "".join(char if char in _SAFE else f"#{ord(char)};" for char in text)


def _classes(
    keys: list[RowKey], ids: dict[RowKey, str], actions: dict[RowKey, Action]
) -> list[str]:
    lines = [f"  classDef {name} {style}" for name, style in STYLES.items()]
    for name in STYLES:
        members = [ids[key] for key in keys if _class(actions.get(key)) == name]
        if members:
            lines.append(f"  class {','.join(members)} {name}")
    return lines


def _class(action: Action | None) -> str:
    return UNCHANGED if action is None else action.value
