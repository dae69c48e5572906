"""What the benchmarks run on: generated configs and database states.

- `generate`: a valid config of N profiles, N/10 connections and a few providers;
- `fill_in_sync`: a database that already holds what that config declares (a no-op plan);
- `fill_legacy`: M profiles written behind the tool's back, without ``provider_connection``.

    python tests/benchmarks/generate.py 10000 > /tmp/big.yaml
"""

from __future__ import annotations

import sys

import sqlalchemy as sa

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


CANONICAL_PROVIDERS = ("anthropic", "openai", "gemini", "ollama")


def with_storage(config: str) -> str:
    """``config`` with the ``storage`` section of the surrogate-key schema (`app_schemas`)."""
    from app_schemas import SURROGATE, config_text

    return config_text(SURROGATE, config.removeprefix("version: 1\n"))


def app_schema(url: str, backend: str) -> None:
    """The application's tables of the surrogate-key schema, empty, and the reconciler's
    bookkeeping tables beside them (as the own tables' "empty" state is migrated already)."""
    from app_schemas import STORAGE, SURROGATE, create_schema

    from reconciler.config.storage import storage_mapping
    from reconciler.store import open_engine, upgrade

    create_schema(url, SURROGATE, backend)
    engine = open_engine(url)
    upgrade(engine, storage=storage_mapping(STORAGE[SURROGATE]))
    engine.dispose()


def fill_mapped(url: str, backend: str, config: str) -> None:
    """The surrogate-key schema holding what ``config`` declares, applied by reconcile."""
    app_schema(url, backend)
    fill_in_sync(url, config)


def fill_in_sync(url: str, config: str) -> None:
    """Apply ``config`` with reconcile itself: what it leaves is in sync by definition."""
    from reconciler import ApplyOptions, apply_config, load_config

    apply_config(load_config([config]), url, ApplyOptions(actor="benchmark"))


def fill_legacy(url: str, count: int) -> None:
    """The canonical providers and ``count`` profiles lacking ``provider_connection``, owned by
    no one, as an application or an older version would have written them."""
    from reconciler.store.tables import profiles, providers

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            providers.insert(), [{"name": name, "type": name} for name in CANONICAL_PROVIDERS]
        )
        for start in range(0, count, 10_000):
            connection.execute(
                profiles.insert(),
                [
                    {
                        "name": f"legacy-{n:07d}",
                        "provider": CANONICAL_PROVIDERS[n % len(CANONICAL_PROVIDERS)],
                        "model": "model-legacy",
                    }
                    for n in range(start, min(count, start + 10_000))
                ],
            )
    engine.dispose()


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
