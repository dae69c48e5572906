"""The CI examples in ``examples/ci/`` and the pre-commit hook: their YAML parses, they do what
the README says, and every ``reconcile ...`` command line they run names a command, options and
choices that exist in the click command tree (so renaming a flag breaks this test, not a
user's pipeline)."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from reconciler.cli import cli
from reconciler.config.load import read_file

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "examples" / "ci" / "github-actions.yaml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yaml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
# Commands being built on other branches: until they land, their lines are skipped, not passed.
PENDING: set[str] = set()
GITLAB_KEYWORDS = {"workflow", "stages", "variables", "default", "include", "image", "services"}
SHELL_KEYS = ("before_script", "script", "after_script")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
OPERATOR = re.compile(r"^[;&|()<>]+$")


def load(path: Path) -> Any:
    parsed = read_file(path)
    assert parsed.problems == (), parsed.problems
    return parsed.document


def github_scripts(workflow: dict[str, Any]) -> Iterator[str]:
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"]


def gitlab_scripts(pipeline: dict[str, Any]) -> Iterator[str]:
    for name, job in pipeline.items():
        if name in GITLAB_KEYWORDS - {"default"} or not isinstance(job, dict):
            continue
        for key in SHELL_KEYS:
            yield from job.get(key, [])


def without_heredocs(script: str) -> Iterator[str]:
    """Shell lines, continuations joined, here-document bodies (inline Python) left out."""
    lines = iter(script.replace("\\\n", " ").splitlines())
    for line in lines:
        yield line
        if found := HEREDOC.search(line):
            for body in lines:
                if body.strip() == found.group(2):
                    break


def reconcile_commands(script: str) -> Iterator[list[str]]:
    """The argument lists of every ``reconcile`` invocation in a shell script."""
    for line in without_heredocs(script):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
        for index, token in enumerate(tokens):
            before = tokens[index - 1] if index else ";"
            if token == "reconcile" and (OPERATOR.match(before) or before in ("then", "do")):
                yield _arguments(tokens[index + 1 :])


def _arguments(tokens: list[str]) -> list[str]:
    arguments: list[str] = []
    for index, token in enumerate(tokens):
        if OPERATOR.match(token):
            break
        follows = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token.isdigit() and follows.startswith((">", "<")):  # 2> file: a redirection
            break
        arguments.append(token)
    return arguments


def problems_with(arguments: list[str]) -> list[str]:
    """What is wrong with ``reconcile <arguments>`` against the click tree; [] when it exists."""
    command: click.Command = cli
    words = list(arguments)
    path = ["reconcile"]
    while isinstance(command, click.Group):
        if not words:
            return [f"{' '.join(path)}: no subcommand"]
        name = words.pop(0)
        found = command.get_command(click.Context(command), name)
        if found is None:
            if len(path) == 1 and name in PENDING:
                pytest.skip(f"`reconcile {name}` has not landed on this branch yet")
            return [f"{' '.join(path)} has no command {name!r}"]
        command, path = found, [*path, name]
    return _option_problems(command, words, " ".join(path))


def _option_problems(command: click.Command, words: list[str], name: str) -> list[str]:
    options: dict[str, click.Option] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            options.update(dict.fromkeys([*param.opts, *param.secondary_opts], param))
    capacity = sum(
        float("inf") if p.nargs < 0 else p.nargs
        for p in command.params
        if isinstance(p, click.Argument)
    )
    problems: list[str] = []
    positional = 0
    while words:
        word = words.pop(0)
        if not word.startswith("-") or word == "-":
            positional += 1
            continue
        flag, has_value, value = word.partition("=")
        option = options.get(flag)
        if option is None:
            problems.append(f"{name} has no option {flag}")
        elif option.is_flag or option.count:
            if has_value:
                problems.append(f"{name} {flag} takes no value")
        else:
            value = value if has_value else (words.pop(0) if words else "")
            choices = option.type.choices if isinstance(option.type, click.Choice) else None
            if choices is not None and value not in choices:
                problems.append(f"{name} {flag} {value!r} is not one of {list(choices)}")
    if positional > capacity:
        problems.append(f"{name} takes {capacity} positional arguments, given {positional}")
    return problems


def command_lines() -> list[tuple[str, list[str]]]:
    lines = [
        *(("github", args) for s in github_scripts(load(GITHUB)) for args in reconcile_commands(s)),
        *(("gitlab", args) for s in gitlab_scripts(load(GITLAB)) for args in reconcile_commands(s)),
    ]
    hook_entries = [hook["entry"] for hook in _hooks()]
    lines += [("pre-commit", args) for e in hook_entries for args in reconcile_commands(e)]
    return lines


def _hooks() -> list[dict[str, Any]]:
    # A list at the top, which the config loader refuses by design: read it plainly.
    loaded: list[dict[str, Any]] = YAML(typ="safe").load(HOOKS.read_text())
    return loaded


LINES = command_lines()


@pytest.mark.parametrize(
    ("source", "arguments"), LINES, ids=[f"{s}: {' '.join(a)}" for s, a in LINES]
)
def test_every_reconcile_command_line_exists(source: str, arguments: list[str]) -> None:
    assert problems_with(arguments) == []


@pytest.mark.parametrize(
    ("source", "wanted"),
    [
        ("github", ["validate", "-f", "config/", "--format", "github"]),
        (
            "github",
            ["plan", "-f", "config/", "--format", "markdown", "--out", "plan.json"]
            + ["--max-chars", "65000"],  # a comment holds 65,536, with the workflow's header
        ),
        ("github", ["apply", "plan.json"]),
        ("gitlab", ["validate", "-f", "config/"]),
        (
            "gitlab",
            ["plan", "-f", "config/", "--format", "markdown", "--out", "plan.json"]
            + ["--max-chars", "999000"],  # a note holds 1,000,000
        ),
        ("gitlab", ["apply", "plan.json"]),
        ("pre-commit", ["validate", "--only-configs"]),
    ],
)
def test_each_example_runs_the_commands_it_promises(source: str, wanted: list[str]) -> None:
    assert any(s == source and args[: len(wanted)] == wanted for s, args in LINES), LINES


def test_github_workflow_plans_pull_requests_and_applies_on_merge() -> None:
    workflow = load(GITHUB)
    assert set(workflow["on"]) == {"pull_request", "push"}
    plan, apply = workflow["jobs"]["plan"], workflow["jobs"]["apply"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert apply["if"] == "github.event_name == 'push'"
    uses = [step.get("uses", "") for step in plan["steps"]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    comment = next(
        s for s in plan["steps"] if s.get("uses", "").startswith("actions/github-script")
    )
    script = comment["with"]["script"]
    assert "updateComment" in script and "createComment" in script  # one comment, updated
    assert plan["permissions"]["pull-requests"] == "write"
    assert any(s.get("uses", "").startswith("actions/download-artifact@") for s in apply["steps"])


def test_gitlab_pipeline_plans_merge_requests_and_applies_on_the_default_branch() -> None:
    pipeline = load(GITLAB)
    assert pipeline["stages"] == ["validate", "plan", "apply"]
    assert "plan.json" in pipeline["plan"]["artifacts"]["paths"]
    assert pipeline["apply"]["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    assert pipeline["apply"]["resource_group"] == "production"
    scripts = "\n".join(pipeline["plan"]["script"])
    assert "/notes" in scripts and '"PUT"' in scripts  # one note, updated


def test_pre_commit_hook_definition() -> None:
    (hook,) = _hooks()
    assert hook["id"] == "reconcile-validate"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["validate", "--formats", "github"], "reconcile validate has no option --formats"),
        (["validate", "--format", "sarif"], "reconcile validate --format 'sarif' is not one of"),
        (["validate", "--strict=yes"], "reconcile validate --strict takes no value"),
        (["completion", "bash", "zsh"], "reconcile completion takes 1 positional arguments"),
        (["valdiate"], "reconcile has no command 'valdiate'"),
    ],
)
def test_the_checker_catches_a_wrong_command_line(arguments: list[str], problem: str) -> None:
    assert any(found.startswith(problem) for found in problems_with(arguments))


def test_command_lines_are_found_in_shell_text() -> None:
    script = (
        "set +e\n"
        "reconcile plan -f config/ \\\n  --out plan.json > plan.md 2>&1\n"
        "code=$?; [ $code -eq 0 ] && reconcile validate x.yaml # reconcile apply\n"
        "python3 - <<'PY'\nreconcile schema\nPY\n"
        "pip install reconciler; echo reconcile history\n"
    )
    assert list(reconcile_commands(script)) == [
        ["plan", "-f", "config/", "--out", "plan.json"],
        ["validate", "x.yaml"],
    ]


def test_inline_python_of_the_gitlab_pipeline_compiles() -> None:
    pipeline = load(GITLAB)
    bodies = [
        script.split("<<'PY'\n", 1)[1].rsplit("\nPY", 1)[0]
        for name in ("plan", "apply")
        for script in pipeline[name]["script"]
        if "<<'PY'" in script
    ]
    assert len(bodies) == 2
    for body in bodies:
        compile(body, "gitlab-ci.yaml", "exec")


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (GITHUB, ["--builtin-schema", "vendor.github-workflows"]),
        (GITLAB, ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci"]),
    ],
    ids=["github", "gitlab"],
)
def test_ci_files_match_their_platform_schema(
    path: Path, schema: list[str], python_tools: Path
) -> None:
    # check-jsonschema vendors GitHub's and GitLab's own schemas: a misspelt key fails here.
    command = [str(python_tools / "check-jsonschema"), *schema, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
