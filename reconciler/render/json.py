"""The plan as JSON (DESIGN §9): stable key order, byte-identical for the same inputs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reconciler import __version__
from reconciler.planning import Blocked, Change, Plan
from reconciler.render.problems import problem_image

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What a rendered plan says about its inputs, which the plan itself does not know."""

    database: str
    """The database URL, password already redacted."""
    config_digest: str
    state_digest: str | None
    """None when the database was not read (an invalid config is not planned)."""
    tool_version: str = __version__


def change_image(change: Change) -> dict[str, Any]:
    return {
        "kind": str(change.kind),
        "name": change.name,
        "action": str(change.action),
        "reason": str(change.reason),
        "before": change.before.image() if change.before else None,
        "after": change.after.image() if change.after else None,
        "diff": [{"field": d.field, "before": d.before, "after": d.after} for d in change.diff],
    }


def blocked_image(blocked: Blocked) -> dict[str, Any]:
    return {
        "kind": str(blocked.kind),
        "name": blocked.name,
        "action": str(blocked.action),
        "code": blocked.code,
        "referenced_by": [{"kind": str(k), "name": n} for k, n in blocked.referenced_by],
        "connection": blocked.connection,
        "message": blocked.message,
    }


def plan_document(plan: Plan, context: PlanContext) -> dict[str, Any]:
    """The plan as a JSON-ready mapping, keys in the order of DESIGN §9."""
    settings = plan.settings
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": context.tool_version,
        "database": context.database,
        "config_digest": context.config_digest,
        "state_digest": context.state_digest,
        "settings": {
            "deployment": settings.deployment,
            "inference_mode": str(settings.effective_mode),
        },
        "changes": [change_image(change) for change in plan.changes],
        "blocked": [blocked_image(blocked) for blocked in plan.blocked],
        "problems": [problem_image(problem) for problem in plan.problems],
        "summary": {
            "create": plan.summary.create,
            "update": plan.summary.update,
            "delete": plan.summary.delete,
            "blocked": plan.summary.blocked,
        },
    }


def dumps(document: Any) -> str:
    """One JSON text, two-space indented, ending with a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_json(plan: Plan, context: PlanContext) -> str:
    return dumps(plan_document(plan, context))
