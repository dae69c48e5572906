from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reconciler.config.interpolate import interpolate
from reconciler.config.load import parse_text
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${X", "malformed reference '${X' (no closing '}'): expected ${NAME} or ${NAME:-default}"),
        ("${1X}", "malformed reference '${1X}': expected ${NAME} or ${NAME:-default}"),
        ("a ${b c} d", "malformed reference '${b c}': expected ${NAME} or ${NAME:-default}"),
    ],
)
def test_a_malformed_reference_is_quoted_as_written(text: str, message: str) -> None:
    _, problems = interpolate({"a": text}, [("a",)], {}, SOURCES)
    assert [p.message for p in problems] == [message]


def test_a_long_malformed_reference_is_cut() -> None:
    _, problems = interpolate({"a": "${" + "x y" * 5000}, [("a",)], {}, SOURCES)
    (problem,) = problems
    assert len(problem.message) < 200
    assert "…' (15,002 characters)" in problem.message


PLAIN_TEXT = st.text(st.sampled_from("0123456789_.+-eExXoObB:~aflnrstuTFN "), max_size=8)


@settings(max_examples=300)
@given(PLAIN_TEXT)
@example("1_0")
@example("0b11")
@example("+.inf")
def test_an_interpolated_plain_value_is_typed_as_the_same_text_written(text: str) -> None:
    """``v: ${X}`` with X=text reads as ``v: text`` would (where text is a plain scalar)."""
    literal = parse_text(f"v: {text}\n", "f.yaml")
    if literal.problems or literal.document is None or text != text.strip():
        return  # not a plain scalar's text
    parsed = parse_text("v: ${X}\n", "f.yaml")
    assert parsed.document is not None
    result, problems = interpolate(
        parsed.document, parsed.templates, {"X": text}, parsed.sources, parsed.plain
    )
    assert problems == []
    value, expected = result["v"], literal.document["v"]
    assert type(value) is type(expected)
    assert value == expected or (value != value and expected != expected)  # NaN


def test_an_interpolated_underscore_number_is_the_number() -> None:
    assert run("${MTOK}", {"MTOK": "1_0"}, plain=True) == (10, [])
    assert run("${MTOK}", {"MTOK": "1_0"}) == ("1_0", [])  # quoted: a string
