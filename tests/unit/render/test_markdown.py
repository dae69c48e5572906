"""The plan as a pull-request comment: the table, what needs a reviewer's eye, then the details;
no value can close a fence, a ``<details>`` or a code span, nor start a heading."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_scenarios import SCENARIOS, forced, mixed
from plan_values import CONFIG, config, conn, db, prof, prov
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
from reconciler.planning import Action, Blocked, Change, FieldDiff, Plan, Reason, make_plan
from reconciler.planning.diff import field_diffs
from reconciler.render.markdown import MAX_CHARS, MIN_CHARS, render_markdown
from reconciler.render.problems import text_line
from reconciler.render.text import render_text
from tests.frames import SECRET, assert_markdown_framed, assert_no_forged_command

KINDS: dict[type, Kind] = {
    Provider: Kind.PROVIDER,
    Connection: Kind.CONNECTION,
    Profile: Kind.PROFILE,
}
HEADER = ["### reconcile plan", "", "| | create | update | delete |", "|---|---:|---:|---:|"]


def create(row: Row, reason: Reason = Reason.DECLARED) -> Change:
    return Change(KINDS[type(row)], row.name, Action.CREATE, reason, None, row)


def update(before: Row, after: Row, reason: Reason = Reason.DECLARED) -> Change:
    kind = KINDS[type(before)]
    diff = field_diffs(kind, before, after)
    return Change(kind, before.name, Action.UPDATE, reason, before, after, diff)


def delete(row: Row, reason: Reason = Reason.REMOVED) -> Change:
    return Change(KINDS[type(row)], row.name, Action.DELETE, reason, row, None)


def plan_of(*changes: Change, **kw: Any) -> Plan:
    return Plan(Settings(), changes, **kw)


def referenced(name: str = "old", *referrers: str, message: str = "still referenced") -> Blocked:
    by = tuple((Kind.PROFILE, referrer) for referrer in referrers)
    return Blocked(Kind.CONNECTION, name, Action.DELETE, "delete.referenced", message, by)


def section(markdown: str, heading: str) -> list[str]:
    """The lines of a ``####`` section, up to the blank line that ends it."""
    lines = markdown.split("\n")
    start = lines.index(heading)
    assert lines[start + 1] == ""
    end = lines.index("", start + 2)
    return lines[start + 2 : end]


def details_block(markdown: str, kind: Kind) -> list[str]:
    """The body of a kind's fenced diff inside its ``<details>``."""
    lines = markdown.split("\n")
    start = next(
        i for i, line in enumerate(lines) if line.startswith(f"<details><summary>{kind.heading}:")
    )
    assert lines[start + 1] == ""
    fence = lines[start + 2]
    assert fence.endswith("diff")
    end = lines.index(fence.removesuffix("diff"), start + 3)
    assert lines[end + 1 : end + 3] == ["", "</details>"]
    return lines[start + 3 : end]


EU = Provider("eu", "anthropic")
KEY = Connection("key", "eu", Auth("api_key", "credential/eu"))
BOT = Profile("bot", "eu", "claude", "key")
WARNING = Problem("canonical.drift", "edited", Level.WARNING, Location("a.yaml", 3, 5), "x.y")
ERROR = Problem("ref.unknown-provider", "no such provider", location=Location("a.yaml", 1, 1))


# -- the summary table ----------------------------------------------------------------------------


def test_the_comment_starts_with_a_table_of_counts_per_kind_and_action() -> None:
    plan = plan_of(
        create(EU),
        create(Provider("x", "openai"), Reason.SEED),
        update(KEY, KEY, Reason.ADOPT),
        delete(BOT),
        delete(Profile("y", "eu", "m"), Reason.FORCE),
    )
    assert render_markdown(plan).split("\n")[:9] == [
        *HEADER,
        "| Providers | 2 | 0 | 0 |",
        "| Connections | 0 | 1 | 0 |",
        "| Profiles | 0 | 0 | 2 |",
        "| **Total** | **2** | **1** | **2** |",
        "",
    ]


