"""The journal rendered: the plan as a journal row keeps it, and entries as text or JSON.

What a journal row says is `plain` in text: another writer may have put anything in it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reconciler.planning import Action, Plan, PlanContext
from reconciler.render.escape import plain, redacted
from reconciler.render.json import (
    change_image,
    diff_images,
    document_with,
    ownership_image,
    plan_document,
)

if TYPE_CHECKING:
    from reconciler.store.journal import JournalEntry

COMPACT_FROM = 1_000
"""A plan with more changes than this is journaled compacted (`journal_document`)."""


def journal_document(plan: Plan, context: PlanContext) -> dict[str, Any]:
    """The plan as the journal keeps it: `plan_document`, compacted beyond `COMPACT_FROM` changes.

    Compacted, updates that change the same fields from and to the same values (and move their
    rows between the same managers) are one entry listing their ``names``, with the ``diff`` (and
    ``ownership``) but without ``before``/``after`` images, which would repeat every unchanged
    field of every row: a backfill of 100,000 profiles is 60 MB of plan whole and four entries
    compacted. Creates keep ``after`` and deletes ``before``, the rows
    they wrote or removed. Entries stay in plan order, a group where its first name was.
    """
    if len(plan.changes) <= COMPACT_FROM:
        return plan_document(plan, context)
    images: list[dict[str, Any]] = []
    groups: dict[tuple[object, ...], list[str]] = {}
    for change in plan.changes:
        if change.action is not Action.UPDATE:
            images.append(change_image(change))
            continue
        key = (change.kind, change.reason, change.diff, change.ownership)
        names = groups.get(key)
        if names is None:
            names = groups[key] = []
            group: dict[str, Any] = {
                "kind": str(change.kind),
                "names": names,
                "action": str(change.action),
                "reason": str(change.reason),
                "diff": diff_images(change),
            }
            if change.ownership is not None:
                group["ownership"] = ownership_image(change.ownership)
            images.append(group)
        names.append(redacted(change.name))
    document = document_with(plan, context, images)
    document["changes_compacted"] = {
        "count": len(plan.changes),
        "reason": f"more than {COMPACT_FROM} changes: equal updates are grouped by their diff",
    }
    return document


def entry_document(entry: JournalEntry, *, with_plan: bool = False) -> dict[str, Any]:
    """The entry as JSON data; the plan only when asked for."""
    out: dict[str, Any] = {
        "id": entry.id,
        "applied_at": entry.applied_at.isoformat(),
        "actor": entry.actor,
        "tool_version": entry.tool_version,
        "config_digest": entry.config_digest,
        "state_before": entry.state_before,
        "state_after": entry.state_after,
        "summary": dict(entry.summary),
        "owner": entry.owner,
    }
    if with_plan:
        out["plan"] = entry.plan
    return out


def render_json(entries: Sequence[JournalEntry], *, with_plan: bool = False) -> str:
    """A JSON array of entries, newest first (ASCII: a journal row may hold anything)."""
    return json.dumps([entry_document(e, with_plan=with_plan) for e in entries], indent=2) + "\n"


def render_text(entries: Sequence[JournalEntry], *, with_plan: bool = False) -> str:
    """One block per entry; a break in the digest chain is pointed out. What the journal row
    says is `plain`: another writer may have put anything in it."""
    if not entries:
        return "No applies recorded.\n"
    lines: list[str] = []
    for index, entry in enumerate(entries):
        summary = entry.summary
        lines.append(
            f"#{entry.id}  {entry.applied_at:%Y-%m-%d %H:%M:%S}Z  by {plain(entry.actor)}"
            f"  owner {plain(entry.owner)}  (reconcile {plain(entry.tool_version)})"
        )
        lines.append(
            f"    {_count(summary, 'create')} created, {_count(summary, 'update')} updated,"
            f" {_count(summary, 'delete')} deleted"
        )
        lines.append(
            f"    config {_short(entry.config_digest)}  state {_short(entry.state_before)}"
            f" -> {_short(entry.state_after)}"
        )
        older = entries[index + 1] if index + 1 < len(entries) else None
        if older is not None and older.state_after != entry.state_before:
            lines.append(f"    ! the database changed outside reconcile since #{older.id}")
        if with_plan and entry.plan is not None:
            lines.append("    plan: " + json.dumps(entry.plan, sort_keys=True))
    return "\n".join(lines) + "\n"


def _count(summary: Mapping[str, object], action: str) -> str:
    return plain(str(summary.get(action, 0)))


def _short(digest: str) -> str:
    return plain(digest.removeprefix("sha256:")[:12])
