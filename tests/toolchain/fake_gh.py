"""A stand-in for ``gh api`` over one repository's issue comments, kept in the JSON file named by
``FAKE_GH_STATE``: ``{"comments": [{"id", "issue", "body"}], "next_id", "fail", "calls"}``.

It answers the calls the action makes, as GitHub and gh do (``--paginate`` prints one JSON array
per page, two comments a page here), records each call with the token it came with, and fails
every call of the method named by ``fail`` the way gh does (a message on stderr, exit 1).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

PAGE = 2
LIST = re.compile(r"repos/octo/llm-config/issues/(\d+)/comments")
ONE = re.compile(r"repos/octo/llm-config/issues/comments/(\d+)")


def main(argv: list[str]) -> int:
    path = Path(os.environ["FAKE_GH_STATE"])
    state = json.loads(path.read_text())
    try:
        status, out = answer(state, argv)
    finally:
        path.write_text(json.dumps(state))
    if status:
        print(f"gh: {out} (HTTP {status})", file=sys.stderr)
        return 1
    sys.stdout.write(out)
    return 0


def answer(state: dict[str, Any], argv: list[str]) -> tuple[int, str]:
    if argv[:1] != ["api"]:
        return 400, f"not an api call: {argv}"
    method, paginate, endpoint, body = "GET", False, "", None
    for argument in argv[1:]:
        if argument == "--paginate":
            paginate = True
        elif argument.startswith("--method="):
            method = argument.removeprefix("--method=")
        elif argument == "--input=-":
            body = json.loads(sys.stdin.read())
        elif argument.startswith("-") or endpoint:
            return 400, f"unexpected argument {argument!r}"
        else:
            endpoint = argument
    state["calls"].append(
        {"method": method, "endpoint": endpoint, "token": os.environ.get("GH_TOKEN")}
    )
    if state.get("fail") == method:
        return 403, "Resource not accessible by integration"
    resource, _, query = endpoint.partition("?")
    comments: list[dict[str, Any]] = state["comments"]
    if found := LIST.fullmatch(resource):
        issue = int(found.group(1))
        if method == "GET":
            assert query == "per_page=100", query
            mine = [c for c in comments if c["issue"] == issue]
            pages = [mine[i : i + PAGE] for i in range(0, len(mine), PAGE)] or [[]]
            return 0, "".join(json.dumps(page) for page in (pages if paginate else pages[:1]))
        if method == "POST" and body is not None:
            comment = {"id": state["next_id"], "issue": issue, "body": body["body"]}
            state["next_id"] += 1
            comments.append(comment)
            return 0, json.dumps(comment)
    if found := ONE.fullmatch(resource):
        comment = next((c for c in comments if c["id"] == int(found.group(1))), None)
        if comment is None:
            return 404, "Not Found"
        if method == "PATCH" and body is not None:
            comment["body"] = body["body"]
            return 0, json.dumps(comment)
        if method == "DELETE":
            comments.remove(comment)
            return 0, ""
    return 404, f"Not Found: {method} {endpoint}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