@pytest.mark.parametrize(
    ("plan", "verdict"),
    [
        (plan_of(create(EU)), None),
        (
            plan_of(blocked=(referenced("a"), referenced("b"))),
            "**2 blocked**: this plan applies nothing.",
        ),
        (plan_of(force=True), "Made with `--force`."),
        (
            plan_of(blocked=(referenced(),), force=True),
            "**1 blocked**: this plan applies nothing. Made with `--force`.",
        ),
    ],
)
def test_under_the_table_a_blocked_or_forced_plan_says_so(plan: Plan, verdict: str | None) -> None:
    lines = render_markdown(plan).split("\n")
    assert lines[8] == ""
    if verdict is None:
        assert lines[9] != "" and "blocked**" not in lines[9] and "--force" not in lines[9]
    else:
        assert lines[9:11] == [verdict, ""]


# -- blocked, deletes, problems -------------------------------------------------------------------


def test_blocked_entries_name_the_row_action_code_referrers_and_message() -> None:
    conflict = Blocked(
        Kind.PROFILE, "bot", Action.UPDATE, "backfill.conflict", "eu-personal is taken", (), "x"
    )
    plan = plan_of(blocked=(referenced("old", "a", "b", message="left the config"), conflict))
    assert section(render_markdown(plan), "#### :no_entry: Blocked") == [
        "- `connection old` (delete) `delete.referenced` referenced by `profile a`, `profile b`:"
        " left the config",
        "- `profile bot` (update) `backfill.conflict`: eu-personal is taken",
    ]


def test_blocked_entries_beyond_max_chars_are_counted() -> None:
    """A backfill of many legacy profiles may block each: the comment stays postable."""
    blocked = tuple(referenced(f"c{i:05}", "bot") for i in range(10_000))
    markdown = render_markdown(plan_of(blocked=blocked))
    listed = section(markdown, "#### :no_entry: Blocked")
    shown = len(listed) - 1
    assert listed[-2].startswith(f"- `connection c{shown - 1:05}` (delete)")
    assert listed[-1] == f"- … and {10_000 - shown} more (see the plan file)"
    assert "**10000 blocked**: this plan applies nothing." in markdown
    assert len(markdown) <= MAX_CHARS


def test_deletes_are_listed_with_their_reason_for_a_reviewers_eye() -> None:
    plan = plan_of(create(EU), delete(KEY, Reason.FORCE), delete(BOT))
    assert section(render_markdown(plan), "#### :warning: Deletes") == [
        "- `connection key` (force)",
        "- `profile bot` (removed)",
    ]


def test_a_plan_without_deletes_blocked_entries_or_problems_has_none_of_their_sections() -> None:
    markdown = render_markdown(plan_of(create(EU), update(BOT, BOT, Reason.ADOPT)))
    assert "####" not in markdown


def test_every_delete_is_listed_while_they_fit() -> None:
    deletes = [delete(Profile(f"p{i:04}", "eu", "m")) for i in range(1_000)]
    listed = section(render_markdown(plan_of(*deletes)), "#### :warning: Deletes")
    assert len(listed) == 1_000
    assert listed[-1] == "- `profile p0999` (removed)"


def test_problems_are_their_text_lines_in_a_fence() -> None:
    plan = plan_of(create(EU), problems=(ERROR, WARNING))
    assert section(render_markdown(plan), "#### Problems") == [
        "```",
        text_line(ERROR),
        text_line(WARNING),
        "```",
    ]


def test_problems_beyond_max_chars_are_counted() -> None:
    problems = tuple(
        Problem("x.y", f"w{i}", Level.WARNING, Location("a.yaml", i + 1, 1)) for i in range(300)
    )
    listed = section(render_markdown(plan_of(problems=problems), max_chars=2_000), "#### Problems")
    shown = len(listed) - 3  # the fences and the count
    assert listed[-2:] == [f"… and {300 - shown} more (see the plan file)", "```"]


def test_sections_come_in_order_blocked_deletes_problems_then_details() -> None:
    plan = plan_of(create(EU), delete(BOT), blocked=(referenced(),), problems=(WARNING,))
    markdown = render_markdown(plan)
    order = [
        "| **Total**",
        "#### :no_entry: Blocked",
        "#### :warning: Deletes",
        "#### Problems",
        "<details><summary>Providers",
        "<details><summary>Profiles",
    ]
    assert [markdown.index(mark) for mark in order] == sorted(markdown.index(m) for m in order)


