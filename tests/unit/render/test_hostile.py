"""No config or database string leaves its frame, in any format (issue 12, forged output; the
drift report's JUnit XML and Prometheus textfile too).

Random strings, made of the pieces that break frames (backticks, ``<details>``, ``<!--``, ``#``,
``|``, ``::``, CR, LF, bidi overrides, a secret), go into every text field of a plan and of
problems; strict checkers then read the output as a markdown renderer and as the GitHub Actions
runner would.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from exposition import parse_exposition
from hypothesis import given, settings
from hypothesis import strategies as st
from sarif_schema import sarif_errors

from reconciler.errors import Level, Location, Problem
from reconciler.model import Auth, Connection, Kind, ManagedBy, Profile, Provider, Settings
from reconciler.planning import Action, Blocked, Change, FieldDiff, Plan, PlanContext, Reason
from reconciler.planning.drift import Drift, LastApply
from reconciler.render import problems as render_problems
from reconciler.render import sarif as render_sarif
from reconciler.render.escape import block, fenced, md_code, md_text, plain
from reconciler.render.history import journal_document
from reconciler.render.json import render_json
from reconciler.render.junit import render_junit
from reconciler.render.markdown import MIN_CHARS, render_markdown
from reconciler.render.prometheus import render_prometheus
from reconciler.render.text import render_text
from reconciler.secrets import REDACTED
from tests.frames import (
    BIDI,
    SECRET,
    assert_markdown_framed,
    assert_no_forged_command,
    assert_terminal_safe,
)

PIECES = [
    "`",
    "```",
    "````",
    "~~~",
    "<details>",
    "</details>",
    "<summary>",
    "<!--",
    "-->",
    "# Approved by security team",
    "#",
    "|",
    "::",
    "::error file=README.md,line=1::forged",
    "::stop-commands::x",
    "\n",
    "\r",
    "\r\n",
    "\n::warning::x",
    "\x1b[2J",
    "\x00",
    "\x85",
    "\u2028",
    "\u202e",
    "\u2066",
    "\u00a0",
    "%0A",
    "&lt;",
    "<b>",
    "[x](https://evil.example)",
    "@org/team",
    " ",
    "    ",
    "ünï",
    "漢字",
    SECRET,
]
HOSTILE = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), min_size=1, max_size=8
).map("".join)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A plan whose every string is hostile, what a database row may hold; field names are the
    model's own (`reconciler.planning.diff` takes them from the row images)."""
    text = draw(st.lists(HOSTILE, min_size=12, max_size=12))
    profile = Profile(
        text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], 0.5, 10
    )
    provider = Provider(text[8], "openai", text[9])
    connection = Connection(text[10], text[1], Auth("api_key", text[11]))
    changes = (
        Change(Kind.PROVIDER, provider.name, Action.CREATE, Reason.SEED, None, provider),
        Change(
            Kind.CONNECTION,
            connection.name,
            Action.UPDATE,
            Reason.ADOPT,
            connection,
            connection._replace(
                auth=Auth("api_key", "vault/x"), managed_by=ManagedBy.CONFIG, owner=text[9]
            ),
            (FieldDiff("auth.credential", text[11], "vault/x"),),
        ),
        Change(Kind.PROFILE, profile.name, Action.CREATE, Reason.DECLARED, None, profile),
        Change(
            Kind.PROFILE,
            text[5],
            Action.UPDATE,
            Reason.BACKFILL,
            profile,
            profile,
            (FieldDiff("system_prompt", text[7], text[6]), FieldDiff("model", None, text[2])),
        ),
        Change(Kind.PROFILE, text[6], Action.DELETE, Reason.REMOVED, profile, None),
    )
    blocked = (
        Blocked(
            Kind.CONNECTION,
            text[10],
            Action.DELETE,
            "delete.referenced",
            text[7],
            ((Kind.PROFILE, text[0]),),
            text[4],
        ),
        Blocked(Kind.PROFILE, text[0], Action.UPDATE, "ownership.conflict", text[2], owner=text[3]),
        Blocked(
            Kind.PROVIDER,
            text[8],
            Action.DELETE,
            "delete.referenced",
            text[9],
            ((Kind.CONNECTION, text[10]),),
            foreign=((text[11], 3), (text[4], 1)),
        ),
    )
    found = (draw(problems()), draw(foreign_warnings()))
    return Plan(Settings(), changes, blocked, found, force=draw(st.booleans()))


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """A problem quoting hostile values, in a hostile file; its code is the tool's own."""
    level = draw(st.sampled_from(Level))
    location = draw(st.none() | st.builds(Location, HOSTILE, st.integers(1, 9), st.integers(1, 9)))
    code = draw(st.sampled_from(["schema.pattern", "canonical.drift", "ref.unknown-provider"]))
    return Problem(code, draw(HOSTILE), level, location, draw(HOSTILE))


