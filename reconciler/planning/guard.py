"""The delete guard: refuse deleting what a surviving row references, or, with --force, cascade.

Only references the config does not name are guarded: a config row that names a row this plan
deletes is a dangling reference, reported by the reference check and untouched by --force.
--force never deletes nor rewrites another owner's rows: such a referrer keeps the delete refused.
Nor does it delete a row that rows of the application's other tables hold (DESIGN §14,
`reconciler.planning.outside`): that row, and what it references, stays.
No plan deletes a protected row (`guard_protected`), whatever the reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reconciler.errors import shown
from reconciler.model import Kind, owner_of
from reconciler.planning.draft import Draft, is_canonical, table
from reconciler.planning.outside import held_by, outside_refused, rows_of
from reconciler.planning.plan import Action, Blocked, Reason
from reconciler.planning.rows import with_connection

Referrer = tuple[Kind, str]


@dataclass
class Referrers:
    """Who references whom in the end state, indexed once so each lookup is O(referrers)."""

    of_provider: dict[str, list[Referrer]] = field(default_factory=lambda: defaultdict(list))
    of_connection: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def index(cls, draft: Draft) -> Referrers:
        found = cls()
        for name, connection in draft.connections.items():
            found.of_provider[connection.provider].append((Kind.CONNECTION, name))
        for name, profile in draft.profiles.items():
            found.of_provider[profile.provider].append((Kind.PROFILE, name))
            if profile.provider_connection:
                found.of_connection[profile.provider_connection].append(name)
        return found


def guard_providers(draft: Draft, referrers: Referrers) -> None:
    """Refuse or, with --force, cascade each provider delete to its connections and profiles.

    A leaving connection that rows of other tables hold stays (`guard_connections` refuses
    it), so it references its provider like a surviving row; and a cascade into a row they
    hold does not happen: the provider stays, with all that references it.
    """
    leaving = _held_leaving_connections(draft)
    for kind, name in sorted(key for key in draft.deletes if key[0] is Kind.PROVIDER):
        if _protected(draft, kind, name):
            continue
        live = [
            (ref_kind, ref_name)
            for ref_kind, ref_name in referrers.of_provider.get(name, ())
            if ref_name in draft.end(ref_kind) and ref_name not in table(draft.desired, ref_kind)
        ] + leaving.get(name, [])
        if outside := held_by(draft, kind, name):  # never deleted, with or without --force
            draft.refuse(outside_refused(kind, name, outside, *_listed(live)))
            draft.keep(kind, name)
            continue
        if not live:
            continue
        if held := _foreign(draft, live):  # --force would not help: say so, with or without it
            draft.refuse(_held(draft, kind, name, held))
            draft.keep(kind, name)
            continue
        if stuck := [ref for ref in live if held_by(draft, *ref)]:  # --force would not help
            draft.refuse(_held_outside(draft, kind, name, stuck))
            draft.keep(kind, name)
            continue
        if not draft.force:
            draft.refuse(_referenced(kind, name, live))
            draft.keep(kind, name)
            continue
        for ref_kind, ref_name in sorted(live):
            _cascade(draft, ref_kind, ref_name, (kind, name))


def guard_connections(draft: Draft, referrers: Referrers) -> None:
    """Refuse or, with --force, empty (then backfill) the profiles of each connection delete;
    refuse every one that rows of other tables hold (once the leaving connections backfill
    still derives were handed back, before any profile is emptied)."""
    for kind, name in sorted(key for key in draft.deletes if key[0] is Kind.CONNECTION):
        live = sorted(
            profile
            for profile in referrers.of_connection.get(name, ())
            if (row := draft.profiles.get(profile)) is not None
            and row.provider_connection == name
            and not draft.declares_connection_of(profile)
        )
        users = [(Kind.PROFILE, profile) for profile in live]
        if _protected(draft, kind, name):
            continue
        if outside := held_by(draft, kind, name):  # never deleted, with or without --force
            draft.refuse(outside_refused(kind, name, outside, *_listed(users)))
            draft.keep(kind, name)
            continue
        if not live:
            continue
        if held := _foreign(draft, users):  # --force would not help: say so, with or without it
            draft.refuse(_held(draft, kind, name, held))
            draft.keep(kind, name)
            continue
        if not draft.force:
            draft.refuse(_referenced(kind, name, users))
            draft.keep(kind, name)
            continue
        for profile in live:
            row = draft.profiles[profile]
            draft.touch(Kind.PROFILE, with_connection(row, None), Reason.FORCE)


def guard_protected(draft: Draft) -> None:
    """Refuse every delete of a protected row, whatever its reason (``--force`` included)."""
    for kind, name in sorted(draft.deletes):
        row = table(draft.state, kind)[name]
        if not row.protected:
            continue
        draft.refuse(
            Blocked(
                kind,
                name,
                Action.DELETE,
                "delete.protected",
                f"{kind} {name} is protected and is never deleted, even with --force: to delete"
                " it, apply the config with protected: false for it first, then remove it",
            )
        )
        draft.keep(kind, name)


def _protected(draft: Draft, kind: Kind, name: str) -> bool:
    """A protected row is refused by `guard_protected` (delete.protected), which no --force
    overrides: the reference guard neither cascades from it nor promises that --force would."""
    return bool(table(draft.state, kind)[name].protected)


def _foreign(draft: Draft, referrers: list[Referrer]) -> list[Referrer]:
    """The referrers that another owner's config manages: --force never touches them (a
    leaving connection is the config's own)."""
    return [
        ref
        for ref in referrers
        if (row := draft.end(ref[0]).get(ref[1])) is not None and draft.foreign(row)
    ]


