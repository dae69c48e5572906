"""Whether a reviewed plan still holds: compare its changes and blocked entries with a fresh plan.

Both plans are compared as plan JSON documents (DESIGN section 9): the ``changes`` with their
``before`` images and ``ownership``, and the ``blocked`` entries. Digests are deliberately not
compared, so a row the plan does not touch may change in between without making the plan stale.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from reconciler.errors import Problem, transition
from reconciler.planning.plan import blocked_subject

Document = Mapping[str, Any]
_Key = tuple[str, ...]
_Describe = Callable[[_Key, Document | None, Document | None], str]


def stale_problems(reviewed: Document, current: Document) -> tuple[Problem, ...]:
    """One ``plan.stale`` problem per change or blocked entry that differs; empty when equal."""
    lines = [
        *_compare(_changes(reviewed), _changes(current), _describe_change),
        *_compare(_blocked(reviewed), _blocked(current), _describe_blocked),
    ]
    return tuple(Problem("plan.stale", line) for line in lines)


def _changes(document: Document) -> dict[_Key, Document]:
    return _keyed(((e["kind"], e["name"]), e) for e in document.get("changes", ()))


def _blocked(document: Document) -> dict[_Key, Document]:
    """Blocked entries by (kind, name, action, code); a plan-level entry's null kind or name
    keys as "" (DESIGN §13: ``delete.limit`` has neither, ``delete.all`` no name)."""
    return _keyed(
        ((e["kind"] or "", e["name"] or "", e["action"], e["code"]), e)
        for e in document.get("blocked", ())
    )


def _keyed(entries: Iterable[tuple[_Key, Document]]) -> dict[_Key, Document]:
    """Entries by key; a repeated key (names redacted alike) gets a rank after its name, so no
    entry is lost. Plans list rows in a fixed order, so equal plans rank them alike."""
    keyed: dict[_Key, Document] = {}
    for key, entry in entries:
        unique, rank = key, 1
        while unique in keyed:
            rank += 1
            unique = (key[0], f"{key[1]} #{rank}", *key[2:])
        keyed[unique] = _plain(entry)
    return keyed


def _plain(entry: Document) -> dict[str, Any]:
    """JSON data as JSON would read it back: tuples become lists, 1 stays 1."""
    loaded: dict[str, Any] = json.loads(json.dumps(entry, sort_keys=True))
    return loaded


def _compare(
    reviewed: Mapping[_Key, Document],
    current: Mapping[_Key, Document],
    describe: _Describe,
) -> Iterable[str]:
    for key in sorted(reviewed.keys() | current.keys()):
        was, now = reviewed.get(key), current.get(key)
        if was != now:
            yield describe(key, was, now)


def _describe_change(key: _Key, was: Document | None, now: Document | None) -> str:
    kind, name = key
    if now is None:
        assert was is not None
        return f"{kind} {name}: the reviewed plan would {_what(was)}, now nothing changes"
    if was is None:
        return f"{kind} {name}: now needs to {_what(now)}, which the reviewed plan did not show"
    if (was["action"], was["reason"]) != (now["action"], now["reason"]):
        return f"{kind} {name}: the reviewed plan would {_what(was)}, now it must {_what(now)}"
    if was.get("before") != now.get("before"):
        moved = _fields(was.get("before"), now.get("before"))
        return f"{kind} {name}: the database row changed since the plan was made: {moved}"
    if (managed := _manager(was)) != (now_managed := _manager(now)):
        moved = transition(None, managed, now_managed)
        return f"{kind} {name}: who manages it changed since the plan was made: {moved}"
    return (
        f"{kind} {name}: the change itself differs: {_fields(was.get('after'), now.get('after'))}"
    )


def _describe_blocked(key: _Key, was: Document | None, now: Document | None) -> str:
    kind, name, action, code = key
    subject = blocked_subject(kind or None, name or None)
    if now is None:
        return f"{subject}: {action} was blocked ({code}) in the reviewed plan, no longer is"
    if was is None:
        return f"{subject}: {action} is now blocked ({code}): {now.get('message', '')}"
    return f"{subject}: {action} is still blocked ({code}), for other reasons now"


def _manager(change: Document) -> Any:
    """Who managed the row as the change says (``ownership.before``); None when it stays."""
    return (change.get("ownership") or {}).get("before")


def _what(change: Document) -> str:
    return f"{change['action']} it ({change['reason']})"


def _fields(was: Document | None, now: Document | None) -> str:
    if was is None or now is None:
        return transition(None, was, now)
    parts = [
        transition(field, was.get(field), now.get(field))
        for field in _ordered(was.keys() | now.keys(), list(was))
        if was.get(field) != now.get(field)
    ]
    return ", ".join(parts) or "no field differs"


def _ordered(fields: Iterable[str], order: Sequence[str]) -> list[str]:
    rank = {field: index for index, field in enumerate(order)}
    return sorted(fields, key=lambda field: (rank.get(field, len(rank)), field))
