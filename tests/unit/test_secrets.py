"""Secret detection: real-shaped keys found and hidden, ordinary values left alone."""

from __future__ import annotations

import pytest
import secret_samples
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler import secrets
from reconciler.errors import SourceMap

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
    (problem,) = secrets.secret_problems(document, SourceMap())
    assert problem.code == "secret.inline"
    assert problem.path == "connections.c.auth.credential"
    assert secret not in problem.message
    assert secret.split("\n")[0][8:20] not in problem.message


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS)
@pytest.mark.parametrize("around", ["{}", "Bearer {}.", "key: '{}'", "a={}&b=1", "{} {}"])
def test_redact_hides_what_secret_kind_finds(secret: str, around: str) -> None:
    text = around.format(secret, secret)
    assert secrets.secret_kind(text) is not None
    redacted = secrets.redact(text)
    assert secrets.REDACTED in redacted
    for line in secret.splitlines():
        assert line[4:] not in redacted
    assert secrets.secret_kind(redacted) is None


@pytest.mark.parametrize(("name", "kind"), KIND.items())
def test_the_kind_names_the_format(name: str, kind: str) -> None:
    assert secrets.secret_kind(f"x {secret_samples.SECRETS[name]} y") == kind


@pytest.mark.parametrize(
    "text", secret_samples.NOT_SECRETS.values(), ids=secret_samples.NOT_SECRETS
)
def test_ordinary_values_are_not_secrets(text: str) -> None:
    assert secrets.secret_kind(text) is None
    assert secrets.redact(text) == text


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
            if secrets.secret_kind(found) is None
        ]
        assert missed == []


@settings(max_examples=300)
@given(st.text(st.sampled_from(secret_samples.BASE62 + "-_/+=: .\n"), max_size=80))
def test_redact_and_secret_kind_agree(text: str) -> None:
    assert (secrets.secret_kind(text) is None) == (secrets.redact(text) == text)
    assert secrets.secret_kind(secrets.redact(text)) is None


def test_secret_used_as_a_key_is_found() -> None:
    document = {"profiles": {SECRETS["openai-project, fixed"]: {}}}
    assert [p.code for p in secrets.secret_problems(document, SourceMap())] == ["secret.inline"]
