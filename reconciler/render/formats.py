"""Every ``--format`` of every command, one table per thing rendered: the CLI offers the keys.

A renderer takes what it renders and how (whether to colour, which only text does; the most
characters, which only markdown keeps to) and returns the whole output text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reconciler.render import history, problems
from reconciler.render.json import dumps
from reconciler.render.markdown import MAX_CHARS, render_markdown
from reconciler.render.sarif import sarif
from reconciler.render.text import render_text

if TYPE_CHECKING:
    from reconciler.errors import Problem
    from reconciler.planning import Plan
    from reconciler.store.journal import JournalEntry


@dataclass(frozen=True)
class PlanOutput:
    """How a plan is rendered: in colour (text), within ``max_chars`` (markdown)."""

    colour: bool = False
    max_chars: int = MAX_CHARS


PlanRenderer = Callable[["Plan", Mapping[str, Any], PlanOutput], str]
"""(plan, its JSON document, how) -> text."""

PLAN_FORMATS: Mapping[str, PlanRenderer] = {
    "text": lambda plan, _document, how: render_text(plan, color=how.colour),
    "json": lambda _plan, document, _how: dumps(document),
    "markdown": lambda plan, _document, how: render_markdown(plan, max_chars=how.max_chars),
}
SIZED_FORMATS = frozenset({"markdown"})
"""The plan formats ``--max-chars`` applies to: text is for a terminal and JSON for programs,
which must get every row."""

ProblemsRenderer = Callable[[Sequence["Problem"], bool, bool], str]
"""(problems, whether the config is valid, colour) -> text."""

PROBLEM_FORMATS: Mapping[str, ProblemsRenderer] = {
    "text": lambda found, _valid, colour: problems.text(found, colour=colour),
    "json": lambda found, valid, _colour: problems.validation_json(found, valid=valid),
    "github": lambda found, _valid, _colour: problems.github(found),
    "sarif": lambda found, _valid, _colour: sarif(found),
}

HistoryRenderer = Callable[[Sequence["JournalEntry"], bool], str]
"""(entries newest first, whether to include each plan) -> text."""

HISTORY_FORMATS: Mapping[str, HistoryRenderer] = {
    "text": lambda entries, with_plan: history.render_text(entries, with_plan=with_plan),
    "json": lambda entries, with_plan: history.render_json(entries, with_plan=with_plan),
}
