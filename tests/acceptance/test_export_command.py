"""``reconcile export`` on every backend: the same rows give the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from legacy_rows import insert_rows

from reconciler.cli import cli

GOLDEN = Path(__file__).parent.parent / "golden"
WARNINGS = """\
out.yaml:63:3: warning [export.legacy-name] provider 'Legacy_OpenAI' is written as a comment: a config cannot declare a name that is not a lowercase DNS label (the row stays in the database as it is, and a config may still reference it) (at providers.Legacy_OpenAI)
out.yaml:66:3: warning [export.legacy-name] connection 'Legacy-Key' is written as a comment: a config cannot declare a name that is not a lowercase DNS label (the row stays in the database as it is, and a config may still reference it) (at connections.Legacy-Key)
out.yaml:70:3: warning [export.legacy-name] profile 'Old Bot' is written as a comment: a config cannot declare a name that is not a lowercase DNS label (the row stays in the database as it is, and a config may still reference it) (at profiles.Old Bot)
Wrote out.yaml
"""  # noqa: E501


def export(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


def test_export_matches_the_golden_file(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_rows(database_url)
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = export("--database-url", database_url, "-o", "out.yaml")
    assert (code, stdout, stderr) == (0, "", WARNINGS)
    assert (tmp_path / "out.yaml").read_text() == (GOLDEN / "export.yaml").read_text()


def test_export_to_standard_output_is_the_same_text(database_url: str) -> None:
    insert_rows(database_url)
    code, stdout, stderr = export("--database-url", database_url)
    assert code == 0
    assert stdout == (GOLDEN / "export.yaml").read_text()
    assert stderr.count("warning [export.legacy-name]") == 3


def test_schema_ref_sets_the_editor_modeline(database_url: str) -> None:
    code, stdout, _ = export("--database-url", database_url, "--schema-ref", "../s.json")
    assert code == 0
    assert stdout.splitlines()[0] == "# yaml-language-server: $schema=../s.json"


def test_a_database_without_schema_exports_as_empty_and_is_not_touched(
    empty_database_url: str,
) -> None:
    if empty_database_url.startswith("sqlite"):  # an empty file: a missing one is an error
        Path(sa.make_url(empty_database_url).database or "").touch()
    code, stdout, stderr = export("--database-url", empty_database_url)
    assert (code, stderr) == (0, "")
    assert stdout == (GOLDEN / "export-empty.yaml").read_text()
    if empty_database_url.startswith("sqlite"):
        assert Path(sa.make_url(empty_database_url).database or "").stat().st_size == 0
    else:
        engine = sa.create_engine(empty_database_url)
        with engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == []
        engine.dispose()


def test_an_unreachable_database_is_a_one_line_error() -> None:
    code, stdout, stderr = export("--database-url", "postgresql://nobody@127.0.0.1:1/none")
    assert (code, stdout) == (1, "")
    assert stderr.startswith("error: ") and stderr.count("\n") == 1


@pytest.mark.parametrize("output", [[], ["-o", "out.yaml"]], ids=["stdout", "file"])
def test_a_missing_sqlite_file_is_an_error_and_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = export("--database-url", "sqlite:///typo.db", *output)
    assert (code, stdout) == (1, "")
    missing = tmp_path / "typo.db"
    assert stderr == f"error: no SQLite database at {missing}: the file does not exist\n"
    assert list(tmp_path.iterdir()) == []
