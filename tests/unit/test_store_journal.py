from __future__ import annotations

from reconciler.store.journal import journal_plan

PLAN = {"changes": [{"kind": "profile", "name": f"p{index}"} for index in range(100)], "x": 1}


def test_a_plan_within_the_limit_is_kept_whole() -> None:
    assert journal_plan(PLAN, None) is PLAN
    assert journal_plan(PLAN, 1_000_000) is PLAN


def test_a_plan_beyond_the_limit_keeps_counts_not_rows() -> None:
    kept = journal_plan(PLAN, 100)
    assert kept["changes"] == []
    assert kept["x"] == 1
    assert kept["changes_omitted"]["count"] == 100
    assert "more than this database accepts in a row" in kept["changes_omitted"]["reason"]
