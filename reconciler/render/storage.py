"""A ``storage`` mapping as ``reconcile db check`` understood it, then its problems.

Every name is shown `plain` (a table of the application's may be named anything, escapes
included); a line that starts with one goes through `line_start`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from reconciler.model import Kind
from reconciler.render import problems as render_problems
from reconciler.render.escape import line_start, plain
from reconciler.storage import REFERENCES, STORABLE, Generate, Storage, TableMapping

if TYPE_CHECKING:
    from reconciler.service.db_check import Checked
    from reconciler.store.mapped.reflect import ForeignKey

OWN_TABLES = (
    "No storage section: the reconciler keeps the rows in its own tables (providers,"
    " provider_connections, profiles), so there is no mapping to check."
)
OWNERSHIP = "managed_by, owner and protected of the mapped rows are kept in reconcile_ownership."
FITS = "ok: the mapping fits the database"
_GENERATED = {
    Generate.UUID: "a UUID4 the reconciler makes (generate: uuid)",
    Generate.DATABASE: "made by the database, read back after the insert (generate: database)",
}


def check_text(checked: Checked, *, colour: bool = False) -> str:
    """The mapping kind by kind, the foreign keys into it, then the problems and a count."""
    lines: list[str] = []
    if checked.storage is None:
        lines.append(OWN_TABLES)
    elif checked.reflected is not None:
        lines += [f"The storage mapping in {plain(checked.database or '')}:", ""]
        for kind in Kind:
            lines += [*kind_lines(checked.storage, kind, checked.types.get(kind)), ""]
        lines += [*foreign_lines(checked.reflected.foreign_keys, checked.storage), ""]
        lines += [OWNERSHIP, ""]
    lines += [render_problems.text_line(p, colour=colour) for p in checked.problems]
    if checked.problems:
        lines.append(render_problems.summary(checked.problems))
    elif checked.reflected is not None:
        lines.append(FITS)
    return "\n".join(lines) + "\n"


def kind_lines(storage: Storage, kind: Kind, types: Mapping[str, str] | None) -> list[str]:
    """One kind's mapping; ``types``: its table's columns and their types, ``None`` when the
    table is missing."""
    mapping = storage.of(kind)
    if mapping is None:
        return [f"{kind.section}: not stored: only the canonical rows, held in code"]
    missing = " (missing)" if types is None else ""
    lines = [f"{kind.section}: table {plain(mapping.qualified)}{missing}"]

    def column(name: str) -> str:
        if types is None:
            return plain(name)
        spelled = types.get(name)
        return f"{plain(name)} ({'missing' if spelled is None else plain(spelled)})"

    lines.append(f"  key: {column(mapping.key)}")
    if mapping.id is None:
        lines.append("  id: none (rows are known by their key)")
    else:
        lines.append(f"  id: {column(mapping.id.column)}, {_GENERATED[mapping.id.generate]}")
    lines.append("  fields:")
    lines.extend(f"    {field} -> {column(name)}" for field, name in _fields(mapping, kind))
    unmapped = [field for field in STORABLE[kind] if field not in mapping.columns]
    lines.append(f"  not stored: {', '.join(unmapped) or 'none'}")
    lines.append(f"  timestamps: {_timestamps(mapping, column)}")
    lines.append(f"  references by id: {', '.join(_by_id(storage, kind, mapping)) or 'none'}")
    return lines


def foreign_lines(keys: tuple[ForeignKey, ...], storage: Storage) -> Iterator[str]:
    """The application's foreign keys into the mapped tables, with their ``ON DELETE`` rule."""
    if not keys:
        yield "Foreign keys of the application's other tables into these: none"
        return
    yield "Foreign keys of the application's other tables into these:"
    for key in keys:
        mapping = storage.of(key.kind)
        target = mapping.qualified if mapping is not None else "?"
        yield line_start(
            f"  {key.table} ({', '.join(key.columns)}) -> {key.kind.section} {target}"
            f" ({', '.join(key.referred)}): ON DELETE {key.on_delete}"
        )


def _fields(mapping: TableMapping, kind: Kind) -> Iterator[tuple[str, str]]:
    for field in STORABLE[kind]:
        if field in mapping.columns:
            yield field, mapping.columns[field]


def _timestamps(mapping: TableMapping, column: Callable[[str], str]) -> str:
    stamps = mapping.timestamps
    if stamps is None:
        return "none"
    shown = [
        f"{which} -> {column(name)}"
        for which, name in (("created", stamps.created), ("updated", stamps.updated))
        if name is not None
    ]
    return f"{', '.join(shown) or 'none'}; format {stamps.format.value}"


def _by_id(storage: Storage, kind: Kind, mapping: TableMapping) -> Iterator[str]:
    for field, id_column in mapping.references.items():
        target = storage.of(REFERENCES[kind][field])
        table = plain(target.qualified) if target is not None else "?"
        yield f"{field} -> {table}.{plain(id_column)}"
