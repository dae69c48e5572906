"""The plan as a pull-request comment: a summary table first, then what needs a reviewer's eye.

Every config or database string goes through `reconciler.render.escape`: `md_code` for names,
`md_text` for messages, and `fenced` blocks of `text` lines, so none can close a fence, a
``<details>`` or a table, start a heading or open an HTML comment.
"""

from __future__ import annotations

from collections import Counter

from reconciler.model import Kind
from reconciler.planning import Action, Change, Plan
from reconciler.render import mermaid
from reconciler.render.escape import fenced, md_code, md_text, plain
from reconciler.render.problems import text_line
from reconciler.render.text import SIGNS, details, nothing_to_change

DETAILS_LIMIT = 200
"""Blocked entries, deletes, problems, and changes per kind, listed in a comment; the rest is
counted (GitHub caps comments at 65536 characters)."""


def render_markdown(plan: Plan) -> str:
    """Markdown for a pull-request comment: summary table, blocked and deletes, then details."""
    lines = ["### reconcile plan", "", *_table(plan), "", *mermaid.section(plan)]
    lines += _blocked(plan)
    lines += _deletes(plan)
    lines += _problems(plan)
    for kind in Kind:
        lines += _details(kind, [c for c in plan.changes if c.kind is kind])
    if not plan.changes and not plan.blocked:
        lines += [nothing_to_change(plan), ""]
    return "\n".join(lines)


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


def _blocked(plan: Plan) -> list[str]:
    if not plan.blocked:
        return []
    lines = ["#### :no_entry: Blocked", ""]
    for entry in plan.blocked[:DETAILS_LIMIT]:
        refs = ", ".join(md_code(f"{kind} {name}") for kind, name in entry.referenced_by)
        by = f" referenced by {refs}" if refs else ""
        if entry.owner is not None:
            by += f" owned by {md_code(entry.owner)}"
        lines.append(
            f"- {md_code(entry.subject)} ({entry.action}) {md_code(entry.code)}{by}:"
            f" {md_text(entry.message)}"
        )
    if len(plan.blocked) > DETAILS_LIMIT:
        lines.append(f"- … and {len(plan.blocked) - DETAILS_LIMIT} more blocked")
    return [*lines, ""]


def _deletes(plan: Plan) -> list[str]:
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    if not deletes:
        return []
    lines = ["#### :warning: Deletes", ""]
    lines += [f"- {md_code(f'{c.kind} {c.name}')} ({c.reason})" for c in deletes[:DETAILS_LIMIT]]
    if len(deletes) > DETAILS_LIMIT:
        lines.append(f"- … and {len(deletes) - DETAILS_LIMIT} more")
    return [*lines, ""]


def _problems(plan: Plan) -> list[str]:
    if not plan.problems:
        return []
    listed = [text_line(problem) for problem in plan.problems[:DETAILS_LIMIT]]
    if len(plan.problems) > DETAILS_LIMIT:
        listed.append(f"... and {len(plan.problems) - DETAILS_LIMIT} more")
    return ["#### Problems", "", *fenced(listed), ""]


def _details(kind: Kind, changes: list[Change]) -> list[str]:
    if not changes:
        return []
    body = []
    for change in changes[:DETAILS_LIMIT]:
        body.append(f"{SIGNS[change.action]} {plain(change.name)} ({change.reason})")
        mark = "+" if change.action is Action.CREATE else "!"
        body += [f"{mark}     {line}" for line in details(change)]
    if len(changes) > DETAILS_LIMIT:
        more = len(changes) - DETAILS_LIMIT
        body.append(f"# ... and {more} more (--format json lists every row)")
    summary = f"<details><summary>{kind.heading}: {len(changes)} changes</summary>"
    return [summary, "", *fenced(body, "diff"), "", "</details>", ""]
