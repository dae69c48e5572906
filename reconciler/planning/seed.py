"""Canonical rows: seeded when missing, never overwritten; drift reported, redefinition refused."""

from __future__ import annotations

from reconciler import canonical
from reconciler.errors import Level, transition
from reconciler.model import Kind, Row
from reconciler.planning.diff import field_diffs
from reconciler.planning.draft import Draft, table
from reconciler.planning.plan import FieldDiff, Reason
from reconciler.rules import canonical_problems


def _describe(diffs: tuple[FieldDiff, ...]) -> str:
    return ", ".join(transition(d.field, d.before, d.after) for d in diffs)


def _drift(kind: Kind, code_row: Row, have: Row, ignored: tuple[str, ...]) -> tuple[FieldDiff, ...]:
    """What an edit in the database changed in a canonical row, but in the ignored fields
    (``auth.type`` is a field of ``auth``). ``protected`` is left out too: admins may set it on
    any row (DESIGN §13), and a canonical row is never deleted anyway."""
    skipped = {*ignored, "protected"}
    return tuple(
        d for d in field_diffs(kind, code_row, have) if d.field.partition(".")[0] not in skipped
    )


def seed(draft: Draft) -> None:
    """Insert missing canonical rows; report drifted ones, and redefinitions in the config (the
    rule `validate` runs, so a `DesiredState` built in code is held to it too).

    A field of ``settings.ignore`` is not compared once the row exists: no drift is reported in it.
    """
    draft.problems.extend(canonical_problems(draft.desired, draft.sources))
    for kind in (Kind.PROVIDER, Kind.CONNECTION):
        have_rows = table(draft.state, kind)
        ignored = draft.desired.settings.ignored(kind)
        for name, code_row in canonical.rows(kind).items():
            path = (kind.section, name)
            have = have_rows.get(name)
            if have is None:
                draft.touch(kind, code_row, Reason.SEED)
            elif drift := _drift(kind, code_row, have, ignored):
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
