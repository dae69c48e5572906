"""``reconcile export``: the rows of a database as a config file that declares them.

Every provider, connection and profile except the canonical rows, NULL fields left out, with the
inference mode under which backfill derives the connections the profiles already use. A row the
config cannot declare is kept out of the document and written as a comment, with a warning: a
legacy name the schema rejects, or fields that the config's validation (schema and semantic
rules, references checked against the database's rows as a plan checks them) refuses, such as a
value that looks like a secret. It stays in the database as it is, and the config may still
reference it. A comment never holds a secret: whatever looks like one is written ``[redacted]``.
So the document always validates, and applying the export to the same database changes nothing
but ownership (the rows are adopted), apart from profiles that have no ``provider_connection``
yet: those get the one that every plan derives. With an owner (``export --owner NAME``), only the
``config`` rows that NAME's config manages are written, with ``settings.owner: NAME``, and the same
holds for that export applied as NAME: other owners' rows are neither declared nor touched.
Under a ``storage`` mapping (DESIGN §14) the rows are read from the application's tables and the
document carries the ``storage`` section, so the export applies alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reconciler import canonical, rules, secrets
from reconciler.config.convert import desired_state
from reconciler.config.schema import check_schema, config_schema
from reconciler.errors import Level, Location, Problem, SourceMap
from reconciler.gc_pause import gc_paused
from reconciler.model import (
    DEFAULT_OWNER,
    SECTIONS,
    DatabaseState,
    InferenceMode,
    Kind,
    Profile,
    Row,
    owner_of,
)
from reconciler.planning import derive_connection
from reconciler.render.escape import redacted_data
from reconciler.storage import Storage
from reconciler.store import connected
from reconciler.store.migrate import known_revision
from reconciler.store.rowstore import row_store
from reconciler.yamledit.dump import DEFAULT_SCHEMA_REF
from reconciler.yamledit.write import render_config

_R = TypeVar("_R", bound=Row)

_DEFAULTS: Mapping[str, Any] = {"enabled": True, "protected": False}


@dataclass(frozen=True)
class Export:
    """A config document, and the rows left out of it (by section and name), secrets redacted.

    ``refused`` holds, for each row left out for its fields rather than its name, the problems
    the config's validation found in it; ``owned`` the rows left out that the export's owner
    manages, which an apply of the export deletes (no config can declare them).
    """

    document: dict[str, Any]
    left_out: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    refused: dict[tuple[str, str], tuple[Problem, ...]] = field(default_factory=dict)
    owned: frozenset[tuple[str, str]] = frozenset()

    def warnings(
        self, file: str | None = None, lines: Mapping[tuple[str, str], int] | None = None
    ) -> tuple[Problem, ...]:
        """One warning per row left out, at its comment in ``file``, in the order of the comments.

        ``export.legacy-name`` for a name a config cannot declare, ``export.invalid-row`` for
        fields the config's validation refuses.
        """
        return tuple(
            _left_out_warning(
                section,
                name,
                self.refused.get((section, name)),
                (section, name) in self.owned,
                (file, lines or {}),
            )
            for section in SECTIONS
            for name in sorted(self.left_out.get(section, {}))
        )


def export_state(
    state: DatabaseState, owner: str | None = None, storage: Storage | None = None
) -> Export:
    """``state`` as a config document (pure): see the module docstring. With ``owner``, only the
    ``config`` rows that owner manages, and ``settings.owner``: the config that owner applies.
    With ``storage``, the document's ``storage`` section: where ``state`` was read from."""
    exported = state if owner is None else _owned_by(state, owner)
    mode = inference_mode(DatabaseState(state.providers, state.connections, exported.profiles))
    settings: dict[str, Any] = {"inference_mode": mode.value}
    if owner is not None:
        settings["owner"] = owner
    document: dict[str, Any] = {"version": 1, "settings": settings}
    if storage is not None:
        document["storage"] = storage.image()
    left_out: dict[str, dict[str, dict[str, Any]]] = {}
    declarable = re.compile(config_schema()["$defs"]["name"]["pattern"])
    for kind in Kind:
        section = kind.section
        rows = _rows(exported, kind)
        for name in sorted(rows):
            if name in canonical.rows(kind):
                continue
            fields = _fields(rows[name])
            if declarable.fullmatch(name):
                document.setdefault(section, {})[name] = fields
            else:
                left_out.setdefault(section, {})[name] = fields
    refused = _refused(document, state)
    for section, name in refused:
        left_out.setdefault(section, {})[name] = document[section].pop(name)
    document = {
        key: _escaped(value)
        for key, value in document.items()
        if value != {} or key == "storage"  # storing no kind at all is a mapping too
    }
    applier = DEFAULT_OWNER if owner is None else owner
    owned = frozenset(
        (section, secrets.redact(name))
        for section, rows in left_out.items()
        for name in rows
        if owner_of(_rows(state, Kind.of_section(section))[name]) == applier
    )
    return Export(
        document, redacted_data(_escaped(left_out), keys=True), _redacted_keys(refused), owned
    )


