from __future__ import annotations

import pytest
import secret_samples
from hypothesis import given, settings
from hypothesis import strategies as st

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


SECRETS = {
    **secret_samples.SECRETS,
    "anthropic, fixed": "sk-ant-api03-Xq7Lm2Pz9Rk4Tn8Wv1Yb6Hc3Jd5Fg0Ks-AbCdEf12",
    "openai-project, fixed": "sk-proj-T3BlbkFJq8Zr2XwVmN4pLk7Hs9Dc1Ay6Ue0Gi5Fo",
    "google, fixed": "AIzaSyB2x7Kq9Lm3Np5Rt8Vw1Yz4Ac6Df0Gh2Jk",
    "pem, unterminated": (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OP"
    ),
    # Refused on the safe side: an unbroken 34-character run that mixes cases and does not read
    # as words is what a generated key looks like.
    "camel case that does not read as words": "AIzaWordsThatAreNotAKeyAtAllReally",
}
KIND = {
    "anthropic": "an Anthropic API key",
    "openrouter": "an OpenRouter API key",
    "deepseek": "an API key (sk-…: OpenAI, DeepSeek and others)",
    "aws-access-key-id": "an AWS access key id",
    "azure-openai": "a hexadecimal key (Azure OpenAI and others; a hash looks the same)",
    "mistral": "a long random-looking token",
    "aws-secret-access-key": "a long random-looking token",
    "replicate": "a Replicate API token",
    "huggingface": "a Hugging Face token",
    "groq": "a Groq API key",
    "slack": "a Slack token",
    "github-fine-grained": "a GitHub token",
}


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS)
def test_secrets_are_found_and_never_echoed(secret: str) -> None:
    document = {"connections": {"c": {"auth": {"credential": secret}}}}
    (problem,) = rules.secret_problems(document, SourceMap())
    assert problem.code == "secret.inline"
    assert problem.path == "connections.c.auth.credential"
    assert secret not in problem.message
    assert secret.split("\n")[0][8:20] not in problem.message


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS)
@pytest.mark.parametrize("around", ["{}", "Bearer {}.", "key: '{}'", "a={}&b=1", "{} {}"])
def test_redact_hides_what_secret_kind_finds(secret: str, around: str) -> None:
    text = around.format(secret, secret)
    assert rules.secret_kind(text) is not None
    redacted = rules.redact(text)
    assert rules.REDACTED in redacted
    for line in secret.splitlines():
        assert line[4:] not in redacted
    assert rules.secret_kind(redacted) is None


@pytest.mark.parametrize(("name", "kind"), KIND.items())
def test_the_kind_names_the_format(name: str, kind: str) -> None:
    assert rules.secret_kind(f"x {secret_samples.SECRETS[name]} y") == kind


@pytest.mark.parametrize(
    "text", secret_samples.NOT_SECRETS.values(), ids=secret_samples.NOT_SECRETS
)
def test_ordinary_values_are_not_secrets(text: str) -> None:
    assert rules.secret_kind(text) is None
    assert rules.redact(text) == text


def test_random_keys_of_every_unprefixed_shape_are_found() -> None:
    """Mistral (32), Cohere (40) and AWS secret (40, with / and +) keys: not one of 2,000 missed.

    The old detector wanted two digits and missed about one key in ten.
    """
    alphabets = [(secret_samples.BASE62, 32), (secret_samples.BASE62, 40)]
    alphabets.append((secret_samples.BASE62 + "+/", 40))
    for alphabet, length in alphabets:
        missed = [
            found
            for found in (secret_samples.key(alphabet, length) for _ in range(2000))
            if rules.secret_kind(found) is None
        ]
        assert missed == []


@settings(max_examples=300)
@given(st.text(st.sampled_from(secret_samples.BASE62 + "-_/+=: .\n"), max_size=80))
def test_redact_and_secret_kind_agree(text: str) -> None:
    assert (rules.secret_kind(text) is None) == (rules.redact(text) == text)
    assert rules.secret_kind(rules.redact(text)) is None


def test_secret_used_as_a_key_is_found() -> None:
    document = {"profiles": {SECRETS["openai-project, fixed"]: {}}}
    assert [p.code for p in rules.secret_problems(document, SourceMap())] == ["secret.inline"]
