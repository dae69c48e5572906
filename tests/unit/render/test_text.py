"""The plan as terminal text: every line a reviewer reads, each value escaped on its own line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_scenarios import SCENARIOS, forced, mixed
from plan_worlds import shuffled, worlds

from reconciler.errors import Level, Location, Problem
from reconciler.model import (
    Auth,
    Connection,
    DatabaseState,
    DesiredState,
    Kind,
    Profile,
    Provider,
    Row,
    Settings,
)
from reconciler.planning import Action, Blocked, Change, Plan, Reason, make_plan
from reconciler.planning.diff import field_diffs
from reconciler.render.details import details, show
from reconciler.render.problems import text_line, use_colour
from reconciler.render.text import (
    LIST_LIMIT,
    LONG_PLAN,
    nothing_to_change,
    render_text,
    summary_line,
)
from reconciler.secrets import REDACTED
from tests.frames import SECRET, assert_no_forged_command, assert_terminal_safe, lines_of


def texts(change: Change) -> list[str]:
    """The text of each detail line under ``change``."""
    return [line.text for line in details(change)]


KINDS: dict[type, Kind] = {
    Provider: Kind.PROVIDER,
    Connection: Kind.CONNECTION,
    Profile: Kind.PROFILE,
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
IN_SYNC = "No changes: the database matches the config."


def create(row: Row, reason: Reason = Reason.DECLARED) -> Change:
    return Change(KINDS[type(row)], row.name, Action.CREATE, reason, None, row)


def update(before: Row, after: Row, reason: Reason = Reason.DECLARED) -> Change:
    kind = KINDS[type(before)]
    return Change(
        kind, before.name, Action.UPDATE, reason, before, after, field_diffs(kind, before, after)
    )


def delete(row: Row, reason: Reason = Reason.REMOVED) -> Change:
    return Change(KINDS[type(row)], row.name, Action.DELETE, reason, row, None)


def plan_of(*changes: Change, **kw: Any) -> Plan:
    return Plan(Settings(), changes, **kw)


def referenced(name: str = "old", *referrers: str) -> Blocked:
    by = tuple((Kind.PROFILE, referrer) for referrer in referrers)
    message = f"connection {name} left the config but is still referenced"
    return Blocked(Kind.CONNECTION, name, Action.DELETE, "delete.referenced", message, by)


def warning(message: str = "look here", line: int = 3) -> Problem:
    return Problem("canonical.drift", message, Level.WARNING, Location("a.yaml", line, 5), "x.y")


def error(message: str = "broken") -> Problem:
    return Problem("ref.unknown-provider", message, Level.ERROR, Location("a.yaml", 1, 1))


EU = Provider("eu", "anthropic")
KEY = Connection("key", "eu", Auth("api_key", "credential/eu"))
BOT = Profile("bot", "eu", "claude", "key")


# -- the change rows ----------------------------------------------------------------------------


HEADS = [
    (create(EU), "  + eu"),
    (create(EU, Reason.SEED), "  + eu  (seed)"),
    (create(KEY, Reason.BACKFILL), "  + key  (backfill)"),
    (update(BOT, BOT._replace(model="x")), "  ~ bot"),
    (update(BOT, BOT, Reason.ADOPT), "  ~ bot  (adopt)"),
    (
        update(BOT, BOT._replace(provider_connection="k2"), Reason.BACKFILL),
        "  ~ bot  (backfill)",
    ),
    (update(BOT, BOT._replace(provider_connection="k2"), Reason.FORCE), "  ~ bot  (force)"),
    (delete(BOT), "  - bot"),
    (delete(BOT, Reason.FORCE), "  - bot  (force)"),
]
"""A change of every action and every reason, and its head line."""


@pytest.mark.parametrize(("change", "head"), HEADS)
def test_each_change_shows_its_sign_and_every_reason_but_declared_and_removed(
    change: Change, head: str
) -> None:
    lines = render_text(plan_of(change)).splitlines()
    assert lines[0] == change.kind.heading
    assert lines[1] == head


def test_the_cases_above_cover_every_action_and_reason() -> None:
    assert {change.action for change, _ in HEADS} == set(Action)
    assert {change.reason for change, _ in HEADS} == set(Reason)


def test_planned_changes_head_their_rows_with_sign_name_and_reason() -> None:
    """Changes the planner made (not by hand), each under its kind, the reason unless declared
    or removed."""
    for scenario in (mixed, forced):
        plan, _ = scenario()
        text = render_text(plan)
        for change in plan.changes:
            sign = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}[change.action]
            quiet = change.reason in (Reason.DECLARED, Reason.REMOVED)
            suffix = "" if quiet else f"  ({change.reason})"
            assert f"\n  {sign} {change.name}{suffix}\n" in text


def test_changes_are_grouped_under_their_kind_in_kind_order_whatever_the_plan_order() -> None:
    plan = plan_of(delete(BOT), create(KEY), update(EU, EU._replace(enabled=False)))
    heads = [line for line in render_text(plan).splitlines() if not line.startswith(" ")]
    assert heads[:3] == ["Providers", "Connections", "Profiles"]
    text = render_text(plan)
    assert text.index("~ eu") < text.index("+ key") < text.index("- bot")


def test_a_kind_without_changes_has_no_heading() -> None:
    lines = render_text(plan_of(create(EU))).splitlines()
    assert "Connections" not in lines and "Profiles" not in lines


def test_a_create_lists_every_set_field_but_the_name_in_image_order() -> None:
    profile = Profile(
        "bot", "eu", "claude", None, "user", "", "d", None, 0.0, 10
    )  # provider_connection and system_prompt unset, label empty
    assert texts(create(profile)) == [
        "provider: eu",
        "model: claude",
        "source: user",
        'label: ""',
        "description: d",
        "temperature: 0.0",
        "max_tokens: 10",
    ]
    assert texts(create(Provider("p", "openai", None, False))) == [
        "type: openai",
        "enabled: false",
    ]
    assert texts(create(KEY)) == [
        "provider: eu",
        "auth: {type: api_key, credential: credential/eu}",
    ]
    assert texts(create(Connection("n", "ollama", Auth("none")))) == [
        "provider: ollama",
        "auth: {type: none}",
    ]


def test_create_details_sit_under_the_head_line() -> None:
    lines = render_text(plan_of(create(EU))).splitlines()
    assert lines[:4] == ["Providers", "  + eu", "      type: anthropic", "      enabled: true"]


def test_an_update_lists_each_differing_field_before_and_after() -> None:
    after = BOT._replace(model="claude-2", provider_connection=None, temperature=0.5)
    assert texts(update(BOT, after)) == [
        "model: claude -> claude-2",
        "provider_connection: key -> null",
        "temperature: null -> 0.5",
    ]
    moved = KEY._replace(auth=Auth("platform"))
    assert texts(update(KEY, moved)) == [
        "auth.type: api_key -> platform",
        "auth.credential: credential/eu -> null",
    ]
    assert texts(update(EU, EU._replace(enabled=False))) == ["enabled: true -> false"]


def test_deletes_and_ownership_only_updates_have_no_detail_lines() -> None:
    assert texts(delete(BOT)) == []
    assert texts(update(BOT, BOT, Reason.ADOPT)) == []
    plan = plan_of(delete(BOT), update(EU, EU, Reason.ADOPT))
    assert render_text(plan).splitlines()[:4] == [
        "Providers",
        "  ~ eu  (adopt)",
        "Profiles",
        "  - bot",
    ]


def test_a_multiline_prompt_or_description_is_shown_line_by_line_behind_a_bar() -> None:
    profile = BOT._replace(system_prompt="one\n\ntwo\n", description="a\nb")
    assert texts(create(profile)) == [
        "provider: eu",
        "model: claude",
        "provider_connection: key",
        "description: |",
        "  | a",
        "  | b",
        "system_prompt: |",
        "  | one",
        "  |",
        "  | two",
        "  |",
    ]
    assert texts(update(BOT, BOT._replace(description="x\ny"))) == [
        "description:",
        "  - null",
        "  + | x",
        "  + | y",
    ]
    multiline = BOT._replace(system_prompt="a\nb")
    assert texts(update(multiline, BOT)) == [
        "system_prompt:",
        "  - | a",
        "  - | b",
        "  + null",
    ]


def test_a_line_break_in_any_other_field_is_escaped_on_one_line() -> None:
    assert texts(update(BOT, BOT._replace(label="a\nb", model="m\r\n"))) == [
        'model: claude -> "m\\r\\n"',  # quoted: it ends in a line break
        "label: null -> a\\nb",
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        ("", '""'),
        (0, "0"),
        (0.7, "0.7"),
        ("plain", "plain"),
        ({}, "{}"),
        ({"type": "api_key", "credential": None}, "{type: api_key, credential: null}"),
        ({"a\nb": "\x1b[2J"}, "{a\\nb: \\x1b[2J}"),
        ("a\tb\u202ec", "a\\tb\\u202ec"),
        (f"key {SECRET}", f"key {REDACTED}"),
    ],
)
def test_show_spells_values_on_one_line_escaped_and_redacted(value: Any, shown: str) -> None:
    assert show(value) == shown


# -- long plans ---------------------------------------------------------------------------------


def creates(count: int, prefix: str = "p") -> list[Change]:
    return [create(Profile(f"{prefix}{i:04}", "eu", "m")) for i in range(count)]


def test_up_to_the_long_plan_limit_every_change_is_listed() -> None:
    text = render_text(plan_of(*creates(LONG_PLAN)))
    assert text.count("\n  + p") == LONG_PLAN
    assert "counted per kind" not in text


def test_beyond_the_limit_changes_are_counted_per_kind_action_and_reason() -> None:
    changes = [
        create(EU, Reason.SEED),
        create(Provider("x", "openai"), Reason.SEED),
        create(KEY, Reason.BACKFILL),
        *creates(LONG_PLAN),
        update(BOT, BOT._replace(model="n"), Reason.BACKFILL),
        delete(Profile("gone", "eu", "m")),
        delete(Profile("cascade", "eu", "m"), Reason.FORCE),
    ]
    lines = render_text(plan_of(*changes)).splitlines()
    assert lines[:9] == [
        f"{LONG_PLAN + 6} changes, counted per kind and reason (--format json lists every row):",
        "Providers",
        "  + 2 to create  (seed)",
        "Connections",
        "  + 1 to create  (backfill)",
        "Profiles",
        f"  + {LONG_PLAN} to create  (declared)",
        "  ~ 1 to update  (backfill)",
        "  - 1 to delete  (removed)",
    ]
    assert lines[9] == "  - 1 to delete  (force)"
    assert not any(line.startswith("  + p0") for line in lines)
    assert lines[-1] == summary_line(plan_of(*changes))


# -- blocked entries and problems ---------------------------------------------------------------


def test_a_blocked_entry_names_what_was_refused_why_and_who_references_it() -> None:
    plan = plan_of(blocked=(referenced("old", "bot", "b2"),))
    assert render_text(plan).splitlines() == [
        "No changes can be applied: the plan is blocked (see Blocked).",
        "",
        "Blocked: this plan applies nothing until these are resolved",
        "  ! connection old: delete refused [delete.referenced]",
        "      referenced by: profile bot, profile b2",
        "      connection old left the config but is still referenced",
        "",
        "Plan: 0 to create, 0 to update, 0 to delete, 1 blocked.",
    ]


def test_a_blocked_entry_without_referrers_has_no_referenced_by_line() -> None:
    conflict = Blocked(
        Kind.PROFILE, "bot", Action.UPDATE, "backfill.conflict", "eu-personal is taken", (), "x"
    )
    text = render_text(plan_of(create(EU), blocked=(conflict,)))
    assert (
        "  ! profile bot: update refused [backfill.conflict]\n      eu-personal is taken\n" in text
    )
    assert "referenced by" not in text


def test_a_blocked_entry_names_the_rows_of_other_tables_that_reference_it() -> None:
    held = Blocked(
        Kind.PROVIDER,
        "old-eu",
        Action.DELETE,
        "delete.referenced",
        "provider old-eu is still referenced by 3 rows of app_usage",
        ((Kind.CONNECTION, "c"),),
        foreign=(("app_usage", 3), ("audit\x1b[2J\n::error::x", 1)),
    )
    lines = render_text(plan_of(blocked=(held,))).splitlines()
    assert lines[4] == (
        "      referenced by: connection c, 3 rows of app_usage,"
        " 1 row of audit\\x1b[2J\\n::error::x"
    )
    assert_terminal_safe("\n".join(lines))
    assert_no_forged_command("\n".join(lines))


def test_a_foreign_references_warning_shows_its_table_rule_and_count() -> None:
    warned = Problem(
        "delete.foreign-references",
        "deleting provider gone: the database will set the key to NULL in 2 rows of app_usage"
        " (ON DELETE SET NULL)",
        Level.WARNING,
        None,
        "providers.gone",
        (("table", "app_usage"), ("on_delete", "SET NULL"), ("rows", 2)),
    )
    text = render_text(plan_of(problems=(warned,)))
    assert (
        "  -: warning [delete.foreign-references] deleting provider gone: the database will set"
        " the key to NULL in 2 rows of app_usage (ON DELETE SET NULL) (at providers.gone)\n"
    ) in text


def test_blocked_entries_beyond_the_list_limit_are_counted() -> None:
    blocked = tuple(referenced(f"c{i:03}", "bot") for i in range(LIST_LIMIT + 3))
    lines = render_text(plan_of(blocked=blocked)).splitlines()
    shown = [line for line in lines if line.startswith("  ! ")]
    assert len(shown) == LIST_LIMIT
    assert shown[-1].startswith(f"  ! connection c{LIST_LIMIT - 1:03}:")
    assert "  ... and 3 more blocked" in lines
    assert lines[-1] == f"Plan: 0 to create, 0 to update, 0 to delete, {LIST_LIMIT + 3} blocked."


def test_problems_are_listed_as_their_text_lines_after_blocked_entries() -> None:
    problems = (warning(), error())
    plan = plan_of(create(EU), blocked=(referenced("old"),), problems=problems)
    text = render_text(plan)
    assert f"\n\nProblems\n  {text_line(warning())}\n  {text_line(error())}\n\n" in text
    assert text.index("Blocked:") < text.index("Problems")


def test_problems_beyond_the_list_limit_are_counted() -> None:
    problems = tuple(warning(f"w{i}", i + 1) for i in range(LIST_LIMIT + 2))
    lines = render_text(plan_of(problems=problems)).splitlines()
    assert sum(line.startswith("  a.yaml:") for line in lines) == LIST_LIMIT
    assert "  ... and 2 more problems" in lines


# -- what a plan without changes says, and the summary --------------------------------------------


def test_an_empty_plan_says_the_database_matches() -> None:
    assert render_text(Plan(Settings())) == (
        f"{IN_SYNC}\n\nPlan: 0 to create, 0 to update, 0 to delete, 0 blocked.\n"
    )


@pytest.mark.parametrize(
    ("plan", "said"),
    [
        (plan_of(), IN_SYNC),
        (plan_of(problems=(warning(),)), IN_SYNC),
        (plan_of(blocked=(referenced(),)), "No changes can be applied: the plan is blocked"),
        (plan_of(problems=(error(),)), "No changes planned: the config has errors"),
        (
            plan_of(blocked=(referenced(),), problems=(error(),)),
            "No changes planned: the config has errors",
        ),
    ],
)
def test_a_plan_without_changes_says_why(plan: Plan, said: str) -> None:
    assert nothing_to_change(plan).startswith(said)
    assert render_text(plan).startswith(said)


def test_a_plan_with_changes_does_not_say_there_are_none() -> None:
    text = render_text(plan_of(create(EU), problems=(error(),)))
    assert "No changes" not in text


def test_the_summary_line_counts_each_action_and_the_blocked_entries_and_ends_the_text() -> None:
    plan = plan_of(
        create(EU),
        create(KEY),
        update(BOT, BOT, Reason.ADOPT),
        delete(Profile("x", "eu", "m")),
        blocked=(referenced("a"), referenced("b")),
    )
    assert summary_line(plan) == "Plan: 2 to create, 1 to update, 1 to delete, 2 blocked."
    assert render_text(plan).endswith(
        "\n\nPlan: 2 to create, 1 to update, 1 to delete, 2 blocked.\n"
    )


def test_a_forced_plan_says_so_first() -> None:
    assert render_text(plan_of(force=True)).startswith(
        "--force: deletes go ahead and every consequence is listed.\n\n" + IN_SYNC
    )
    assert "--force" not in render_text(plan_of())


# -- colour ---------------------------------------------------------------------------------------


def test_colour_paints_headings_actions_blocked_entries_and_problems() -> None:
    plan = plan_of(
        create(EU),
        update(KEY, KEY, Reason.ADOPT),
        delete(BOT),
        blocked=(referenced("old"),),
        problems=(error(), warning()),
    )
    lines = render_text(plan, color=True).splitlines()
    assert lines[:2] == ["\x1b[1mProviders\x1b[0m", "\x1b[32m  + eu\x1b[0m"]
    assert "\x1b[33m  ~ key\x1b[0m  (adopt)" in lines  # the reason is not painted
    assert "\x1b[31m  - bot\x1b[0m" in lines
    assert "\x1b[31mBlocked: this plan applies nothing until these are resolved\x1b[0m" in lines
    assert "\x1b[31m  ! connection old\x1b[0m: delete refused [delete.referenced]" in lines
    assert "\x1b[1mProblems\x1b[0m" in lines
    assert f"  \x1b[31m{text_line(error())}\x1b[0m" in lines
    assert f"  \x1b[33m{text_line(warning())}\x1b[0m" in lines
    assert lines[-1] == f"\x1b[1m{summary_line(plan)}\x1b[0m"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_colour_adds_nothing_but_escape_codes(scenario: str) -> None:
    plan, _ = SCENARIOS[scenario]()
    uncoloured = render_text(plan)
    coloured = render_text(plan, color=True)
    assert "\x1b" not in uncoloured
    assert coloured != uncoloured
    assert ANSI.sub("", coloured) == uncoloured


@pytest.mark.parametrize(
    ("terminal", "environ", "coloured"),
    [
        (True, {}, True),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # https://no-color.org: set and not empty
        (True, {"TERM": "dumb"}, False),
        (False, {}, False),
    ],
)
def test_the_text_is_coloured_only_on_a_terminal_without_no_color(
    terminal: bool, environ: dict[str, str], coloured: bool
) -> None:
    plan, _ = mixed()
    text = render_text(plan, color=use_colour(terminal, environ))
    assert ("\x1b[" in text) is coloured


# -- hostile values -------------------------------------------------------------------------------

HOSTILE = "evil\n::error file=x::forged\x1b[2J\u202e\r"
SHOWN = "evil\\n::error file=x::forged\\x1b[2J\\u202e\\r"


def test_hostile_names_and_values_stay_on_their_line_escaped() -> None:
    profile = Profile(HOSTILE, "eu", HOSTILE, label=HOSTILE, system_prompt=f"hi\n{SECRET}\n::x")
    plan = plan_of(create(profile), update(BOT, BOT._replace(model=HOSTILE)))
    lines = render_text(plan).splitlines()
    assert lines[:11] == [
        "Profiles",
        f"  + {SHOWN}",
        "      provider: eu",
        f'      model: "{SHOWN}"',  # quoted: the value ends in a carriage return
        f'      label: "{SHOWN}"',
        "      system_prompt: |",
        "        | hi",
        f"        | {REDACTED}",
        "        | ::x",
        "  ~ bot",
        f'      model: claude -> "{SHOWN}"',
    ]
    assert SECRET not in "\n".join(lines)


@pytest.mark.parametrize("colour", [False, True])
def test_hostile_blocked_entries_and_problems_forge_no_line(colour: bool) -> None:
    blocked = Blocked(
        Kind.CONNECTION,
        HOSTILE,
        Action.DELETE,
        "delete.referenced",
        f":: {HOSTILE}",
        ((Kind.PROFILE, HOSTILE),),
    )
    problem = Problem("x.y", HOSTILE, Level.ERROR, Location(f"::{HOSTILE}", 2, 3), HOSTILE)
    text = render_text(plan_of(blocked=(blocked,), problems=(problem,)), color=colour)
    assert_no_forged_command(text)
    assert_terminal_safe(text)
    plain = ANSI.sub("", text)
    assert f"  ! connection {SHOWN}: delete refused [delete.referenced]\n" in plain
    assert f"      referenced by: profile {SHOWN}\n" in plain
    assert f"      \\x3a: {SHOWN}\n" in plain  # a message cannot start a workflow command
    assert lines_of(text) == text.split("\n")  # no line break but the tool's own
    assert len(text.split("\n")) == 12


# -- determinism ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(worlds(), st.booleans(), st.integers())
def test_the_text_depends_on_the_rows_not_on_the_order_they_were_read_in(
    world: tuple[DesiredState, DatabaseState], force: bool, seed: int
) -> None:
    desired, state = world
    text = render_text(make_plan(desired, state, force=force))
    assert render_text(make_plan(desired, shuffled(state, seed), force=force)) == text
    assert text.endswith(".\n") and not text.endswith("\n\n")