# -- details --------------------------------------------------------------------------------------


def test_each_kind_with_changes_has_a_collapsed_diff_of_every_change_and_reason() -> None:
    plan = plan_of(
        create(KEY, Reason.BACKFILL),
        update(Connection("c2", "eu", Auth("platform")), Connection("c2", "eu", Auth("none"))),
        delete(Connection("gone", "eu", Auth("none")), Reason.FORCE),
        create(BOT),
    )
    markdown = render_markdown(plan)
    assert "<details><summary>Connections: 3 changes</summary>" in markdown
    assert "<details><summary>Profiles: 1 changes</summary>" in markdown
    assert "<details><summary>Providers" not in markdown
    assert details_block(markdown, Kind.CONNECTION) == [
        "+ key (backfill)",
        "+     provider: eu",
        "+     auth: {type: api_key, credential: credential/eu}",
        "~ c2 (declared)",
        "!     auth.type: platform -> none",
        "- gone (force)",
    ]
    assert details_block(markdown, Kind.PROFILE) == [
        "+ bot (declared)",
        "+     provider: eu",
        "+     model: claude",
        "+     provider_connection: key",
    ]


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_is_shown_in_the_details(reason: Reason) -> None:
    for change in (create(EU, reason), update(EU, EU, reason), delete(EU, reason)):
        sign = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}[change.action]
        lines = details_block(render_markdown(plan_of(change)), Kind.PROVIDER)
        assert lines[0] == f"{sign} eu ({reason})"


def test_details_beyond_max_chars_are_counted_and_later_kinds_keep_their_frame() -> None:
    changes = [create(Provider(f"p{i:04}", "openai")) for i in range(205)]
    markdown = render_markdown(plan_of(*changes, create(KEY)), max_chars=3_000)
    body = details_block(markdown, Kind.PROVIDER)
    shown = sum(line.startswith("+ p") for line in body)
    assert body[-1] == f"… and {205 - shown} more (see the plan file)"
    assert "<details><summary>Providers: 205 changes</summary>" in markdown
    assert details_block(markdown, Kind.CONNECTION) in (
        ["… and 1 more (see the plan file)"],
        [
            "+ key (declared)",
            "+     provider: eu",
            "+     auth: {type: api_key, credential: credential/eu}",
        ],
    )


def test_a_multiline_prompt_stays_inside_the_diff() -> None:
    profile = BOT._replace(system_prompt="one\n```\n</details>\n# Approved")
    body = details_block(render_markdown(plan_of(create(profile))), Kind.PROFILE)
    assert body[-5:] == [
        "+     system_prompt: |",
        "+       | one",
        "+       | ```",
        "+       | </details>",
        "+       | # Approved",
    ]


# -- a plan without changes -----------------------------------------------------------------------


def test_an_empty_plan_is_the_table_and_says_the_database_matches() -> None:
    assert render_markdown(Plan(Settings())) == "\n".join(
        [
            *HEADER,
            "| Providers | 0 | 0 | 0 |",
            "| Connections | 0 | 0 | 0 |",
            "| Profiles | 0 | 0 | 0 |",
            "| **Total** | **0** | **0** | **0** |",
            "",
            "No changes: the database matches the config.",
            "",
        ]
    )


def test_a_plan_with_only_errors_says_it_was_not_planned() -> None:
    markdown = render_markdown(plan_of(problems=(ERROR,)))
    assert markdown.endswith("```\n\nNo changes planned: the config has errors (see Problems).\n")


def test_a_blocked_plan_without_changes_shows_the_blocked_entries_not_a_verdict_of_no_change() -> (
    None
):
    markdown = render_markdown(plan_of(blocked=(referenced(),)))
    assert "#### :no_entry: Blocked" in markdown
    assert "No changes" not in markdown
    assert "<details>" not in markdown


# -- hostile values -------------------------------------------------------------------------------

HOSTILE = "a`b ``` </details> <!-- # x\n::error::y | [l](https://e) \u202e"


