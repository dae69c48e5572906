"""Rows of the application's other tables that reference a row the plan deletes (DESIGN §14).

The store counts them per foreign key into `DatabaseState.foreign`. A row they hold (``ON
DELETE RESTRICT`` or ``NO ACTION``) is never deleted, --force or not: the reconciler never
writes outside the mapping, and the database would refuse anyway. It stays, and so does what it
references, so the guards ask `held_by` before they refuse or cascade (`hold_profiles` first,
then `reconciler.planning.guard`), and `guard_outside` refuses whatever is left. Any other rule
(``CASCADE``, ``SET NULL``, ``SET DEFAULT``) lets the delete go, with a warning per table and
rule saying what the database will do beyond the mapped tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from reconciler.errors import Level, Problem, shown
from reconciler.model import Kind
from reconciler.planning.draft import Draft, table
from reconciler.planning.plan import Action, Blocked

Held = tuple[tuple[str, int], ...]
"""``(table, rows)`` per table, by table name: the rows that keep a delete refused."""

_FOLLOWED = {
    "CASCADE": "delete {rows} of {table} with it",
    "SET NULL": "set the key to NULL in {rows} of {table}",
    "SET DEFAULT": "set the key to its default in {rows} of {table}",
}
"""What the database does to the referencing rows under each rule that lets a delete go."""

TABLES_NAMED = 5
"""Tables a message names before counting the rest."""


def held_by(draft: Draft, kind: Kind, name: str) -> Held:
    """The rows of other tables that restrict deleting the database row ``name``, summed per
    table over its keys; none for a protected row (`guard_protected` refuses it as such)."""
    row = table(draft.state, kind).get(name)
    if row is None or row.protected:
        return ()
    rows: Counter[str] = Counter()
    for found in draft.state.foreign.get((kind, name), ()):
        if found.restricts and found.rows > 0:
            rows[found.table] += found.rows
    return tuple(sorted(rows.items()))


def hold_profiles(draft: Draft) -> None:
    """Refuse the profile deletes that rows of other tables hold, before the guards index who
    references whom: a profile that stays keeps its provider and connection referenced."""
    if not draft.state.foreign:  # no storage, or no other table references a mapped row
        return
    _refuse_held(draft, sorted(key for key in draft.deletes if key[0] is Kind.PROFILE))


def guard_outside(draft: Draft) -> None:
    """On the deletes that are left, warn of what the database does to the rows of other
    tables that reference them (``delete.foreign-references``, per table and rule).

    The guards before refused every delete such rows hold, keeping what it references; one
    that reached here anyway is refused too, so no plan deletes a held row whatever the steps.
    """
    if not draft.state.foreign:
        return
    _refuse_held(draft, sorted(draft.deletes))
    for kind, name in sorted(draft.deletes):
        followed: Counter[tuple[str, str]] = Counter()
        for found in draft.state.foreign.get((kind, name), ()):
            if not found.restricts and found.rows > 0:
                followed[(found.table, found.on_delete)] += found.rows
        for (other, rule), rows in sorted(followed.items()):
            draft.problems.append(_followed(draft, kind, name, other, rule, rows))


def outside_refused(
    kind: Kind,
    name: str,
    held: Held,
    referrers: tuple[tuple[Kind, str], ...] = (),
    words: str = "",
) -> Blocked:
    """``delete.referenced`` for a row that ``held`` rows keep; ``referrers`` are the mapped
    rows that reference it too, ``words`` the same as a message lists them."""
    also = f", and by {words}" if words else ""
    return Blocked(
        kind,
        name,
        Action.DELETE,
        "delete.referenced",
        f"{kind} {name} is still referenced by {rows_of(held)} outside the storage mapping"
        f" (ON DELETE RESTRICT or NO ACTION){also}; --force does not help: the reconciler"
        " never writes outside the mapping, and the database refuses the delete while those"
        " rows reference it",
        referenced_by=referrers,
        foreign=held,
    )


def rows_of(held: Iterable[tuple[str, int]]) -> str:
    """``3 rows of app_usage and 1 row of app.audit``; past `TABLES_NAMED`, ``and N more
    tables``."""
    listed = list(held)
    words = [_rows(rows, other) for other, rows in listed[:TABLES_NAMED]]
    if len(listed) > TABLES_NAMED:
        words.append(f"{len(listed) - TABLES_NAMED} more tables")
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _rows(rows: int, other: str) -> str:
    return f"{rows} row{'s' * (rows != 1)} of {shown(other)}"


def _refuse_held(draft: Draft, keys: Iterable[tuple[Kind, str]]) -> None:
    for kind, name in keys:
        if held := held_by(draft, kind, name):
            draft.refuse(outside_refused(kind, name, held))
            draft.keep(kind, name)


def _followed(draft: Draft, kind: Kind, name: str, other: str, rule: str, rows: int) -> Problem:
    counted = f"{rows} row{'s' * (rows != 1)}"
    what = _FOLLOWED.get(rule, "act on {rows} of {table}").format(rows=counted, table=shown(other))
    spelt = rule if rule in _FOLLOWED else shown(rule)  # the database reported another rule
    return draft.sources.problem(
        "delete.foreign-references",
        f"deleting {kind} {name}: the database will {what} (ON DELETE {spelt})",
        (kind.section, name),
        level=Level.WARNING,
        key=True,
        details=(("table", other), ("on_delete", rule), ("rows", rows)),
    )
