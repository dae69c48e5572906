"""The plan as data: what a reconcile would change, what it refuses, and why.

A `Plan` is a frozen value computed from (config, database state) by
`reconciler.planning.make_plan`; the renderers and
apply are its consumers and never compute one themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from reconciler._version import __version__
from reconciler.errors import Problem
from reconciler.model import Kind, ManagedBy, Row, Settings, owner_of


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class Reason(StrEnum):
    """Why a change is in the plan."""

    DECLARED = "declared"  # the config declares the row
    SEED = "seed"  # a canonical row is missing from the database
    BACKFILL = "backfill"  # a derived provider_connection, or its derived connection
    ADOPT = "adopt"  # the config declares a row the reconciler did not own
    REMOVED = "removed"  # a row the config owned left the config
    FORCE = "force"  # a consequence of a --force delete


KIND_ORDER = {Kind.PROVIDER: 0, Kind.CONNECTION: 1, Kind.PROFILE: 2}
"""Creates and updates run in this order, deletes in the reverse one."""


class FieldDiff(NamedTuple):
    """One field that changes: ``auth.type: platform -> api_key``."""

    field: str
    before: Any
    after: Any


class Manager(NamedTuple):
    """Who manages a row: its ``managed_by`` and, for a ``config`` row, its owner (`owner_of`)."""

    managed_by: ManagedBy | None
    owner: str | None

    @classmethod
    def of(cls, row: Row) -> Manager:
        return cls(row.managed_by, owner_of(row))


class Ownership(NamedTuple):
    """An update that moves a row between owners or ``managed_by`` values."""

    before: Manager
    after: Manager


class Change(NamedTuple):
    """One row that the plan creates, updates or deletes.

    ``before`` is the database row (None for a create), ``after`` the row as apply must write it,
    ``managed_by`` and ``owner`` included (None for a delete). ``diff`` lists the fields that
    differ; it is empty for creates, deletes, and updates that only move the row's `ownership`
    (adopt, hand back, take ownership).
    """

    kind: Kind
    name: str
    action: Action
    reason: Reason
    before: Row | None
    after: Row | None
    diff: tuple[FieldDiff, ...] = ()

    @property
    def ownership(self) -> Ownership | None:
        """How an update moves the row's `Manager`; ``None`` when it stays (and for creates and
        deletes)."""
        if self.before is None or self.after is None:
            return None
        before, after = Manager.of(self.before), Manager.of(self.after)
        return None if before == after else Ownership(before, after)


@dataclass(frozen=True, slots=True)
class Blocked:
    """A change a guard refused; a plan with any blocked entry applies nothing.

    ``code`` is ``delete.referenced``, ``delete.canonical``, ``delete.protected``,
    ``ownership.conflict``, ``backfill.conflict``, ``backfill.derived-name``, ``delete.limit`` or
    ``delete.all``; ``referenced_by`` lists the surviving rows that keep a delete refused, and
    ``foreign`` the ``(table, rows)`` of the application's other tables whose foreign keys do
    (DESIGN §14: ``ON DELETE RESTRICT`` or ``NO ACTION``), by table; ``connection`` is the
    derived connection name of a ``backfill.*`` entry; ``owner`` the owner of the row an
    ``ownership.conflict`` refused to take. A plan-level entry (DESIGN §13) refuses
    deletes in bulk: ``delete.limit`` has neither ``kind`` nor ``name``, ``delete.all`` no
    ``name``; ``count`` is how many rows it refuses to delete, ``limit`` the ``--max-deletes`` it
    exceeds.
    """

    kind: Kind | None
    name: str | None
    action: Action
    code: str
    message: str
    referenced_by: tuple[tuple[Kind, str], ...] = ()
    connection: str | None = None
    owner: str | None = None
    count: int | None = None
    limit: int | None = None
    foreign: tuple[tuple[str, int], ...] = ()

    @property
    def subject(self) -> str:
        """What it refuses, unescaped: ``connection old``, ``every profile``, ``the plan``."""
        return blocked_subject(self.kind, self.name)


def blocked_subject(kind: str | None, name: str | None) -> str:
    """``connection old``; ``every profile`` for a ``delete.all`` entry (no name); ``the plan``
    for ``delete.limit`` (no kind)."""
    if kind is None:
        return "the plan"
    if name is None:
        return f"every {kind}"
    return f"{kind} {name}"


@dataclass(frozen=True, slots=True)
class Summary:
    create: int = 0
    update: int = 0
    delete: int = 0
    blocked: int = 0


@dataclass(frozen=True)
class Plan:
    """Ordered changes, blocked entries and problems; deterministic for the same inputs."""

    settings: Settings
    changes: tuple[Change, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    problems: tuple[Problem, ...] = ()
    force: bool = False
    take_ownership: bool = False
    summary: Summary = field(init=False, compare=False)

    def __post_init__(self) -> None:
        counts = dict.fromkeys(Action, 0)
        for change in self.changes:
            counts[change.action] += 1
        summary = Summary(
            counts[Action.CREATE], counts[Action.UPDATE], counts[Action.DELETE], len(self.blocked)
        )
        object.__setattr__(self, "summary", summary)

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What a rendered plan says about its inputs, which the plan itself does not know."""

    database: str
    """The database URL, password already redacted."""
    config_digest: str
    state_digest: str | None
    """None when the database was not read (an invalid config is not planned)."""
    instance_id: str | None = None
    """The database's instance id (`reconciler.store.instance`); None when it has none yet."""
    tool_version: str = __version__
