"""``reconcile history``: the journal of applies, newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import click

from reconciler.cli.app import cli
from reconciler.cli.options import database_url_option
from reconciler.render.escape import plain

if TYPE_CHECKING:
    from reconciler.store.journal import JournalEntry


@cli.command("history")
@database_url_option()
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: an array of entries, newest first.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N newest entries.")
@click.option("--plan", "with_plan", is_flag=True, help="Include each entry's plan (json format).")
def history_command(
    database_url: str | None, output: str, limit: int | None, with_plan: bool
) -> None:
    """Show the journal: one entry per successful apply, newest first.

    Each entry records who applied, with which tool version and config, and digests of the
    state before and after; consecutive entries chain unless something else wrote in between.

    \b
    Examples:
      reconcile history --database-url postgresql://app@db/prod --limit 10
      reconcile history --format json --plan --limit 1 | jq '.[0].plan.changes'
    """
    from reconciler.service.history import read_history  # SQLAlchemy loads only when a command runs

    entries = read_history(database_url, limit=limit, with_plan=with_plan)
    if output == "json":
        documents = [entry.document(with_plan=with_plan) for entry in entries]
        click.echo(json.dumps(documents, indent=2, sort_keys=False))
        return
    click.echo(render_text(entries, with_plan=with_plan), nl=False)


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
            f"  (reconcile {plain(entry.tool_version)})"
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
