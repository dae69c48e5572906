from __future__ import annotations

from reconciler.store.journal import COMPACT_FROM, journal_plan

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


def _change(action: str, index: int) -> dict[str, object]:
    row = {"name": f"p{index}", "model": "m"}
    return {
        "kind": "profile",
        "name": f"p{index}",
        "action": action,
        "reason": "backfill",
        "before": None if action == "create" else row,
        "after": None if action == "delete" else row,
        "diff": [{"field": "provider_connection", "before": None, "after": "c"}],
    }


def test_a_huge_plan_keeps_updates_as_diffs_and_creates_and_deletes_whole() -> None:
    actions = ["create", "delete"] + ["update"] * COMPACT_FROM
    huge = {"changes": [_change(action, i) for i, action in enumerate(actions)], "x": 1}
    kept = journal_plan(huge, None)
    create, delete, update = kept["changes"][:3]
    assert create == huge["changes"][0] and delete == huge["changes"][1]
    assert update == {
        "kind": "profile",
        "name": "p2",
        "action": "update",
        "reason": "backfill",
        "diff": [{"field": "provider_connection", "before": None, "after": "c"}],
    }
    assert kept["changes_compacted"]["count"] == len(actions)
    assert huge["changes"][2]["before"] is not None  # the plan itself is left alone


def test_a_plan_up_to_the_threshold_is_journaled_whole() -> None:
    plan = {"changes": [_change("update", i) for i in range(COMPACT_FROM)]}
    assert journal_plan(plan, None) is plan
