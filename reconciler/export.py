"""``reconcile export``: the rows of a database as a config file that declares them.

Every provider, connection and profile except the canonical rows, NULL fields left out, with the
inference mode under which backfill derives the connections the profiles already use. A row the
config cannot declare (a legacy name the schema rejects) is kept out of the document and written
as a comment, with a warning: it stays in the database as it is, and the config may still
reference it. Applying the export to the same database changes nothing but ownership (the rows
are adopted), apart from profiles that have no ``provider_connection`` yet: those get the one that
every plan derives.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from reconciler import canonical
from reconciler.config.write import render_config
from reconciler.errors import Level, Problem
from reconciler.model import DatabaseState, InferenceMode, Kind, Profile, Row
from reconciler.planning import derive_connection
from reconciler.schema_files import load_schema
from reconciler.store import open_engine, read_state

SECTIONS = {Kind.PROVIDER: "providers", Kind.CONNECTION: "connections", Kind.PROFILE: "profiles"}
_DEFAULTS: Mapping[str, Any] = {"enabled": True}


@dataclass(frozen=True)
class Export:
    """A config document, the rows left out of it (by section and name), and warnings."""

    document: dict[str, Any]
    left_out: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


def export_state(state: DatabaseState) -> Export:
    """``state`` as a config document (pure): see the module docstring."""
    mode = inference_mode(state)
    document: dict[str, Any] = {"version": 1, "settings": {"inference_mode": mode.value}}
    left_out: dict[str, dict[str, dict[str, Any]]] = {}
    problems: list[Problem] = []
    declarable = re.compile(_schema()["$defs"]["name"]["pattern"])
    for kind, section in SECTIONS.items():
        rows = _rows(state, kind)
        for name in sorted(rows):
            if name in _canonical(kind):
                continue
            fields = declared_fields(rows[name])
            if declarable.fullmatch(name):
                document.setdefault(section, {})[name] = fields
            else:
                left_out.setdefault(section, {})[name] = fields
                problems.append(_legacy_name(kind, section, name))
    return Export(document, left_out, tuple(problems))


def inference_mode(state: DatabaseState) -> InferenceMode:
    """The mode under which backfill derives most of the connections profiles already name.

    Only profiles of providers whose derived connection depends on the mode count (the canonical
    platform providers); a tie, or no such profile, gives ``your-own``, the default.
    """
    votes: Counter[InferenceMode] = Counter()
    for profile in state.profiles.values():
        for mode in _modes_deriving(state, profile):
            votes[mode] += 1
    if votes[InferenceMode.MANAGED] > votes[InferenceMode.YOUR_OWN]:
        return InferenceMode.MANAGED
    return InferenceMode.YOUR_OWN


def _modes_deriving(state: DatabaseState, profile: Profile) -> list[InferenceMode]:
    provider = state.providers.get(profile.provider) or canonical.PROVIDERS.get(profile.provider)
    if provider is None or not profile.provider_connection:
        return []
    derived = {mode: derive_connection(provider, mode).name for mode in InferenceMode}
    if len(set(derived.values())) == 1:
        return []
    return [mode for mode, name in derived.items() if name == profile.provider_connection]


def declared_fields(row: Row) -> dict[str, Any]:
    """The fields a config declares for ``row``: no name, no NULLs, no defaults; ``${`` escaped."""
    image = row.image()
    del image["name"]
    return {
        key: _escaped(value)
        for key, value in image.items()
        if value is not None and _DEFAULTS.get(key, object()) != value
    }


def _escaped(value: Any) -> Any:
    """A value that reads back as itself: the loader turns ``$${`` into ``${``."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def _rows(state: DatabaseState, kind: Kind) -> Mapping[str, Row]:
    tables: dict[Kind, Mapping[str, Row]] = {
        Kind.PROVIDER: state.providers,
        Kind.CONNECTION: state.connections,
        Kind.PROFILE: state.profiles,
    }
    return tables[kind]


def _canonical(kind: Kind) -> Mapping[str, Row]:
    if kind is Kind.PROVIDER:
        return canonical.PROVIDERS
    if kind is Kind.CONNECTION:
        return canonical.CONNECTIONS
    return {}


def _legacy_name(kind: Kind, section: str, name: str) -> Problem:
    message = (
        f"{kind} {name!r} is left out of the export: its name is not a lowercase DNS label, so a"
        " config cannot declare it; it is written as a comment and stays in the database as it"
        " is (a config may still reference it)"
    )
    return Problem("export.legacy-name", message, Level.WARNING, path=f"{section}.{name}")


def export_database(url: str) -> tuple[str, Export]:
    """The config file text for the database at ``url``, read read-only, and what it holds.

    A database without the reconciler's schema (or a missing SQLite file) exports as empty.
    """
    engine = open_engine(url, read_only=True)
    try:
        with engine.connect() as connection:
            state = read_state(connection)
    finally:
        engine.dispose()
    exported = export_state(state)
    return render_config(exported.document, _schema()["$id"], exported.left_out), exported


@cache
def _schema() -> dict[str, Any]:
    return load_schema("reconcile.schema.json")
