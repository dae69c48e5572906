"""``reconcile validate PATH...``: positional paths as pre-commit passes them, and
``--only-configs`` skipping YAML files that are not configs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import cli

GOOD = "version: 1\nprofiles:\n  a: {provider: openai, model: m}\n"
BAD = "version: 1\nprofiles:\n  a: {provider: openai, model: m, temperature: 9}\n"
WORKFLOW = "version: 2\non: push\njobs:\n  build: {runs-on: ubuntu-latest}\n"


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def files(tmp_path: Path, **texts: str) -> dict[str, str]:
    written = {}
    for name, text in texts.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        written[name] = str(path)
    return written


def test_positional_paths_are_validated(tmp_path: Path) -> None:
    paths = files(tmp_path, good=GOOD, bad=BAD)
    assert validate(paths["good"]) == (0, "valid: no problems\n")
    status, output = validate(paths["good"], paths["bad"])
    assert status == 1
    assert f"{paths['bad']}:3:48: error [schema.maximum]" in output
    assert paths["good"] not in output


def test_each_positional_path_is_a_config_of_its_own(tmp_path: Path) -> None:
    # Two environments may declare the same names: pre-commit passes both in one call.
    paths = files(tmp_path, staging=GOOD, prod=GOOD)
    assert validate(paths["staging"], paths["prod"])[0] == 0
    status, output = validate("-f", paths["staging"], "-f", paths["prod"])
    assert status == 1 and "[name.duplicate]" in output


def test_positional_paths_and_f_options_combine(tmp_path: Path) -> None:
    paths = files(tmp_path, good=GOOD, bad=BAD)
    status, output = validate("-f", paths["good"], paths["bad"], "--format", "json")
    assert status == 1
    document = json.loads(output)
    assert document["valid"] is False
    assert [problem["file"] for problem in document["problems"]] == [paths["bad"]]


def test_a_positional_folder_merges_its_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    status, output = validate(str(tmp_path))
    assert status == 1 and "[name.duplicate]" in output


def test_without_only_configs_every_yaml_file_is_reported(tmp_path: Path) -> None:
    paths = files(tmp_path, workflow=WORKFLOW)
    status, output = validate(paths["workflow"])
    assert status == 1 and "[schema.const]" in output


def test_only_configs_skips_other_yaml_silently(tmp_path: Path) -> None:
    paths = files(tmp_path, good=GOOD, bad=BAD, workflow=WORKFLOW, manifest="kind: Pod\n")
    status, output = validate("--only-configs", paths["workflow"], paths["manifest"])
    assert (status, output) == (0, "valid: no problems\n")
    status, output = validate("--only-configs", *paths.values())
    assert status == 1
    assert "[schema.maximum]" in output
    assert paths["workflow"] not in output and paths["manifest"] not in output


def test_only_configs_still_reports_a_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.yaml")
    status, output = validate("--only-configs", missing)
    assert status == 1 and f"{missing}:1:1: error [file.not-found]" in output


def test_only_configs_leaves_f_alone(tmp_path: Path) -> None:
    paths = files(tmp_path, workflow=WORKFLOW)
    assert validate("--only-configs", "-f", paths["workflow"])[0] == 1
