from __future__ import annotations

from dataclasses import replace

import pytest
from plan_values import (
    ALLOW_EMPTY,
    BACKFILL,
    CONFIG,
    brief,
    change,
    config,
    conn,
    converges,
    db,
    prof,
    prov,
)

from reconciler.model import Auth, Connection, InferenceMode, Kind, ManagedBy, Row
from reconciler.planning import Action, derive_connection, make_plan
from reconciler.storage import Storage, TableMapping

MANAGED, YOUR_OWN = InferenceMode.MANAGED, InferenceMode.YOUR_OWN


@pytest.mark.parametrize(
    ("provider", "mode", "name", "auth"),
    [
        (prov("ollama", "ollama"), MANAGED, "ollama-local", Auth("none")),
        (prov("gpu", "ollama"), YOUR_OWN, "gpu-local", Auth("none")),
        (prov("anthropic", "anthropic"), MANAGED, "anthropic-managed", Auth("platform")),
        (prov("gemini", "gemini"), MANAGED, "gemini-managed", Auth("platform")),
        (
            prov("openai", "openai"),
            YOUR_OWN,
            "openai-personal",
            Auth("api_key", "credential/openai/api_key"),
        ),
        (prov("eu", "anthropic"), MANAGED, "eu-personal", Auth("api_key", "credential/eu/api_key")),
    ],
)
def test_derive_connection(provider: object, mode: InferenceMode, name: str, auth: Auth) -> None:
    derived = derive_connection(provider, mode)
    assert derived == Connection(name, derived.provider, auth)
    assert derived.provider == provider.name
    assert derived.managed_by is ManagedBy.BACKFILL


def test_a_new_profile_keeps_reason_declared_and_the_derived_connection_is_created() -> None:
    desired = config(prof("quick", "openai"))
    plan = make_plan(desired, db())
    assert brief(plan) == [
        ("create", "connection", "openai-personal", "backfill"),
        ("create", "profile", "quick", "declared"),
    ]
    created = change(plan, "connection", "openai-personal")
    assert created.after == conn(
        "openai-personal", "openai", credential="credential/openai/api_key"
    )
    assert created.after is not None and created.after.managed_by is BACKFILL
    quick = change(plan, "profile", "quick").after
    assert quick is not None and quick.provider_connection == "openai-personal"
    assert converges(desired, db())


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"mode": "managed"}, "anthropic-managed"),
        ({"deployment": "platform"}, "anthropic-managed"),
        ({"deployment": "platform", "mode": "your-own"}, "anthropic-personal"),
        ({}, "anthropic-personal"),
    ],
)
def test_the_effective_mode_decides(settings: dict[str, str], expected: str) -> None:
    plan = make_plan(config(prof("a", "anthropic"), **settings), db())
    profile = change(plan, "profile", "a").after
    assert profile is not None and profile.provider_connection == expected


@pytest.mark.parametrize("source", [None, "managed", "user"])
def test_source_is_never_read(source: str | None) -> None:
    plan = make_plan(config(prof("a", "openai", source=source)), db())
    assert change(plan, "profile", "a").after.provider_connection == "openai-personal"


def test_a_database_profile_without_connection_is_updated_with_reason_backfill() -> None:
    state = db(prof("legacy", "ollama"))
    plan = make_plan(config(), state)
    (updated,) = plan.changes
    assert (updated.kind, updated.action, updated.reason) == ("profile", "update", "backfill")
    assert [(d.field, d.before, d.after) for d in updated.diff] == [
        ("provider_connection", None, "ollama-local")
    ]
    assert updated.after is not None and updated.after.managed_by is None
    assert converges(config(), state)


def test_an_empty_string_counts_as_no_connection() -> None:
    plan = make_plan(config(), db(prof("legacy", "gemini", "")))
    assert [(d.before, d.after) for d in plan.changes[-1].diff] == [("", "gemini-personal")]


def test_an_existing_derived_connection_is_reused_whatever_its_auth() -> None:
    state = db(conn("openai-personal", "openai", "none"))
    plan = make_plan(config(prof("a", "openai")), state)
    assert brief(plan) == [("create", "profile", "a", "declared")]


