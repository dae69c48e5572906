from __future__ import annotations

from datetime import UTC, datetime

from plan_scenarios import context, in_sync, mixed

from reconciler.model import Kind
from reconciler.planning.digest import state_digest
from reconciler.planning.drift import Drift, LastApply

WHEN = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


def test_the_rows_that_differ_are_the_changes_and_the_refused_ones_by_kind() -> None:
    plan, state = mixed()
    drift = Drift(plan, context(state), None)
    changes = {kind: sum(c.kind is kind for c in plan.changes) for kind in Kind}
    refused = {kind: sum(b.kind is kind for b in plan.blocked) for kind in Kind}
    assert drift.rows == {kind: changes[kind] + refused[kind] for kind in Kind}
    assert sum(refused.values()) == 1
    assert drift.drifted and not drift.out_of_band


def test_in_sync_with_the_rows_the_last_apply_left_is_no_drift() -> None:
    plan, state = in_sync()
    drift = Drift(plan, context(state), LastApply(7, WHEN, state_digest(state)))
    assert drift.rows == dict.fromkeys(Kind, 0)
    assert not drift.out_of_band
    assert not drift.drifted


def test_rows_other_than_the_last_apply_left_are_an_out_of_band_write() -> None:
    plan, state = in_sync()
    drift = Drift(plan, context(state), LastApply(7, WHEN, "sha256:" + "f" * 64))
    assert drift.out_of_band
    assert drift.drifted


def test_a_database_never_applied_to_has_no_out_of_band_write() -> None:
    plan, state = in_sync()
    drift = Drift(plan, context(state), None)
    assert not drift.out_of_band
    assert not drift.drifted
