"""The plan as a pull-request comment: a summary table first, then what needs a reviewer's eye,
within ``max_chars`` (a GitHub comment holds 65,536 characters).

The summary table, blocked entries, deletes and problems come first and stay whole; only when
they alone exceed ``max_chars`` are their lists cut. The graph of a small plan
(`reconciler.render.mermaid`, shown under the table) takes what it needs of the rest, or is left
out with a note; the details of the changes fill what is left, kind by kind
(`reconciler.render.budget`). A cut list ends with "… and N more (see the plan file)", and a
fence or ``<details>`` is always closed.

Every config or database string goes through `reconciler.render.escape`: `md_code` for names,
`md_text` for messages, and fenced blocks of `plain` lines, so none can close a fence, a
``<details>`` or a table, start a heading or open an HTML comment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from reconciler.model import Kind
from reconciler.planning import Action, Blocked, Change, Plan
from reconciler.render import mermaid
from reconciler.render.budget import Section, fit, size, take
from reconciler.render.details import SIGNS, Entry, entries, rows_of
from reconciler.render.escape import fence_for, md_code, md_text
from reconciler.render.problems import text_line
from reconciler.render.text import nothing_to_change

MAX_CHARS = 65_000
"""The default ``--max-chars``: a GitHub comment holds 65,536, with room for a workflow's header."""
MIN_CHARS = 1_000
"""The least ``--max-chars``: the summary table and the lines that say what was cut take up to
about 650 characters."""
REFERRERS_SHOWN = 10
"""Referrers a blocked entry names before counting the rest (its message names five): rows of
the kinds first, then rows of other tables."""


def render_markdown(plan: Plan, *, max_chars: int = MAX_CHARS) -> str:
    """Markdown for a pull-request comment of at most ``max_chars`` characters (when at least
    `MIN_CHARS`): summary table, blocked, deletes and problems, then the details by kind."""
    table = ["### reconcile plan", "", *_table(plan), ""]
    closing = [nothing_to_change(plan), ""] if not plan.changes and not plan.blocked else []
    room = max_chars - size(table) - size(closing)
    note = size([_left_out(len(plan.changes), max_chars)])
    required = [*_blocked(plan, room), *_deletes(plan, room), *_problems(plan, room)]
    first = fit(required, room)
    if first.cut and plan.changes:  # they alone exceed it: no details, and room to say so
        first = fit(required, room - note)
        return "\n".join([*table, *first.lines, _left_out(len(plan.changes), max_chars), ""])
    room -= first.used
    graph = fit(_graph(plan, max_chars), room)
    room -= graph.used
    head = [*table, *graph.lines, *first.lines]
    details = fit(_detail_sections(plan, room), room)
    if details.left_out and room >= note:  # kinds without even a frame: say so on one line
        details = fit(_detail_sections(plan, room - note), room - note)
        rows = sum(section.rows for section in details.left_out)
        return "\n".join([*head, *details.lines, _left_out(rows, max_chars), ""])
    return "\n".join([*head, *details.lines, *closing])


def _left_out(rows: int, max_chars: int) -> str:
    return (
        f"… the details of {rows} changes are left out to stay within {max_chars} characters"
        " (see the plan file)."
    )


def _more(prefix: str) -> Callable[[int], str]:
    return lambda rows: f"{prefix}… and {rows} more (see the plan file)"


def _table(plan: Plan) -> list[str]:
    rows = ["| | create | update | delete |", "|---|---:|---:|---:|"]
    counts = Counter((c.kind, c.action) for c in plan.changes)
    for kind in Kind:
        cells = " | ".join(str(counts[(kind, action)]) for action in Action)
        rows.append(f"| {kind.heading} | {cells} |")
    s = plan.summary
    rows.append(f"| **Total** | **{s.create}** | **{s.update}** | **{s.delete}** |")
    verdict = f"**{s.blocked} blocked**: this plan applies nothing." if s.blocked else ""
    force = "Made with `--force`." if plan.force else ""
    take = "Made with `--take-ownership`." if plan.take_ownership else ""
    extra = " ".join(part for part in (verdict, force, take) if part)
    return [*rows, *(["", extra] if extra else [])]


def _graph(plan: Plan, max_chars: int) -> list[Section]:
    """The mermaid graph, whole, or a line saying it is left out."""
    lines = mermaid.section(plan)
    if not lines:
        return []
    said = f"The graph is left out to stay within {max_chars} characters."
    return [Section([], [(1, lines[:-1])], lines[-1:], lambda _rows: said, 1)]


def _blocked(plan: Plan, room: int) -> list[Section]:
    if not plan.blocked:
        return []
    listed = take(((1, [_blocked_line(entry)]) for entry in plan.blocked), room)
    head = ["#### :no_entry: Blocked", ""]
    return [Section(head, listed, [""], _more("- "), len(plan.blocked))]


def _blocked_line(entry: Blocked) -> str:
    refs = [md_code(f"{kind} {name}") for kind, name in entry.referenced_by[:REFERRERS_SHOWN]]
    tables = entry.foreign[: REFERRERS_SHOWN - len(refs)]
    refs += [rows_of(rows, md_code(table)) for table, rows in tables]
    if len(entry.referenced_by) + len(entry.foreign) > len(refs):
        refs.append(f"and {len(entry.referenced_by) + len(entry.foreign) - len(refs)} more")
    by = f" referenced by {', '.join(refs)}" if refs else ""
    if entry.owner is not None:
        by += f" owned by {md_code(entry.owner)}"
    return (
        f"- {md_code(entry.subject)} ({entry.action}) {md_code(entry.code)}{by}:"
        f" {md_text(entry.message)}"
    )


def _deletes(plan: Plan, room: int) -> list[Section]:
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    if not deletes:
        return []
    listed = take(((1, [f"- {md_code(f'{c.kind} {c.name}')} ({c.reason})"]) for c in deletes), room)
    return [Section(["#### :warning: Deletes", ""], listed, [""], _more("- "), len(deletes))]


def _problems(plan: Plan, room: int) -> list[Section]:
    if not plan.problems:
        return []
    listed = take(((1, [text_line(problem)]) for problem in plan.problems), room)
    fence = _fence(listed)
    head = ["#### Problems", "", fence]
    return [Section(head, listed, [fence, ""], _more(""), len(plan.problems))]


def _detail_sections(plan: Plan, room: int) -> list[Section]:
    """The optional sections, in the order they fill what the required ones leave."""
    sections = []
    for kind in Kind:
        changes = [c for c in plan.changes if c.kind is kind]
        if changes:
            sections.append(_details(kind, changes, room))
    return sections


def _details(kind: Kind, changes: list[Change], room: int) -> Section:
    listed = take(((entry.rows, _entry_lines(entry)) for entry in entries(changes)), room)
    fence = _fence(listed)
    summary = f"<details><summary>{kind.heading}: {len(changes)} changes</summary>"
    head = [summary, "", fence + "diff"]
    return Section(head, listed, [fence, "", "</details>", ""], _more(""), len(changes))


def _entry_lines(entry: Entry) -> list[str]:
    change = entry.change
    mark = "+" if change.action is Action.CREATE else "!"
    lines = [f"{SIGNS[change.action]} {entry.title()} ({change.reason})"]
    lines += [f"{detail.sign or mark}     {detail.text}" for detail in entry.details()]
    return lines


def _fence(listed: Iterable[tuple[int, Sequence[str]]]) -> str:
    return fence_for(line for _, lines in listed for line in lines)
