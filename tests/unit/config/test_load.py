from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.config.load import MAX_DEPTH, parse_text, read_file
from reconciler.errors import Location


def codes(text: str) -> list[tuple[str, int, int]]:
    parsed = parse_text(text, "f.yaml")
    return [(p.code, p.location.line, p.location.column) for p in parsed.problems if p.location]


def test_keys_and_values_are_located_one_based() -> None:
    parsed = parse_text("version: 1\nprofiles:\n  a:\n    model: m\n", "f.yaml")
    assert parsed.document == {"version": 1, "profiles": {"a": {"model": "m"}}}
    assert parsed.sources.keys[("profiles", "a", "model")] == Location("f.yaml", 4, 5)
    assert parsed.sources.values[("profiles", "a", "model")] == Location("f.yaml", 4, 12)
    assert parsed.sources.locate(("profiles", "a", "provider"), key=True) == Location(
        "f.yaml", 3, 3
    )


def test_duplicate_key_is_located_at_the_second_and_cites_the_first() -> None:
    parsed = parse_text("a: 1\nb: 2\na: 3\n", "f.yaml")
    (problem,) = parsed.problems
    assert (problem.code, problem.location, problem.path) == (
        "yaml.duplicate-key",
        Location("f.yaml", 3, 1),
        "a",
    )
    assert "line 1, column 1" in problem.message
    assert parsed.document == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("- 1\n", 1, 1), ("# c\njust text\n", 2, 1), ("", 1, 1)],
)
def test_top_must_be_a_mapping(text: str, line: int, column: int) -> None:
    assert codes(text) == [("yaml.not-a-mapping", line, column)]


def test_syntax_error_carries_the_parser_line_and_column() -> None:
    assert codes("a: 1\nb: c: d\n") == [("yaml.syntax", 2, 5)]


def test_tab_indentation_says_so() -> None:
    (problem,) = parse_text("a:\n\tb: 1\n", "f.yaml").problems
    assert problem.code == "yaml.syntax"
    assert "tabs" in problem.message


def test_control_character_is_located() -> None:
    assert codes("a: 1\nb: x\x07\n") == [("yaml.syntax", 2, 5)]


def test_several_documents_are_refused() -> None:
    assert codes("a: 1\n---\nb: 2\n") == [("yaml.syntax", 2, 1)]


def test_alias_bomb_is_refused_with_flat_memory() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous, name = chr(96 + index), chr(97 + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    tracemalloc.start()
    parsed = parse_text("\n".join(lines) + "\n", "bomb.yaml")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.code for p in parsed.problems] == ["yaml.alias-budget"]
    assert parsed.document is None
    assert peak < 64 * 1024 * 1024


def test_recursive_alias_is_refused() -> None:
    assert codes("a: &a [1, *a]\n") == [("yaml.recursive-alias", 1, 4)]


def test_merge_keys_apply_and_explicit_keys_win() -> None:
    text = "d: &d {x: 1, y: 2}\ne:\n  <<: *d\n  y: 3\nf:\n  <<: [{a: 1}, {a: 2, b: 3}]\n"
    parsed = parse_text(text, "f.yaml")
    assert parsed.document["e"] == {"x": 1, "y": 3}
    assert parsed.document["f"] == {"a": 1, "b": 3}
    assert parsed.sources.values[("e", "y")] == Location("f.yaml", 4, 6)
    assert parsed.sources.values[("f", "a")] == Location("f.yaml", 6, 12)


def test_scalars_follow_the_c_loader_resolver() -> None:
    text = "a: yes\nb: on\nc: 0o17\nd: 1.5\ne: ~\nf: TRUE\ng: '1'\nh: 2024-01-01\ni: 1:20\n"
    assert parse_text(text, "f").document == {
        "a": "yes",
        "b": "on",
        "c": 15,
        "d": 1.5,
        "e": None,
        "f": True,
        "g": "1",
        "h": "2024-01-01",
        "i": "1:20",
    }


def test_templates_record_strings_to_interpolate_and_which_are_plain() -> None:
    parsed = parse_text('a: ${X}\nb: "${Y}"\nc: plain\n', "f")
    assert parsed.templates == (("a",), ("b",))
    assert parsed.plain == frozenset({("a",)})


def test_missing_file(tmp_path: Path) -> None:
    parsed = read_file(tmp_path / "nope.yaml", "nope.yaml")
    assert [(p.code, p.location) for p in parsed.problems] == [
        ("file.not-found", Location("nope.yaml", 1, 1))
    ]


def test_binary_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "blob.yaml"
    path.write_bytes(b"version: 1\n\x89PNG\x00\x01")
    (problem,) = read_file(path, "blob.yaml").problems
    assert (problem.code, problem.location) == ("file.encoding", Location("blob.yaml", 2, 5))


def test_latin1_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("version: 1\nlabel: café\n".encode("latin-1"))
    (problem,) = read_file(path, "latin.yaml").problems
    assert (problem.code, problem.location) == ("file.encoding", Location("latin.yaml", 2, 11))
    assert "0xe9" in problem.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffversion: 1\n".encode())
    assert read_file(path).document == {"version": 1}


def _block(ops: list[str], indent: int) -> str:
    """A node nested as ``ops`` says, on its own lines at ``indent``."""
    pad = " " * indent
    if not ops:
        return f"{pad}v\n"
    if ops[0] == "map":
        return f"{pad}k:\n" + _block(ops[1:], indent + 1)
    if ops[0] == "seq":
        return f"{pad}-\n" + _block(ops[1:], indent + 1)
    if ops[0] == "compact-seq":
        return f"{pad}- " + _block(ops[1:], indent + 2).lstrip(" ")
    return f"{pad}{_flow(ops)}\n"


def _flow(ops: list[str]) -> str:
    if not ops:
        return "v"
    inner = _flow(ops[1:])
    return f"[{inner}]" if ops[0] == "flow-seq" else f"{{k: {inner}}}"


NESTING = st.tuples(
    st.lists(st.sampled_from(["map", "seq", "compact-seq"]), max_size=110),
    st.lists(st.sampled_from(["flow-seq", "flow-map"]), max_size=110),
).map(lambda parts: parts[0] + parts[1])


@settings(max_examples=300)
@given(NESTING)
def test_nesting_is_refused_exactly_past_the_limit(ops: list[str]) -> None:
    """The cheap bound never lets a too-deep text through, nor refuses one within the limit."""
    parsed = parse_text("version: 1\nx:\n" + _block(ops, 1), "f.yaml")
    depth = 1 + len(ops)  # the top mapping holds x
    refused = [p for p in parsed.problems if p.code == "yaml.nesting"]
    assert bool(refused) == (depth > MAX_DEPTH)
    assert parsed.problems == tuple(refused)


def test_brackets_and_deep_indentation_in_text_are_not_nesting() -> None:
    prompt = "".join(f"{' ' * 60}[{{( line {n}\n" for n in range(200))
    text = f"version: 1\np:\n  quoted: '{'[' * 300}'\n  prompt: |\n{prompt}"
    parsed = parse_text(text, "f.yaml")
    assert parsed.problems == ()
    assert parsed.document is not None
    assert parsed.document["p"]["prompt"].count("[") == 200
