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
from typing import Any

from reconciler import canonical
from reconciler.config.dump import DEFAULT_SCHEMA_REF
from reconciler.config.schema import config_schema
from reconciler.config.write import render_config
from reconciler.errors import Level, Location, Problem
from reconciler.model import DatabaseState, InferenceMode, Kind, Profile, Row
from reconciler.planning import derive_connection
from reconciler.store import open_engine, read_state, translated
from reconciler.store.migrate import known_revision

SECTIONS = {Kind.PROVIDER: "providers", Kind.CONNECTION: "connections", Kind.PROFILE: "profiles"}
_DEFAULTS: Mapping[str, Any] = {"enabled": True}
_KINDS = {section: kind for kind, section in SECTIONS.items()}


@dataclass(frozen=True)
class Export:
    """A config document, and the rows left out of it (by section and name)."""

    document: dict[str, Any]
    left_out: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def warnings(
        self, file: str | None = None, lines: Mapping[tuple[str, str], int] | None = None
    ) -> tuple[Problem, ...]:
        """One ``export.legacy-name`` warning per row left out, at its comment in ``file``."""
        return tuple(
            _legacy_name(section, name, file, (lines or {}).get((section, name)))
            for section, rows in self.left_out.items()
            for name in rows
        )


def export_state(state: DatabaseState) -> Export:
    """``state`` as a config document (pure): see the module docstring."""
    mode = inference_mode(state)
    document: dict[str, Any] = {"version": 1, "settings": {"inference_mode": mode.value}}
    left_out: dict[str, dict[str, dict[str, Any]]] = {}
    declarable = re.compile(config_schema()["$defs"]["name"]["pattern"])
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
    return Export(document, left_out)


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


def _legacy_name(section: str, name: str, file: str | None, line: int | None) -> Problem:
    message = (
        f"{_KINDS[section]} {name!r} is written as a comment: a config cannot declare a name"
        " that is not a lowercase DNS label (the row stays in the database as it is, and a"
        " config may still reference it)"
    )
    location = Location(file, line, 3) if file is not None and line is not None else None
    return Problem("export.legacy-name", message, Level.WARNING, location, f"{section}.{name}")


def export_database(
    url: str, file: str = "-", schema_ref: str = DEFAULT_SCHEMA_REF
) -> tuple[str, tuple[Problem, ...]]:
    """The config file text for the database at ``url`` (only read), and its warnings.

    ``schema_ref`` is the schema's path or URL written in the editor modeline.
    ``file`` names where the text goes; the warnings about rows written as comments point there. A
    database without the reconciler's schema exports as empty; a missing SQLite file is a
    `DatabaseError` (a mistyped path would otherwise export as an empty config), and so is a
    schema a newer reconciler wrote, as for ``plan``.
    """
    engine = open_engine(url, read_only=True, must_exist=True)
    try:
        with translated(engine.url), engine.connect() as connection:
            known_revision(connection)  # a newer schema may hold what this version cannot show
            state = read_state(connection)
    finally:
        engine.dispose()
    exported = export_state(state)
    rendered = render_config(exported.document, schema_ref, exported.left_out)
    return rendered.text, exported.warnings(file, rendered.comment_lines)
