"""The markdown plan within --max-chars: what stays, what is cut, and how a cut is said."""

from __future__ import annotations

import re

from plan_values import CONFIG, config, conn, db, prof, prov

from reconciler.model import Kind
from reconciler.planning import Action, Blocked, Change, FieldDiff, Plan, Reason, make_plan
from reconciler.render.markdown import MAX_CHARS, MIN_CHARS, render_markdown
from reconciler.render.text import render_text
from tests.frames import assert_markdown_framed

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