def test_one_derived_connection_for_many_profiles() -> None:
    plan = make_plan(config(prof("a", "openai"), prof("b", "openai")), db())
    assert plan.summary.create == 3


@pytest.mark.parametrize("exists", [True, False])
def test_conflict_when_the_derived_name_has_another_provider(exists: bool) -> None:
    state = db(
        prov("other", by=CONFIG),
        conn("openai-personal", "other", by=CONFIG),
        *([prof("a", "openai")] if exists else []),
    )
    desired = config(
        prov("other"), conn("openai-personal", "other"), *([] if exists else [prof("a", "openai")])
    )
    for force in (False, True):
        plan = make_plan(desired, state, force=force)
        (blocked,) = plan.blocked
        assert (blocked.kind, blocked.name, blocked.code, blocked.connection) == (
            Kind.PROFILE,
            "a",
            "backfill.conflict",
            "openai-personal",
        )
        assert blocked.action is (Action.UPDATE if exists else Action.CREATE)
        assert all(c.name != "a" for c in plan.changes)
        assert plan.summary.blocked == 1


def test_conflict_when_this_plan_deletes_the_derived_connection() -> None:
    # p2-personal left the config; it is for another provider, so it is deleted, not handed back.
    state = db(prov("p2", by=CONFIG), conn("p2-personal", "openai", by=CONFIG), prof("keep", "p2"))
    plan = make_plan(config(prov("p2")), state, limits=ALLOW_EMPTY)
    (blocked,) = plan.blocked
    assert blocked.code == "backfill.conflict"
    assert "this plan deletes it" in blocked.message


def test_a_leaving_config_connection_still_derived_is_handed_back_to_backfill() -> None:
    state = db(
        conn("openai-personal", "openai", "api_key", "credential/mine", CONFIG),
        prof("quick", "openai", "openai-personal", CONFIG),
    )
    desired = config(prof("quick", "openai"))
    plan = make_plan(desired, state)
    (handed,) = plan.changes
    assert (handed.kind, handed.name, handed.action, handed.reason, handed.diff) == (
        "connection",
        "openai-personal",
        "update",
        "backfill",
        (),
    )
    assert handed.after == conn("openai-personal", "openai", "api_key", "credential/mine")
    assert handed.after is not None and handed.after.managed_by is BACKFILL
    assert converges(desired, state)


def test_hand_back_for_a_profile_that_needs_backfill() -> None:
    state = db(conn("openai-personal", "openai", by=CONFIG), prof("legacy", "openai"))
    plan = make_plan(config(), state)
    assert brief(plan) == [
        ("update", "connection", "openai-personal", "backfill"),
        ("update", "profile", "legacy", "backfill"),
    ]


def test_no_hand_back_when_nothing_derives_it() -> None:
    state = db(conn("openai-personal", "openai", by=CONFIG), prof("x", "openai", "openai-managed"))
    assert brief(make_plan(config(), state)) == [
        ("delete", "connection", "openai-personal", "removed")
    ]


def test_no_hand_back_when_the_profile_derives_another_name() -> None:
    state = db(conn("openai-personal", "openai", by=CONFIG), prof("x", "openai", "openai-personal"))
    plan = make_plan(config(mode="managed"), state)
    assert [(b.name, b.code) for b in plan.blocked] == [("openai-personal", "delete.referenced")]


@pytest.mark.parametrize(
    ("provider", "why"),
    [
        ("p" * 247, "(256 characters): more than the 255 characters a name holds"),
        ("語" * 250, "(259 characters): more than the 255 characters a name holds"),
        ("old\tone", '"old\\tone-personal": it holds a control or invisible character'),
    ],
)
def test_a_derived_name_no_column_holds_blocks_the_profile(provider: str, why: str) -> None:
    """A legacy provider's name makes ``<P>-personal`` unstorable: blocked, never written."""
    state = db(prov(provider), prof("legacy", provider))
    for desired in (config(), config(prof("legacy", provider))):
        plan = make_plan(desired, state)
        (blocked,) = plan.blocked
        assert (blocked.kind, blocked.name, blocked.code) == (
            Kind.PROFILE,
            "legacy",
            "backfill.derived-name",
        )
        assert blocked.connection == f"{provider}-personal"
        assert why in blocked.message
        assert all(change.kind is not Kind.CONNECTION for change in plan.changes)


