"""The one comment of each kind on a pull request, through ``gh api`` (preinstalled on GitHub's
runners): found again by the hidden marker it starts with, updated in place."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

from report import SERVER

COMMENT_LIMIT = 65_536
"""GitHub refuses a comment body longer than this many characters."""


class CommentError(Exception):
    """The comments could not be read or written."""


def comment_body(marker: str, text: str, where: str) -> str:
    """``text`` under its marker; when GitHub could not hold it, its heading and a pointer to
    ``where`` it is whole (the job summary): never a cut plan."""
    body = f"{marker}\n{text}"
    if len(body) <= COMMENT_LIMIT:
        return body
    heading = text.split("\n", 1)[0]
    return (
        f"{marker}\n{heading}\n\nThis report takes {len(text):,} characters, more than a"
        f" comment holds: read it in {where}.\n"
    )


def keep_one_comment(repository: str, number: str, marker: str, body: str) -> list[str]:
    """Update the comment on pull request ``number`` that starts with ``marker`` (the oldest, when
    several do, deleting the others), or create it. Returns warnings (a delete that failed)."""
    url = f"repos/{repository}/issues/{number}/comments"
    pages = _json_values(gh("--paginate", f"{url}?per_page=100"))
    comments = [c for page in pages if isinstance(page, list) for c in page if isinstance(c, dict)]
    mine = [int(c["id"]) for c in comments if str(c.get("body") or "").startswith(marker)]
    payload = json.dumps({"body": body})
    if not mine:
        gh("--method=POST", url, "--input=-", body=payload)
        return []
    first, *others = mine
    gh("--method=PATCH", f"repos/{repository}/issues/comments/{first}", "--input=-", body=payload)
    warnings = []
    for other in others:
        try:
            gh("--method=DELETE", f"repos/{repository}/issues/comments/{other}")
        except CommentError as error:
            warnings.append(f"could not delete the older comment {other}: {error}")
    return warnings


def gh(*arguments: str, body: str | None = None) -> str:
    """``gh api ARGUMENTS`` with ``body`` on stdin, authenticated by ``GH_TOKEN`` (also as
    ``GH_ENTERPRISE_TOKEN``, with ``GH_HOST``, on GitHub Enterprise Server)."""
    env = dict(os.environ)
    server = env.get("GITHUB_SERVER_URL", "")
    if SERVER.fullmatch(server) and server.split("://", 1)[1] != "github.com":
        env.update(GH_HOST=server.split("://", 1)[1], GH_ENTERPRISE_TOKEN=env.get("GH_TOKEN", ""))
    try:
        done = subprocess.run(
            ["gh", "api", *arguments],
            input=body,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            check=False,
        )
    except OSError as error:
        raise CommentError(f"cannot run gh: {error}") from error
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise CommentError(said[-1] if said else f"gh api exited {done.returncode}")
    return done.stdout


def _json_values(text: str) -> Iterator[Any]:
    """Every JSON value in ``text``: ``gh api --paginate`` prints one array per page."""
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position == len(text):
            return
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError as error:
            raise CommentError(f"gh api printed no JSON: {error}") from error
        yield value
