"""The CI examples in ``examples/ci/`` and the pre-commit hook: their YAML parses, they do what
the README says, and every ``reconcile ...`` command line they run names a command, options and
choices that exist in the click command tree (so renaming a flag breaks this test, not a
user's pipeline)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Callable, Iterator
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
ACTION = ROOT / "action.yml"
ACTION_REF = "YOUR-ORG/YOUR-REPO@FULL-COMMIT-SHA"
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
        ("github", ["validate", "-f", "config/", "--format", "sarif"]),
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


def action_steps(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The steps that use the reconcile action, by the command they run."""
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    mine = [step for step in steps if step.get("uses", "").startswith(ACTION_REF.split("@")[0])]
    assert {step["uses"] for step in mine} == {ACTION_REF}, "one pinned ref for every job"
    return {step["with"]["command"]: step for step in mine}


def test_github_workflow_uses_the_action_to_validate_plan_and_apply() -> None:
    workflow = load(GITHUB)
    assert set(workflow["on"]) == {"pull_request", "push", "workflow_dispatch"}
    # A required check must start on every pull request: no paths filter on pull_request.
    assert workflow["on"]["pull_request"] is None
    jobs = workflow["jobs"]
    assert jobs["validate"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["plan"]["if"] == "github.event_name != 'push'"
    steps = action_steps(workflow)
    assert set(steps) == {"validate", "plan", "apply"}
    plan, apply = steps["plan"], steps["apply"]
    assert plan["with"]["config"] == "config/" and "max-deletes" in plan["with"]
    assert "RECONCILE_PLAN_DATABASE_URL" in plan["with"]["database-url"]
    assert apply["with"]["plan-file"] == "plan.json"
    assert "RECONCILE_DATABASE_URL" in apply["with"]["database-url"]
    assert apply["with"]["pull-request"] == "${{ steps.find.outputs.number }}"  # comments back
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"
    assert jobs["apply"]["permissions"]["pull-requests"] == "write"
    uses = [step.get("uses", "") for job in jobs.values() for step in job["steps"]]
    for action in ("upload-artifact@", "download-artifact@", "codeql-action/upload-sarif@"):
        assert any(action in u for u in uses), action


def test_github_workflow_concurrency_never_cancels_a_running_deploy() -> None:
    jobs = load(GITHUB)["jobs"]
    assert jobs["plan"]["concurrency"]["cancel-in-progress"] is True
    deploy = jobs["apply"]["concurrency"]
    assert deploy == {"group": "reconcile-production", "cancel-in-progress": False}
    text = GITHUB.read_text()
    assert "deploys queue, never cancel" not in text  # GitHub cancels an older pending run
    assert "*pending* run per group" in text


def test_github_plan_skips_its_work_when_the_config_is_unchanged() -> None:
    (plan_job,) = [job for name, job in load(GITHUB)["jobs"].items() if name == "plan"]
    checkout, changed, plan, upload = plan_job["steps"]
    assert checkout["with"]["fetch-depth"] == 2
    assert "git diff --quiet HEAD^1 HEAD -- config/" in changed["run"]
    assert plan["if"] == "steps.changed.outputs.config == 'true'"
    assert upload["if"] == "steps.plan.outputs.plan-file != ''"


def test_github_workflow_can_plan_again_and_apply_that_plan_by_hand() -> None:
    workflow = load(GITHUB)
    assert workflow["on"]["workflow_dispatch"]["inputs"]["apply"]["type"] == "boolean"
    apply = workflow["jobs"]["apply"]
    assert apply["needs"] == "plan" and apply["environment"] == "production"
    assert "inputs.apply" in apply["if"] and "needs.plan.outputs.has-changes" in apply["if"]


def test_gitlab_pipeline_plans_merge_requests_and_applies_on_the_default_branch() -> None:
    pipeline = load(GITLAB)
    assert pipeline["stages"] == ["validate", "plan", "apply"]
    assert "plan.json" in pipeline["plan"]["artifacts"]["paths"]
    assert pipeline["apply"]["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    assert pipeline["apply"]["resource_group"] == "production"
    scripts = "\n".join(pipeline["plan"]["after_script"])
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
        (["validate", "--format", "junit"], "reconcile validate --format 'junit' is not one of"),
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
        for key in SHELL_KEYS
        for script in pipeline[name].get(key, [])
        if "<<'PY'" in script
    ]
    assert len(bodies) == 2
    for body in bodies:
        compile(body, "gitlab-ci.yaml", "exec")


def test_gitlab_plan_note_is_always_this_pipelines() -> None:
    """The note is written in after_script, which runs whatever the script did: an old plan
    never stays standing on a failed plan, and plan runs even when validate fails."""
    plan = load(GITLAB)["plan"]
    assert plan["needs"] == []
    assert '"PUT"' in plan["after_script"][0] and "plan.err" in plan["after_script"][0]
    assert "exit" in plan["script"][-1] and "plan.exitcode" in plan["script"][-1]
    assert "[:900_000]" not in GITLAB.read_text()  # the tool's --max-chars, never a slice


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (GITHUB, ["--builtin-schema", "vendor.github-workflows"]),
        (ACTION, ["--builtin-schema", "vendor.github-actions"]),
        (GITLAB, ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci"]),
    ],
    ids=["github", "action", "gitlab"],
)
def test_ci_files_match_their_platform_schema(
    path: Path, schema: list[str], python_tools: Path
) -> None:
    # check-jsonschema vendors GitHub's and GitLab's own schemas: a misspelt key fails here.
    command = [str(python_tools / "check-jsonschema"), *schema, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def action_as_workflow() -> dict[str, Any]:
    """The action's steps as a reusable workflow whose inputs are the action's, which actionlint
    checks like any workflow (it does not read action metadata files themselves)."""
    action: dict[str, Any] = YAML(typ="safe").load(ACTION.read_text())
    inputs = {
        name: {
            "type": "string",
            "required": bool(spec.get("required")),
            **(
                {"default": spec["default"]} if "${{" not in str(spec.get("default", "${{")) else {}
            ),
        }
        for name, spec in action["inputs"].items()
    }
    return {
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }


def test_actionlint_passes_the_workflow_and_the_action(
    actionlint: Callable[..., list[dict[str, Any]]], tmp_path: Path
) -> None:
    steps = tmp_path / "action-steps.yaml"
    steps.write_text(json.dumps(action_as_workflow(), indent=2))  # JSON is YAML
    assert actionlint(GITHUB, steps) == []


def test_actionlint_is_really_checking(
    actionlint: Callable[..., list[dict[str, Any]]], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    text = GITHUB.read_text().replace("inputs.apply", "inputs.aply")
    broken.write_text(text.replace("needs: plan", "needs: plann"))
    found = actionlint(broken)
    assert {problem["kind"] for problem in found} == {"expression", "job-needs"}, found
    assert any('property "aply" is not defined' in problem["message"] for problem in found)
    hostile = action_as_workflow()
    hostile["jobs"]["action"]["steps"].append(
        {"shell": "bash", "run": "echo ${{ github.event.pull_request.title }}"}
    )
    (tmp_path / "hostile.yaml").write_text(json.dumps(hostile))
    (untrusted,) = actionlint(tmp_path / "hostile.yaml")
    assert "potentially untrusted" in untrusted["message"]
