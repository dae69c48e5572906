"""Delete limits (DESIGN §13): a cap on the deletes of one plan, and no kind emptied by accident.

Both run last, on the deletes that are left once the guards refused or kept what they would not
delete and backfill took back what it still derives: what the plan would really remove.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass

from reconciler.model import DatabaseState, Kind, owner_of
from reconciler.planning.draft import Draft, table
from reconciler.planning.plan import Action, Blocked

MAX_DELETES = 1_000_000_000
"""The largest ``--max-deletes``: far more rows than any plan deletes, and a number every plan
file holds."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one plan may delete; a plan file records them like ``--force``.

    ``max_deletes``: more deletes than this block the plan (``delete.limit``); ``None``: no cap.
    ``allow_empty``: let a config that declares no row of a kind delete every ``config`` row of
    that kind (else ``delete.all`` blocks it).
    """

    max_deletes: int | None = None
    allow_empty: bool = False


NO_LIMITS = Limits()
"""No cap on deletes, and ``delete.all`` on: the limits of a plan made without the options."""


def config_rows(state: DatabaseState, owner: str) -> dict[Kind, Set[str]]:
    """The names of the rows ``owner``'s config manages in ``state``, per kind (`owner_of`): the
    rows whose deletes `guard_limits` counts as the config's."""
    return {
        kind: {name for name, row in table(state, kind).items() if owner_of(row) == owner}
        for kind in Kind
    }


def guard_limits(draft: Draft, limits: Limits, owned: Mapping[Kind, Set[str]]) -> None:
    """Block the plan when it deletes more than ``limits.max_deletes`` rows, and per kind when it
    deletes every row of ``owned`` (the owner's ``config`` rows) while the config declares none
    of that kind, unless ``limits.allow_empty``. ``--force`` overrides neither."""
    deletes = Counter(kind for kind, _name in draft.deletes)
    if not limits.allow_empty:
        for kind in Kind:
            if deletes[kind] and _empties(draft, kind, owned.get(kind, set())):
                draft.refuse(_all_deleted(kind, deletes[kind]))
    total = deletes.total()
    if limits.max_deletes is not None and total > limits.max_deletes:
        draft.refuse(_over_limit(total, limits.max_deletes))


def _empties(draft: Draft, kind: Kind, owned: Set[str]) -> bool:
    """The config declares no row of ``kind``, and none of ``owned`` stays a row of its owner."""
    if not owned or table(draft.desired, kind):
        return False
    end = draft.end(kind)
    return not any(
        (row := end.get(name)) is not None and owner_of(row) == draft.owner for name in owned
    )


def _all_deleted(kind: Kind, count: int) -> Blocked:
    rows = f"{count} {kind}" if count == 1 else f"{count} {kind.section}"
    return Blocked(
        kind,
        None,
        Action.DELETE,
        "delete.all",
        f"the config declares no {kind.section}, so this plan would delete every {kind} it"
        f" manages ({rows}), as an empty file, a missing folder entry or a mistyped path would;"
        f" check the config paths, and if every {kind} is meant to go, plan again with"
        " --allow-empty (--force does not override this)",
        count=count,
    )


def _over_limit(count: int, limit: int) -> Blocked:
    rows = "1 row" if count == 1 else f"{count} rows"
    return Blocked(
        None,
        None,
        Action.DELETE,
        "delete.limit",
        f"this plan would delete {rows}, more than --max-deletes {limit} allows; review the"
        f" deletes, and if they are meant, plan again with --max-deletes {count} or more"
        " (--force does not override this)",
        count=count,
        limit=limit,
    )
