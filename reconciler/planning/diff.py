"""Declared rows against database rows: typed field compare, create, update, adopt and prune."""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress
from operator import ne
from typing import Any

from reconciler import canonical
from reconciler.errors import shown
from reconciler.model import Kind, ManagedBy, Profile, Provider, Row, owner_of
from reconciler.planning.draft import Draft, table
from reconciler.planning.plan import Action, Blocked, FieldDiff, Reason
from reconciler.planning.rows import field_indexes, managed, with_connection, with_fields_of


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _as_enabled(value: Any) -> Any:
    return True if value is None else bool(value)


def _same(value: Any) -> Any:
    return value


_NORMALISE: dict[str, Callable[[Any], Any]] = {"enabled": _as_enabled, "temperature": _as_float}


_FLAT = {
    kind: tuple((name, _NORMALISE.get(name, _same)) for name in model._fields[1:-2])
    for kind, model in ((Kind.PROVIDER, Provider), (Kind.PROFILE, Profile))
}
"""Kinds whose fields are all scalars: compared field by field without building images."""


def _fields(kind: Kind, row: Row) -> dict[str, Any]:
    """The compared fields of a row, flat: ``auth`` as ``auth.type``, ``auth.credential``."""
    image = row.image()
    del image["name"]
    if kind is Kind.CONNECTION:
        auth = image.pop("auth")
        image.update({f"auth.{key}": value for key, value in auth.items()})
    return image


def field_diffs(kind: Kind, before: Row, after: Row) -> tuple[FieldDiff, ...]:
    """The fields that differ, as normalised typed values.

    An omitted optional field equals NULL (``enabled``: true), ``1`` equals ``1.0``, ``auth``
    compares as a mapping; ``managed_by``, ``owner`` and timestamps are not fields at all.
    """
    flat = _FLAT.get(kind)
    if flat is not None:
        return _flat_diffs(flat, before, after)
    if before == after:
        return ()
    old, new = _fields(kind, before), _fields(kind, after)
    diffs = []
    for name in dict.fromkeys([*old, *new]):
        normalise = _NORMALISE.get(name, _same)
        was, now = normalise(old.get(name)), normalise(new.get(name))
        if was != now:
            diffs.append(FieldDiff(name, was, now))
    return tuple(diffs)


def _flat_diffs(
    fields: tuple[tuple[str, Callable[[Any], Any]], ...], before: Row, after: Row
) -> tuple[FieldDiff, ...]:
    # A plan of 100,000 backfilled profiles calls this per profile: find the fields that differ
    # in C (a row is a tuple: slice off name, managed_by and owner, then map/compress), then
    # normalise only those.
    old, new = before[1:-2], after[1:-2]
    diffs: tuple[FieldDiff, ...] = ()
    for index in compress(range(len(fields)), map(ne, old, new)):
        name, normalise = fields[index]
        was, now = normalise(old[index]), normalise(new[index])
        if was != now:
            diffs += (FieldDiff(name, was, now),)
    return diffs


def _with_kept_connection(want: Profile, have: Row | None) -> Profile:
    """A config profile that omits ``provider_connection`` keeps the database's value."""
    if want.provider_connection is not None or not isinstance(have, Profile):
        return want
    if not have.provider_connection:
        return want
    return with_connection(want, have.provider_connection)


def declare(draft: Draft) -> None:
    """Create, update or adopt every declared row that is not canonical (seed handles those).

    A row that another owner's config manages is refused (``ownership.conflict``), or adopted
    with ``--take-ownership``; every row the plan creates or adopts takes the config's owner. An
    ignored field (``settings.ignore``) takes the config's value when the row is created; a row
    that exists keeps the database's value in it, so it never differs.
    """
    owner, config = draft.owner, ManagedBy.CONFIG
    for kind in Kind:
        have_rows = table(draft.state, kind)
        ignored = field_indexes(kind, draft.desired.settings.ignored(kind))
        for name, want in table(draft.desired, kind).items():
            if name in canonical.rows(kind):
                continue
            have = have_rows.get(name)
            if isinstance(want, Profile):
                want = _with_kept_connection(want, have)
            if have is None:
                draft.touch(kind, managed(want, config, owner), Reason.DECLARED)
                continue
            if ignored:
                want = with_fields_of(want, have, ignored)
            if have.managed_by is not config:
                draft.touch(kind, managed(want, config, owner), Reason.ADOPT)
            elif (theirs := owner_of(have)) != owner:
                if draft.take_ownership:
                    draft.touch(kind, managed(want, config, owner), Reason.ADOPT)
                else:
                    draft.refuse(_conflict(kind, name, theirs, owner))
            elif want != have and field_diffs(kind, have, want):
                draft.touch(kind, managed(want, config, have.owner), Reason.DECLARED)


def _conflict(kind: Kind, name: str, theirs: str | None, owner: str) -> Blocked:
    return Blocked(
        kind,
        name,
        Action.UPDATE,
        "ownership.conflict",
        f"{kind} {name} is managed by the config of owner {shown(theirs)}, not by this config"
        f" (owner {shown(owner)}); --force does not take it: remove it from this config, or"
        " plan with --take-ownership to make it this config's",
        owner=theirs,
    )


def prune(draft: Draft) -> None:
    """Delete the rows this config's owner managed that left it; refuse it for a canonical name.

    Another owner's rows are never pruned (a ``config`` row whose owner is NULL is the default
    owner's).
    """
    owner = draft.owner
    for kind in Kind:
        canon = canonical.rows(kind)
        declared = table(draft.desired, kind)
        for name, have in table(draft.state, kind).items():
            if have.managed_by is not ManagedBy.CONFIG or name in declared:
                continue
            if owner_of(have) != owner:
                continue
            if name in canon:
                draft.refuse(_canonical_delete(kind, name))
            else:
                draft.delete(kind, name, Reason.REMOVED)


def _canonical_delete(kind: Kind, name: str) -> Blocked:
    return Blocked(
        kind,
        name,
        Action.DELETE,
        "delete.canonical",
        f"{kind} {name} is canonical and is never deleted, even with --force; its row says"
        f" managed_by config but the config does not declare it (declare it in {kind.section}"
        " exactly as defined in code)",
    )
