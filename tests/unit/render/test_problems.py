from __future__ import annotations

import json

from reconciler.errors import Level, Location, Problem
from reconciler.render import problems as render

ERROR = Problem(
    "schema.required",
    "'model' is a required property",
    Level.ERROR,
    Location("f.yaml", 3, 3),
    "profiles.a",
)
WARNING = Problem(
    "auth.unsupported",
    "not usable yet",
    Level.WARNING,
    Location("f.yaml", 7, 13),
    "connections.c.auth.type",
)
UNLOCATED = Problem("file.not-found", "no such file")


def test_text_line() -> None:
    assert render.text_line(ERROR) == (
        "f.yaml:3:3: error [schema.required] 'model' is a required property (at profiles.a)"
    )
    assert render.text_line(UNLOCATED) == "-: error [file.not-found] no such file"


def test_text_has_a_summary() -> None:
    assert render.text([ERROR, WARNING]).splitlines()[-1] == "1 error, 1 warning"
    assert render.text([]) == "valid: no problems\n"


def test_colour_only_when_asked() -> None:
    assert "\033[" not in render.text([ERROR])
    assert "\033[1;31merror\033[0m" in render.text([ERROR], colour=True)


def test_use_colour_honours_no_color_and_terminals() -> None:
    assert render.use_colour(True, {})
    assert not render.use_colour(False, {})
    assert not render.use_colour(True, {"NO_COLOR": "1"})
    assert not render.use_colour(True, {"TERM": "dumb"})


def test_validation_json() -> None:
    document = json.loads(render.validation_json([ERROR, UNLOCATED], valid=False))
    assert document == {
        "valid": False,
        "problems": [
            {
                "file": "f.yaml",
                "line": 3,
                "column": 3,
                "path": "profiles.a",
                "code": "schema.required",
                "level": "error",
                "message": "'model' is a required property",
            },
            {
                "file": None,
                "line": None,
                "column": None,
                "path": "",
                "code": "file.not-found",
                "level": "error",
                "message": "no such file",
            },
        ],
    }


def test_github_annotations_escape_their_data() -> None:
    tricky = Problem("x.y", "50%\nnext", Level.WARNING, Location("a,b:c.yaml", 1, 2))
    assert render.github([ERROR, tricky]).splitlines() == [
        "::error file=f.yaml,line=3,col=3,title=schema.required::"
        "'model' is a required property (at profiles.a)",
        "::warning file=a%2Cb%3Ac.yaml,line=1,col=2,title=x.y::50%25%0Anext",
    ]
