"""Secrets of every known shape, generated at random (never real keys), and values that are not.

Shared by the detector's unit tests and the CLI tests of validate and export.
"""

from __future__ import annotations

import random
import string

_RANDOM = random.Random(12)
BASE62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def key(alphabet: str, length: int) -> str:
    """``length`` random characters of ``alphabet``."""
    return "".join(_RANDOM.choice(alphabet) for _ in range(length))


SECRETS = {
    "openai": "sk-" + key(BASE62, 48),
    "openai-project": "sk-proj-" + key(BASE62 + "-_", 156),
    "openai-service-account": "sk-svcacct-" + key(BASE62 + "-_", 64),
    "anthropic": "sk-ant-api03-" + key(BASE62 + "-_", 93) + "AA",
    "openrouter": "sk-or-v1-" + key(HEX, 64),
    "deepseek": "sk-" + key(HEX, 32),
    "sk-upper-case": "sk-" + key(string.ascii_uppercase, 24),
    "aws-access-key-id": "AKIA" + key(string.ascii_uppercase + "234567", 16),
    "aws-temporary-key-id": "ASIA" + key(string.ascii_uppercase + "234567", 16),
    "aws-secret-access-key": key(BASE62, 18) + "/" + key(BASE62, 10) + "+" + key(BASE62, 10),
    "azure-openai": key(HEX, 32),
    "mistral": key(BASE62, 32),
    "cohere": key(BASE62, 40),
    "replicate": "r8_" + key(BASE62, 37),
    "google": "AIza" + key(BASE62 + "-_", 35),
    "github-classic": "ghp_" + key(BASE62, 36),
    "github-fine-grained": "github_pat_" + key(BASE62, 22) + "_" + key(BASE62, 59),
    "slack": "xoxb-"
    + key(string.digits, 12)
    + "-"
    + key(string.digits, 13)
    + "-"
    + key(BASE62, 24),
    "huggingface": "hf_" + key(BASE62, 34),
    "groq": "gsk_" + key(BASE62, 52),
    "pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow"
    + key(BASE62, 40)
    + "\n-----END RSA PRIVATE KEY-----",
    "token-in-a-sentence": "use token=" + key(BASE62, 36) + " for the proxy",
}

NOT_SECRETS = {
    "vault name": "credential/anthropic/api_key",
    "vault name, mixed case": "credential/MyTeam/Anthropic/ApiKey2/Production",
    "model name": "claude-sonnet-4-6-20250514",
    "model name, short": "gpt-5-mini",
    "dated model name": "gpt-4o-mini-2024-07-18",
    "ollama model": "llama3.1:70b-instruct-q4_K_M",
    "url": "https://eu.api.example.com/v1/chat/completions?api-version=2024-10-21",
    "azure deployment url": "https://my-resource.openai.azure.com/openai/deployments/gpt-4o",
    # A UUID is an identifier (request, tenant, deployment ids), and its hex runs are short.
    "uuid": "1b4e28ba-2fa1-11d2-883f-0016d3ca6f5d",
    "prose": "You are a helpful assistant. Answer in at most three sentences, please.",
    "prose with numbers": "Summarise the 2024 report in 300 words for the Q3 board meeting.",
    "dns label": "task-management-assistant-profile-v2",
    "long dns label": "eu-west-1-prod-cluster-7-gpt4o-mini-2024-summariser",
    "sk- words": "sk-learn-classifier-profile-for-tests",
    "long lowercase word": "supercalifragilisticexpialidocious",
    "camel case identifier": "credentialMyTeamAnthropicApiKey2Production",
    "AIza prefix, too short": "AIzaWordsThatAreNot",
    "hex, too short": "deadbeef0123456789abcdef012345",
    "long number": "12345678901234567890123456789012345",
    "repeated characters": "aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaA",
}
