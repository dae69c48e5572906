from __future__ import annotations

from typing import Any

from reconciler.planning.stale import stale_problems


def _profile(model: str) -> dict[str, Any]:
    return {"name": "quick", "provider": "openai", "model": model, "provider_connection": None}


def _change(before_model: str | None, after_model: str, reason: str = "declared") -> dict[str, Any]:
    return {
        "kind": "profile",
        "name": "quick",
        "action": "update" if before_model else "create",
        "reason": reason,
        "before": _profile(before_model) if before_model else None,
        "after": _profile(after_model),
        "diff": [],
    }


def _plan(*changes: dict[str, Any], blocked: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"changes": list(changes), "blocked": list(blocked), "state_digest": "sha256:x"}


def _messages(reviewed: dict[str, Any], current: dict[str, Any]) -> list[str]:
    return [problem.message for problem in stale_problems(reviewed, current)]


def test_equal_plans_are_not_stale_whatever_the_digests_say() -> None:
    current = _plan(_change("a", "b"))
    current["state_digest"] = "sha256:y"
    assert stale_problems(_plan(_change("a", "b")), current) == ()


def test_an_int_equals_the_same_float_after_a_json_round_trip() -> None:
    was = _plan(_change("a", "b"))
    was["changes"][0]["after"]["temperature"] = 1.0
    now = _plan(_change("a", "b"))
    now["changes"][0]["after"]["temperature"] = 1.0
    assert stale_problems(was, now) == ()


def test_a_changed_before_image_says_which_field_moved() -> None:
    assert _messages(_plan(_change("a", "b")), _plan(_change("z", "b"))) == [
        "profile quick: the database row changed since the plan was made: model: 'a' -> 'z'"
    ]


def test_a_change_that_is_no_longer_needed_or_newly_needed() -> None:
    assert _messages(_plan(_change("a", "b")), _plan()) == [
        "profile quick: the reviewed plan would update it (declared), now nothing changes"
    ]
    assert _messages(_plan(), _plan(_change(None, "b"))) == [
        "profile quick: now needs to create it (declared), which the reviewed plan did not show"
    ]


def test_a_different_reason_is_stale() -> None:
    assert _messages(_plan(_change("a", "b")), _plan(_change("a", "b", "adopt"))) == [
        "profile quick: the reviewed plan would update it (declared), now it must update it (adopt)"
    ]


def test_a_new_blocked_entry_is_stale() -> None:
    blocked = {
        "kind": "connection",
        "name": "old",
        "action": "delete",
        "code": "delete.referenced",
        "message": "still used by profile bot",
    }
    (problem,) = stale_problems(_plan(), _plan(blocked=(blocked,)))
    assert problem.code == "plan.stale"
    assert problem.message == (
        "connection old: delete is now blocked (delete.referenced): still used by profile bot"
    )


def test_entries_whose_names_redact_alike_are_all_compared() -> None:
    """Two rows named by secrets are both ``[redacted]``: neither hides the other's change."""
    first, second = _change("a", "b"), _change("c", "d")
    first["name"] = second["name"] = "[redacted]"
    changed = _change("x", "d")
    changed["name"] = "[redacted]"
    assert stale_problems(_plan(first, second), _plan(first, second)) == ()
    assert _messages(_plan(first, second), _plan(first, changed)) == [
        "profile [redacted] #2: the database row changed since the plan was made: model: 'c' -> 'x'"
    ]


def test_a_change_whose_target_moved_says_so_not_that_the_row_changed() -> None:
    """Same row in the database, another value to write: the change itself differs."""
    (message,) = _messages(_plan(_change("a", "b")), _plan(_change("a", "c")))
    assert message == "profile quick: the change itself differs: model: 'b' -> 'c'"


def _plan_level(code: str, kind: str | None, count: int) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": None,
        "action": "delete",
        "code": code,
        "referenced_by": [],
        "connection": None,
        "count": count,
        "limit": 1 if code == "delete.limit" else None,
        "message": "m",
    }


def test_plan_level_blocked_entries_compare_with_row_entries() -> None:
    row = {"kind": "connection", "name": "old", "action": "delete", "code": "delete.referenced"}
    limit, every = _plan_level("delete.limit", None, 3), _plan_level("delete.all", "profile", 3)
    reviewed = _plan(blocked=(row, limit, every))
    assert stale_problems(reviewed, _plan(blocked=(every, limit, row))) == ()
    assert _messages(reviewed, _plan(blocked=(row, _plan_level("delete.all", "profile", 4)))) == [
        "the plan: delete was blocked (delete.limit) in the reviewed plan, no longer is",
        "every profile: delete is still blocked (delete.all), for other reasons now",
    ]
    assert _messages(_plan(), _plan(blocked=(limit,))) == [
        "the plan: delete is now blocked (delete.limit): m"
    ]


def _adopt(before_owner: str | None, after_owner: str = "team-a") -> dict[str, Any]:
    adopted = _change("a", "a", "adopt")
    adopted["ownership"] = {
        "before": {"managed_by": "config" if before_owner else None, "owner": before_owner},
        "after": {"managed_by": "config", "owner": after_owner},
    }
    return adopted


def test_who_manages_the_row_is_compared_too() -> None:
    """Row images leave out managed_by and owner: a row another owner took in between, with the
    same fields, still makes the plan stale."""
    assert stale_problems(_plan(_adopt(None)), _plan(_adopt(None))) == ()
    assert _messages(_plan(_adopt(None)), _plan(_adopt("team-b"))) == [
        "profile quick: who manages it changed since the plan was made:"
        " {managed_by: null, owner: null} -> {managed_by: config, owner: team-b}"
    ]


def test_more_rows_of_another_table_holding_a_delete_make_the_plan_stale() -> None:
    """The reviewed plan refused deleting provider old-eu for 3 rows of app_usage; under the
    lock there are 4 (or none): what the reviewer approved no longer holds."""

    def held(rows: int) -> dict[str, Any]:
        return {
            "kind": "provider",
            "name": "old-eu",
            "action": "delete",
            "code": "delete.referenced",
            "referenced_by": [{"table": "app_usage", "rows": rows}],
            "message": "held",
        }

    assert stale_problems(_plan(blocked=(held(3),)), _plan(blocked=(held(3),))) == ()
    assert _messages(_plan(blocked=(held(3),)), _plan(blocked=(held(4),))) == [
        "provider old-eu: delete is still blocked (delete.referenced), for other reasons now"
    ]
    assert _messages(_plan(blocked=(held(3),)), _plan()) == [
        "provider old-eu: delete was blocked (delete.referenced) in the reviewed plan, no longer is"
    ]
