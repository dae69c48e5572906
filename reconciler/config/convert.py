"""The merged document as a `DesiredState`: every row that can be read, even from a bad file.

Tier 2 has already reported what is wrong; here a row is kept when its required fields have their
types, and an optional field of the wrong type reads as unset, so tier 3 still sees the rest.
"""

from __future__ import annotations

from typing import Any

from reconciler.config.storage import storage_mapping
from reconciler.model import (
    DEFAULT_OWNER,
    IGNORABLE,
    SECTIONS,
    Auth,
    Connection,
    DesiredState,
    Kind,
    Profile,
    Provider,
    Settings,
)


def desired_state(document: dict[str, Any]) -> DesiredState:
    """The rows and settings ``document`` declares, with ``managed_by`` unset."""
    return DesiredState(
        settings=_settings(document.get("settings")),
        providers=_rows(document, "providers", _provider),
        connections=_rows(document, "connections", _connection),
        profiles=_rows(document, "profiles", _profile),
        storage=storage_mapping(document.get("storage")),
    )


def _rows(document: dict[str, Any], section: str, build: Any) -> dict[str, Any]:
    items = document.get(section)
    if not isinstance(items, dict):
        return {}
    rows = {}
    for name, item in items.items():
        row = build(name, item) if isinstance(item, dict) else None
        if row is not None:
            rows[name] = row
    return rows


def _settings(value: Any) -> Settings:
    if not isinstance(value, dict):
        return Settings()
    deployment = value.get("deployment")
    mode = value.get("inference_mode")
    return Settings(
        deployment=deployment if deployment in ("self-hosted", "platform") else None,
        inference_mode=mode if mode in ("managed", "your-own") else None,
        owner=_text(value.get("owner")) or DEFAULT_OWNER,
        ignore=ignored_fields(value.get("ignore")),
    )


def ignored_fields(value: Any) -> frozenset[tuple[Kind, str]]:
    """``settings.ignore`` as (kind, field) pairs: only fields that may be ignored (the schema
    reports the rest), so the plan never stops comparing a name, a type or a reference."""
    if not isinstance(value, dict):
        return frozenset()
    pairs: set[tuple[Kind, str]] = set()
    for section, fields in value.items():
        if section not in SECTIONS or not isinstance(fields, list):
            continue
        kind = Kind.of_section(section)
        pairs.update((kind, name) for name in fields if name in IGNORABLE[kind])
    return frozenset(pairs)


def _provider(name: str, item: dict[str, Any]) -> Provider | None:
    kind = _text(item.get("type"))
    if kind is None:
        return None
    enabled = item.get("enabled", True)
    return Provider(
        name=name,
        type=kind,
        base_url=_text(item.get("base_url")),
        enabled=enabled if isinstance(enabled, bool) else True,
        protected=_protected(item),
    )


def _connection(name: str, item: dict[str, Any]) -> Connection | None:
    provider = _text(item.get("provider"))
    auth = item.get("auth")
    kind = _text(auth.get("type")) if isinstance(auth, dict) else None
    if provider is None or kind is None or not isinstance(auth, dict):
        return None
    credential = _text(auth.get("credential"))
    return Connection(name, provider, Auth(kind, credential), protected=_protected(item))


def _profile(name: str, item: dict[str, Any]) -> Profile | None:
    provider = _text(item.get("provider"))
    model = _text(item.get("model"))
    if provider is None or model is None:
        return None
    return Profile(
        name=name,
        provider=provider,
        model=model,
        provider_connection=_text(item.get("provider_connection")),
        source=_text(item.get("source")),
        label=_string(item.get("label")),
        description=_string(item.get("description")),
        system_prompt=_string(item.get("system_prompt")),
        temperature=_float(item.get("temperature")),
        max_tokens=_int(item.get("max_tokens")),
        protected=_protected(item),
    )


def _protected(item: dict[str, Any]) -> bool:
    return item.get("protected") is True


def _text(value: Any) -> str | None:
    """A non-empty string, as a name or reference must be."""
    return value if isinstance(value, str) and value else None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _float(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _int(value: Any) -> int | None:
    """An integer; ``4096.0`` counts, as it does for JSON schema."""
    number = _float(value)
    return int(number) if number is not None and number.is_integer() else None
