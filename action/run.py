"""The reconcile GitHub Action (``action.yml``): run one command, set the step outputs, write the
job summary and keep one comment on the pull request.

action.yml hands every input over as an ``INPUT_*`` environment variable and runs this file with
the Python it installed reconcile into, so no input ever passes through a shell, and these
modules use reconciler's own escaping. The test suite runs it the same way (tests/toolchain/).

Exit status: 0 when the command succeeded (validate and apply: 0; plan: 0, or 2 for changes),
else reconcile's own (1, 3, 4, 64); 1 also when a plan could not be posted, since the comment
left standing would be an older plan.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pull_request import CommentError, comment_body, keep_one_comment
from report import REPOSITORY, SUCCESS, Outcome, Run, report

from reconciler.errors import Level, Problem
from reconciler.render.problems import github_line

COMMANDS = tuple(SUCCESS)
MARKERS = {"plan": "<!-- reconcile-plan -->", "apply": "<!-- reconcile-apply -->"}
"""Hidden first lines that find the one comment of each kind again."""
EXIT_USAGE = 64
NUMBER = re.compile(r"[0-9]+")


class InputError(Exception):
    """An input the action cannot run with: a usage error (64)."""


@dataclass(frozen=True)
class Inputs:
    command: str
    files: tuple[str, ...]
    database_url: str
    max_deletes: str
    comment: bool
    plan_file: str
    pull_request: str
    max_chars: str
    lock_timeout: str
    actor: str


def read_inputs(environ: Mapping[str, str]) -> Inputs:
    """The inputs, checked; `InputError` names the first one that is wrong."""

    def value(name: str) -> str:
        return environ.get(f"INPUT_{name}", "").strip()

    command = value("COMMAND")
    if command not in COMMANDS:
        raise InputError(f"command must be one of {', '.join(COMMANDS)}, not {command!r}")
    for name in ("MAX_DELETES", "PULL_REQUEST", "MAX_CHARS"):
        if value(name) and not NUMBER.fullmatch(value(name)):
            raise InputError(f"{name.lower().replace('_', '-')} must be a whole number")
    if value("COMMENT") not in ("", "true", "false"):
        raise InputError('comment must be "true" or "false"')
    inputs = Inputs(
        command=command,
        files=tuple(line.strip() for line in value("CONFIG").splitlines() if line.strip()),
        database_url=value("DATABASE_URL"),
        max_deletes=value("MAX_DELETES"),
        comment=value("COMMENT") != "false",
        plan_file=value("PLAN_FILE") or ("plan.json" if command == "plan" else ""),
        pull_request=value("PULL_REQUEST"),
        max_chars=value("MAX_CHARS") or "60000",
        lock_timeout=value("LOCK_TIMEOUT") or "300",
        actor=value("ACTOR"),
    )
    if command == "apply" and inputs.plan_file and inputs.max_deletes:
        raise InputError(
            "max-deletes is recorded in the plan file: set it where the plan is made, not on apply"
        )
    return inputs


def arguments(inputs: Inputs) -> list[str]:
    """The ``reconcile`` command line; values attached with ``=`` so none reads as an option."""
    files = [f"--file={path}" for path in inputs.files]
    limit = [f"--max-deletes={inputs.max_deletes}"] if inputs.max_deletes else []
    if inputs.command == "validate":
        return ["validate", *files, "--format=github"]
    if inputs.command == "plan":
        return [
            "plan",
            *files,
            "--format=markdown",
            f"--max-chars={inputs.max_chars}",
            f"--out={inputs.plan_file}",
            "--detailed-exitcode",
            *limit,
        ]
    timeout = f"--lock-timeout={inputs.lock_timeout}"
    if inputs.plan_file:
        return ["apply", timeout, "--", inputs.plan_file]
    return ["apply", *files, "--yes", timeout, *limit]


def run_reconcile(inputs: Inputs, environ: Mapping[str, str]) -> Outcome:
    """Run reconcile with the Python running this file; the token stays out of its environment."""
    env = {key: value for key, value in environ.items() if key not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env.update(NO_COLOR="1", PYTHONUTF8="1")
    if inputs.database_url:
        env["RECONCILE_DATABASE_URL"] = inputs.database_url
    actor = inputs.actor or environ.get("RECONCILE_ACTOR") or _github_actor(environ)
    if actor:
        env["RECONCILE_ACTOR"] = actor
    if inputs.command == "plan":  # a plan file left from before must never pass for this one
        Path(inputs.plan_file).unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *arguments(inputs)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        check=False,
    )
    return Outcome(done.returncode if done.returncode >= 0 else 1, done.stdout, done.stderr)


def _github_actor(environ: Mapping[str, str]) -> str:
    actor = environ.get("GITHUB_ACTOR", "")
    return f"github:{actor}" if actor else ""


def outputs(inputs: Inputs, outcome: Outcome) -> dict[str, str]:
    """The step outputs: ``exitcode``, ``has-changes``, ``plan-file``."""
    plan_file = inputs.plan_file if inputs.plan_file and Path(inputs.plan_file).is_file() else ""
    if inputs.command == "plan":
        changed = bool(plan_file) and _plan_has_changes(Path(plan_file))
    elif inputs.command == "apply":  # apply prints `Apply complete: …` once it wrote rows
        changed = outcome.status == 0 and "\nApply complete:" in f"\n{outcome.stdout}"
    else:
        changed = False
    return {
        "exitcode": str(outcome.status),
        "has-changes": "true" if changed else "false",
        "plan-file": plan_file,
    }


def _plan_has_changes(path: Path) -> bool:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
        return any(summary[action] for action in ("create", "update", "delete"))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_outputs(path: str, values: Mapping[str, str]) -> None:
    """Step outputs in the runner's multi-line form, each behind a delimiter no value holds."""
    with Path(path).open("a", encoding="utf-8") as out:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def annotation(level: Level, message: str) -> str:
    """A workflow command the runner shows as an annotation, escaped as reconcile's own."""
    return github_line(Problem("reconcile action", message, level))


