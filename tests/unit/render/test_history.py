"""The plan as the journal keeps it: whole up to COMPACT_FROM changes, grouped beyond."""

from __future__ import annotations

from plan_scenarios import context

from reconciler.model import (
    Auth,
    Connection,
    DatabaseState,
    Kind,
    ManagedBy,
    Profile,
    Provider,
    Settings,
)
from reconciler.planning import Action, Change, FieldDiff, Plan, Reason
from reconciler.render.history import COMPACT_FROM, journal_document
from reconciler.render.json import plan_document

STATE = DatabaseState()


def _backfilled(index: int, connection: str) -> Change:
    before = Profile(f"p{index:05d}", connection.split("-")[0], "m")
    after = Profile(before.name, before.provider, "m", connection)
    diff = (FieldDiff("provider_connection", None, connection),)
    return Change(Kind.PROFILE, before.name, Action.UPDATE, Reason.BACKFILL, before, after, diff)


def _plan(updates: int) -> Plan:
    created = Connection(
        "openai-personal", "openai", Auth("api_key", "c"), managed_by=ManagedBy.BACKFILL
    )
    deleted = Provider("old", "openai", managed_by=ManagedBy.CONFIG)
    return Plan(
        settings=Settings(),
        changes=(
            Change(Kind.CONNECTION, created.name, Action.CREATE, Reason.BACKFILL, None, created),
            *(
                _backfilled(i, "openai-personal" if i % 2 else "gemini-personal")
                for i in range(updates)
            ),
            Change(Kind.PROVIDER, "old", Action.DELETE, Reason.REMOVED, deleted, None),
        ),
    )


def test_a_plan_up_to_the_threshold_is_journaled_as_plan_json() -> None:
    plan = _plan(COMPACT_FROM - 2)
    assert len(plan.changes) == COMPACT_FROM
    assert journal_document(plan, context(STATE)) == plan_document(plan, context(STATE))


def test_a_huge_plan_groups_equal_updates_and_keeps_creates_and_deletes_whole() -> None:
    plan = _plan(COMPACT_FROM)
    whole = plan_document(plan, context(STATE))
    kept = journal_document(plan, context(STATE))
    create, gemini, openai, delete = kept["changes"]
    assert create == whole["changes"][0] and delete == whole["changes"][-1]
    assert gemini == {
        "kind": "profile",
        "names": [f"p{i:05d}" for i in range(0, COMPACT_FROM, 2)],
        "action": "update",
        "reason": "backfill",
        "diff": [{"field": "provider_connection", "before": None, "after": "gemini-personal"}],
    }
    assert openai["names"] == [f"p{i:05d}" for i in range(1, COMPACT_FROM, 2)]
    assert kept["changes_compacted"]["count"] == COMPACT_FROM + 2
    assert (
        kept["summary"]
        == whole["summary"]
        == {
            "create": 1,
            "update": COMPACT_FROM,
            "delete": 1,
            "blocked": 0,
        }
    )
