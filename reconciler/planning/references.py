"""Tier 4 reference checks: every reference of the config must resolve in the end state."""

from __future__ import annotations

from reconciler.errors import Level, Problem
from reconciler.planning.draft import Draft
from reconciler.planning.plan import Reason
from reconciler.rules import reference_problems

_DELETED = {
    Reason.REMOVED: "is removed by this config",
    Reason.FORCE: "is deleted by this plan (--force)",
}
"""Why a row this plan deletes goes, as a reference to it says."""


def reference_problems_at_plan_time(draft: Draft) -> list[Problem]:
    """Unknown and mismatched references against the rows that will exist: errors at plan time.

    A reference to a row this plan deletes says so ("provider 'gpu' is removed by this config
    but connection 'x' still references it"): the row is in the database, not unknown.
    """
    deleted = {
        key: _DELETED.get(reason, "is deleted by this plan")
        for key, reason in draft.deletes.items()
    }
    return [
        *reference_problems(
            draft.desired,
            draft.providers,
            draft.connections,
            draft.sources,
            unknown_level=Level.ERROR,
            deleted=deleted,
        ),
        *_kept_connection_mismatches(draft),
    ]


def _kept_connection_mismatches(draft: Draft) -> list[Problem]:
    """A config profile that omits provider_connection keeps the database's value (DESIGN §6);
    when that value's connection is for another provider, say so rather than store a mismatch."""
    problems = []
    for name, declared in draft.desired.profiles.items():
        if declared.provider_connection is not None:
            continue
        kept = draft.profiles.get(name)
        target = draft.connections.get(kept.provider_connection or "") if kept else None
        if target is not None and target.provider != declared.provider:
            problems.append(
                draft.sources.problem(
                    "ref.provider-mismatch",
                    f"profile {name} uses provider {declared.provider} but keeps the connection"
                    f" {target.name} (provider {target.provider}) that the database holds;"
                    " declare provider_connection for the profile",
                    ("profiles", name, "provider"),
                )
            )
    return problems