def main(environ: Mapping[str, str]) -> int:
    try:
        inputs = read_inputs(environ)
    except InputError as error:
        print(annotation(Level.ERROR, str(error)))
        if environ.get("GITHUB_OUTPUT"):
            values = {"exitcode": str(EXIT_USAGE), "has-changes": "false", "plan-file": ""}
            write_outputs(environ["GITHUB_OUTPUT"], values)
        return EXIT_USAGE
    outcome = run_reconcile(inputs, environ)
    sys.stdout.write(outcome.stdout)  # validate's annotations reach the runner this way
    sys.stderr.write(outcome.stderr)
    values = outputs(inputs, outcome)
    if environ.get("GITHUB_OUTPUT"):
        write_outputs(environ["GITHUB_OUTPUT"], values)
    run = Run.from_environ(environ)
    changed = values["has-changes"] == "true"
    text = report(inputs.command, inputs.plan_file, outcome, run, changed=changed)
    if environ.get("GITHUB_STEP_SUMMARY"):
        with Path(environ["GITHUB_STEP_SUMMARY"]).open("a", encoding="utf-8") as summary:
            summary.write(text + "\n")
    commented = _commented(inputs, environ, text, run)
    if outcome.status not in SUCCESS[inputs.command]:
        return outcome.status
    return 0 if commented or inputs.command != "plan" else 1


def _commented(inputs: Inputs, environ: Mapping[str, str], text: str, run: Run) -> bool:
    """Keep this command's one comment on the pull request, when there is one to keep; False
    when it should have been written and was not (an error for plan, a warning for apply)."""
    marker = MARKERS.get(inputs.command)
    if marker is None or not inputs.comment or not inputs.pull_request:
        return True
    repository = environ.get("GITHUB_REPOSITORY", "")
    problem = ""
    if not REPOSITORY.fullmatch(repository):
        problem = "GITHUB_REPOSITORY does not name a repository"
    elif not environ.get("GH_TOKEN"):
        problem = "no github-token to write it with"
    else:
        where = f"the [job summary]({run.url})" if run.url else "the job summary"
        try:
            body = comment_body(marker, text, where)
            for warning in keep_one_comment(repository, inputs.pull_request, marker, body):
                print(annotation(Level.WARNING, warning))
        except CommentError as error:
            problem = str(error)
    if not problem:
        return True
    level = Level.ERROR if inputs.command == "plan" else Level.WARNING
    what = f"the {inputs.command} comment on #{inputs.pull_request}"
    print(annotation(level, f"could not write {what}: {problem}"))
    return False


if __name__ == "__main__":
    sys.exit(main(os.environ))
