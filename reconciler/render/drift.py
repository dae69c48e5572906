"""A drift report as text and as JSON (``reconcile drift --format text|json``).

The rows that differ are the plan's changes and blocked entries, shown as the plan shows them;
then one line on the rows, one on the journal.
"""

from __future__ import annotations

from typing import Any

from reconciler.model import Kind
from reconciler.planning.drift import Drift, LastApply
from reconciler.render.json import blocked_image, change_image, summary_image
from reconciler.render.problems import problem_image
from reconciler.render.text import plan_lines


def rows_line(drift: Drift) -> str:
    """``Rows: 2 differ from the config (0 providers, 1 connection, 1 profile).``"""
    rows = drift.rows
    total = sum(rows.values())
    if not total:
        return "Rows: every row matches the config."
    counts = ", ".join(_count(number, kind) for kind, number in rows.items())
    return f"Rows: {total} differ{'s' * (total == 1)} from the config ({counts})."


def journal_line(drift: Drift) -> str:
    """Whether the rows are still those the last apply left."""
    last = drift.last_apply
    if last is None:
        return "Journal: no apply recorded, so no rows to compare with."
    entry = f"journal entry #{last.journal_id} ({applied_at(last)})"
    if drift.out_of_band:
        return f"Journal: the rows changed outside reconcile since {entry}."
    return f"Journal: the rows are those {entry} left."


def applied_at(last: LastApply) -> str:
    return f"{last.applied_at:%Y-%m-%d %H:%M:%S}Z"


def render_drift_text(drift: Drift, *, color: bool = False) -> str:
    """The differing rows as the plan shows them, then the rows and journal lines."""
    lines = [*plan_lines(drift.plan, color=color), "", rows_line(drift), journal_line(drift)]
    return "\n".join(lines) + "\n"


def drift_document(drift: Drift) -> dict[str, Any]:
    """The report as JSON data: the verdict, the counts, the last apply, then the plan's
    changes, blocked entries and problems as plan JSON holds them."""
    context, plan, last = drift.context, drift.plan, drift.last_apply
    return {
        "drift": drift.drifted,
        "tool_version": context.tool_version,
        "database": context.database,
        "instance_id": context.instance_id,
        "config_digest": context.config_digest,
        "state_digest": context.state_digest,
        "rows": {str(kind): number for kind, number in drift.rows.items()},
        "out_of_band": drift.out_of_band,
        "last_apply": None
        if last is None
        else {
            "id": last.journal_id,
            "applied_at": last.applied_at.isoformat(),
            "state_after": last.state_after,
        },
        "changes": [change_image(change) for change in plan.changes],
        "blocked": [blocked_image(blocked) for blocked in plan.blocked],
        "problems": [problem_image(problem) for problem in plan.problems],
        "summary": summary_image(plan.summary),
    }


def _count(number: int, kind: Kind) -> str:
    return f"{number} {kind}" if number == 1 else f"{number} {kind.section}"
