"""The pure plan engine: (desired config, database state) -> `Plan`. No I/O, no printing."""

from __future__ import annotations

from reconciler.planning.backfill import derive_connection
from reconciler.planning.limits import NO_LIMITS, Limits
from reconciler.planning.plan import (
    Action,
    Blocked,
    Change,
    FieldDiff,
    Manager,
    Ownership,
    Plan,
    PlanContext,
    Reason,
    Summary,
)
from reconciler.planning.planner import make_plan, with_config_problems

__all__ = [
    "NO_LIMITS",
    "Action",
    "Blocked",
    "Change",
    "FieldDiff",
    "Limits",
    "Manager",
    "Ownership",
    "Plan",
    "PlanContext",
    "Reason",
    "Summary",
    "derive_connection",
    "make_plan",
    "with_config_problems",
]
