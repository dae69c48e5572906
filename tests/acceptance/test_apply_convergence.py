"""Convergence, property-based: any config over any external rows converges in one apply.

Random configs are applied over random rows written behind the tool's back (managed_by NULL, or
another owner's ``config`` rows; some protected). Whenever the apply succeeds, a second apply
changes nothing and the journal's ``state_after`` is the digest of what the database really
holds; when it is refused, nothing was written. Two owners applying their configs in turn to one
database converge each time and never touch each other's rows (DESIGN §13).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reconciler.cli import cli
from reconciler.model import PROVIDER_TYPES
from reconciler.planning.digest import state_digest
from reconciler.store import open_engine, read_state
from tests.acceptance.database_snapshot import TABLES, journal, snapshot

CANONICAL_PROVIDERS = ("anthropic", "openai", "gemini", "ollama")
DECLARED_PROVIDERS = ("alpha", "beta")
EXTERNAL_PROVIDERS = ("alpha", "legacy-x")
CONNECTIONS = ("c-one", "c-two", "openai-personal")
PROFILES = ("p1", "p2", "p3", "p4")

names = st.lists
temperature = st.none() | st.integers(0, 20).map(lambda tenths: tenths / 10)
flags = st.sampled_from([{}, {}, {"protected": True}, {"protected": False}])
OWNER_POOLS = {
    "team-a": (("alpha",), ("c-one",), ("p1", "p2")),
    "team-b": (("beta",), ("c-two",), ("p3", "p4")),
}
"""What each of two owners sharing a database declares."""


@st.composite
def configs(
    draw: st.DrawFn,
    pools: tuple[tuple[str, ...], ...] = (DECLARED_PROVIDERS, CONNECTIONS[:2], PROFILES),
    owner: str | None = None,
) -> dict[str, Any]:
    """A valid config document over small pools of names, so rows collide and get adopted."""
    provider_pool, connection_pool, profile_pool = pools
    providers = {
        name: {"type": draw(st.sampled_from(PROVIDER_TYPES)), **draw(flags)}
        for name in draw(st.sets(st.sampled_from(provider_pool)))
    }
    usable = sorted(providers) + list(CANONICAL_PROVIDERS)
    connections: dict[str, Any] = {}
    for name in draw(st.sets(st.sampled_from(connection_pool))):
        auth = draw(st.sampled_from([{"type": "none"}, {"type": "api_key", "credential": "c/x"}]))
        connections[name] = {"provider": draw(st.sampled_from(usable)), "auth": auth}
        connections[name].update(draw(flags))
    profiles: dict[str, Any] = {}
    for name in draw(st.sets(st.sampled_from(profile_pool))):
        provider = draw(st.sampled_from(usable))
        profile: dict[str, Any] = {"provider": provider, "model": draw(st.sampled_from("ab"))}
        matching = [c for c, row in connections.items() if row["provider"] == provider]
        if matching and draw(st.booleans()):
            profile["provider_connection"] = draw(st.sampled_from(matching))
        if (value := draw(temperature)) is not None:
            profile["temperature"] = value
        profiles[name] = {**profile, **draw(flags)}
    document: dict[str, Any] = {"version": 1}
    chosen: dict[str, Any] = {}
    mode = draw(st.sampled_from([None, "managed", "your-own"]))
    if mode is not None:
        chosen["inference_mode"] = mode
    if owner is not None:
        chosen["owner"] = owner
    if chosen:
        document["settings"] = chosen
    for section, rows in (
        ("providers", providers),
        ("connections", connections),
        ("profiles", profiles),
    ):
        if rows:
            document[section] = rows
    return document


managers = st.sampled_from(
    [
        {"protected": False},
        {"protected": False},
        {"protected": True},
        {"protected": False, "managed_by": "config", "owner": "team-z"},
        {"protected": True, "managed_by": "config", "owner": "team-z"},
    ]
)
"""``protected``, ``managed_by`` and ``owner`` of a row written behind the tool's back."""


