"""The plan as a pull-request comment: the table, what needs a reviewer's eye, then the details;
no value can close a fence, a ``<details>`` or a code span, nor start a heading."""

from __future__ import annotations

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
from reconciler.render.markdown import DETAILS_LIMIT, render_markdown
from reconciler.render.problems import text_line
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


def test_blocked_entries_beyond_the_limit_are_counted() -> None:
    """A backfill of many legacy profiles may block each: the comment stays postable."""
    blocked = tuple(referenced(f"c{i:05}", "bot") for i in range(10_000))
    markdown = render_markdown(plan_of(blocked=blocked))
    listed = section(markdown, "#### :no_entry: Blocked")
    assert len(listed) == DETAILS_LIMIT + 1
    assert listed[-2].startswith(f"- `connection c{DETAILS_LIMIT - 1:05}` (delete)")
    assert listed[-1] == f"- … and {10_000 - DETAILS_LIMIT} more blocked"
    assert "**10000 blocked**: this plan applies nothing." in markdown
    assert len(markdown) < 65_536


def test_deletes_are_listed_with_their_reason_for_a_reviewers_eye() -> None:
    plan = plan_of(create(EU), delete(KEY, Reason.FORCE), delete(BOT))
    assert section(render_markdown(plan), "#### :warning: Deletes") == [
        "- `connection key` (force)",
        "- `profile bot` (removed)",
    ]


def test_a_plan_without_deletes_blocked_entries_or_problems_has_none_of_their_sections() -> None:
    markdown = render_markdown(plan_of(create(EU), update(BOT, BOT, Reason.ADOPT)))
    assert "####" not in markdown


def test_deletes_beyond_the_limit_are_counted() -> None:
    deletes = [delete(Profile(f"p{i:04}", "eu", "m")) for i in range(DETAILS_LIMIT + 4)]
    listed = section(render_markdown(plan_of(*deletes)), "#### :warning: Deletes")
    assert len(listed) == DETAILS_LIMIT + 1
    assert listed[-2] == f"- `profile p{DETAILS_LIMIT - 1:04}` (removed)"
    assert listed[-1] == "- … and 4 more"


def test_problems_are_their_text_lines_in_a_fence() -> None:
    plan = plan_of(create(EU), problems=(ERROR, WARNING))
    assert section(render_markdown(plan), "#### Problems") == [
        "```",
        text_line(ERROR),
        text_line(WARNING),
        "```",
    ]


def test_problems_beyond_the_limit_are_counted() -> None:
    problems = tuple(
        Problem("x.y", f"w{i}", Level.WARNING, Location("a.yaml", i + 1, 1))
        for i in range(DETAILS_LIMIT + 2)
    )
    listed = section(render_markdown(plan_of(problems=problems)), "#### Problems")
    assert len(listed) == DETAILS_LIMIT + 3  # the fences and the count
    assert listed[-2:] == ["... and 2 more", "```"]


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


def test_details_beyond_the_limit_per_kind_are_counted() -> None:
    changes = [create(Provider(f"p{i:04}", "openai")) for i in range(DETAILS_LIMIT + 5)]
    markdown = render_markdown(plan_of(*changes, create(KEY)))
    body = details_block(markdown, Kind.PROVIDER)
    assert sum(line.startswith("+ p") for line in body) == DETAILS_LIMIT
    assert body[-1] == "# ... and 5 more (--format json lists every row)"
    assert f"<details><summary>Providers: {DETAILS_LIMIT + 5} changes</summary>" in markdown
    assert details_block(markdown, Kind.CONNECTION)[0] == "+ key (declared)"  # its own limit


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
    )
    problem = Problem("x.y", f"```\n{HOSTILE}", Level.ERROR, Location(HOSTILE, 1, 2), HOSTILE)
    profile = Profile(HOSTILE, "eu", HOSTILE, label=HOSTILE, system_prompt=f"```\n{HOSTILE}\n````")
    return plan_of(
        create(profile),
        update(BOT, BOT._replace(model=HOSTILE)),
        delete(Provider(HOSTILE, "openai")),
        blocked=(blocked,),
        problems=(problem,),
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
