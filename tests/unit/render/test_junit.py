"""The JUnit report read back as XML: one failing case per differing row, the journal's case,
and every count consistent."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from plan_scenarios import context, in_sync, mixed

from reconciler.planning.digest import state_digest
from reconciler.planning.drift import Drift, LastApply
from reconciler.render.junit import render_junit

WHEN = datetime(2027, 1, 10, 12, 0, 5, tzinfo=UTC)
JOURNAL_CASE = "no write outside reconcile since the last apply"


def read(drift: Drift) -> ET.Element:
    text = render_junit(drift)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failures))
        assert element.get("errors") == "0"
    return suite


def test_every_differing_row_is_one_failing_case() -> None:
    plan, state = mixed()
    suite = read(Drift(plan, context(state), LastApply(4, WHEN, state_digest(state))))
    rows = [case for case in suite.findall("testcase") if case.get("name") != JOURNAL_CASE]
    expected = [f"{c.kind} {c.name}" for c in plan.changes]
    expected += [f"{b.kind} {b.name}" for b in plan.blocked]
    assert [case.get("name") for case in rows] == expected
    assert all(case.find("failure") is not None for case in rows)
    quick = next(case for case in rows if case.get("name") == "profile quick")
    assert quick.get("classname") == "reconcile.drift.profile"
    failure = quick.find("failure")
    assert failure is not None
    assert failure.get("type") == "update"
    assert failure.get("message") == (
        "profile quick differs from the config: apply would update it"
    )
    assert (
        failure.text == "model: gpt-4 -> gpt-5-mini\nprovider_connection: null -> openai-personal"
    )
    refused = rows[-1].find("failure")
    assert refused is not None and refused.get("type") == "delete.referenced"
    assert refused.text == "referenced by profile legacy-bot"
    journal = suite.findall("testcase")[-1]
    assert journal.get("name") == JOURNAL_CASE and journal.find("failure") is None


def test_in_sync_is_two_passing_cases() -> None:
    plan, state = in_sync()
    suite = read(Drift(plan, context(state), LastApply(4, WHEN, state_digest(state))))
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["every row matches the config", JOURNAL_CASE]
    assert all(case.find("failure") is None for case in cases)
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {
        "database": "postgresql://app:***@db/prod",
        "instance_id": "0f6e3c3a-5d9b-4c1e-9a51-7d2f8e4b6a10",
    }


def test_an_out_of_band_write_fails_the_journal_case_with_the_entry_and_its_time() -> None:
    plan, state = in_sync()
    suite = read(Drift(plan, context(state), LastApply(4, WHEN, "sha256:" + "f" * 64)))
    failure = suite.findall("testcase")[-1].find("failure")
    assert failure is not None
    assert failure.get("type") == "out-of-band"
    assert failure.get("message") == (
        "the rows changed outside reconcile since journal entry #4 (2027-01-10 12:00:05Z)"
    )