@st.composite
def external_rows(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """Rows an application or an admin wrote: (table, row), parents first; some protected, some
    another owner's config rows (what a second repository applied)."""
    rows: list[tuple[str, dict[str, Any]]] = []
    providers = sorted(draw(st.sets(st.sampled_from(EXTERNAL_PROVIDERS))))
    for name in providers:
        row = {"name": name, "type": draw(st.sampled_from(PROVIDER_TYPES)), **draw(managers)}
        rows.append(("providers", row))
    if not providers:
        return rows
    owners: dict[str, str] = {}
    for name in sorted(draw(st.sets(st.sampled_from(CONNECTIONS)))):
        owners[name] = draw(st.sampled_from(providers))
        auth = json.dumps({"type": "api_key", "credential": f"vault/{name}"})
        row = {"name": name, "provider": owners[name], "auth": auth, **draw(managers)}
        rows.append(("provider_connections", row))
    for name in sorted(draw(st.sets(st.sampled_from((*PROFILES, "ext-p"))))):
        provider = draw(st.sampled_from(providers))
        matching = [None, *(c for c, owner in owners.items() if owner == provider)]
        rows.append(
            (
                "profiles",
                {
                    "name": name,
                    "provider": provider,
                    "model": "legacy",
                    "provider_connection": draw(st.sampled_from(matching)),
                    **draw(managers),
                },
            )
        )
    return rows


def reset(url: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    engine = open_engine(url)
    with engine.begin() as connection:
        for table in reversed(TABLES):  # children first
            connection.execute(sa.text(f"DELETE FROM {table}"))
        for table, row in rows:
            columns = ", ".join(row)
            values = ", ".join(f":{column}" for column in row)
            connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
    engine.dispose()


def apply(url: str, path: Path, *extra: str) -> tuple[int, str]:
    args = ["apply", "-f", str(path), "--yes", "--database-url", url, *extra]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def real_digest(url: str) -> str:
    engine = open_engine(url)
    with engine.connect() as connection:
        digest = state_digest(read_state(connection))
    engine.dispose()
    return digest


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=configs(), rows=external_rows())
def test_apply_converges_and_a_second_apply_changes_nothing(
    database_url: str,
    tmp_path_factory: Any,
    document: dict[str, Any],
    rows: list[tuple[str, dict[str, Any]]],
) -> None:
    reset(database_url, rows)
    path = tmp_path_factory.mktemp("convergence") / "reconcile.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")  # JSON is YAML
    before = snapshot(database_url)
    code, output = apply(database_url, path)
    assert code in (0, 1, 3), output
    event(f"first apply exit {code}")
    if code != 0:
        assert "Traceback" not in output
        assert snapshot(database_url) == before
        return
    (entry,) = journal(database_url)
    assert entry["state_after"] == real_digest(database_url)
    settled = snapshot(database_url)
    code, output = apply(database_url, path)
    assert code == 0, output
    assert "No changes" in output
    again = snapshot(database_url)
    assert again["reconcile_journal"][:1] == settled["reconcile_journal"]
    for table in TABLES[:3]:
        assert again[table] == settled[table]
    second = journal(database_url)[1]
    assert second["summary"] == {"create": 0, "update": 0, "delete": 0, "blocked": 0}
    assert second["state_before"] == second["state_after"] == entry["state_after"]


def owned_rows(url: str, owner: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row ``owner``'s config manages, whole (timestamps included), by table."""
    engine = open_engine(url)
    with engine.connect() as connection:
        found = {
            table: [
                tuple(row)
                for row in connection.execute(
                    sa.text(
                        f"SELECT * FROM {table} WHERE managed_by = 'config' AND owner = :owner"
                        " ORDER BY name"
                    ),
                    {"owner": owner},
                )
            ]
            for table in TABLES[:3]
        }
    engine.dispose()
    return found


@st.composite
def turns(draw: st.DrawFn) -> list[dict[str, Any]]:
    """The configs team-a and team-b apply in turn, each over its own names."""
    return [
        draw(configs(OWNER_POOLS[owner], owner))
        for owner in ("team-a", "team-b") * draw(st.integers(1, 2))
    ]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=external_rows(), documents=turns())
def test_two_owners_applying_in_turn_converge_and_never_touch_each_others_rows(
    database_url: str,
    tmp_path_factory: Any,
    rows: list[tuple[str, dict[str, Any]]],
    documents: list[dict[str, Any]],
) -> None:
    reset(database_url, rows)
    folder = tmp_path_factory.mktemp("owners")
    for turn, document in enumerate(documents):
        owner = document["settings"]["owner"]
        other = "team-b" if owner == "team-a" else "team-a"
        path = folder / f"{turn}.yaml"
        path.write_text(json.dumps(document), encoding="utf-8")
        before, theirs = snapshot(database_url), owned_rows(database_url, other)
        code, output = apply(database_url, path, "--allow-empty")  # configs often empty a kind
        assert code in (0, 1, 3), output
        event(f"{owner} apply exit {code}")
        if code != 0:
            assert snapshot(database_url) == before
            continue
        assert owned_rows(database_url, other) == theirs
        settled = snapshot(database_url)
        code, output = apply(database_url, path, "--allow-empty")
        assert (code, "No changes" in output) == (0, True), output
        again = snapshot(database_url)
        for table in TABLES[:3]:
            assert again[table] == settled[table]
