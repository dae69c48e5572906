from __future__ import annotations

import json
from datetime import UTC, datetime

from plan_scenarios import context, in_sync, mixed

from reconciler.planning.digest import state_digest
from reconciler.planning.drift import Drift, LastApply
from reconciler.render.drift import drift_document, render_drift_text
from reconciler.render.json import dumps, plan_document
from reconciler.render.text import plan_lines

WHEN = datetime(2027, 1, 10, 12, 0, 5, tzinfo=UTC)


def test_text_shows_the_rows_as_the_plan_does_then_the_rows_and_the_journal() -> None:
    plan, state = mixed()
    drift = Drift(plan, context(state), LastApply(4, WHEN, "sha256:" + "f" * 64))
    text = render_drift_text(drift)
    assert text.startswith("\n".join(plan_lines(plan)))
    assert text.endswith(
        "\n\nRows: 10 differ from the config (2 providers, 4 connections, 4 profiles).\n"
        "Journal: the rows changed outside reconcile since journal entry #4"
        " (2027-01-10 12:00:05Z).\n"
    )


def test_text_in_sync_says_so_on_both_lines() -> None:
    plan, state = in_sync()
    drift = Drift(plan, context(state), LastApply(4, WHEN, state_digest(state)))
    assert render_drift_text(drift) == (
        "No changes: the database matches the config.\n\n"
        "Rows: every row matches the config.\n"
        "Journal: the rows are those journal entry #4 (2027-01-10 12:00:05Z) left.\n"
    )
    never = render_drift_text(Drift(plan, context(state), None))
    assert never.endswith("Journal: no apply recorded, so no rows to compare with.\n")


def test_one_row_is_counted_in_the_singular() -> None:
    plan, state = mixed()
    single = Drift(plan.__class__(plan.settings, plan.changes[:1]), context(state), None)
    assert "Rows: 1 differs from the config (1 provider, 0 connections, 0 profiles)." in (
        render_drift_text(single)
    )


def test_json_holds_the_verdict_the_counts_and_the_plans_entries() -> None:
    plan, state = mixed()
    drift = Drift(plan, context(state), LastApply(4, WHEN, state_digest(state)))
    document = json.loads(dumps(drift_document(drift)))
    planned = plan_document(plan, context(state))
    assert list(document) == [
        "drift",
        "tool_version",
        "database",
        "instance_id",
        "config_digest",
        "state_digest",
        "rows",
        "out_of_band",
        "last_apply",
        "changes",
        "blocked",
        "problems",
        "summary",
    ]
    assert document["drift"] is True and document["out_of_band"] is False
    assert document["rows"] == {"provider": 2, "connection": 4, "profile": 4}
    assert document["last_apply"] == {
        "id": 4,
        "applied_at": "2027-01-10T12:00:05+00:00",
        "state_after": state_digest(state),
    }
    for key in ("changes", "blocked", "problems", "summary", "instance_id", "state_digest"):
        assert document[key] == planned[key], key
