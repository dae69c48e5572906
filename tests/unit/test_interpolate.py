from __future__ import annotations

from typing import Any

import pytest

from reconciler.config.interpolate import interpolate
from reconciler.errors import Location, SourceMap

SOURCES = SourceMap(values={("a",): Location("f.yaml", 3, 4)})


def run(text: str, environ: dict[str, str], plain: bool = False) -> tuple[Any, list[str]]:
    document = {"a": text}
    paths = frozenset({("a",)}) if plain else frozenset()
    result, problems = interpolate(document, [("a",)], environ, SOURCES, paths)
    return result["a"], [p.code for p in problems]


@pytest.mark.parametrize(
    ("text", "environ", "value"),
    [
        ("${X}", {"X": "x"}, "x"),
        ("pre-${X}-post", {"X": "x"}, "pre-x-post"),
        ("${X:-d}", {}, "d"),
        ("${X:-d}", {"X": ""}, "d"),  # as in POSIX sh: the default also covers empty
        ("${X:-d}", {"X": "set"}, "set"),
        ("${X}", {"X": ""}, ""),
        ("$${X}", {"X": "x"}, "${X}"),
        ("${A}${B}", {"A": "1", "B": "2"}, "12"),
        ("${X:-}", {}, ""),
    ],
)
def test_substitution(text: str, environ: dict[str, str], value: str) -> None:
    assert run(text, environ) == (value, [])


def test_undefined_variable_is_located_and_left_as_written() -> None:
    document = {"a": "${NOPE}"}
    result, problems = interpolate(document, [("a",)], {}, SOURCES)
    assert result == {"a": "${NOPE}"}
    assert [(p.code, p.location, p.path) for p in problems] == [
        ("env.undefined", Location("f.yaml", 3, 4), "a")
    ]


def test_malformed_reference() -> None:
    assert run("${1X}", {})[1] == ["env.syntax"]
    assert run("${X", {})[1] == ["env.syntax"]


def test_plain_scalars_are_typed_again_quoted_ones_are_not() -> None:
    assert run("${N:-4096}", {}, plain=True) == (4096, [])
    assert run("${T}", {"T": "0.5"}, plain=True) == (0.5, [])
    assert run("${N:-4096}", {}, plain=False) == ("4096", [])


def test_only_the_path_to_a_change_is_copied_and_the_input_is_untouched() -> None:
    untouched = {"x": 1}
    document: dict[str, Any] = {"p": {"a": {"m": "${X}"}, "b": untouched}}
    result, _ = interpolate(document, [("p", "a", "m")], {"X": "v"}, SourceMap())
    assert result["p"]["a"]["m"] == "v"
    assert document["p"]["a"]["m"] == "${X}"
    assert result["p"]["b"] is untouched


def test_the_value_of_a_variable_is_never_in_a_message() -> None:
    _value, problems = interpolate({"a": "${S}${U}"}, [("a",)], {"S": "hunter2"}, SOURCES)
    assert problems and all("hunter2" not in p.message for p in problems)
