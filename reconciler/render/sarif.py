"""Problems as SARIF 2.1.0, for code scanning (``validate --format sarif``).

One run of the tool ``reconcile``; one result per problem, its ``ruleId`` the problem code (each
code once under ``tool.driver.rules``), its level the problem's, its region the file, line and
column the problem points at. Columns count characters (``columnKind: unicodeCodePoints``), as
every other format does. Values are those of `problem_image` (redacted); messages, which code
scanning shows to people, are `plain` too (one line, controls and bidi overrides escaped), and
the document is JSON, so no value can leave its string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reconciler._version import __version__
from reconciler.errors import Problem
from reconciler.render.escape import json_text, plain
from reconciler.render.problems import problem_image

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def sarif(problems: Iterable[Problem]) -> str:
    """The SARIF log of ``problems``, one JSON document ending with a newline."""
    images = [problem_image(problem) for problem in problems]
    codes = list(dict.fromkeys(image["code"] for image in images))
    index = {code: position for position, code in enumerate(codes)}
    run = {
        "tool": {
            "driver": {
                "name": "reconcile",
                "version": __version__,
                "rules": [_rule(code) for code in codes],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(image, index[image["code"]]) for image in images],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _result(image: dict[str, Any], rule_index: int) -> dict[str, Any]:
    message = plain(image["message"] + (f" (at {image['path']})" if image["path"] else ""))
    result: dict[str, Any] = {
        "ruleId": image["code"],
        "ruleIndex": rule_index,
        "level": image["level"],
        "message": {"text": message},
    }
    if image["file"] is not None:
        region = {"startLine": image["line"], "startColumn": image["column"]}
        location = {"artifactLocation": {"uri": file_uri(image["file"])}, "region": region}
        result["locations"] = [{"physicalLocation": location}]
    return result


def _rule(code: str) -> dict[str, Any]:
    """The rule of a problem code. Code scanning asks for descriptions and help; the codes are
    listed and explained in the README ("Problem codes"), so these name the code only."""
    text = f"reconcile problem code {code}"
    return {
        "id": code,
        "shortDescription": {"text": text},
        "fullDescription": {"text": f"{text}; see the problem codes in the README."},
        "help": {"text": f"Fix the config where {code} points; see the README's problem codes."},
    }


def file_uri(file: str) -> str:
    """A path as a URI reference: a relative path stays relative (code scanning resolves it
    against the repository root), an absolute one becomes a ``file://`` URI; what a URI cannot
    hold is percent-encoded."""
    path = Path(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix())
