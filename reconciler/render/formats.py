"""Every ``--format`` of every command, one table per thing rendered: the CLI offers the keys.

A renderer takes what it renders and whether to colour (only text uses it) and returns the whole
output text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reconciler.render import history, problems
from reconciler.render.json import dumps
from reconciler.render.markdown import render_markdown
from reconciler.render.sarif import sarif
from reconciler.render.text import render_text

if TYPE_CHECKING:
    from reconciler.errors import Problem
    from reconciler.planning import Plan
    from reconciler.store.journal import JournalEntry

PlanRenderer = Callable[["Plan", Mapping[str, Any], bool], str]
"""(plan, its JSON document, colour) -> text."""

PLAN_FORMATS: Mapping[str, PlanRenderer] = {
    "text": lambda plan, _document, colour: render_text(plan, color=colour),
    "json": lambda _plan, document, _colour: dumps(document),
    "markdown": lambda plan, _document, _colour: render_markdown(plan),
}

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