def hostile_plan() -> Plan:
    blocked = Blocked(
        Kind.CONNECTION,
        HOSTILE,
        Action.DELETE,
        "delete.referenced",
        f"</details>\n\n# Approved by security team {SECRET}",
        ((Kind.PROFILE, HOSTILE),),
        foreign=((HOSTILE, 3),),
    )
    problem = Problem("x.y", f"```\n{HOSTILE}", Level.ERROR, Location(HOSTILE, 1, 2), HOSTILE)
    warned = Problem(
        "delete.foreign-references",
        f"deleting provider x: the database will delete 2 rows of {HOSTILE} with it",
        Level.WARNING,
        None,
        HOSTILE,
        (("table", HOSTILE), ("on_delete", "CASCADE"), ("rows", 2)),
    )
    profile = Profile(HOSTILE, "eu", HOSTILE, label=HOSTILE, system_prompt=f"```\n{HOSTILE}\n````")
    return plan_of(
        create(profile),
        update(BOT, BOT._replace(model=HOSTILE)),
        delete(Provider(HOSTILE, "openai")),
        blocked=(blocked,),
        problems=(problem, warned),
    )


def test_hostile_values_cannot_leave_their_frame() -> None:
    markdown = render_markdown(hostile_plan())
    assert_markdown_framed(markdown)
    assert_no_forged_command(markdown)
    assert SECRET not in markdown
    assert "\u202e" not in markdown


def test_a_hostile_name_is_one_code_span_and_a_hostile_message_is_inert_text() -> None:
    (line,) = section(render_markdown(hostile_plan()), "#### :no_entry: Blocked")
    shown = "a`b ``` </details> <!-- # x\\n::error::y | [l](https://e) \\u202e"
    assert line.startswith(f"- ````connection {shown}```` (delete) `delete.referenced`")
    # the escape of a line break is shown as typed: its backslash escaped too
    assert line.endswith(r": &lt;/details&gt;\\n\\n\# Approved by security team \[redacted\]")


def test_a_name_ending_in_a_backslash_is_still_one_code_span() -> None:
    """Backslash escapes do not work in code (CommonMark): `` `b\\` `` is the code ``b\\``."""
    plan = plan_of(blocked=(referenced("`", "\\", message="`"),))  # what hypothesis found
    markdown = render_markdown(plan)
    (line,) = section(markdown, "#### :no_entry: Blocked")
    assert line == (
        r"- `` connection ` `` (delete) `delete.referenced` referenced by `profile \`: \`"
    )
    assert_markdown_framed(markdown)


def test_a_fence_outgrows_every_backtick_run_inside_it() -> None:
    markdown = render_markdown(hostile_plan())
    assert "\n`````diff\n" in markdown  # the prompt holds a run of four
    problems = section(markdown, "#### Problems")
    assert problems[0] == problems[-1] == "````"


# -- determinism ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(worlds(), st.booleans(), st.integers())
def test_the_comment_depends_on_the_rows_not_on_the_order_they_were_read_in(
    world: tuple[DesiredState, DatabaseState], force: bool, seed: int
) -> None:
    desired, state = world
    markdown = render_markdown(make_plan(desired, state, force=force))
    assert render_markdown(make_plan(desired, shuffled(state, seed), force=force)) == markdown
    assert_markdown_framed(markdown)
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_scenario_is_framed_and_ends_with_one_newline(scenario: str) -> None:
    markdown = render_markdown(SCENARIOS[scenario]()[0])
    assert_markdown_framed(markdown)
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")


def test_the_forced_and_mixed_scenarios_list_each_change_once() -> None:
    for plan in (forced()[0], mixed()[0]):
        markdown = render_markdown(plan)
        for change in plan.changes:
            assert markdown.count(f" {change.name} ({change.reason})\n") == 1


# -- within --max-chars ---------------------------------------------------------------------------

MORE = re.compile(r"… and (\d+) more \(see the plan file\)")


def profiles(count: int, **fields: object) -> Plan:
    """``count`` new profiles of the generated benchmark's shape, against an empty database."""
    rows = [
        prof(
            f"profile-{i}",
            "openai",
            "openai-managed",
            model="model-large-2025",
            label=f"Profile number {i}",
            temperature=0.7,
            max_tokens=4096,
            **fields,
        )
        for i in range(count)
    ]
    return make_plan(config(*rows), db())


