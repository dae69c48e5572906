from __future__ import annotations

import pytest

from reconciler import canonical, rules
from reconciler.errors import Level, Location, SourceMap
from reconciler.model import Auth, Connection, DesiredState, Profile, Provider

KEY_AUTH = Location("f.yaml", 5, 5)
SOURCES = SourceMap(keys={("connections", "c", "auth"): KEY_AUTH})


def connection(auth: Auth, provider: str = "openai") -> DesiredState:
    return DesiredState(connections={"c": Connection("c", provider, auth)})


def codes(state: DesiredState) -> list[tuple[str, str]]:
    return [(p.code, str(p.level)) for p in rules.check(state, SOURCES)]


@pytest.mark.parametrize(
    ("auth", "provider", "expected"),
    [
        (Auth("api_key", "credential/openai/api_key"), "openai", []),
        (Auth("api_key"), "openai", [("auth.credential-required", "error")]),
        (Auth("platform", "c/x"), "openai", [("auth.credential-not-allowed", "error")]),
        (Auth("none", "c/x"), "ollama", [("auth.credential-not-allowed", "error")]),
        (Auth("platform"), "ollama", [("auth.platform-unavailable", "error")]),
        (Auth("platform"), "gemini", []),
        (Auth("oauth_subscription"), "anthropic", [("auth.unsupported", "warning")]),
        (Auth("service_account", "c/x"), "gemini", [("auth.unsupported", "warning")]),
    ],
)
def test_auth_rules(auth: Auth, provider: str, expected: list[tuple[str, str]]) -> None:
    assert codes(connection(auth, provider)) == expected


def test_platform_goes_by_the_provider_name_not_its_type() -> None:
    state = DesiredState(
        providers={"anthropic-eu": Provider("anthropic-eu", "anthropic")},
        connections={"c": Connection("c", "anthropic-eu", Auth("platform"))},
    )
    assert codes(state) == [("auth.platform-unavailable", "error")]


def test_missing_credential_points_at_the_auth_key() -> None:
    (problem,) = rules.check(connection(Auth("api_key")), SOURCES)
    assert (problem.location, problem.path) == (KEY_AUTH, "connections.c.auth")


def test_canonical_rows_may_be_repeated_exactly() -> None:
    state = DesiredState(
        providers=dict(canonical.PROVIDERS), connections=dict(canonical.CONNECTIONS)
    )
    assert codes(state) == []


@pytest.mark.parametrize(
    "state",
    [
        DesiredState(providers={"openai": Provider("openai", "openai", "https://proxy")}),
        DesiredState(providers={"ollama": Provider("ollama", "ollama", enabled=False)}),
        DesiredState(
            connections={"openai-managed": Connection("openai-managed", "openai", Auth("none"))}
        ),
        DesiredState(
            connections={"ollama-local": Connection("ollama-local", "ollama-2", Auth("none"))},
            providers={"ollama-2": Provider("ollama-2", "ollama")},
        ),
    ],
)
def test_canonical_redefined(state: DesiredState) -> None:
    assert ("canonical.redefined", "error") in codes(state)


def test_references_offline() -> None:
    state = DesiredState(
        connections={"k": Connection("k", "nowhere", Auth("none"))},
        profiles={
            "a": Profile("a", "openai", "m", provider_connection="anthropic-managed"),
            "b": Profile("b", "ghost", "m", provider_connection="gone"),
            "c": Profile("c", "openai", "m", provider_connection="openai-managed"),
            "d": Profile("d", "openai", "m"),
        },
    )
    assert codes(state) == [
        ("ref.unknown-provider", "warning"),
        ("ref.provider-mismatch", "error"),
        ("ref.unknown-provider", "warning"),
        ("ref.unknown-connection", "warning"),
    ]


def test_reference_problems_at_plan_time_are_errors_against_the_given_rows() -> None:
    state = DesiredState(profiles={"a": Profile("a", "legacy", "m", provider_connection="old")})
    providers = {"legacy": Provider("legacy", "openai")}
    connections = {"old": Connection("old", "other", Auth("none"))}
    found = rules.reference_problems(
        state, providers, connections, SourceMap(), unknown_level=Level.ERROR
    )
    assert [(p.code, p.level) for p in found] == [("ref.provider-mismatch", Level.ERROR)]
    found = rules.reference_problems(state, {}, {}, SourceMap(), unknown_level=Level.ERROR)
    assert [(p.code, p.level) for p in found] == [
        ("ref.unknown-provider", Level.ERROR),
        ("ref.unknown-connection", Level.ERROR),
    ]
    assert "not in the database" in found[0].message


def test_unknown_reference_suggests_a_close_name() -> None:
    state = DesiredState(
        profiles={"a": Profile("a", "openai", "m", provider_connection="openai-manged")}
    )
    (problem,) = rules.check(state, SourceMap())
    assert problem.message.endswith("(did you mean 'openai-managed'?)")
