"""The plan for a terminal: grouped by kind, ``+``/``~``/``-``, per-field ``before -> after``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from reconciler.errors import Problem, transition
from reconciler.model import Kind, ManagedBy
from reconciler.planning import Action, Blocked, Change, Ownership, Plan, Reason
from reconciler.render.escape import block, is_multiline, line_start, plain
from reconciler.render.problems import text_line

LONG_PLAN = 300
"""Above this many changes the text shows counts per kind and reason, not every row."""

LIST_LIMIT = 50
"""Blocked entries and problems shown one by one before the rest is counted."""

SIGNS = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}
_COLOURS = {
    Action.CREATE: "32",
    Action.UPDATE: "33",
    Action.DELETE: "31",
    "error": "31",
    "warning": "33",
    "blocked": "31",
    "heading": "1",
}
_BLOCK_FIELDS = {"system_prompt", "description"}
"""Fields whose multi-line values are shown line by line; any other value stays on one line."""
_QUIET_REASONS = {Reason.DECLARED, Reason.REMOVED}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled:
            return text
        return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m"


def show(value: Any) -> str:
    """A field value as YAML would spell it, on one line: ``null``, ``true``, ``{type: none}``.

    Strings are `plain`: redacted, control characters and line breaks escaped.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{plain(str(k))}: {show(v)}" for k, v in value.items()) + "}"
    if value == "":
        return '""'
    return plain(str(value))


def ownership_line(ownership: Ownership) -> str:
    """How a change moves a row's manager, on one line: ``managed_by: (external) -> config,
    owner: team-a``; a part that stays is shown without an arrow."""
    before, after = ownership
    managed_by = _moved(_managed_by(before.managed_by), _managed_by(after.managed_by))
    parts = [f"managed_by: {managed_by}"]
    if before.owner is not None or after.owner is not None:
        owner = (
            show(after.owner)
            if before.owner is None
            else _moved(show(before.owner), _owner(after.owner))
        )
        parts.append(f"owner: {owner}")
    return ", ".join(parts)


def _managed_by(value: ManagedBy | None) -> str:
    return "(external)" if value is None else str(value)


def _owner(value: str | None) -> str:
    return "(none)" if value is None else show(value)


def _moved(before: str, after: str) -> str:
    return before if before == after else f"{before} -> {after}"


def details(change: Change) -> list[str]:
    """The lines under a change: each field of a create, or the `ownership_line` of an update
    that moves it and each diff ``field: before -> after``.

    A multi-line ``system_prompt`` or ``description`` is shown line by line, each behind the
    tool's ``| ``, so no value starts a line of output; in any other field a line break is
    escaped like every control character (`show`).
    """
    if change.action is Action.CREATE and change.after is not None:
        image = change.after.image()
        lines: list[str] = []
        for key, value in image.items():
            if key == "name" or value is None or (key == "protected" and not value):
                continue
            if key in _BLOCK_FIELDS and is_multiline(value):
                lines += [f"{plain(key)}: |", *_continued(value, "  ")]
            else:
                lines.append(f"{plain(key)}: {show(value)}")
        return lines
    ownership = change.ownership
    lines = [] if ownership is None else [ownership_line(ownership)]
    for diff in change.diff:
        field = plain(diff.field)
        if diff.field in _BLOCK_FIELDS and (is_multiline(diff.before) or is_multiline(diff.after)):
            lines += [f"{field}:", *_continued(diff.before, "  - ")]
            lines += _continued(diff.after, "  + ")
        else:
            lines.append(transition(field, diff.before, diff.after, show))
    return lines


def _continued(value: Any, prefix: str) -> list[str]:
    if not is_multiline(value):
        return [prefix + show(value)]
    return [f"{prefix}| {line}" if line else f"{prefix}|" for line in block(value)]


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
    if not plan.changes:
        lines.append(nothing_to_change(plan))
    elif len(plan.changes) > LONG_PLAN:
        lines += _counted_changes(plan, paint)
    else:
        lines += _listed_changes(plan, paint)
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


def _listed_changes(plan: Plan, paint: _Paint) -> list[str]:
    lines: list[str] = []
    for kind, changes in _by_kind(plan):
        lines.append(paint(kind.heading, "heading"))
        for change in changes:
            reason = "" if change.reason in _QUIET_REASONS else f"  ({change.reason})"
            head = f"  {SIGNS[change.action]} {plain(change.name)}"
            lines.append(paint(head, change.action) + reason)
            lines += [f"      {detail}" for detail in details(change)]
    return lines


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
        if entry.referenced_by:
            refs = ", ".join(f"{kind} {plain(name)}" for kind, name in entry.referenced_by)
            lines.append(f"      referenced by: {refs}")
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
