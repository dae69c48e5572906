"""Content digests of a config document and of a database state, as ``sha256:<hex>``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from reconciler.model import DatabaseState, Kind, Row
from reconciler.planning.draft import table


def document_digest(document: Mapping[str, Any]) -> str:
    """The digest of a JSON-like document, independent of key order."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _image(row: Row) -> dict[str, Any]:
    return {**row.image(), "managed_by": row.managed_by}


def state_digest(state: DatabaseState) -> str:
    """The digest of the three tables' row images and owners (timestamps are not in the model)."""
    return document_digest(
        {str(kind): [_image(row) for _, row in sorted(table(state, kind).items())] for kind in Kind}
    )
