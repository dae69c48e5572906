"""Deterministic digests: ``sha256:`` over canonical JSON, for configs and database states."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconciler.model import Connection, DatabaseState, Profile, Provider, Row

if TYPE_CHECKING:
    from reconciler.config import LoadedConfig


def digest(value: Any) -> str:
    """``sha256:<hex>`` of ``value`` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_digest(config: LoadedConfig) -> str:
    """The digest of the merged, interpolated config document, as plans and the journal record
    it; ``apply PLANFILE`` digests the saved document, which is the same value."""
    return digest(config.document)


def plan_digest(document: Mapping[str, Any]) -> str:
    """What makes two plan documents one plan: the config they were made from and the changes
    they make, ``before`` images included (what ``apply PLANFILE`` checks). The database URL,
    the tool version and the digest of the rows the plan does not touch are left out, so a plan
    made again from the same config, with the same changes, is the same plan."""
    return digest({"config_digest": document["config_digest"], "changes": document["changes"]})


def state_digest(state: DatabaseState) -> str:
    """The digest of the three tables' rows with ``managed_by``, timestamps excluded.

    Two states digest alike exactly when every row of every table is the same, so consecutive
    journal entries chain unless something else wrote in between. Each table is its column
    names and one array per row, by name: an apply digests 100,000 rows twice, and arrays
    serialise in a third of the time of one mapping per row.
    """
    return digest(
        {
            "providers": _table(state.providers, Provider),
            "connections": _table(state.connections, Connection),
            "profiles": _table(state.profiles, Profile),
        }
    )


def _table(rows: Mapping[str, Row], model: type[Row]) -> dict[str, Any]:
    # A provider or profile row is a tuple of its columns already; a connection nests its auth.
    ordered: list[Any] = [rows[name] for name in sorted(rows)]
    if model is Connection:
        ordered = [(row.name, row.provider, row.auth.image(), row.managed_by) for row in ordered]
    return {"columns": model._fields, "rows": ordered}
