"""The plan being built: the end state so far, and which rows change and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from reconciler import canonical
from reconciler.errors import Problem, SourceMap
from reconciler.model import (
    Connection,
    DatabaseState,
    DesiredState,
    InferenceMode,
    Kind,
    ManagedBy,
    Profile,
    Provider,
    Row,
    owner_of,
)
from reconciler.planning.plan import Action, Blocked, Reason

"""The config section that declares each kind, for problem paths."""

_PRECEDENCE = {
    Reason.SEED: 0,
    Reason.BACKFILL: 1,
    Reason.DECLARED: 2,
    Reason.ADOPT: 3,
    Reason.FORCE: 4,
}
"""When several steps touch one row, its change shows the strongest reason: a new profile that
gets a derived connection is still ``declared``; a force consequence is always ``force``."""

Key = tuple[Kind, str]


def table(rows: DatabaseState | DesiredState, kind: Kind) -> Mapping[str, Row]:
    """The rows of one kind, keyed by name."""
    if kind is Kind.PROVIDER:
        return rows.providers
    if kind is Kind.CONNECTION:
        return rows.connections
    return rows.profiles


def is_canonical(kind: Kind, row: Row) -> bool:
    """Canonical and seed rows are never deleted (a canonical name whatever its ``managed_by``)."""
    if row.managed_by is ManagedBy.SEED:
        return True
    return row.name in canonical.rows(kind)


@dataclass
class Draft:
    """Mutable scratch of `make_plan`: the rows that will exist, and what changed and why.

    The three end-state tables start as copies of the database and follow every step; ``touched``
    and ``deletes`` record the reason of each row that changes; ``refused`` holds the rows whose
    change a guard turned into a `Blocked` entry.
    """

    desired: DesiredState
    state: DatabaseState
    force: bool
    take_ownership: bool
    sources: SourceMap
    providers: dict[str, Provider] = field(init=False)
    connections: dict[str, Connection] = field(init=False)
    profiles: dict[str, Profile] = field(init=False)
    touched: dict[Key, Reason] = field(default_factory=dict)
    deletes: dict[Key, Reason] = field(default_factory=dict)
    refused: set[Key] = field(default_factory=set)
    blocked: list[Blocked] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    mode: InferenceMode = field(init=False)
    owner: str = field(init=False)
    """The config's owner (``settings.owner``)."""
    _end: dict[Kind, dict[str, Row]] = field(init=False)

    def __post_init__(self) -> None:
        self.providers = dict(self.state.providers)
        self.connections = dict(self.state.connections)
        self.profiles = dict(self.state.profiles)
        self.mode = self.desired.settings.effective_mode
        self.owner = self.desired.settings.owner
        self._end = cast(
            dict[Kind, dict[str, Row]],
            {
                Kind.PROVIDER: self.providers,
                Kind.CONNECTION: self.connections,
                Kind.PROFILE: self.profiles,
            },
        )

    def end(self, kind: Kind) -> dict[str, Row]:
        """The end-state table of ``kind`` (rows that will exist after the plan)."""
        return self._end[kind]

    def touch(self, kind: Kind, row: Row, reason: Reason) -> None:
        """``row`` is what the end state holds under its name, for ``reason``."""
        self.end(kind)[row.name] = row
        key = (kind, row.name)
        known = self.touched.get(key)
        if known is None or _PRECEDENCE[reason] > _PRECEDENCE[known]:
            self.touched[key] = reason

    def delete(self, kind: Kind, name: str, reason: Reason) -> None:
        self.end(kind).pop(name, None)
        self.deletes[(kind, name)] = reason

    def keep(self, kind: Kind, name: str) -> None:
        """Undo a delete: the database row stays as it is."""
        del self.deletes[(kind, name)]
        self.end(kind)[name] = table(self.state, kind)[name]

    def refuse(self, blocked: Blocked) -> None:
        self.blocked.append(blocked)
        if blocked.action is not Action.DELETE:
            # Only deletes are refused in bulk (DESIGN §13): every other entry names its row.
            assert blocked.kind is not None and blocked.name is not None
            self.refused.add((blocked.kind, blocked.name))

    def foreign(self, row: Row) -> bool:
        """``row`` is another owner's ``config`` row: never pruned, written or force-deleted."""
        return owner_of(row) not in (None, self.owner)

    def action(self, kind: Kind, name: str) -> Action:
        """What the plan does to ``name``: create when the database lacks it, else update."""
        return Action.UPDATE if name in table(self.state, kind) else Action.CREATE

    def declares_connection_of(self, profile: str) -> bool:
        """The config names this profile's ``provider_connection`` (not kept from the database)."""
        declared = self.desired.profiles.get(profile)
        return declared is not None and declared.provider_connection is not None
