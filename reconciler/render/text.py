"""The plan for a terminal: grouped by kind, ``+``/``~``/``-``, and under each change its
`details` (per-field ``before -> after``, line diffs), alike updates as one entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from reconciler.errors import Problem
from reconciler.model import Kind
from reconciler.planning import Action, Blocked, Change, Plan, Reason
from reconciler.render.details import SIGNS, Detail, Entry, entries, rows_of
from reconciler.render.escape import line_start, plain
from reconciler.render.problems import text_line

LONG_PLAN = 300
"""Above this many entries (alike updates count once) the text shows counts per kind and
reason, not every row."""

LIST_LIMIT = 50
"""Blocked entries and problems shown one by one before the rest is counted."""

_COLOURS = {
    Action.CREATE: "32",
    Action.UPDATE: "33",
    Action.DELETE: "31",
    "error": "31",
    "warning": "33",
    "blocked": "31",
    "heading": "1",
    "+": "32",
    "-": "31",
}
_QUIET_REASONS = {Reason.DECLARED, Reason.REMOVED}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled:
            return text
        return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m"


def summary_line(plan: Plan) -> str:
    s = plan.summary
    return (
        f"Plan: {s.create} to create, {s.update} to update, {s.delete} to delete,"
        f" {s.blocked} blocked."
    )


def render_text(plan: Plan, *, color: bool = False) -> str:
    """The whole plan as text; ``color`` adds ANSI colours (the CLI decides: a terminal and no
    NO_COLOR)."""
    lines = [*plan_lines(plan, color=color), "", _Paint(color)(summary_line(plan), "heading")]
    return "\n".join(lines) + "\n"


def plan_lines(plan: Plan, *, color: bool = False) -> list[str]:
    """What `render_text` shows above the summary line: changes, blocked entries, problems."""
    paint = _Paint(color)
    lines: list[str] = []
    if plan.force:
        lines += ["--force: deletes go ahead and every consequence is listed.", ""]
    if plan.take_ownership:
        lines += ["--take-ownership: rows another owner's config manages become this config's.", ""]
    listed = [(kind, entries(changes)) for kind, changes in _by_kind(plan)]
    if not plan.changes:
        lines.append(nothing_to_change(plan))
    elif sum(len(kind_entries) for _, kind_entries in listed) > LONG_PLAN:
        lines += _counted_changes(plan, paint)
    else:
        lines += _listed_changes(listed, paint)
    lines += _blocked(plan.blocked, paint)
    lines += _problems(plan.problems, paint)
    return lines


def nothing_to_change(plan: Plan) -> str:
    """What a plan without changes says: in sync, or not planned for the errors it lists."""
    if plan.has_errors:
        return "No changes planned: the config has errors (see Problems)."
    if plan.is_blocked:
        return "No changes can be applied: the plan is blocked (see Blocked)."
    return "No changes: the database matches the config."


def _by_kind(plan: Plan) -> Iterator[tuple[Kind, list[Change]]]:
    for kind in Kind:
        changes = [c for c in plan.changes if c.kind is kind]
        if changes:
            yield kind, changes


def _listed_changes(listed: list[tuple[Kind, list[Entry]]], paint: _Paint) -> list[str]:
    lines: list[str] = []
    for kind, kind_entries in listed:
        lines.append(paint(kind.heading, "heading"))
        for entry in kind_entries:
            change = entry.change
            reason = "" if change.reason in _QUIET_REASONS else f"  ({change.reason})"
            head = f"  {SIGNS[change.action]} {entry.title()}"
            lines.append(paint(head, change.action) + reason)
            lines += [_detail(detail, paint) for detail in entry.details()]
    return lines


def _detail(detail: Detail, paint: _Paint) -> str:
    line = f"      {detail.text}"
    return paint(line, detail.sign) if detail.sign in ("+", "-") else line


def _counted_changes(plan: Plan, paint: _Paint) -> list[str]:
    lines = [
        f"{len(plan.changes)} changes, counted per kind and reason (--format json lists every row):"
    ]
    for kind, changes in _by_kind(plan):
        lines.append(paint(kind.heading, "heading"))
        counts = Counter((c.action, c.reason) for c in changes)
        for action in Action:
            for reason in Reason:
                if counts[(action, reason)]:
                    line = f"  {SIGNS[action]} {counts[(action, reason)]} to {action}"
                    lines.append(paint(line, action) + f"  ({reason})")
    return lines


def _blocked(blocked: tuple[Blocked, ...], paint: _Paint) -> list[str]:
    if not blocked:
        return []
    lines = ["", paint("Blocked: this plan applies nothing until these are resolved", "blocked")]
    for entry in blocked[:LIST_LIMIT]:
        lines.append(
            paint(f"  ! {plain(entry.subject)}", "blocked") + f": {entry.action}"
            f" refused [{entry.code}]"
        )
        if entry.referenced_by or entry.foreign:
            refs = [f"{kind} {plain(name)}" for kind, name in entry.referenced_by]
            refs += [rows_of(rows, plain(table)) for table, rows in entry.foreign]
            lines.append(f"      referenced by: {', '.join(refs)}")
        if entry.owner is not None:
            lines.append(f"      owner: {plain(entry.owner)}")
        lines.append(f"      {line_start(entry.message)}")
    if len(blocked) > LIST_LIMIT:
        lines.append(f"  ... and {len(blocked) - LIST_LIMIT} more blocked")
    return lines


def _problems(problems: tuple[Problem, ...], paint: _Paint) -> list[str]:
    if not problems:
        return []
    lines = ["", paint("Problems", "heading")]
    for problem in problems[:LIST_LIMIT]:
        lines.append("  " + paint(text_line(problem), str(problem.level)))
    if len(problems) > LIST_LIMIT:
        lines.append(f"  ... and {len(problems) - LIST_LIMIT} more problems")
    return lines
