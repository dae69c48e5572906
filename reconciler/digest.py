"""Deterministic digests: ``sha256:`` over canonical JSON, for configs and database states."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconciler.model import DatabaseState, Row

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


def state_digest(state: DatabaseState) -> str:
    """The digest of the three tables' row images with ``managed_by``, timestamps excluded.

    Two states digest alike exactly when every row of every table is the same, so consecutive
    journal entries chain unless something else wrote in between.
    """
    return digest(
        {
            "providers": _images(state.providers),
            "connections": _images(state.connections),
            "profiles": _images(state.profiles),
        }
    )


def _images(rows: Mapping[str, Row]) -> list[dict[str, Any]]:
    return [{**rows[name].image(), "managed_by": rows[name].managed_by} for name in sorted(rows)]
