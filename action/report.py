"""What the action tells people: one markdown report per run, for the job summary and the pull
request comment. A heading line (command, verdict, exit code, commit, run), what to do next, the
plan (plan, with its problems when it failed) and, when the command failed without saying why
in markdown, its error lines in a fence no line can close."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reconciler.render.escape import fenced, md_code

SUCCESS = {"validate": (0,), "plan": (0, 2), "apply": (0,)}
"""The exit codes that are a success for each command (plan: 2 means changes)."""
ERROR_LINES = 40
LINE_LIMIT = 500
SHA = re.compile(r"[0-9a-f]{40}")
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
SERVER = re.compile(r"https?://[A-Za-z0-9.:-]+")

VERDICTS = {
    "validate": {0: "valid", 1: "invalid"},
    "plan": {0: "no changes", 2: "changes", 3: "blocked by a guard", 1: "failed"},
    "apply": {1: "failed", 3: "blocked by a guard", 4: "stale"},
}
NEXT = {
    ("plan", 1): "No plan was made: fix the problems below and push again.",
    ("plan", 3): "Nothing can be applied until the config (or the database) changes.",
    ("apply", 4): (
        "The database changed since this plan was reviewed; nothing was applied."
        " Plan again and review the new plan."
    ),
    ("apply", 1): "Nothing was applied.",
    ("apply", 3): "Nothing was applied.",
}


@dataclass(frozen=True)
class Outcome:
    """How one ``reconcile`` run ended."""

    status: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Run:
    """Where this run is, from the runner's environment; every value checked before use."""

    sha: str
    url: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Run:
        sha = _head_sha(environ.get("GITHUB_EVENT_PATH", "")) or environ.get("GITHUB_SHA", "")
        server = environ.get("GITHUB_SERVER_URL", "")
        repository = environ.get("GITHUB_REPOSITORY", "")
        run_id = environ.get("GITHUB_RUN_ID", "")
        url = ""
        if SERVER.fullmatch(server) and REPOSITORY.fullmatch(repository) and run_id.isdigit():
            url = f"{server}/{repository}/actions/runs/{run_id}"
        return cls(sha if SHA.fullmatch(sha) else "", url)


def _head_sha(event_path: str) -> str:
    """The head commit of the pull request (``GITHUB_SHA`` is the merge commit there)."""
    if not event_path:
        return ""
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        sha = event["pull_request"]["head"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return sha if isinstance(sha, str) else ""


def report(command: str, plan_file: str, outcome: Outcome, run: Run, *, changed: bool) -> str:
    """The markdown report of one run of ``command``; ``changed``: whether apply wrote rows."""
    verdict = VERDICTS[command].get(outcome.status, "usage error")
    if command == "apply" and outcome.status == 0:
        verdict = "applied" if changed else "nothing to apply"
    subject = f"**reconcile {command}**"
    if command == "apply" and plan_file:
        subject += f" of {md_code(plan_file)}"
    if run.sha:
        subject += f" for `{run.sha[:7]}`"
    if run.url:
        subject += f" ([run]({run.url}))"
    parts = [f"{subject}: **{verdict}** (exit {outcome.status})"]
    parts.append(NEXT.get((command, outcome.status), ""))
    if command == "plan":
        parts.append(outcome.stdout.strip("\n"))
    elif command == "apply" and outcome.status == 0 and outcome.stdout.strip():
        parts.append("\n".join(fenced(outcome.stdout.strip("\n").splitlines()[-1:])))
    elif command == "validate" and outcome.stdout.strip():
        parts.append(_annotation_count(outcome.stdout))
    # A plan that printed markdown shows its problems or blocked entries there already.
    planned = command == "plan" and outcome.stdout.strip()
    if outcome.status not in SUCCESS[command] and not planned and outcome.stderr.strip():
        parts.append(error_lines(outcome.stderr, run))
    return "\n\n".join(part for part in parts if part) + "\n"


def _annotation_count(stdout: str) -> str:
    lines = stdout.splitlines()
    errors = sum(line.startswith("::error ") for line in lines)
    warnings = sum(line.startswith("::warning ") for line in lines)
    return f"{errors} error(s), {warnings} warning(s): see the annotations on the files."


def error_lines(stderr: str, run: Run) -> str:
    """The first lines of what reconcile said on stderr, in a fence no line can close."""
    lines = stderr.rstrip("\n").split("\n")
    shown = [line if len(line) <= LINE_LIMIT else line[:LINE_LIMIT] + "…" for line in lines]
    text = "\n".join(fenced(shown[:ERROR_LINES]))
    if len(lines) > ERROR_LINES:
        more = f"… and {len(lines) - ERROR_LINES} more lines"
        text += f"\n\n{more} in the [run log]({run.url})." if run.url else f"\n\n{more}."
    return text
