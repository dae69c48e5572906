"""Random small worlds of names for property tests: a consistent database and configs over them.

Database rows come with every ``managed_by``, ``config`` rows with an owner (NULL being the
default owner's) and some rows protected; configs with an owner of their own and any
``settings.ignore``. `shared_worlds`
gives two owners' configs over halves of the names, to apply one after the other.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import strategies as st

from reconciler.model import (
    IGNORABLE,
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
from reconciler.planning.draft import table

PROVIDERS = ["openai", "anthropic", "ollama", "gemini", "p1", "p2"]
CONNECTIONS = ["c1", "c2", "openai-personal", "p1-personal", "p2-local", "anthropic-managed"]
PROFILES = ["a", "b", "c", "d", "e"]
OWNERS = st.sampled_from([None, *ManagedBy])
CONFIG_OWNERS = st.sampled_from([None, "default", "team-a", "team-b"])
PROTECTED = st.sampled_from([False, False, True])
AUTHS = st.sampled_from([Auth("platform"), Auth("none"), Auth("api_key", "credential/k")])
_PAIRS = [(kind, name) for kind, names in IGNORABLE.items() for name in names]
IGNORED = st.frozensets(st.sampled_from(_PAIRS)) | st.just(frozenset(_PAIRS))
"""Any ``settings.ignore``, every field that may be ignored as often as a few."""
VALUES = {
    "base_url": st.sampled_from([None, "https://a.example", "https://b.example"]),
    "enabled": st.sampled_from([True, False, None]),
    "auth": AUTHS,
    "model": st.sampled_from(["m", "n", "z"]),
    "source": st.sampled_from([None, "managed", "user"]),
    "label": st.sampled_from([None, "", "x", "y"]),
    "description": st.sampled_from([None, "d"]),
    "system_prompt": st.sampled_from([None, "s\n"]),
    "temperature": st.sampled_from([None, 0, 1, 1.0, 1.5]),
    "max_tokens": st.sampled_from([None, 1, 100]),
}
"""Values an application or an admin may write into each field that can be ignored."""

Pools = tuple[Sequence[str], Sequence[str], Sequence[str]]
"""Names a config may declare: providers, connections, profiles."""
EVERY_NAME: Pools = (PROVIDERS, CONNECTIONS, PROFILES)
HALVES: tuple[Pools, Pools] = (
    (["openai", "anthropic", "p1"], ["c1", "openai-personal", "p1-personal"], ["a", "b", "c"]),
    (["ollama", "gemini", "p2"], ["c2", "p2-local", "anthropic-managed"], ["d", "e"]),
)
"""The names two owners sharing a database declare: each its own (canonical ones overlap
harmlessly, since no config owns a canonical row)."""


@st.composite
def managers(draw: st.DrawFn) -> dict[str, object]:
    """``managed_by`` and ``owner`` of a database row (an owner only on ``config`` rows)."""
    managed_by = draw(OWNERS)
    owner = draw(CONFIG_OWNERS) if managed_by is ManagedBy.CONFIG else None
    return {"managed_by": managed_by, "owner": owner, "protected": draw(PROTECTED)}


@st.composite
def database(draw: st.DrawFn) -> DatabaseState:
    """A consistent database: every foreign key resolves."""
    types = st.sampled_from(["openai", "anthropic", "ollama", "gemini"])
    providers = {
        n: Provider(
            n,
            n if n in PROVIDERS[:4] else draw(types),
            None,
            draw(st.booleans()),
            **draw(managers()),
        )
        for n in draw(st.lists(st.sampled_from(PROVIDERS), unique=True))
    }
    connections: dict[str, Connection] = {}
    profiles = {}
    if providers:
        for name in draw(st.lists(st.sampled_from(CONNECTIONS), unique=True)):
            provider = draw(st.sampled_from(sorted(providers)))
            connections[name] = Connection(name, provider, draw(AUTHS), **draw(managers()))
        for name in draw(st.lists(st.sampled_from(PROFILES), unique=True)):
            provider = draw(st.sampled_from(sorted(providers)))
            own = [c for c, row in connections.items() if row.provider == provider]
            connection = draw(st.sampled_from([None, *own]))
            profiles[name] = Profile(name, provider, "m", connection, **draw(managers()))
    return DatabaseState(providers, connections, profiles)


@st.composite
def configs(
    draw: st.DrawFn,
    state: DatabaseState,
    pools: Pools = EVERY_NAME,
    owners: Sequence[str] = ("default", "team-a"),
) -> DesiredState:
    """A config over ``pools``, referring to its own rows, the database's and canonical ones."""
    provider_pool, connection_pool, profile_pool = pools
    types = st.sampled_from(["openai", "anthropic", "ollama", "gemini"])
    providers = {
        n: Provider(
            n, n if n in PROVIDERS[:4] else draw(types), None, draw(st.booleans()), draw(PROTECTED)
        )
        for n in draw(st.lists(st.sampled_from(provider_pool), unique=True))
    }
    known = sorted({*providers, *state.providers, "openai", "anthropic", "ollama", "gemini"})
    connections = {
        name: Connection(name, draw(st.sampled_from(known)), draw(AUTHS), draw(PROTECTED))
        for name in draw(st.lists(st.sampled_from(connection_pool), unique=True))
    }
    profiles = {
        name: Profile(
            name,
            draw(st.sampled_from(known)),
            draw(st.sampled_from(["m", "n"])),
            draw(st.sampled_from([None, None, *connections])),
            label=draw(st.sampled_from([None, "x"])),
            temperature=draw(st.sampled_from([None, 1, 1.0, 0.7])),
            protected=draw(PROTECTED),
        )
        for name in draw(st.lists(st.sampled_from(profile_pool), unique=True))
    }
    mode = draw(st.sampled_from([None, "managed", "your-own"]))
    owner = draw(st.sampled_from(owners))
    settings = Settings(None, mode, owner, draw(IGNORED))
    return DesiredState(settings, providers, connections, profiles)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[DesiredState, DatabaseState]:
    """A consistent database and a config over the same names."""
    state = draw(database())
    return draw(configs(state)), state


