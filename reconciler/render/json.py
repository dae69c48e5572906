"""The plan as JSON (DESIGN §9): stable key order, byte-identical for the same inputs.

Every plan document (printed, saved with ``plan --out``, journaled, compared by apply) is built
here, its changes, blocked entries and problems `redacted_data`: what looks like a secret in
the database is ``[redacted]`` in all of them.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.planning import Blocked, Change, Manager, Ownership, Plan, PlanContext, Summary
from reconciler.render.escape import json_text, redacted, redacted_data
from reconciler.render.problems import problem_image

FORMAT_VERSION = 1


def change_image(change: Change) -> dict[str, Any]:
    """One change as plan JSON, its names and values `redacted`; ``ownership`` only on an update
    that moves the row between owners or ``managed_by`` values."""
    image = {
        "kind": str(change.kind),
        "name": redacted(change.name),
        "action": str(change.action),
        "reason": str(change.reason),
        "before": redacted_data(change.before.image()) if change.before else None,
        "after": redacted_data(change.after.image()) if change.after else None,
        "diff": diff_images(change),
    }
    if change.ownership is not None:
        image["ownership"] = ownership_image(change.ownership)
    return image


def ownership_image(ownership: Ownership) -> dict[str, Any]:
    """``{"before": {"managed_by", "owner"}, "after": {…}}``, owners `redacted`."""
    return {"before": _manager_image(ownership.before), "after": _manager_image(ownership.after)}


def _manager_image(manager: Manager) -> dict[str, Any]:
    managed_by = None if manager.managed_by is None else str(manager.managed_by)
    return {"managed_by": managed_by, "owner": redacted_data(manager.owner)}


def diff_images(change: Change) -> list[dict[str, Any]]:
    return [
        {
            "field": redacted(d.field),
            "before": redacted_data(d.before),
            "after": redacted_data(d.after),
        }
        for d in change.diff
    ]


def blocked_image(blocked: Blocked) -> dict[str, Any]:
    """One blocked entry as plan JSON, its names and message `redacted`; a plan-level entry has
    ``kind`` and/or ``name`` null (DESIGN §13). ``referenced_by`` lists the mapped rows, then
    ``{"table", "rows"}`` for the rows of other tables (DESIGN §14)."""
    return {
        "kind": None if blocked.kind is None else str(blocked.kind),
        "name": None if blocked.name is None else redacted(blocked.name),
        "action": str(blocked.action),
        "code": blocked.code,
        "referenced_by": [
            *({"kind": str(k), "name": redacted(n)} for k, n in blocked.referenced_by),
            *({"table": redacted(table), "rows": rows} for table, rows in blocked.foreign),
        ],
        "connection": redacted_data(blocked.connection),
        "owner": redacted_data(blocked.owner),
        "count": blocked.count,
        "limit": blocked.limit,
        "message": redacted(blocked.message),
    }


def plan_document(plan: Plan, context: PlanContext) -> dict[str, Any]:
    """The plan as a JSON-ready mapping, keys in the order of DESIGN §9."""
    return document_with(plan, context, [change_image(change) for change in plan.changes])


def document_with(
    plan: Plan, context: PlanContext, changes: list[dict[str, Any]]
) -> dict[str, Any]:
    settings = plan.settings
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": context.tool_version,
        "database": context.database,
        "instance_id": context.instance_id,
        "config_digest": context.config_digest,
        "state_digest": context.state_digest,
        "settings": {
            "deployment": settings.deployment,
            "inference_mode": str(settings.effective_mode),
            "owner": settings.owner,
        },
        "changes": changes,
        "blocked": [blocked_image(blocked) for blocked in plan.blocked],
        "problems": [problem_image(problem) for problem in plan.problems],
        "summary": summary_image(plan.summary),
    }


def summary_image(summary: Summary) -> dict[str, int]:
    return {
        "create": summary.create,
        "update": summary.update,
        "delete": summary.delete,
        "blocked": summary.blocked,
    }


def dumps(document: Any) -> str:
    """One JSON text, two-space indented, ending with a newline; no raw bidi or control
    character (`json_text`)."""
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def render_json(plan: Plan, context: PlanContext) -> str:
    return dumps(plan_document(plan, context))
