from __future__ import annotations

from reconciler.store.journal import fitted

PLAN = {"changes": [{"kind": "profile", "name": f"p{index}"} for index in range(100)], "x": 1}


def test_a_plan_within_the_limit_is_kept_whole() -> None:
    assert fitted(PLAN, None) is PLAN
    assert fitted(PLAN, 1_000_000) is PLAN


def test_a_plan_beyond_the_limit_keeps_counts_not_rows() -> None:
    kept = fitted(PLAN, 100)
    assert kept["changes"] == []
    assert kept["x"] == 1
    assert kept["changes_omitted"]["count"] == 100
    assert "more than this database accepts in a row" in kept["changes_omitted"]["reason"]


def test_a_compacted_plan_beyond_the_limit_counts_its_changes_not_its_entries() -> None:
    compacted = {**PLAN, "changes_compacted": {"count": 5000, "reason": "grouped"}}
    assert fitted(compacted, 100)["changes_omitted"]["count"] == 5000