@st.composite
def shared_worlds(draw: st.DrawFn) -> tuple[DatabaseState, list[DesiredState]]:
    """A database and the configs two owners (team-a, team-b) apply to it in turn: each owner's
    next config over its own half of the names."""
    state = draw(database())
    turns = []
    for turn in range(draw(st.integers(2, 5))):
        owner = ("team-a", "team-b")[turn % 2]
        turns.append(draw(configs(state, HALVES[turn % 2], (owner,))))
    return state, turns


@st.composite
def stirred(draw: st.DrawFn, state: DatabaseState, settings: Settings) -> DatabaseState:
    """``state`` with any value in every field ``settings`` ignores, row by row: what the
    application or admins may have written there since the last apply."""
    tables: dict[Kind, dict[str, Row]] = {}
    for kind in Kind:
        ignored = settings.ignored(kind)
        rows = dict(table(state, kind))
        for name, row in rows.items():
            if ignored:
                rows[name] = row._replace(**{f: draw(VALUES[f]) for f in ignored})
        tables[kind] = rows
    return DatabaseState(
        tables[Kind.PROVIDER],  # type: ignore[arg-type]
        tables[Kind.CONNECTION],  # type: ignore[arg-type]
        tables[Kind.PROFILE],  # type: ignore[arg-type]
    )


def shuffled(state: DatabaseState, seed: int) -> DatabaseState:
    def mix(rows: dict[str, object]) -> dict[str, object]:
        items = list(rows.items())
        random.Random(seed).shuffle(items)
        return dict(items)

    return DatabaseState(mix(state.providers), mix(state.connections), mix(state.profiles))