def listed(markdown: str, kind: Kind) -> int:
    """Rows a kind's details show (entry head lines), plus the ones its last line counts."""
    body = markdown.split(f"<details><summary>{kind.heading}:", 1)[1].split("</details>", 1)[0]
    heads = [line for line in body.split("\n") if re.match(r"[+~-] \S", line)]
    more = MORE.search(body)
    return len(heads) + (int(more.group(1)) if more else 0)


def test_ten_thousand_profiles_fit_a_github_comment() -> None:
    """The issue's first case: 66,202 characters before --max-chars."""
    plan = profiles(10_000)
    markdown = render_markdown(plan)
    assert len(markdown) <= MAX_CHARS
    assert_markdown_framed(markdown)
    assert listed(markdown, Kind.PROFILE) == 10_000
    assert MORE.search(markdown)
    assert markdown.endswith(" more (see the plan file)\n```\n\n</details>\n")


def test_three_hundred_four_kilobyte_prompts_fit_a_github_comment() -> None:
    """The issue's second case: 866 KB before --max-chars."""
    prompt = "\n".join(["Answer politely, cite your sources and keep it short. " * 4] * 19)
    assert len(prompt) >= 4_000
    markdown = render_markdown(profiles(300, system_prompt=prompt))
    assert len(markdown) <= MAX_CHARS
    assert_markdown_framed(markdown)
    assert listed(markdown, Kind.PROFILE) == 300


def test_deletes_and_problems_stay_whole_and_details_take_the_rest() -> None:
    state = db(*[prof(f"old-{i}", by=CONFIG) for i in range(40)])
    plan = make_plan(config(*[prof(f"new-{i}", model="m" * 200) for i in range(40)]), state)
    markdown = render_markdown(plan, max_chars=5_000)
    assert len(markdown) <= 5_000
    deletes = markdown.split("#### :warning: Deletes\n\n", 1)[1].split("\n\n", 1)[0]
    assert deletes.count("\n") + 1 == 40
    assert listed(markdown, Kind.PROFILE) == 80
    assert MORE.search(markdown.split("<details>", 1)[1])


