"""Drift: how far the database is from the config, and whether anything wrote behind the
reconciler's back since its last apply. Data for the renderers; `reconciler.service.drift`
computes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reconciler.model import Kind
from reconciler.planning.plan import Plan, PlanContext


@dataclass(frozen=True, slots=True)
class LastApply:
    """The newest journal entry, as far as drift needs it."""

    journal_id: int
    applied_at: datetime
    """Timezone-aware (UTC)."""
    state_after: str
    """The digest of the rows that apply left."""


@dataclass(frozen=True, slots=True)
class Drift:
    """The plan of the config against the database as it stands (its changes and blocked entries
    are the rows that differ), and the last apply the journal records (None: never applied)."""

    plan: Plan
    context: PlanContext
    last_apply: LastApply | None

    @property
    def rows(self) -> dict[Kind, int]:
        """Rows that differ from the config, by kind: the changes apply would make, and the
        ones a guard refuses (``blocked``), which differ all the same."""
        counts = dict.fromkeys(Kind, 0)
        for change in self.plan.changes:
            counts[change.kind] += 1
        for blocked in self.plan.blocked:
            counts[blocked.kind] += 1
        return counts

    @property
    def out_of_band(self) -> bool:
        """Whether the rows are no longer those the last apply left: something else wrote
        (an application, an admin) since. False when nothing was ever applied."""
        return (
            self.last_apply is not None and self.last_apply.state_after != self.context.state_digest
        )

    @property
    def drifted(self) -> bool:
        """A row differs from the config, or something wrote outside the reconciler."""
        return self.plan.has_changes or self.plan.is_blocked or self.out_of_band
