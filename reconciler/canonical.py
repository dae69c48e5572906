"""The canonical rows of every database, as data: seeded, never overwritten, never deleted."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from reconciler.model import Auth, Connection, Kind, ManagedBy, Provider, Row

PROVIDERS: MappingProxyType[str, Provider] = MappingProxyType(
    {
        name: Provider(name=name, type=name, managed_by=ManagedBy.SEED)
        for name in ("anthropic", "openai", "gemini", "ollama")
    }
)

CONNECTIONS: MappingProxyType[str, Connection] = MappingProxyType(
    {
        name: Connection(name, provider, Auth(auth), managed_by=ManagedBy.SEED)
        for name, provider, auth in (
            ("anthropic-managed", "anthropic", "platform"),
            ("openai-managed", "openai", "platform"),
            ("gemini-managed", "gemini", "platform"),
            ("ollama-local", "ollama", "none"),
        )
    }
)

PLATFORM_PROVIDERS = frozenset({"anthropic", "openai", "gemini"})
"""Canonical providers that have a managed platform proxy (auth ``platform``)."""


def rows(kind: Kind) -> Mapping[str, Row]:
    """The canonical rows of ``kind`` by name (profiles have none)."""
    if kind is Kind.PROVIDER:
        return PROVIDERS
    if kind is Kind.CONNECTION:
        return CONNECTIONS
    return MappingProxyType({})