def test_a_derived_name_of_exactly_255_characters_is_derived() -> None:
    provider = "p" * 246
    plan = make_plan(config(), db(prov(provider), prof("legacy", provider)))
    assert plan.blocked == ()
    assert change(plan, "connection", f"{provider}-personal").after is not None


def test_a_hand_back_shows_the_ownership_it_moves() -> None:
    state = db(
        conn("openai-personal", "openai", by=CONFIG, owner="team-a"),
        prof("quick", "openai", "openai-personal", CONFIG, owner="team-a"),
    )
    plan = make_plan(config(prof("quick", "openai"), owner="team-a"), state)
    (handed,) = plan.changes
    assert handed.after is not None and (handed.after.managed_by, handed.after.owner) == (
        BACKFILL,
        None,
    )
    assert handed.ownership == ((CONFIG, "team-a"), (BACKFILL, None))


def test_another_owners_profile_is_left_to_its_own_config() -> None:
    state = db(prof("theirs", "openai", by=CONFIG, owner="team-b"), prof("ext", "openai"))
    plan = make_plan(config(owner="team-a"), state)
    assert brief(plan) == [
        ("create", "connection", "openai-personal", "backfill"),
        ("update", "profile", "ext", "backfill"),
    ]


# --- connections not stored (DESIGN §14): backfill derives only the canonical ones ------------

PROVIDERS_AND_PROFILES = Storage(
    providers=TableMapping("ai_providers", columns={"type": "type", "base_url": "base_url"}),
    profiles=TableMapping(
        "ai_profiles",
        columns={"provider": "provider", "model": "model", "provider_connection": "connection"},
    ),
)
"""Providers and profiles in the application's tables; connections are not stored."""


@pytest.mark.parametrize(
    ("provider", "mode", "derived"),
    [
        ("ollama", None, "ollama-local"),
        ("anthropic", "managed", "anthropic-managed"),
        ("openai", "managed", "openai-managed"),
    ],
)
def test_without_stored_connections_a_canonical_derivation_is_used(
    provider: str, mode: str | None, derived: str
) -> None:
    desired = replace(config(prof("a", provider), mode=mode), storage=PROVIDERS_AND_PROFILES)
    plan = make_plan(desired, db())
    assert plan.blocked == ()
    assert brief(plan) == [("create", "profile", "a", "declared")]
    assert change(plan, "profile", "a").after.provider_connection == derived  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("rows", "mode", "derived"),
    [
        ((prof("a", "openai", by=CONFIG),), None, "openai-personal"),
        ((prof("a", "anthropic", by=CONFIG),), "your-own", "anthropic-personal"),
        ((prov("gpu", "ollama", by=CONFIG), prof("a", "gpu", by=CONFIG)), None, "gpu-local"),
    ],
)
def test_without_stored_connections_any_other_derivation_is_a_conflict(
    rows: tuple[Row, ...], mode: str | None, derived: str
) -> None:
    declared = [row._replace(managed_by=None) for row in rows]
    desired = replace(config(*declared, mode=mode), storage=PROVIDERS_AND_PROFILES)
    for force in (False, True):
        plan = make_plan(desired, db(*rows), force=force)
        assert [(b.kind, b.name, b.action, b.code, b.connection) for b in plan.blocked] == [
            (Kind.PROFILE, "a", Action.UPDATE, "backfill.conflict", derived)
        ]
        assert "connections are not stored" in plan.blocked[0].message
        assert plan.changes == ()  # no connection is created where none can be stored


def test_with_stored_connections_the_same_derivation_creates_the_connection() -> None:
    storage = replace(
        PROVIDERS_AND_PROFILES,
        connections=TableMapping(
            "ai_connections", columns={"provider": "provider", "auth": "auth"}
        ),
    )
    desired = replace(config(prof("a", "openai")), storage=storage)
    plan = make_plan(desired, db())
    assert plan.blocked == ()
    assert brief(plan) == [
        ("create", "connection", "openai-personal", "backfill"),
        ("create", "profile", "a", "declared"),
    ]
