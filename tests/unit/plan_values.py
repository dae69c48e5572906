"""Short builders of plain values for the plan engine's tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler import canonical
from reconciler.model import (
    Auth,
    Connection,
    DatabaseState,
    DesiredState,
    Kind,
    ManagedBy,
    Profile,
    Provider,
    Row,
    Settings,
)
from reconciler.planning import NO_LIMITS, Change, Limits, Plan, make_plan
from reconciler.planning.outcome import applied

CONFIG = ManagedBy.CONFIG
SEED = ManagedBy.SEED
BACKFILL = ManagedBy.BACKFILL
ALLOW_EMPTY = Limits(allow_empty=True)
"""For plans that empty a kind on purpose, to test another rule than ``delete.all``."""


def prov(name: str, type: str = "openai", by: ManagedBy | None = None, **kw: Any) -> Provider:
    return Provider(name, type, managed_by=by, **kw)


def conn(
    name: str,
    provider: str = "openai",
    auth: str = "api_key",
    credential: str | None = "credential/x",
    by: ManagedBy | None = None,
    **kw: Any,
) -> Connection:
    credential = credential if auth == "api_key" else None
    return Connection(name, provider, Auth(auth, credential), managed_by=by, **kw)


def prof(
    name: str,
    provider: str = "openai",
    connection: str | None = None,
    by: ManagedBy | None = None,
    **kw: Any,
) -> Profile:
    return Profile(name, provider, kw.pop("model", "m"), connection, managed_by=by, **kw)


def _split(rows: tuple[Row, ...]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {"providers": {}, "connections": {}, "profiles": {}}
    for row in rows:
        section = {Provider: "providers", Connection: "connections", Profile: "profiles"}[type(row)]
        out[section][row.name] = row
    return out


def config(
    *rows: Row,
    mode: str | None = None,
    deployment: str | None = None,
    owner: str = "default",
    ignore: Mapping[Kind, tuple[str, ...]] | None = None,
) -> DesiredState:
    ignored = frozenset((kind, name) for kind, names in (ignore or {}).items() for name in names)
    return DesiredState(Settings(deployment, mode, owner, ignored), **_split(rows))


def db(*rows: Row, seeded: bool = True) -> DatabaseState:
    """A database holding ``rows`` and, unless ``seeded=False``, every canonical row."""
    base: tuple[Row, ...] = ()
    if seeded:
        base = (*canonical.PROVIDERS.values(), *canonical.CONNECTIONS.values())
    tables = _split((*base, *rows))
    return DatabaseState(**tables)


def brief(plan: Plan) -> list[tuple[str, str, str, str]]:
    """``(action, kind, name, reason)`` of every change, in plan order."""
    return [(c.action, c.kind, c.name, c.reason) for c in plan.changes]


def converges(
    desired: DesiredState, state: DatabaseState, *, force: bool = False, limits: Limits = NO_LIMITS
) -> bool:
    """Applying the plan, then planning again, gives no change."""
    first = make_plan(desired, state, force=force, limits=limits)
    again = make_plan(desired, applied(state, first.changes), force=force, limits=limits)
    return again.changes == () and again.blocked == ()


def change(plan: Plan, kind: str, name: str) -> Change:
    (found,) = [c for c in plan.changes if c.kind == kind and c.name == name]
    return found
