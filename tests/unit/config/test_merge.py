from __future__ import annotations

from pathlib import Path

from reconciler.config.load import parse_text
from reconciler.config.merge import Part, expand, merge


def part(name: str, text: str) -> Part:
    parsed = parse_text(text, name)
    assert parsed.document is not None
    return Part(name, parsed.document, parsed.sources)


def test_sections_merge_and_a_duplicate_name_cites_both_places() -> None:
    first = part("a.yaml", "version: 1\nprofiles:\n  x: {provider: openai, model: m}\n")
    second = part("b.yaml", "version: 1\nprofiles:\n  y: {provider: openai, model: m}\n  x: {}\n")
    document, sources, problems = merge([first, second])
    assert set(document["profiles"]) == {"x", "y"}
    assert document["profiles"]["x"] == {"provider": "openai", "model": "m"}  # the first wins
    (problem,) = problems
    assert problem.code == "name.duplicate"
    assert (problem.location.file, problem.location.line) == ("b.yaml", 4)  # type: ignore[union-attr]
    assert "a.yaml:3:3" in problem.message
    assert sources.locate(("profiles", "y"), key=True).file == "b.yaml"  # type: ignore[union-attr]


def test_settings_must_agree() -> None:
    first = part("a.yaml", "version: 1\nsettings: {deployment: platform}\n")
    same = part("b.yaml", "version: 1\nsettings: {deployment: platform, inference_mode: managed}\n")
    other = part("c.yaml", "version: 1\nsettings:\n  deployment: self-hosted\n")
    document, _sources, problems = merge([first, same, other])
    assert document["settings"] == {"deployment": "platform", "inference_mode": "managed"}
    (problem,) = problems
    assert (problem.code, problem.location.file, problem.location.line) == (  # type: ignore[union-attr]
        "settings.conflict",
        "c.yaml",
        3,
    )
    assert "a.yaml:2:24" in problem.message


def test_folders_expand_to_their_sorted_yaml_files(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "c.txt"):
        (tmp_path / name).write_text("version: 1\n")
    (tmp_path / "sub").mkdir()
    files, problems = expand([str(tmp_path), "other.yaml"])
    assert [name for _path, name in files] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b.yml"),
        "other.yaml",
    ]
    assert problems == []


def test_an_empty_folder_is_a_problem(tmp_path: Path) -> None:
    _files, problems = expand([str(tmp_path)])
    assert [p.code for p in problems] == ["file.not-found"]


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\n", encoding="utf-8")
    given = str(tmp_path / "a.yaml")
    files, problems = expand([str(tmp_path), given, given])
    assert [name for _, name in files] == [str(tmp_path / "a.yaml")]
    assert problems == []


def test_settings_ignore_must_agree_as_a_whole_in_any_order() -> None:
    first = part("a.yaml", "version: 1\nsettings:\n  ignore: {profiles: [label, temperature]}\n")
    same = part("b.yaml", "version: 1\nsettings:\n  ignore: {profiles: [temperature, label]}\n")
    also = part(
        "c.yaml",
        "version: 1\nsettings:\n  ignore: {profiles: [label, temperature], providers: []}\n",
    )
    assert merge([first, same, also])[2] == []
    fewer = part("d.yaml", "version: 1\nsettings:\n  ignore: {profiles: [label]}\n")
    other = part("e.yaml", "version: 1\nsettings:\n  ignore: {providers: [enabled]}\n")
    document, _sources, problems = merge([first, fewer, other])
    assert document["settings"]["ignore"] == {"profiles": ["label", "temperature"]}
    assert [(p.code, p.location.file) for p in problems] == [  # type: ignore[union-attr]
        ("settings.conflict", "d.yaml"),
        ("settings.conflict", "e.yaml"),
    ]


def test_storage_belongs_to_one_file() -> None:
    storage = "storage:\n  profiles: {table: t, columns: {provider: p, model: m}}\n"
    first = part("a.yaml", f"version: 1\n{storage}")
    second = part("b.yaml", f"version: 1\nprofiles: {{}}\n{storage}")
    document, _sources, problems = merge([first, second])
    assert document["storage"] == first.document["storage"]
    (problem,) = problems
    assert (problem.code, problem.location.file, problem.location.line) == (  # type: ignore[union-attr]
        "storage.conflict",
        "b.yaml",
        3,
    )
    assert "a.yaml:2:1" in problem.message
    alone = merge([first, part("c.yaml", "version: 1\nprofiles: {}\n")])
    assert alone[0]["storage"] == first.document["storage"] and alone[2] == []
