"""Where the shipped JSON schemas are: inside the wheel, or in ``schemas/`` of a source checkout."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def _path(name: str) -> Path:
    packaged = Path(str(resources.files("reconciler"))) / "schemas" / name
    if packaged.is_file():
        return packaged
    # An editable install or a source checkout: the schemas stand at the top of the repository.
    return Path(__file__).resolve().parent.parent / "schemas" / name


def read_schema_text(name: str) -> str:
    return _path(name).read_text(encoding="utf-8")


def load_schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(read_schema_text(name))
    return loaded