def test_when_the_required_part_alone_is_too_long_its_lists_are_cut_with_a_note() -> None:
    state = db(*[prof(f"old-profile-number-{i:05}", by=CONFIG) for i in range(5_000)])
    markdown = render_markdown(make_plan(config(), state), max_chars=MIN_CHARS)
    assert len(markdown) <= MIN_CHARS
    assert_markdown_framed(markdown)
    deletes = markdown.split("#### :warning: Deletes\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    assert deletes[-1] == f"- … and {5_000 - len(deletes) + 1} more (see the plan file)"
    assert "<details>" not in markdown
    assert markdown.endswith(
        "… the details of 5000 changes are left out to stay within 1000 characters"
        " (see the plan file).\n"
    )


def test_the_table_always_stays() -> None:
    state = db(*[prof(f"p{i}", by=CONFIG) for i in range(3_000)])
    markdown = render_markdown(make_plan(config(), state), max_chars=MIN_CHARS)
    assert "| **Total** | **0** | **0** | **3000** |" in markdown


def test_a_blocked_entry_names_the_rows_of_other_tables_after_the_rows_it_maps() -> None:
    held = Blocked(
        Kind.PROVIDER,
        "old-eu",
        Action.DELETE,
        "delete.referenced",
        "held",
        ((Kind.CONNECTION, "c"),),
        foreign=(("app_usage", 3), ("a`|b", 1)),
    )
    (line,) = section(render_markdown(plan_of(blocked=(held,))), "#### :no_entry: Blocked")
    assert line == (
        "- `provider old-eu` (delete) `delete.referenced` referenced by `connection c`,"
        " 3 rows of `app_usage`, 1 row of ``a`|b``: held"
    )


def test_the_referrers_shown_count_the_rows_of_other_tables_too() -> None:
    referrers = tuple((Kind.PROFILE, f"bot{i}") for i in range(8))
    tables = tuple((f"t{i}", 1) for i in range(4))
    blocked = Blocked(
        Kind.CONNECTION, "c", Action.DELETE, "delete.referenced", "m", referrers, foreign=tables
    )
    markdown = render_markdown(Plan(config().settings, blocked=(blocked,)))
    assert "`profile bot7`, 1 row of `t0`, 1 row of `t1`, and 2 more: m" in markdown
    assert "`t2`" not in markdown


def test_a_blocked_entry_names_ten_referrers_and_counts_the_rest() -> None:
    referrers = tuple((Kind.PROFILE, f"bot{i}") for i in range(25))
    blocked = Blocked(Kind.CONNECTION, "c", Action.DELETE, "delete.referenced", "m", referrers)
    markdown = render_markdown(Plan(config().settings, blocked=(blocked,)))
    assert "`profile bot9`, and 15 more: m" in markdown
    assert "bot10" not in markdown


def test_five_thousand_identical_updates_are_one_entry_in_markdown_and_text() -> None:
    before = [prof(f"p{i:04}", model="m-2025", by=CONFIG) for i in range(5_000)]
    plan = make_plan(config(*[row._replace(model="m-2026") for row in before]), db(*before))
    markdown = render_markdown(plan)
    assert (
        "~ 5000 profiles alike: p0000, p0001, p0002, p0003, p0004 and 4995 more (declared)\n"
        "!     model: m-2025 -> m-2026\n"
    ) in markdown
    assert len(markdown) < 1_000
    text = render_text(plan)
    assert (
        "  ~ 5000 profiles alike: p0000, p0001, p0002, p0003, p0004 and 4995 more\n"
        "      model: m-2025 -> m-2026\n"
    ) in text


def test_a_changed_prompt_is_a_line_diff_in_the_diff_fence() -> None:
    before = prof("bot", system_prompt="You help.\nAnswer in English.\nBe brief.\n", by=CONFIG)
    after = before._replace(system_prompt="You help.\nAnswer in French.\nBe brief.\n")
    diff = (FieldDiff("system_prompt", before.system_prompt, after.system_prompt),)
    change = Change(Kind.PROFILE, "bot", Action.UPDATE, Reason.DECLARED, before, after, diff)
    markdown = render_markdown(Plan(config().settings, (change,)))
    assert (
        "```diff\n"
        "~ bot (declared)\n"
        "!     system_prompt:\n"
        "!       @@ -1,4 +1,4 @@\n"
        "          | You help.\n"
        "-       - | Answer in English.\n"
        "+       + | Answer in French.\n"
        "          | Be brief.\n"
        "          |\n"
        "```\n"
    ) in markdown


def test_a_prompt_holding_backtick_runs_gets_a_longer_fence() -> None:
    before = prof("bot", system_prompt="a\n`````\nb", by=CONFIG)
    after = before._replace(system_prompt="a\n`````\nc")
    diff = (FieldDiff("system_prompt", before.system_prompt, after.system_prompt),)
    change = Change(Kind.PROFILE, "bot", Action.UPDATE, Reason.DECLARED, before, after, diff)
    markdown = render_markdown(Plan(config().settings, (change,)))
    assert "``````diff\n" in markdown
    assert_markdown_framed(markdown)


def test_small_plans_are_unchanged_by_the_limit() -> None:
    plan = make_plan(config(prov("eu"), conn("c", "eu")), db())
    assert render_markdown(plan, max_chars=MIN_CHARS) == render_markdown(plan)


def test_past_the_required_part_every_limit_fits_and_says_what_it_left_out() -> None:
    state = db(*[prof(f"old-{i}", by=CONFIG) for i in range(30)])
    plan = make_plan(config(*[prof(f"new-{i}") for i in range(30)]), state)
    required = len(render_markdown(plan, max_chars=10**9).split("<details>", 1)[0])
    for max_chars in range(required, required + 400, 7):
        markdown = render_markdown(plan, max_chars=max_chars)
        assert len(markdown) <= max_chars
        assert markdown.endswith("\n")
        assert_markdown_framed(markdown)
        if "<details><summary>Profiles" not in markdown and max_chars - required > 110:
            assert markdown.endswith(
                f"left out to stay within {max_chars} characters (see the plan file).\n"
            )
