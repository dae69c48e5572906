"""Saved plan files (``reconcile plan --out``): the reviewed plan and the config behind it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.errors import ConfigError, Problem

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


def _invalid(path: str, message: str) -> ConfigError:
    return ConfigError(f"{path}: {message}", [Problem("plan.file", message)])