def _owned_by(state: DatabaseState, owner: str) -> DatabaseState:
    """The ``config`` rows of ``state`` that ``owner`` manages (`owner_of`)."""

    def owned(rows: Mapping[str, _R]) -> dict[str, _R]:
        return {name: row for name, row in rows.items() if owner_of(row) == owner}

    return DatabaseState(owned(state.providers), owned(state.connections), owned(state.profiles))


def _refused(
    document: dict[str, Any], state: DatabaseState
) -> dict[tuple[str, str], list[Problem]]:
    """The errors of each row of ``document``, as the config's validation reports them.

    The tiers `load_config` applies after parsing, and the references as a plan checks them
    against the rows the database holds (the same rows after an apply of the export).
    """
    sources = SourceMap()
    desired = desired_state(document)
    problems = [
        *check_schema(document, sources, "export"),
        *rules.check(desired, sources),
        *rules.reference_problems(
            desired,
            {**canonical.PROVIDERS, **state.providers},
            {**canonical.CONNECTIONS, **state.connections},
            sources,
            unknown_level=Level.ERROR,
        ),
        *secrets.secret_problems(document, sources),
    ]
    refused: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        section, name = (problem.path.split(".") + ["", ""])[:2]
        if problem.is_error and section in SECTIONS and name in document.get(section, {}):
            found = refused.setdefault((section, name), [])
            if all((p.code, p.path) != (problem.code, problem.path) for p in found):
                found.append(problem)
    return refused


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
    escaped: dict[str, Any] = _escaped(_fields(row))
    return escaped


def _fields(row: Row) -> dict[str, Any]:
    """The fields a config declares for ``row``, as the loader reads them back."""
    image = row.image()
    del image["name"]
    return {
        key: value
        for key, value in image.items()
        if value is not None and _DEFAULTS.get(key, object()) != value
    }


def _redacted_keys(
    refused: Mapping[tuple[str, str], list[Problem]],
) -> dict[tuple[str, str], tuple[Problem, ...]]:
    return {
        (section, secrets.redact(name)): tuple(found) for (section, name), found in refused.items()
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


def _left_out_warning(
    section: str,
    name: str,
    problems: tuple[Problem, ...] | None,
    owned: bool,
    where: tuple[str | None, Mapping[tuple[str, str], int]],
) -> Problem:
    file, lines = where
    line = lines.get((section, name))
    location = Location(file, line, 3) if file is not None and line is not None else None
    kept = (
        "(its managed_by is 'config', so applying this export deletes it: set its managed_by to"
        " NULL in the database first to keep it)"
        if owned
        else "(the row stays in the database as it is, and a config may still reference it)"
    )
    if problems is None:
        message = (
            f"{Kind.of_section(section)} {name!r} is written as a comment: a config cannot declare"
            f" a name that is not a lowercase DNS label {kept}"
        )
        return Problem("export.legacy-name", message, Level.WARNING, location, f"{section}.{name}")
    reasons = "; ".join(f"{secrets.redact(p.message)} [{p.code}]" for p in problems)
    message = (
        f"{Kind.of_section(section)} {name!r} is written as a comment: a config would refuse it:"
        f" {reasons} {kept}"
    )
    return Problem("export.invalid-row", message, Level.WARNING, location, f"{section}.{name}")


@gc_paused
def export_database(
    url: str,
    file: str = "-",
    schema_ref: str = DEFAULT_SCHEMA_REF,
    owner: str | None = None,
    storage: Storage | None = None,
) -> tuple[str, tuple[Problem, ...]]:
    """The config file text for the database at ``url`` (only read), and its warnings.

    ``schema_ref`` is the schema's path or URL written in the editor modeline; with ``owner``,
    only the rows that owner's config manages (`export_state`); with ``storage`` (a config's
    mapping), the rows of the application's tables, and the mapping written into the text.
    ``file`` names where the text goes; the warnings about rows written as comments point there. A
    database without the reconciler's schema exports as empty; a missing SQLite file is a
    `DatabaseError` (a mistyped path would otherwise export as an empty config), and so is a
    schema a newer reconciler wrote, as for ``plan``, or a database set up the other way (its
    rows in the application's tables, and no ``storage``; or the reverse).
    """
    with connected(url, read_only=True, must_exist=True) as connection:
        known_revision(connection, storage)  # a newer schema may hold what this cannot show
        state = row_store(connection, storage).read()
    exported = export_state(state, owner, storage)
    rendered = render_config(exported.document, schema_ref, exported.left_out)
    return rendered.text, exported.warnings(file, rendered.comment_lines)