@st.composite
def foreign_warnings(draw: st.DrawFn) -> Problem:
    """A ``delete.foreign-references`` warning naming a hostile table of the application's."""
    table = draw(HOSTILE)
    details = (("table", table), ("on_delete", "CASCADE"), ("rows", draw(st.integers(1, 9))))
    message = f"deleting provider {draw(HOSTILE)}: the database will delete rows of {table}"
    return Problem(
        "delete.foreign-references", message, Level.WARNING, None, draw(HOSTILE), details
    )


@st.composite
def big_plans(draw: st.DrawFn) -> Plan:
    """`plans` grown to many rows: each change copied under new names, alike copies of its
    updates (grouped when rendered), more blocked entries and problems."""
    plan = draw(plans())
    copies, alike = draw(st.integers(0, 80)), draw(st.integers(0, 40))
    changes = [*plan.changes]
    for index in range(copies):
        changes += [change._replace(name=f"{change.name}{index}") for change in plan.changes]
    updates = [change for change in plan.changes if change.action is Action.UPDATE]
    for index in range(alike):
        changes += [change._replace(name=f"alike{index}") for change in updates]
    blocked = plan.blocked * draw(st.integers(0, 60))
    found = tuple(draw(st.lists(problems() | foreign_warnings(), max_size=40)))
    return Plan(Settings(), tuple(changes), blocked, found, force=plan.force)


def _required_part(plan: Plan) -> str:
    """What `render_markdown` shows before the details when nothing limits it."""
    whole = render_markdown(plan, max_chars=10**9)
    return whole.split("\n<details><summary>", 1)[0]


CONTEXT = PlanContext("sqlite:///x.db", "sha256:" + "0" * 64, "sha256:" + "1" * 64)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_markdown_stays_balanced(plan: Plan) -> None:
    markdown = render_markdown(plan)
    assert_markdown_framed(markdown)
    assert_no_forged_command(markdown)
    assert not BIDI.search(markdown)
    assert SECRET not in markdown


@settings(max_examples=150, deadline=None)
@given(big_plans(), st.integers(MIN_CHARS, 40_000))
def test_markdown_stays_framed_within_max_chars(plan: Plan, max_chars: int) -> None:
    """Whatever is cut, every fence and ``<details>`` closes; the output fits; and when the
    table, blocked entries, deletes and problems fit they come first, whole."""
    markdown = render_markdown(plan, max_chars=max_chars)
    assert_markdown_framed(markdown)
    assert_no_forged_command(markdown)
    assert len(markdown) <= max_chars
    required = _required_part(plan)
    if len(required) <= max_chars:
        assert markdown.startswith(required)
    else:
        assert "more (see the plan file)" in markdown


@settings(max_examples=150, deadline=None)
@given(plans(), st.booleans())
def test_text_keeps_every_value_on_its_line(plan: Plan, colour: bool) -> None:
    text = render_text(plan, color=colour)
    assert_no_forged_command(text)
    assert_terminal_safe(text)


@settings(max_examples=100, deadline=None)
@given(plans())
def test_json_is_one_document_without_raw_controls_or_secrets(plan: Plan) -> None:
    output = render_json(plan, CONTEXT)
    assert_no_forged_command(output)
    assert not BIDI.search(output)
    assert SECRET not in output
    document = json.loads(output)
    assert len(document["changes"]) == len(plan.changes)
    assert any("table" in referrer for b in document["blocked"] for referrer in b["referenced_by"])
    assert any("table" in problem for problem in document["problems"])
    assert SECRET not in json.dumps(journal_document(plan, CONTEXT))


@settings(max_examples=100, deadline=None)
@given(plans(), HOSTILE, st.booleans())
def test_junit_is_well_formed_xml_whatever_the_rows(
    plan: Plan, database: str, out_of_band: bool
) -> None:
    context = PlanContext(database, "sha256:0", "sha256:1")
    last = LastApply(3, datetime(2027, 1, 1, tzinfo=UTC), "sha256:2" if out_of_band else "sha256:1")
    output = render_junit(Drift(plan, context, last))
    root = ET.fromstring(output.encode("utf-8"))
    failing = [case for case in root.iter("testcase") if case.find("failure") is not None]
    assert len(failing) == len(plan.changes) + len(plan.blocked) + out_of_band
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", output)
    assert not BIDI.search(output)
    assert SECRET not in output


