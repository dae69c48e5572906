"""A saved plan rendered without a database: ``reconcile show PLANFILE``.

The file is read and checked as ``apply`` reads it (`read_plan_file`). Its plan document is then
turned back into the `Plan` that the text and markdown renderers take, here and nowhere else:
the renderers stay one consumer of `Plan` each, the plan a reviewer sees from ``show`` is the
one ``plan`` printed (a test renders both), and a field added to the rows reaches ``show``
without a change here (rows are rebuilt from their images by name). What the schema cannot
say is checked on the way (a row image of the change's kind, ``before``/``after`` as its
action has them, a summary that counts the changes), so a renderer never meets a plan that
could not have been made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.errors import ConfigError, Level, Location, Problem
from reconciler.gc_pause import gc_paused
from reconciler.model import Auth, Connection, Kind, ManagedBy, Profile, Provider, Row, Settings
from reconciler.planning import Action, Blocked, Change, FieldDiff, Plan, Reason
from reconciler.planning.rows import managed
from reconciler.render.json import summary_image
from reconciler.service.planfile import FILE_KEYS, read_plan_file

_ROWS: Mapping[Kind, type[Provider] | type[Connection] | type[Profile]] = {
    Kind.PROVIDER: Provider,
    Kind.CONNECTION: Connection,
    Kind.PROFILE: Profile,
}
_SIDES = {Action.CREATE: (False, True), Action.UPDATE: (True, True), Action.DELETE: (True, False)}
"""Whether a change of each action has a ``before`` and an ``after`` image."""


@dataclass(frozen=True)
class Shown:
    """A saved plan: the `Plan` to render, and its plan JSON as ``plan --format json`` printed
    it (the file without what the file adds: its saved config, ``force``, the limits and
    ``take_ownership``)."""

    plan: Plan
    document: dict[str, Any]


@gc_paused
def show_plan_file(path: str) -> Shown:
    """Read, check and rebuild the plan of the plan file at ``path``; no database is opened.

    Anything but an intact, valid plan file raises `ConfigError`, located as `read_plan_file`
    locates its problems (``plan.file``, ``plan.schema``, ``config.…``).
    """
    saved = read_plan_file(path)
    document = {k: v for k, v in saved.document.items() if k not in FILE_KEYS}
    plan = plan_of_document(document, path, force=saved.force, take_ownership=saved.take_ownership)
    return Shown(plan, document)


def plan_of_document(
    document: Mapping[str, Any], path: str, *, force: bool, take_ownership: bool = False
) -> Plan:
    """The `Plan` a plan document (one `reconciler.render.json.plan_document` made) describes.

    ``document`` must follow ``schemas/plan.schema.json``; what the schema cannot check raises
    `ConfigError` with ``plan.schema`` problems at their place in the file at ``path``.
    """
    wrong: list[tuple[str, str]] = []
    changes = []
    for index, image in enumerate(document["changes"]):
        change = _change(image, f"changes[{index}]", wrong)
        if change is not None:
            changes.append(change)
    settings = document["settings"]
    plan = Plan(
        Settings(settings["deployment"], settings["inference_mode"], settings["owner"]),
        tuple(changes),
        tuple(_blocked(image) for image in document["blocked"]),
        tuple(_problem(image) for image in document["problems"]),
        force,
        take_ownership,
    )
    if not wrong:
        counted = summary_image(plan.summary)
        for key, said in document["summary"].items():
            if said != counted.get(key):
                wrong.append((f"summary.{key}", f"says {said} but the plan holds {counted[key]}"))
    if wrong:
        problems = [Problem("plan.schema", m, location=Location(path), path=p) for p, m in wrong]
        raise ConfigError(f"{path}: the plan file has {len(problems)} error(s)", problems)
    return plan


def _change(image: Mapping[str, Any], at: str, wrong: list[tuple[str, str]]) -> Change | None:
    kind, action = Kind(image["kind"]), Action(image["action"])
    rows: list[Row | None] = []
    for side, expected in zip(("before", "after"), _SIDES[action], strict=True):
        row_image = image[side]
        if (row_image is not None) != expected:
            needs = "needs a" if expected else "has no"
            wrong.append((f"{at}.{side}", f"a {action} {needs} {side} row"))
            return None
        row = None if row_image is None else _row(kind, row_image)
        if row_image is not None and row is None:
            wrong.append((f"{at}.{side}", f"not a {kind} row, as the change's kind says"))
            return None
        if row is not None and row.name != image["name"]:
            wrong.append((f"{at}.{side}.name", f"names another row than the change ({side})"))
            return None
        rows.append(row)
    before, after = rows
    ownership = image.get("ownership")
    if ownership is not None and before is not None and after is not None:
        before, after = _managed(before, ownership["before"]), _managed(after, ownership["after"])
    diff = tuple(FieldDiff(d["field"], d["before"], d["after"]) for d in image["diff"])
    return Change(kind, image["name"], action, Reason(image["reason"]), before, after, diff)


def _managed(row: Row, manager: Mapping[str, Any]) -> Row:
    """``row`` managed as an ``ownership`` side says (row images carry no manager)."""
    by = manager["managed_by"]
    return managed(row, None if by is None else ManagedBy(by), manager["owner"])


def _row(kind: Kind, image: Mapping[str, Any]) -> Row | None:
    """The row an image shows, or None when it is not an image of ``kind``."""
    fields = dict(image)
    if kind is Kind.CONNECTION and isinstance(fields.get("auth"), dict):
        fields["auth"] = Auth(**fields["auth"])
    try:
        return _ROWS[kind](**fields)
    except TypeError:  # a field the kind does not have, or one it needs missing
        return None


def _blocked(image: Mapping[str, Any]) -> Blocked:
    """The entry an image shows; fields beyond the kind, action and referrers pass as they are.
    Referrers that name a table are the rows of other tables (``foreign``)."""
    referrers = image["referenced_by"]
    return Blocked(
        **{
            **image,
            "kind": None if image["kind"] is None else Kind(image["kind"]),
            "action": Action(image["action"]),
            "referenced_by": tuple(
                (Kind(r["kind"]), r["name"]) for r in referrers if "table" not in r
            ),
            "foreign": tuple((r["table"], r["rows"]) for r in referrers if "table" in r),
        }
    )


_PROBLEM_KEYS = frozenset({"file", "line", "column", "path", "code", "level", "message"})


def _problem(image: Mapping[str, Any]) -> Problem:
    """The problem an image shows; keys beyond the usual ones are its ``details``, in order."""
    file = image["file"]
    location = None if file is None else Location(file, image["line"] or 1, image["column"] or 1)
    details = tuple((key, value) for key, value in image.items() if key not in _PROBLEM_KEYS)
    return Problem(
        image["code"], image["message"], Level(image["level"]), location, image["path"], details
    )
