"""Properties of the plan engine over small random worlds of names."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import (
    Auth,
    Connection,
    DatabaseState,
    DesiredState,
    ManagedBy,
    Profile,
    Provider,
    Settings,
)
from reconciler.planning import Action, Plan, make_plan
from reconciler.planning.outcome import applied

PROVIDERS = ["openai", "anthropic", "ollama", "gemini", "p1", "p2"]
CONNECTIONS = ["c1", "c2", "openai-personal", "p1-personal", "p2-local", "anthropic-managed"]
PROFILES = ["a", "b", "c", "d", "e"]
OWNERS = st.sampled_from([None, *ManagedBy])
AUTHS = st.sampled_from([Auth("platform"), Auth("none"), Auth("api_key", "credential/k")])


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
            temperature=draw(st.sampled_from([None, 1, 1.0, 0.7])),
        )
        for name in draw(st.lists(st.sampled_from(PROFILES), unique=True))
    }
    mode = draw(st.sampled_from([None, "managed", "your-own"]))
    desired = DesiredState(
        Settings(None, mode), declared_providers, declared_connections, declared_profiles
    )
    return desired, state


def _shuffled(state: DatabaseState, seed: int) -> DatabaseState:
    def mix(rows: dict[str, object]) -> dict[str, object]:
        items = list(rows.items())
        random.Random(seed).shuffle(items)
        return dict(items)

    return DatabaseState(mix(state.providers), mix(state.connections), mix(state.profiles))


def _dangling(state: DatabaseState) -> list[str]:
    wrong = [c.name for c in state.connections.values() if c.provider not in state.providers]
    for profile in state.profiles.values():
        if profile.provider not in state.providers:
            wrong.append(profile.name)
        if profile.provider_connection and profile.provider_connection not in state.connections:
            wrong.append(profile.name)
    return wrong


@settings(max_examples=300, deadline=None)
@given(worlds(), st.booleans(), st.integers())
def test_the_plan_is_deterministic(
    world: tuple[DesiredState, DatabaseState], force: bool, seed: int
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force)
    assert make_plan(desired, state, force=force) == plan
    assert make_plan(desired, _shuffled(state, seed), force=force) == plan


@settings(max_examples=300, deadline=None)
@given(worlds(), st.booleans())
def test_the_summary_matches_the_changes(
    world: tuple[DesiredState, DatabaseState], force: bool
) -> None:
    plan = make_plan(*world, force=force)
    counts = {action: sum(c.action is action for c in plan.changes) for action in Action}
    assert (plan.summary.create, plan.summary.update, plan.summary.delete) == (
        counts[Action.CREATE],
        counts[Action.UPDATE],
        counts[Action.DELETE],
    )
    assert plan.summary.blocked == len(plan.blocked)
    assert len({(c.kind, c.name) for c in plan.changes}) == len(plan.changes)


def _applicable(plan: Plan) -> bool:
    return not plan.blocked and not plan.has_errors


@settings(max_examples=500, deadline=None)
@given(worlds(), st.booleans())
def test_applying_then_planning_again_gives_no_change(
    world: tuple[DesiredState, DatabaseState], force: bool
) -> None:
    desired, state = world
    plan = make_plan(desired, state, force=force)
    if not _applicable(plan):
        return
    after = applied(state, plan.changes)
    assert _dangling(after) == []
    again = make_plan(desired, after, force=force)
    assert again.changes == ()
    assert again.blocked == ()
    assert applied(after, again.changes) == after
