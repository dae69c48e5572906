"""The ``storage`` section as a `Storage` value: whatever of it can be read.

The JSON schema has already reported what is wrong; here a kind whose mapping lacks its table
reads as not stored, and a column that is not a string as unmapped, so the rules still run.
"""

from __future__ import annotations

from typing import Any

from reconciler.model import Kind
from reconciler.storage import (
    REFERENCES,
    STORABLE,
    Generate,
    Storage,
    SurrogateId,
    TableMapping,
    TimeFormat,
    Timestamps,
)


def storage_mapping(value: Any) -> Storage | None:
    """The ``storage`` section as read; ``None`` when the config has none (the own tables)."""
    if not isinstance(value, dict):
        return None
    return Storage(**{kind.section: _table(kind, value.get(kind.section)) for kind in Kind})


def _table(kind: Kind, value: Any) -> TableMapping | None:
    if not isinstance(value, dict) or not _name(value.get("table")):
        return None
    columns = _mapping(value.get("columns"))
    references = _mapping(value.get("references"))
    return TableMapping(
        table=value["table"],
        schema=_name(value.get("schema")),
        key=_name(value.get("key")) or "name",
        id=_surrogate(value.get("id")),
        columns={f: c for f, c in columns.items() if f in STORABLE[kind] and _name(c)},
        timestamps=_timestamps(value.get("timestamps")),
        references={f: c for f, c in references.items() if f in REFERENCES[kind] and _name(c)},
    )


def _surrogate(value: Any) -> SurrogateId | None:
    if not isinstance(value, dict) or not _name(value.get("column")):
        return None
    generate = value.get("generate")
    made = Generate(generate) if generate in tuple(Generate) else Generate.DATABASE
    return SurrogateId(value["column"], made)


def _timestamps(value: Any) -> Timestamps | None:
    if not isinstance(value, dict):
        return None
    format_ = value.get("format")
    return Timestamps(
        created=_name(value.get("created")),
        updated=_name(value.get("updated")),
        format=TimeFormat(format_) if format_ in tuple(TimeFormat) else TimeFormat.TIMESTAMP,
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
