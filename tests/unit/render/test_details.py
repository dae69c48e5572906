from __future__ import annotations

import pytest
from plan_values import prof

from reconciler.model import Kind
from reconciler.planning import Action, Change, FieldDiff, Reason
from reconciler.render.details import Detail, details, entries, line_diff, show

PROMPT = "\n".join(f"Line {i}." for i in range(1, 13))


def update(name: str, *diff: FieldDiff, reason: Reason = Reason.DECLARED) -> Change:
    row = prof(name)
    return Change(Kind.PROFILE, name, Action.UPDATE, reason, row, row, diff)


def test_a_changed_prompt_is_a_unified_line_diff_with_three_lines_of_context() -> None:
    after = PROMPT.replace("Line 6.", "Line six.")
    assert line_diff(FieldDiff("system_prompt", PROMPT, after)) == [
        Detail("system_prompt:"),
        Detail("  @@ -3,7 +3,7 @@"),
        Detail("    | Line 3.", " "),
        Detail("    | Line 4.", " "),
        Detail("    | Line 5.", " "),
        Detail("  - | Line 6.", "-"),
        Detail("  + | Line six.", "+"),
        Detail("    | Line 7.", " "),
        Detail("    | Line 8.", " "),
        Detail("    | Line 9.", " "),
    ]


def test_each_hunk_has_its_header_and_empty_lines_keep_the_bar() -> None:
    after = PROMPT.replace("Line 1.", "").replace("Line 12.", "Line twelve.")
    texts = [line.text for line in line_diff(FieldDiff("description", PROMPT, after))]
    assert [text for text in texts if "@@" in text] == ["  @@ -1,4 +1,4 @@", "  @@ -9,4 +9,4 @@"]
    assert "  + |" in texts


def test_a_null_side_is_shown_whole() -> None:
    assert line_diff(FieldDiff("system_prompt", None, "a\nb")) == [
        Detail("system_prompt:"),
        Detail("  - null", "-"),
        Detail("  + | a", "+"),
        Detail("  + | b", "+"),
    ]


def test_no_line_of_a_value_starts_a_line_and_controls_are_escaped() -> None:
    diff = FieldDiff("system_prompt", "::error::x\n```", "::error::x\n```\n\x1b[2J")
    for line in line_diff(diff)[1:]:
        assert line.text.startswith("  "), line
    assert Detail("  + | \\x1b[2J", "+") in line_diff(diff)


def test_a_one_line_value_stays_on_one_line_even_in_a_block_field() -> None:
    change = update("a", FieldDiff("system_prompt", "old", "new"), FieldDiff("label", "x\ny", None))
    assert details(change) == [
        Detail("system_prompt: old -> new"),
        Detail("label: x\\ny -> null"),
    ]


def test_a_created_prompt_is_shown_line_by_line() -> None:
    row = prof("a", system_prompt="one\n\ntwo")
    change = Change(Kind.PROFILE, "a", Action.CREATE, Reason.DECLARED, None, row)
    assert [line.text for line in details(change)][-4:] == [
        "system_prompt: |",
        "  | one",
        "  |",
        "  | two",
    ]


def test_alike_updates_are_one_entry_where_the_first_stands() -> None:
    model = FieldDiff("model", "m-2025", "m-2026")
    changes = [
        update("a", model),
        update("b", FieldDiff("model", "m-2025", "other")),
        update("c", model),
        update("d", model, reason=Reason.BACKFILL),
        Change(Kind.PROFILE, "e", Action.DELETE, Reason.REMOVED, prof("e"), None),
        update("f", model),
    ]
    listed = entries(changes)
    assert [(entry.change.name, entry.names) for entry in listed] == [
        ("a", ["a", "c", "f"]),
        ("b", ["b"]),
        ("d", ["d"]),
        ("e", ["e"]),
    ]
    assert listed[0].title() == "3 profiles alike: a, c, f"
    assert [line.text for line in listed[0].details()] == ["model: m-2025 -> m-2026"]


def test_a_big_group_names_the_first_five() -> None:
    model = FieldDiff("model", "m-2025", "m-2026")
    (entry,) = entries([update(f"p{i:04}", model) for i in range(5000)])
    assert entry.rows == 5000
    assert entry.title() == "5000 profiles alike: p0000, p0001, p0002, p0003, p0004 and 4995 more"


def test_creates_are_never_grouped() -> None:
    rows = [prof(name) for name in ("a", "b")]
    changes = [Change(Kind.PROFILE, r.name, Action.CREATE, Reason.DECLARED, None, r) for r in rows]
    assert [entry.rows for entry in entries(changes)] == [1, 1]


@pytest.mark.parametrize(
    ("before", "after"),
    [("null", None), ("gpt-4", "gpt-4 "), ("1", 1), ("true", True), ("", None), (" a", "a")],
)
def test_a_string_that_would_read_as_another_value_is_quoted(before: object, after: object) -> None:
    """No update looks like nothing changes: the string "null" is not null, a trailing space
    shows."""
    assert show(before) != show(after)


def test_an_ordinary_string_is_shown_bare() -> None:
    assert [show(v) for v in ("gpt-4o", "Bot", 'a"b')] == ["gpt-4o", "Bot", 'a"b']
