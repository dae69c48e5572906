"""The Prometheus textfile read back by a strict reader of the text exposition format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from exposition import parse_exposition, unescape
from plan_scenarios import context, in_sync, mixed

from reconciler.planning import PlanContext
from reconciler.planning.digest import state_digest
from reconciler.planning.drift import Drift, LastApply
from reconciler.render.escape import block, label_value
from reconciler.render.prometheus import render_prometheus

WHEN = datetime(2027, 1, 10, 12, 0, 5, 250000, tzinfo=UTC)
DATABASE = "postgresql://app:***@db/prod"
NAMES = [
    "reconcile_drift_rows",
    "reconcile_out_of_band",
    "reconcile_last_apply_timestamp_seconds",
]


def test_three_gauges_with_help_and_the_counts_by_kind() -> None:
    plan, state = mixed()
    text = render_prometheus(Drift(plan, context(state), LastApply(4, WHEN, "sha256:0")))
    families = parse_exposition(text)
    assert list(families) == NAMES
    assert all(f.type == "gauge" and f.help for f in families.values())
    assert families["reconcile_drift_rows"].samples == [
        ({"database": DATABASE, "kind": "provider"}, 2.0),
        ({"database": DATABASE, "kind": "connection"}, 4.0),
        ({"database": DATABASE, "kind": "profile"}, 4.0),
    ]
    assert families["reconcile_out_of_band"].samples == [({"database": DATABASE}, 1.0)]
    assert families["reconcile_last_apply_timestamp_seconds"].samples == [
        ({"database": DATABASE}, WHEN.timestamp())
    ]


def test_in_sync_reads_zero_everywhere() -> None:
    plan, state = in_sync()
    text = render_prometheus(Drift(plan, context(state), LastApply(4, WHEN, state_digest(state))))
    families = parse_exposition(text)
    assert [value for _, value in families["reconcile_drift_rows"].samples] == [0.0, 0.0, 0.0]
    assert families["reconcile_out_of_band"].samples == [({"database": DATABASE}, 0.0)]


def test_a_database_never_applied_to_has_no_last_apply_sample() -> None:
    plan, state = in_sync()
    families = parse_exposition(render_prometheus(Drift(plan, context(state), None)))
    last = families["reconcile_last_apply_timestamp_seconds"]
    assert last.samples == [] and last.type == "gauge"


@pytest.mark.parametrize(
    "database",
    [
        'sqlite:///we"ird.db',
        "sqlite:///C:\\path\\n.db",
        "sqlite:///two\nlines.db",
        "sqlite:///\x1b[31mred\r\u202e.db",
        'sqlite:///"} 1\nreconcile_out_of_band 0\n#.db',
    ],
    ids=["quote", "backslash", "line-feed", "controls", "forged-sample"],
)
def test_a_hostile_database_label_reads_back_as_shown(database: str) -> None:
    plan, state = in_sync()
    drift = Drift(plan, PlanContext(database, "sha256:0", state_digest(state)), None)
    families = parse_exposition(render_prometheus(drift))
    shown = "\n".join(block(database))
    assert families["reconcile_out_of_band"].samples == [({"database": shown}, 0.0)]
    assert len(families["reconcile_drift_rows"].samples) == 3


def test_label_values_escape_exactly_what_the_format_escapes() -> None:
    assert label_value('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    assert unescape(label_value("tab\there")) == "tab\\there"  # shown, as plain shows it


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ('m{a="x"} 1', "end with a line feed"),
        ('m{a="x"y"} 1\n', "not a sample line"),
        ('m{a="x\\q"} 1\n', "not a sample line"),
        ("m{a=x} 1\n", "not a sample line"),
        ("m 1,5\n", "m 1,5"),
        ("# TYPE m gauge\n# TYPE m gauge\n", "a second TYPE"),
        ("m 1\n# TYPE m gauge\n", "TYPE after samples"),
        ("# HELP m a\n# HELP m b\n", "a second HELP"),
        ('a 1\nb 1\na{x="1"} 2\n', "not contiguous"),
        ('m{a="1"} 1\nm{a="1"} 2\n', "a repeated label set"),
        ('m{a="1",a="2"} 1\n', "a label given twice"),
        ("# TYPE m gaug\n", "malformed HELP or TYPE"),
        ("m 1\r\n", "\\n only"),
        ("# a comment\n", "no other comment"),
    ],
)
def test_the_reader_is_strict(text: str, fault: str) -> None:
    with pytest.raises(AssertionError, match=fault.replace("\\", "\\\\")):
        parse_exposition(text)
