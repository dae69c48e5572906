"""The plan as the journal keeps it: whole up to COMPACT_FROM changes, grouped beyond."""

from __future__ import annotations

import json
from datetime import UTC, datetime

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
from reconciler.render.history import (
    COMPACT_FROM,
    entry_document,
    journal_document,
    render_json,
    render_text,
)
from reconciler.render.json import plan_document
from reconciler.store.journal import JournalEntry

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


def test_a_huge_plan_keeps_each_group_s_ownership() -> None:
    adopted = [
        Change(
            Kind.PROFILE,
            f"p{i:05d}",
            Action.UPDATE,
            Reason.ADOPT,
            Profile(f"p{i:05d}", "openai", "m"),
            Profile(f"p{i:05d}", "openai", "m", managed_by=ManagedBy.CONFIG, owner="team-a"),
        )
        for i in range(COMPACT_FROM + 1)
    ]
    kept = journal_document(Plan(Settings(), tuple(adopted)), context(STATE))
    (group,) = kept["changes"]
    assert len(group["names"]) == COMPACT_FROM + 1
    assert group["ownership"] == {
        "before": {"managed_by": None, "owner": None},
        "after": {"managed_by": "config", "owner": "team-a"},
    }


def test_entries_name_the_owner_of_the_config_applied() -> None:
    entry = JournalEntry(
        id=7,
        applied_at=datetime(2027, 1, 10, 12, 0, tzinfo=UTC),
        actor="deploy",
        tool_version="0.1.0",
        config_digest="sha256:" + "a" * 64,
        state_before="sha256:" + "b" * 64,
        state_after="sha256:" + "c" * 64,
        summary={"create": 1, "update": 0, "delete": 0, "blocked": 0},
        owner="team-\x1b[31ma",
    )
    assert entry_document(entry)["owner"] == "team-\x1b[31ma"
    assert json.loads(render_json([entry]))[0]["owner"] == "team-\x1b[31ma"
    first = render_text([entry]).splitlines()[0]
    assert first == "#7  2027-01-10 12:00:00Z  by deploy  owner team-\\x1b[31ma  (reconcile 0.1.0)"
