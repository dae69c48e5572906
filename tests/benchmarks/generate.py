"""Generate a large valid config: N profiles, N/10 connections, a few providers.

python tests/benchmarks/generate.py 10000 > /tmp/big.yaml
"""

from __future__ import annotations

import sys

PROVIDER_TYPES = ("anthropic", "openai", "gemini")


def generate(profiles: int, providers: int = 3) -> str:
    """The YAML text of a valid config with ``profiles`` profiles (block style, like a human's)."""
    connections = max(1, profiles // 10)
    lines = ["version: 1", "settings:", "  deployment: self-hosted", "providers:"]
    for index in range(providers):
        kind = PROVIDER_TYPES[index % len(PROVIDER_TYPES)]
        lines += [
            f"  {kind}-{index}:",
            f"    type: {kind}",
            f"    base_url: https://{index}.example.com",
        ]
    lines.append("connections:")
    for index in range(connections):
        provider = _provider(index, providers)
        lines += [
            f"  connection-{index}:",
            f"    provider: {provider}",
            "    auth:",
            "      type: api_key",
            f"      credential: credential/{provider}/key-{index}",
        ]
    lines.append("profiles:")
    for index in range(profiles):
        connection = index % connections
        lines += [
            f"  profile-{index}:",
            f"    provider: {_provider(connection, providers)}",
            "    model: model-large-2025",
            f"    provider_connection: connection-{connection}",
            f"    label: Profile number {index}",
            "    temperature: 0.7",
            "    max_tokens: 4096",
        ]
    return "\n".join(lines) + "\n"


def _provider(connection: int, providers: int) -> str:
    index = connection % providers
    return f"{PROVIDER_TYPES[index % len(PROVIDER_TYPES)]}-{index}"


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
