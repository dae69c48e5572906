"""Backfill when connections are not stored (DESIGN §14): it may derive only canonical
connections, else ``backfill.conflict``; never a connection no table holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from app_schemas import EPOCH
from app_tables import reconcile
from database_snapshot import journal

PROFILES_ONLY = """\
version: 1
storage:
  profiles:
    table: model_profiles
    columns: {provider: provider, model: model, provider_connection: connection}
    timestamps: {created: created_at, updated: updated_at, format: epoch_milliseconds}
profiles:
  quick: {provider: openai, model: gpt-5-mini}
"""


def test_a_derived_connection_that_is_not_canonical_is_a_backfill_conflict(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(EPOCH)
    config = tmp_path / "c.yaml"
    config.write_text(PROFILES_ONLY, encoding="utf-8")
    result = reconcile("apply", "-f", str(config), "--yes", "--database-url", url)
    assert result.exit_code == 3, result.output
    assert "backfill may derive only a canonical one" in result.output
    assert journal(url) == []
    planned = reconcile("plan", "-f", str(config), "--database-url", url, "--format", "json")
    assert planned.exit_code == 3, planned.output
    document = json.loads(planned.stdout)
    assert [(b["name"], b["code"]) for b in document["blocked"]] == [("quick", "backfill.conflict")]
    assert all(change["kind"] != "connection" for change in document["changes"])
