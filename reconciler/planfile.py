"""Saved plan files (``reconcile plan --out``): the reviewed plan and the config behind it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.errors import ConfigError, Problem, ReconcileError
from reconciler.render.json import dumps

CONFIG_KEY = "config"
FORCE_KEY = "force"


@dataclass(frozen=True)
class SavedPlan:
    """A plan file: its plan JSON, the merged config document, and whether it was forced."""

    path: str
    document: Mapping[str, Any]
    config: Mapping[str, Any]
    force: bool


def read_plan_file(path: str) -> SavedPlan:
    """Read a plan file; a missing, unreadable or foreign file is a `ConfigError`."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise _invalid(path, f"cannot read the plan file: {error.strerror or error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid(path, f"not a plan file (not JSON: {error})") from error
    if not isinstance(document, dict) or not isinstance(document.get(CONFIG_KEY), dict):
        raise _invalid(path, "not a plan file from `reconcile plan --out` (it has no saved config)")
    if document.get("format_version") != 1:
        raise _invalid(path, f"unsupported plan format_version {document.get('format_version')!r}")
    return SavedPlan(path, document, document[CONFIG_KEY], bool(document.get(FORCE_KEY, False)))


def write_plan_file(
    path: str, document: Mapping[str, Any], config: Mapping[str, Any], *, force: bool
) -> None:
    """Save a plan for a later ``reconcile apply PLANFILE``: its JSON, ``force``, the config.

    ``config`` is the merged, interpolated config document (`LoadedConfig.document`); a file that
    cannot be written raises `ReconcileError`.
    """
    saved = {**document, FORCE_KEY: force, CONFIG_KEY: dict(config)}
    text = dumps(saved)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReconcileError(f"{path}: cannot write the plan file: {reason}") from error


def _invalid(path: str, message: str) -> ConfigError:
    return ConfigError(f"{path}: {message}", [Problem("plan.file", message)])