@settings(max_examples=100, deadline=None)
@given(plans(), HOSTILE)
def test_prometheus_labels_read_back_as_shown_whatever_the_database(
    plan: Plan, database: str
) -> None:
    output = render_prometheus(Drift(plan, PlanContext(database, "sha256:0", "sha256:1"), None))
    families = parse_exposition(output)
    assert list(families) == [
        "reconcile_drift_rows",
        "reconcile_out_of_band",
        "reconcile_last_apply_timestamp_seconds",
    ]
    ((labels, _value),) = families["reconcile_out_of_band"].samples
    assert labels == {"database": "\n".join(block(database))}
    assert not BIDI.search(output)
    assert SECRET not in output


@settings(max_examples=150, deadline=None)
@given(st.lists(problems() | foreign_warnings(), max_size=4))
def test_problem_formats_stay_framed(listed: list[Problem]) -> None:
    text = render_problems.text(listed)
    assert_no_forged_command(text)
    assert_terminal_safe(text)
    assert_no_forged_command(render_problems.text(listed, colour=True))
    github = render_problems.github(listed)
    assert_no_forged_command(github, own=len(listed))
    assert len(github.split("\n")) == len(listed) + 1
    assert not re.search(r"[\r\x00-\x09\x0b-\x1f]", github)
    assert SECRET not in github
    validation = render_problems.validation_json(listed, valid=False)
    assert_no_forged_command(validation)
    assert not BIDI.search(validation)
    assert SECRET not in validation
    assert len(json.loads(validation)["problems"]) == len(listed)
    log = render_sarif.sarif(listed)
    assert_no_forged_command(log)
    assert not BIDI.search(log)
    assert SECRET not in log
    assert sarif_errors(json.loads(log)) == []
    results = json.loads(log)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [p.code for p in listed]
    assert not any(re.search(r"[\x00-\x1f]", r["message"]["text"]) for r in results)


def test_plain_escapes_controls_bidi_and_redacts() -> None:
    assert plain("a\nb\r\tc\x1b[31m\x00\u202e\x85") == "a\\nb\\r\\tc\\x1b[31m\\x00\\u202e\\x85"
    assert plain(f"key {SECRET}") == f"key {REDACTED}"
    assert plain("ünï 漢字 C:\\path") == "ünï 漢字 C:\\path"


def test_block_keeps_lines_and_a_trailing_newline() -> None:
    assert block("one\ntwo\x1b\n") == ["one", "two\\x1b", ""]
    assert block(f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----") == [REDACTED]


def test_fences_outgrow_the_content() -> None:
    assert fenced(["a"], "diff") == ["```diff", "a", "```"]
    assert fenced(["x ```` y"]) == ["`````", "x ```` y", "`````"]


def test_code_spans_outgrow_and_pad_backticks() -> None:
    assert md_code("connection a") == "`connection a`"
    assert md_code("a``b") == "```a``b```"
    assert md_code("`x") == "`` `x ``"
    assert md_code("") == "`  `"


def test_markdown_text_has_no_markup() -> None:
    assert md_text("</details> # x | [a](b) @team") == (
        "&lt;/details&gt; \\# x \\| \\[a\\](b) \\@team"
    )


def test_a_forged_prompt_cannot_close_the_diff_fence() -> None:
    """The red team's example: a prompt with a line of backticks and what follows it."""
    prompt = "hi\n```\n</details>\n\n# Approved by security team\n<!--"
    profile = Profile("p", "openai", "m", system_prompt=prompt)
    change = Change(Kind.PROFILE, "p", Action.CREATE, Reason.DECLARED, None, profile)
    markdown = render_markdown(Plan(Settings(), (change,)))
    assert_markdown_framed(markdown)
    assert "+       | ```" in markdown
    assert "+       | # Approved by security team" in markdown


def test_a_multiline_value_continues_behind_the_tools_prefix() -> None:
    before = Profile("p", "openai", "m", label="a\r\n::error::x", system_prompt="one\n::two")
    after = before._replace(system_prompt="one\n::stop-commands::x\n")
    diffs = (
        FieldDiff("label", before.label, None),
        FieldDiff("system_prompt", before.system_prompt, after.system_prompt),
    )
    change = Change(Kind.PROFILE, "p", Action.UPDATE, Reason.DECLARED, before, after, diffs)
    text = render_text(Plan(Settings(), (change,)))
    assert "      label: a\\r\\n::error::x -> null\n" in text
    assert (
        "      system_prompt:\n"
        "        @@ -1,2 +1,3 @@\n"
        "          | one\n"
        "        - | ::two\n"
        "        + | ::stop-commands::x\n"
        "        + |\n"
    ) in text
    assert_no_forged_command(text)
