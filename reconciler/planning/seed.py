"""Canonical rows: seeded when missing, never overwritten; drift reported, redefinition refused."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler import canonical
from reconciler.errors import Level
from reconciler.model import Kind, Row
from reconciler.planning.diff import field_diffs
from reconciler.planning.draft import Draft, table
from reconciler.planning.plan import FieldDiff, Reason

_CANONICAL: tuple[tuple[Kind, Mapping[str, Row]], ...] = (
    (Kind.PROVIDER, canonical.PROVIDERS),
    (Kind.CONNECTION, canonical.CONNECTIONS),
)


def _describe(diffs: tuple[FieldDiff, ...]) -> str:
    return ", ".join(f"{d.field}: {_show(d.before)} -> {_show(d.after)}" for d in diffs)


def _show(value: object) -> str:
    return "null" if value is None else str(value)


def seed(draft: Draft) -> None:
    """Insert missing canonical rows; report drifted ones and redefinitions in the config."""
    for kind, rows in _CANONICAL:
        have_rows = table(draft.state, kind)
        declared = table(draft.desired, kind)
        for name, code_row in rows.items():
            path = (kind.section, name)
            mention = declared.get(name)
            if mention is not None and (redefined := field_diffs(kind, code_row, mention)):
                draft.problems.append(
                    draft.sources.problem(
                        "canonical.redefined",
                        f"{kind} {name} is canonical: declare it only as defined in code, or not"
                        f" at all ({_describe(redefined)})",
                        path,
                        key=True,
                    )
                )
            have = have_rows.get(name)
            if have is None:
                draft.touch(kind, code_row, Reason.SEED)
            elif drift := field_diffs(kind, code_row, have):
                draft.problems.append(
                    draft.sources.problem(
                        "canonical.drift",
                        f"canonical {kind} {name} was edited in the database"
                        f" ({_describe(drift)}); it is reported, never overwritten",
                        path,
                        level=Level.WARNING,
                        key=True,
                    )
                )
