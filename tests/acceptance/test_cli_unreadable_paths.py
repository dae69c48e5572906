"""``-f`` paths that cannot be read as a file, even by root: every command that takes ``-f``
reports them located at the path, exit 1 (DESIGN 4, 8), and ``plan --format json`` still prints
its one document (DESIGN 9). Nothing may hang (a FIFO) or read forever (a device)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli

GOOD = "version: 1\nproviders:\n  eu: {type: anthropic}\n"


def unreadable(tmp_path: Path, kind: str) -> tuple[str, str]:
    """A ``-f`` path of ``kind`` and the problem code it must get."""
    path = tmp_path / "reconcile.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        return "/dev/zero", "file.unreadable"
    elif kind == "through-a-file":
        path.write_text(GOOD, encoding="utf-8")
        return str(path / "b.yaml"), "file.unreadable"
    elif kind == "symlink-loop":
        (tmp_path / "other.yaml").symlink_to(path)
        path.symlink_to(tmp_path / "other.yaml")
    elif kind == "name-too-long":
        return str(tmp_path / ("a" * 300 + ".yaml")), "file.unreadable"
    elif kind == "dangling-link":
        path.symlink_to(tmp_path / "nowhere.yaml")
        return str(path), "file.not-found"
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01\x02binary")
        return str(path), "file.encoding"
    elif kind == "folder-without-yaml":
        path.mkdir()
        return str(path), "file.not-found"
    return str(path), "file.unreadable"


KINDS = [
    "fifo",
    "device",
    "through-a-file",
    "symlink-loop",
    "name-too-long",
    "dangling-link",
    "binary",
    "folder-without-yaml",
]


def located(path: str, code: str) -> str:
    """How the problem line starts: at the path, line 1 (column 3: a binary file's first NUL)."""
    column = 3 if code == "file.encoding" else 1
    return f"{path}:1:{column}: error [{code}]"


def reconcile(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "unexpected failure" not in result.output
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("kind", KINDS)
def test_offline_commands_report_an_unreadable_path(tmp_path: Path, kind: str) -> None:
    path, code = unreadable(tmp_path, kind)
    for command in (["validate"], ["backfill"], ["backfill", "--write"]):
        result = reconcile(*command, "-f", path)
        assert result.exit_code == 1, (command, result.output)
        assert located(path, code) in result.output, (command, result.output)
    positional = reconcile("validate", path)
    assert positional.exit_code == 1
    assert located(path, code) in positional.output


@pytest.mark.parametrize("kind", KINDS)
def test_plan_and_apply_report_an_unreadable_path(
    database_url: str, tmp_path: Path, kind: str
) -> None:
    path, code = unreadable(tmp_path, kind)
    for command in (["plan"], ["apply", "--yes"]):
        result = reconcile(*command, "-f", path, "--database-url", database_url)
        assert result.exit_code == 1, (command, result.output)
        assert located(path, code) in result.output, (command, result.output)
    result = reconcile("plan", "-f", path, "--format", "json", "--database-url", database_url)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["changes"] == []
    assert [(p["file"], p["code"]) for p in document["problems"]] == [(path, code)]


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["apply", "--yes"], ["backfill"]])
def test_an_empty_f_path_is_a_usage_error_not_the_current_folder(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reconcile.yaml").write_text(GOOD, encoding="utf-8")
    result = reconcile(*command, "-f", "", "-f", "reconcile.yaml")
    assert result.exit_code == 64, result.output
    assert "an empty path names no file or folder" in result.output
    assert not (tmp_path / "reconcile.db").exists()
