"""``reconcile backfill``: write the derived ``provider_connection`` values into the config files.

Offline. Every profile the files declare without ``provider_connection`` gets the connection the
plan would derive for it (`reconciler.planning.derive_connection`, with the effective inference
mode of the files), written after its ``model``. A derived connection that is neither declared
nor canonical is declared too, so the files stay self-contained: once, in the file of the first
profile that needs it (files in the order given, profiles in the order written).
Files are edited in place (`reconciler.yamledit.edit`): only the new keys appear in a diff.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler import canonical
from reconciler.config import LoadedConfig, load_config
from reconciler.errors import BlockedError, ConfigError, Level, Problem, ReconcileError
from reconciler.model import Connection, Profile
from reconciler.planning import derive_connection
from reconciler.yamledit.edit import Insertion, insert


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One config file before and after backfill."""

    file: str
    before: str
    after: str


@dataclass(frozen=True)
class Backfill:
    """The edits backfill makes (files that change only) and what it could not do (warnings)."""

    edits: tuple[FileEdit, ...]
    filled: tuple[tuple[str, str], ...]
    """(profile, derived connection) pairs, in the order the files declare the profiles."""
    declared: tuple[str, ...]
    """Connections declared because a filled profile needs them."""
    problems: tuple[Problem, ...] = ()


def backfill_files(paths: Sequence[str], environ: Mapping[str, str] | None = None) -> Backfill:
    """The backfill of the config in ``paths``, computed but not written.

    Raises `ConfigError` when the config has errors (nothing may be rewritten then), and
    `BlockedError` when a derived connection is declared for another provider.
    """
    loaded = load_config(paths, os.environ if environ is None else environ)
    if not loaded.valid:
        raise ConfigError(
            "the config has errors; backfill rewrites valid files only", loaded.problems
        )
    filled, declared, insertions, problems = _insertions(loaded)
    conflicts = [problem for problem in problems if problem.is_error]
    if conflicts:
        raise BlockedError("backfill would conflict with declared connections", conflicts)
    edits = []
    for file in loaded.files:
        wanted = insertions.get(file)
        if not wanted:
            continue
        before = Path(file).read_text(encoding="utf-8")
        after = insert(before, wanted)
        if after != before:
            edits.append(FileEdit(file, before, after))
    return Backfill(tuple(edits), tuple(filled), tuple(declared), tuple(problems))


_TEMPORARY = ".reconcile-backfill"


def write(backfill: Backfill) -> None:
    """Write the edited files, each replaced at once, so a reader never sees half a file.

    Every new text goes to a temporary file beside its file first (with the file's permissions);
    only when all are written do they replace the files. A file that cannot be written raises
    `ReconcileError` saying which, and which files (if any) were already replaced.
    """
    staged: list[tuple[Path, Path, FileEdit]] = []
    try:
        for edit in backfill.edits:
            path = Path(edit.file).resolve()  # through a symbolic link, which stays one
            staged.append((_staged(path, edit.after), path, edit))
    except OSError as error:
        _discard(staged)
        raise _unwritable(edit, error, written=[]) from error
    written: list[str] = []
    for index, (temporary, path, edit) in enumerate(staged):
        try:
            temporary.replace(path)
        except OSError as error:
            _discard(staged[index:])
            raise _unwritable(edit, error, written) from error
        written.append(edit.file)


def _staged(path: Path, text: str) -> Path:
    """``text`` in a new temporary file in ``path``'s folder, flushed to disk."""
    mode = stat.S_IMODE(path.stat().st_mode)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMPORARY)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            os.fchmod(file.fileno(), mode)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _discard(staged: Sequence[tuple[Path, Path, FileEdit]]) -> None:
    for temporary, _path, _edit in staged:
        temporary.unlink(missing_ok=True)


def _unwritable(edit: FileEdit, error: OSError, written: Sequence[str]) -> ReconcileError:
    reason = error.strerror or str(error)
    changed = f"{', '.join(written)} already written" if written else "no file was changed"
    return ReconcileError(f"cannot write {edit.file}: {reason}; {changed}")


def _insertions(
    loaded: LoadedConfig,
) -> tuple[list[tuple[str, str]], list[str], dict[str, list[Insertion]], list[Problem]]:
    desired = loaded.desired
    mode = desired.settings.effective_mode
    providers = {**canonical.PROVIDERS, **desired.providers}
    connections = {**canonical.CONNECTIONS, **desired.connections}
    filled: list[tuple[str, str]] = []
    new: dict[str, list[Insertion]] = defaultdict(list)
    declared: list[str] = []
    problems: list[Problem] = []
    for name, profile in desired.profiles.items():
        if profile.provider_connection:
            continue
        provider = providers.get(profile.provider)
        if provider is None:
            problems.append(_unknown_provider(loaded, profile))
            continue
        derived = derive_connection(provider, mode)
        existing = connections.get(derived.name)
        if existing is not None and existing.provider != profile.provider:
            problems.append(_conflict(loaded, profile, derived, existing))
            continue
        file = _file_of(loaded, name)
        new[file].append(
            Insertion(("profiles", name), "provider_connection", derived.name, after="model")
        )
        filled.append((name, derived.name))
        if existing is None:
            connections[derived.name] = derived
            declared.append(derived.name)
            new[file].append(_declaration(derived))
    return filled, declared, _connections_last(new), problems


def _declaration(connection: Connection) -> Insertion:
    value = {"provider": connection.provider, "auth": connection.auth.image()}
    return Insertion(("connections",), connection.name, value)


def _connections_last(new: dict[str, list[Insertion]]) -> dict[str, list[Insertion]]:
    """Per file: the profiles' keys, then the new connections by name."""
    ordered = {}
    for file, insertions in new.items():
        keys = [i for i in insertions if i.path != ("connections",)]
        connections = sorted(
            (i for i in insertions if i.path == ("connections",)), key=lambda i: i.key
        )
        ordered[file] = keys + connections
    return ordered


def _file_of(loaded: LoadedConfig, profile: str) -> str:
    location = loaded.sources.locate(("profiles", profile), key=True)
    assert location is not None, f"profile {profile} has no location"
    return location.file


def _unknown_provider(loaded: LoadedConfig, profile: Profile) -> Problem:
    message = (
        f"profile {profile.name}: provider {profile.provider!r} is neither declared nor"
        " canonical, so its connection cannot be derived offline; the plan derives it from the"
        " database's row"
    )
    return loaded.sources.problem(
        "backfill.unknown-provider",
        message,
        ("profiles", profile.name, "provider"),
        level=Level.WARNING,
    )


def _conflict(
    loaded: LoadedConfig, profile: Profile, derived: Connection, existing: Connection
) -> Problem:
    message = (
        f"profile {profile.name} needs the derived connection {derived.name} (provider"
        f" {profile.provider}) but it is declared for provider {existing.provider};"
        " declare provider_connection for the profile"
    )
    path = ("profiles", profile.name)
    return loaded.sources.problem("backfill.conflict", message, path, key=True)
