"""The state a plan leaves behind, computed on values: what apply must make the database hold."""

from __future__ import annotations

from reconciler.model import DatabaseState, Kind, Row
from reconciler.planning.draft import table
from reconciler.planning.plan import Action, Change


def applied(state: DatabaseState, changes: tuple[Change, ...]) -> DatabaseState:
    """``state`` with ``changes`` applied, ``managed_by`` included; ``state`` is left as it is."""
    tables: dict[Kind, dict[str, Row]] = {kind: dict(table(state, kind)) for kind in Kind}
    for change in changes:
        rows = tables[change.kind]
        if change.action is Action.DELETE:
            del rows[change.name]
        else:
            assert change.after is not None
            rows[change.name] = change.after
    return DatabaseState(
        providers=tables[Kind.PROVIDER],  # type: ignore[arg-type]
        connections=tables[Kind.CONNECTION],  # type: ignore[arg-type]
        profiles=tables[Kind.PROFILE],  # type: ignore[arg-type]
    )
