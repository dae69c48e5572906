"""Several files (or folders of them) as one document.

A name declared in two files is ``name.duplicate``, citing both places; ``settings`` given in
two files must agree (``settings.conflict``; ``ignore`` as a whole, in any order); ``storage``
belongs to one file only (``storage.conflict``). The first file wins, so later tiers still see one
row per name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from reconciler.errors import Location, Path, Problem, SourceMap, shown
from reconciler.model import SECTIONS, Kind


@dataclass(frozen=True, slots=True)
class Part:
    """One file's document, after interpolation, with its locations."""

    file: str
    document: dict[str, Any]
    sources: SourceMap


def expand(paths: Sequence[str]) -> tuple[list[tuple[FilePath, str]], list[Problem]]:
    """The files that ``-f`` names: files as given, folders as their sorted *.yaml/*.yml."""
    files: list[tuple[FilePath, str]] = []
    problems: list[Problem] = []
    for given in paths:
        path = FilePath(given)
        if not given or not _is_folder(path):  # FilePath("") is the current folder
            files.append((path, given))
            continue
        inside = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not inside:
            message = "the folder holds no *.yaml or *.yml file"
            problems.append(Problem("file.not-found", message, location=Location(given)))
        files.extend((p, str(p)) for p in inside)
    return _once(files), problems


def _is_folder(path: FilePath) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long...: not a folder, and reading it reports why
        return False


def _once(files: list[tuple[FilePath, str]]) -> list[tuple[FilePath, str]]:
    """Each file once, where it is first named: ``-f config/ -f config/a.yaml`` reads a.yaml once,
    instead of reporting every name in it as declared twice."""
    seen: set[FilePath] = set()
    unique = []
    for path, name in files:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop, a name too long: read_file says so
            key = path.absolute()
        if key not in seen:
            seen.add(key)
            unique.append((path, name))
    return unique


def merge(parts: Sequence[Part]) -> tuple[dict[str, Any], SourceMap, list[Problem]]:
    """One document and one source map from ``parts``, in order."""
    if len(parts) == 1:
        return parts[0].document, parts[0].sources, []
    problems: list[Problem] = []
    merged: dict[str, Any] = {"version": 1}
    # Looked up in file order, so the first file's locations win; nothing is copied.
    keys = _Layered([part.sources.keys for part in parts])
    values = _Layered([part.sources.values for part in parts])
    sources = SourceMap(keys=keys, values=values)
    settings: dict[str, tuple[Any, SourceMap]] = {}
    storage: Part | None = None
    for part in parts:
        problems.extend(_merge_settings(part, settings, merged))
        if "storage" in part.document:
            if storage is None:
                storage, merged["storage"] = part, part.document["storage"]
            else:
                problems.append(_storage_conflict(part, storage))
        for section in SECTIONS:
            problems.extend(_merge_section(part, section, merged, sources))
    return merged, sources, problems


def _merge_settings(
    part: Part, seen: dict[str, tuple[Any, SourceMap]], merged: dict[str, Any]
) -> Iterable[Problem]:
    given = part.document.get("settings")
    if not isinstance(given, dict):
        return
    target = merged.setdefault("settings", {})
    for key, value in given.items():
        path = ("settings", key)
        if key not in seen:
            seen[key] = (value, part.sources)
            target[key] = value
        elif _compared(seen[key][0]) != _compared(value):
            first = _cite(seen[key][1].locate(path))
            message = f"settings.{key} is {shown(value)} here but {shown(seen[key][0])} at {first}"
            yield part.sources.problem("settings.conflict", message, path)


def _storage_conflict(part: Part, first: Part) -> Problem:
    place = _cite(first.sources.locate(("storage",), key=True))
    message = (
        f"storage is also given at {place}: the storage mapping belongs in one file of the config"
    )
    return part.sources.problem("storage.conflict", message, ("storage",), key=True)


def _compared(value: Any) -> Any:
    """A setting as files must agree on it: ``ignore`` as its (section, field) pairs, so the
    order within a list, a repeated field or an empty list make no difference."""
    if not isinstance(value, dict):
        return value
    try:
        return frozenset(
            (section, field)
            for section, fields in value.items()
            for field in (fields if isinstance(fields, list) else [fields])
        )
    except TypeError:  # a mapping or list where a field name belongs: the schema reports it
        return value


def _merge_section(
    part: Part, section: str, merged: dict[str, Any], first: SourceMap
) -> Iterable[Problem]:
    items = part.document.get(section)
    if not isinstance(items, dict):
        return
    target = merged.setdefault(section, {})
    for name, item in items.items():
        if name not in target:
            target[name] = item
            continue
        path = (section, name)
        first_place = _cite(first.locate(path, key=True))
        message = f"{Kind.of_section(section)} {name!r} is also declared at {first_place}"
        yield part.sources.problem("name.duplicate", message, path, key=True)


class _Layered(Mapping[Path, Location]):
    """Several files' locations as one mapping: the first file that has a path wins."""

    def __init__(self, layers: Sequence[Mapping[Path, Location]]) -> None:
        self._layers = layers

    def __getitem__(self, path: Path) -> Location:
        for layer in self._layers:
            found = layer.get(path)
            if found is not None:
                return found
        raise KeyError(path)

    def __iter__(self) -> Iterator[Path]:
        return iter({path: None for layer in self._layers for path in layer})

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _cite(location: Location | None) -> str:
    if location is None:
        return "another file"
    return f"{location.file}:{location.line}:{location.column}"
