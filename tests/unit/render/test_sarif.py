from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sarif_schema import sarif_errors

from reconciler._version import __version__
from reconciler.errors import Level, Location, Problem
from reconciler.render.sarif import file_uri, sarif

ERROR = Problem(
    "schema.required", "'model' is a required property", Level.ERROR, Location("f.yaml", 3, 5), "a"
)
WARNING = Problem("auth.unsupported", "not usable yet", Level.WARNING, Location("g.yaml", 7, 13))
AGAIN = Problem("schema.required", "'provider' is a required property", location=Location("f.yaml"))


def log(*problems: Problem) -> dict[str, Any]:
    document = json.loads(sarif(problems))
    assert sarif_errors(document) == []
    return document


def test_one_result_per_problem_with_its_rule_level_and_region() -> None:
    (run,) = log(ERROR, WARNING, AGAIN)["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("reconcile", __version__)
    assert [rule["id"] for rule in driver["rules"]] == ["schema.required", "auth.unsupported"]
    assert run["columnKind"] == "unicodeCodePoints"
    first, second, third = run["results"]
    assert first == {
        "ruleId": "schema.required",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "'model' is a required property (at a)"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "f.yaml"},
                    "region": {"startLine": 3, "startColumn": 5},
                }
            }
        ],
    }
    assert (second["ruleIndex"], second["level"]) == (1, "warning")
    assert (third["ruleId"], third["ruleIndex"]) == ("schema.required", 0)


def test_no_problems_is_a_valid_log_without_results() -> None:
    document = log()
    assert document["version"] == "2.1.0"
    assert document["runs"][0]["results"] == []


def test_a_problem_without_a_place_has_no_location() -> None:
    (result,) = log(Problem("file.not-found", "no such file"))["runs"][0]["results"]
    assert "locations" not in result


def test_messages_stay_on_one_line_with_controls_and_secrets_shown_safely() -> None:
    hostile = Problem(
        "schema.enum",
        "value 'a\nb\u202ec' of sk-proj-Zx8Qw2Lm9Rt4Vb7Nc1Kp6Hs3Jd5Fg0Ya\x1b[2J",
        location=Location("bad\u202e\n.yaml", 2, 1),
    )
    output = sarif([hostile])
    assert "\n" not in json.loads(output)["runs"][0]["results"][0]["message"]["text"]
    assert "sk-proj-Zx8Q" not in output
    assert "\u202e" not in output and "\x1b" not in output
    (result,) = log(hostile)["runs"][0]["results"]
    assert result["message"]["text"].startswith("value 'a\\nb\\u202ec' of [redacted]")
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert location == "bad%E2%80%AE%0A.yaml"


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("config/10-profiles.yaml", "config/10-profiles.yaml"),
        ("config dir/ünï.yaml", "config%20dir/%C3%BCn%C3%AF.yaml"),
        ("a\\b#c?.yaml", "a%5Cb%23c%3F.yaml"),
        ("/work/config/a b.yaml", "file:///work/config/a%20b.yaml"),
    ],
)
def test_paths_become_uri_references(path: str, uri: str) -> None:
    assert file_uri(path) == uri
    if not Path(path).is_absolute():
        assert "://" not in uri
