"""``plan --max-chars`` and ``reconcile show`` through the real CLI, on every backend: a big plan
fits a comment, stays framed, and the saved plan shows again, whole or cut, with no database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from generate import generate

from reconciler.cli import cli
from tests.frames import assert_markdown_framed

NOWHERE = "postgresql://nobody:secret@127.0.0.1:9/none"
"""A database URL nothing answers: ``show`` must not need one."""
PROMPT = "".join(
    f"      Rule {i}: answer politely and cite the sources you used.\n" for i in range(60)
)


def reconcile(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def config_file(tmp_path: Path, profiles: int = 200, *, model: str = "model-large-2025") -> str:
    """The benchmark's config of ``profiles`` profiles, each with a 3.7 KB system_prompt."""
    text = generate(profiles).replace("model-large-2025", model)
    text = text.replace(
        "    max_tokens: 4096\n", "    max_tokens: 4096\n    system_prompt: |\n" + PROMPT
    )
    path = tmp_path / "reconcile.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def saved_plan(tmp_path: Path, url: str, config: str, *args: str) -> tuple[Path, Result]:
    plan_file = tmp_path / "plan.json"
    result = reconcile("plan", "-f", config, "--database-url", url, "--out", str(plan_file), *args)
    assert result.exit_code == 0, result.output
    return plan_file, result


def test_ten_thousand_profiles_fit_a_github_comment_by_default(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(generate(10_000), encoding="utf-8")
    result = reconcile(
        "plan", "-f", str(path), "--database-url", database_url, "--format", "markdown"
    )
    assert result.exit_code == 0, result.output
    assert 60_000 < len(result.stdout) <= 65_000
    assert_markdown_framed(result.stdout)
    assert "<details><summary>Profiles: 10000 changes</summary>" in result.stdout


@pytest.mark.parametrize("max_chars", [1_000, 5_000, 65_000])
def test_markdown_keeps_to_max_chars_and_shows_the_same_from_the_plan_file(
    database_url: str, tmp_path: Path, max_chars: int
) -> None:
    config = config_file(tmp_path)
    args = ("--format", "markdown", "--max-chars", str(max_chars))
    plan_file, planned = saved_plan(tmp_path, database_url, config, *args)
    markdown = planned.stdout
    assert len(markdown) <= max_chars
    assert_markdown_framed(markdown)
    assert "more (see the plan file)" in markdown
    shown = reconcile("show", str(plan_file), *args, env={"RECONCILE_DATABASE_URL": NOWHERE})
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == markdown
    whole = reconcile("show", str(plan_file), "--format", "markdown", "--max-chars", "10000000")
    assert len(whole.stdout) > 700_000
    assert "more (see the plan file)" not in whole.stdout


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_show_prints_the_saved_plan_as_plan_printed_it_without_a_database(
    database_url: str, tmp_path: Path, output: str
) -> None:
    config = config_file(tmp_path, 20)
    plan_file, planned = saved_plan(tmp_path, database_url, config, "--format", output)
    shown = reconcile(
        "show", str(plan_file), "--format", output, env={"RECONCILE_DATABASE_URL": NOWHERE}
    )
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == planned.stdout
    assert "secret" not in shown.output


def test_alike_updates_are_one_entry_and_a_prompt_edit_a_line_diff(
    database_url: str, tmp_path: Path
) -> None:
    before = config_file(tmp_path, 300, model="m-2025")
    applied = reconcile("apply", "-f", before, "--database-url", database_url, "--yes")
    assert applied.exit_code == 0, applied.output
    after = Path(config_file(tmp_path, 300, model="m-2026"))
    after.write_text(
        after.read_text(encoding="utf-8").replace("Rule 7: answer", "Rule 7: always answer"),
        encoding="utf-8",
    )
    for output in ("text", "markdown"):
        result = reconcile(
            "plan", "-f", str(after), "--database-url", database_url, "--format", output
        )
        assert result.exit_code == 0, result.output
        assert "300 profiles alike: profile-0, profile-1, profile-10, profile-100" in result.stdout
        assert result.stdout.count("model: m-2025 -> m-2026") == 1
        assert "- | Rule 7: answer politely and cite the sources you used." in result.stdout
        assert "+ | Rule 7: always answer politely and cite the sources you used." in result.stdout
        assert "  | Rule 4: answer politely" in result.stdout  # context
        assert "Rule 30:" not in result.stdout


def test_a_tampered_plan_file_is_a_located_error(database_url: str, tmp_path: Path) -> None:
    plan_file, _ = saved_plan(tmp_path, database_url, config_file(tmp_path, 3))
    document = json.loads(plan_file.read_text(encoding="utf-8"))
    document["changes"][0]["kind"] = "profile"
    plan_file.write_text(json.dumps(document), encoding="utf-8")
    result = reconcile("show", str(plan_file))
    assert result.exit_code == 1
    assert f"{plan_file}:1:1: error [plan.schema] not a profile row" in result.output
    assert "(at changes[0].after)" in result.output
    assert "unexpected" not in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--max-chars", "999"), "'999' is too small: a markdown plan needs at least 1,000"),
        (("--max-chars", "-5"), "'-5' is too small"),
        (("--max-chars", "lots"), "'lots' is not a whole number of characters"),
        (("--max-chars", "5000"), "--max-chars applies to --format markdown only"),
        (("--format", "json", "--max-chars", "5000"), "--format json is never cut"),
    ],
)
@pytest.mark.parametrize("command", ["plan", "show"])
def test_a_nonsensical_max_chars_is_a_usage_error(
    tmp_path: Path, command: str, args: tuple[str, ...], said: str
) -> None:
    target = (
        ("-f", str(tmp_path / "none.yaml")) if command == "plan" else (str(tmp_path / "p.json"),)
    )
    result = reconcile(command, *target, *args)
    assert result.exit_code == 64, result.output
    assert said in result.output


def test_show_loads_no_database_driver(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    config = config_file(tmp_path, 2)
    made = reconcile(
        "plan",
        "-f",
        config,
        "--database-url",
        f"sqlite:///{tmp_path}/x.db",
        "--out",
        str(plan_file),
    )
    assert made.exit_code == 0, made.output
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('sqlalchemy' in sys.modules, file=sys.stderr))\n"
        "from reconciler.cli import main\n"
        f"sys.argv = ['reconcile', 'show', {str(plan_file)!r}]\n"
        "main()\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().endswith("False")
