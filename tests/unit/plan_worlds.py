"""Random small worlds of names for property tests: a consistent database and a config over them."""

from __future__ import annotations

import random

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


@st.composite
def providers(draw: st.DrawFn, owners: st.SearchStrategy[ManagedBy | None]) -> dict[str, Provider]:
    names = draw(st.lists(st.sampled_from(PROVIDERS), unique=True))
    types = st.sampled_from(["openai", "anthropic", "ollama", "gemini"])
    return {
        n: Provider(
            n, n if n in PROVIDERS[:4] else draw(types), None, draw(st.booleans()), draw(owners)
        )
        for n in names
    }


@st.composite
def worlds(draw: st.DrawFn) -> tuple[DesiredState, DatabaseState]:
    """A consistent database (every foreign key resolves) and a config over the same names."""
    db_providers = draw(providers(OWNERS))
    db_connections: dict[str, Connection] = {}
    if db_providers:
        for name in draw(st.lists(st.sampled_from(CONNECTIONS), unique=True)):
            provider = draw(st.sampled_from(sorted(db_providers)))
            db_connections[name] = Connection(name, provider, draw(AUTHS), draw(OWNERS))
    db_profiles = {}
    if db_providers:
        for name in draw(st.lists(st.sampled_from(PROFILES), unique=True)):
            provider = draw(st.sampled_from(sorted(db_providers)))
            own = [c for c, row in db_connections.items() if row.provider == provider]
            connection = draw(st.sampled_from([None, *own]))
            db_profiles[name] = Profile(name, provider, "m", connection, managed_by=draw(OWNERS))
    state = DatabaseState(db_providers, db_connections, db_profiles)

    declared_providers = draw(providers(st.none()))
    known = sorted({*declared_providers, *db_providers, "openai", "anthropic", "ollama", "gemini"})
    declared_connections = {
        name: Connection(name, draw(st.sampled_from(known)), draw(AUTHS))
        for name in draw(st.lists(st.sampled_from(CONNECTIONS), unique=True))
    }
    declared_profiles = {
        name: Profile(
            name,
            draw(st.sampled_from(known)),
            draw(st.sampled_from(["m", "n"])),
            draw(st.sampled_from([None, None, *declared_connections])),
            label=draw(st.sampled_from([None, "x"])),
            temperature=draw(st.sampled_from([None, 1, 1.0, 0.7])),
        )
        for name in draw(st.lists(st.sampled_from(PROFILES), unique=True))
    }
    mode = draw(st.sampled_from([None, "managed", "your-own"]))
    settings = Settings(None, mode, draw(IGNORED))
    desired = DesiredState(settings, declared_providers, declared_connections, declared_profiles)
    return desired, state


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
