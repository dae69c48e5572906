"""Rows as an application or an admin writes them: plain SQL, NULL where they did not care.

Every canonical row is there (seeded by an earlier version), next to external rows
(``managed_by`` NULL), a backfill row, legacy names the schema rejects, profiles without
``provider_connection`` and NULL optional fields.
"""

from __future__ import annotations

import json

import secret_samples
import sqlalchemy as sa

from reconciler import canonical

PROVIDER_COLUMNS = "name, type, base_url, enabled, managed_by"
PROVIDERS = [
    # name, type, base_url, enabled, managed_by
    ("anthropic-eu", "anthropic", "https://eu.api.example.com", True, "config"),
    ("gpu-box", "ollama", "http://gpu-box:11434", False, None),
    ("Legacy_OpenAI", "openai", None, True, None),
]
CONNECTIONS = [
    # name, provider, auth, managed_by
    (
        "anthropic-eu-personal",
        "anthropic-eu",
        {"type": "api_key", "credential": "credential/anthropic-eu/api_key"},
        "backfill",
    ),
    ("gpu-box-local", "gpu-box", {"type": "none"}, None),
    ("Legacy-Key", "Legacy_OpenAI", {"credential": "credential/legacy", "type": "api_key"}, None),
    ("subscription", "anthropic", {"type": "oauth_subscription"}, None),
]
PROFILE_COLUMNS = (
    "name, provider, model, provider_connection, source, label, description, system_prompt,"
    " temperature, max_tokens, managed_by"
)
PROFILES = [
    (
        "default",
        "anthropic-eu",
        "claude-sonnet-4-6",
        "anthropic-eu-personal",
        "user",
        "Default",
        "null",
        "You are helpful.\nAddress the user as ${NAME}.\n",
        0.7,
        4096,
        "config",
    ),
    ("managed-chat", "anthropic", "claude-haiku-4-5", "anthropic-managed", *[None] * 7),
    ("quick", "openai", "gpt-5-mini", None, "managed", None, None, None, 1.0, None, None),
    ("local", "gpu-box", "llama3.1:8b", None, *[None] * 7),
    ("Old Bot", "Legacy_OpenAI", "gpt-4", "Legacy-Key", *[None] * 7),
    ("uses-legacy", "Legacy_OpenAI", "1.0", "Legacy-Key", None, "yes", *[None] * 5),
]


def insert_rows(url: str, *, with_legacy_backfill: bool = True) -> None:
    """Insert the rows above; without ``with_legacy_backfill``, every profile has a connection."""
    engine = sa.create_engine(url)
    profiles = PROFILES if with_legacy_backfill else [p for p in PROFILES if p[3] is not None]
    with engine.begin() as connection:
        for provider in canonical.PROVIDERS.values():
            _insert(
                connection,
                "providers",
                "name, type, managed_by",
                (provider.name, provider.type, "seed"),
            )
        for name, type_, base_url, enabled, managed_by in PROVIDERS:
            _insert(
                connection,
                "providers",
                "name, type, base_url, enabled, managed_by",
                (name, type_, base_url, enabled, managed_by),
            )
        for seeded in canonical.CONNECTIONS.values():
            row = (seeded.name, seeded.provider, json.dumps(seeded.auth.image()), "seed")
            _insert(connection, "provider_connections", "name, provider, auth, managed_by", row)
        for name, provider, auth, managed_by in CONNECTIONS:
            row = (name, provider, json.dumps(auth), managed_by)
            _insert(connection, "provider_connections", "name, provider, auth, managed_by", row)
        for profile in profiles:
            _insert(connection, "profiles", PROFILE_COLUMNS, profile)
    engine.dispose()


def _insert(
    connection: sa.Connection, table: str, columns: str, values: tuple[object, ...]
) -> None:
    names = [f"v{index}" for index in range(len(values))]
    statement = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + n for n in names)})"
    connection.execute(sa.text(statement), dict(zip(names, values, strict=True)))


OPENROUTER_KEY = secret_samples.SECRETS["openrouter"]
PROJECT_KEY = secret_samples.SECRETS["openai-project"]
DEEPSEEK_KEY = secret_samples.SECRETS["deepseek"]  # a lowercase DNS label: a declarable name
REFUSED_CONNECTIONS = [
    # name, provider, auth: each one a config refuses
    ("none-with-credential", "ollama", {"type": "none", "credential": "c"}),
    ("key-without-credential", "openai", {"type": "api_key"}),
    ("leaked-key", "openai", {"type": "api_key", "credential": PROJECT_KEY}),
    ("weird-auth", "openai", {"type": "password", "credential": "credential/x"}),
]
REFUSED_PROFILES = [
    # name, provider, model, provider_connection, source, system_prompt
    ("weird-source", "openai", "gpt-5-mini", "openai-managed", "weird", None),
    ("leaky-prompt", "openai", "gpt-5-mini", "openai-managed", None, f"Use {OPENROUTER_KEY}."),
    (DEEPSEEK_KEY, "openai", "gpt-5-mini", "openai-managed", None, None),
    ("mismatched", "openai", "gpt-5-mini", "anthropic-managed", None, None),
]
ACCEPTED_PROFILES = [
    # Valid rows that reference refused ones: they are exported, and the references hold.
    ("uses-leaked-key", "openai", "gpt-5-mini", "leaked-key", None, None),
]
SECRETS = (OPENROUTER_KEY, PROJECT_KEY, DEEPSEEK_KEY)


def insert_refused_rows(url: str) -> None:
    """Rows the config's validation refuses (after `insert_rows`), and one that uses them."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for name, provider, auth in REFUSED_CONNECTIONS:
            row = (name, provider, json.dumps(auth))
            _insert(connection, "provider_connections", "name, provider, auth", row)
        for profile in (*REFUSED_PROFILES, *ACCEPTED_PROFILES):
            columns = "name, provider, model, provider_connection, source, system_prompt"
            _insert(connection, "profiles", columns, profile)
    engine.dispose()