def _held_leaving_connections(draft: Draft) -> dict[str, list[Referrer]]:
    """The leaving connections that rows of other tables hold, by provider: they will stay."""
    found: dict[str, list[Referrer]] = defaultdict(list)
    if not draft.state.foreign:
        return found
    for kind, name in sorted(draft.deletes):
        if kind is Kind.CONNECTION and held_by(draft, kind, name):
            found[draft.state.connections[name].provider].append((kind, name))
    return found


def _held_outside(draft: Draft, kind: Kind, name: str, stuck: list[Referrer]) -> Blocked:
    """Refused: --force would have to delete ``stuck``, which rows of other tables hold."""
    ordered, _words = _listed(stuck)
    words = ", ".join(f"{k} {n} ({rows_of(held_by(draft, k, n))})" for k, n in ordered[:5])
    more = f" and {len(ordered) - 5} more" if len(ordered) > 5 else ""
    return Blocked(
        kind,
        name,
        Action.DELETE,
        "delete.referenced",
        f"{kind} {name} left the config but is still referenced by {words}{more}, which rows"
        " outside the storage mapping reference (ON DELETE RESTRICT or NO ACTION); --force does"
        " not help: it never deletes a row that rows outside the mapping reference, so they"
        " must stop referencing it first",
        referenced_by=ordered,
    )


def _listed(referrers: list[Referrer]) -> tuple[tuple[Referrer, ...], str]:
    """The referrers in the order a message lists them (connections first), and the first five
    as words: ``connection c, profile a and 3 more``."""
    ordered = tuple(sorted(referrers, key=lambda ref: (ref[0] is Kind.PROFILE, ref[1])))
    words = ", ".join(f"{ref_kind} {ref_name}" for ref_kind, ref_name in ordered[:5])
    more = f" and {len(ordered) - 5} more" if len(ordered) > 5 else ""
    return ordered, words + more


def _held(draft: Draft, kind: Kind, name: str, held: list[Referrer]) -> Blocked:
    ordered, listed = _listed(held)
    owners = sorted({str(owner_of(draft.end(k)[n])) for k, n in ordered})
    return Blocked(
        kind,
        name,
        Action.DELETE,
        "delete.referenced",
        f"{kind} {name} is still referenced by {listed}, which the config of owner"
        f" {', '.join(map(shown, owners))} manages; --force never deletes or changes another"
        " owner's rows: that config must stop referencing it first",
        referenced_by=ordered,
    )


def _cascade(draft: Draft, kind: Kind, name: str, cause: Referrer) -> None:
    row = draft.end(kind)[name]
    if is_canonical(kind, row):
        draft.refuse(
            Blocked(
                kind,
                name,
                Action.DELETE,
                "delete.canonical",
                f"{kind} {name} references {cause[0]} {cause[1]}, which --force deletes, but"
                f" {kind} {name} is a seed row and is never deleted",
                referenced_by=(),
            )
        )
        return
    draft.delete(kind, name, Reason.FORCE)


def _referenced(kind: Kind, name: str, live: list[Referrer]) -> Blocked:
    ordered, listed = _listed(live)
    return Blocked(
        kind,
        name,
        Action.DELETE,
        "delete.referenced",
        f"{kind} {name} left the config but is still referenced by {listed};"
        " --force deletes it and shows every consequence",
        referenced_by=ordered,
    )
