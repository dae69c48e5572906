"""What the benchmarks time: each reconcile command next to the hand-written programs it must beat.

A `Scenario` names the database state it starts from, the reconcile command, and the programs
it is compared with (from ``floors.py``), each with a time budget (reconcile's median over the
program's median) and, for the floor, a memory budget (peak RSS over the floor's).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
FLOORS = str(Path(__file__).resolve().parent / "floors.py")
RECONCILE = [PYTHON, "-m", "reconciler"]
MEMORY_BUDGET = 1.5


@dataclass(frozen=True)
class Files:
    """The generated inputs of one size: the config, and a config that declares nothing."""

    config: str
    empty: str
    mapped: str
    """The config of ``config``'s rows with the ``storage`` section of the surrogate-key schema."""


Command = Callable[[Files, str], list[str]]
"""The argv of one process, given the inputs and the database URL ("" without a database)."""


@dataclass(frozen=True)
class Baseline:
    """A program reconcile is compared with, and the budgets of that comparison."""

    name: str
    command: Command
    budget: float
    memory_budget: float | None = None
    from_size: int = 10_000
    """The smallest N the budgets hold at; below, start-up time dominates every ratio."""
    state: str | None = None
    """The database state the program runs on, when not the scenario's."""


@dataclass(frozen=True)
class Scenario:
    name: str
    state: str | None
    """The database state each run starts from (a template label), or None: no database."""
    command: Command
    baselines: tuple[Baseline, ...]


def _floor(program: str, *, config: bool = True) -> Command:
    def command(files: Files, url: str) -> list[str]:
        return [PYTHON, FLOORS, program, *([files.config] if config else []), *([url] * bool(url))]

    return command


def _reconcile(*args: str, config: str = "config") -> Command:
    def command(files: Files, url: str) -> list[str]:
        path = {"config": files.config, "empty": files.empty, "mapped": files.mapped}[config]
        return [*RECONCILE, *args, "-f", path, "--database-url", url]

    return command


def _validate(files: Files, _url: str) -> list[str]:
    return [*RECONCILE, "validate", "-f", files.config]


_PLAN = _reconcile("plan")  # the text a user reads, as the command prints by default
_APPLY = ("apply", "--yes", "--actor", "benchmark")
_LOAD = Baseline("C safe load", _floor("load"), 0.6, MEMORY_BUDGET)
_SELECT = Baseline("load + SELECT *", _floor("select"), 0.8, MEMORY_BUDGET)

SCENARIOS = (
    Scenario("validate", None, _validate, (_LOAD,)),
    Scenario("plan-in-sync", "in-sync", _PLAN, (_SELECT,)),
    Scenario("plan-empty", "empty", _PLAN, (_SELECT,)),
    Scenario(
        "apply-empty",
        "empty",
        _reconcile(*_APPLY),
        (
            Baseline("load + executemany", _floor("insert"), 1.0, MEMORY_BUDGET),
            Baseline("session.merge per row", _floor("merge"), 0.25),
        ),
    ),
    Scenario(
        "plan-in-sync-mapped",
        "mapped-in-sync",
        _reconcile("plan", config="mapped"),
        (Baseline("plan-in-sync, own tables", _PLAN, 1.3, None, state="in-sync"),),
    ),
    Scenario(
        "apply-empty-mapped",
        "mapped-empty",
        _reconcile(*_APPLY, config="mapped"),
        (Baseline("apply-empty, own tables", _reconcile(*_APPLY), 1.3, None, state="empty"),),
    ),
    Scenario(
        "backfill",
        "legacy",
        _reconcile(*_APPLY, config="empty"),
        (Baseline("grouped UPDATE", _floor("grouped-update", config=False), 2.0, None, 100_000),),
    ),
)
