"""Run the fuzz targets for a while, or replay a failure they saved.

    python tests/fuzz/run.py --minutes 30                 # every target, 30 minutes in all
    python tests/fuzz/run.py --minutes 10 --target plan   # one target
    python tests/fuzz/run.py --replay tests/fuzz/crashes/plan-0123456789ab.json

The time is shared by weight (plan, the slowest, gets twice the others). Each target runs in
rounds of hypothesis examples with a fresh seed; a failing input is shrunk, saved under
``tests/fuzz/crashes/`` (gitignored) and printed with the command that replays it. At the end
each target prints its executions and its distinct failures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as with_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzz import strategies, targets  # noqa: E402

CRASHES = Path(__file__).resolve().parent / "crashes"


@dataclass(frozen=True)
class Target:
    function: Callable[[Any], None]
    strategy: st.SearchStrategy[Any]
    weight: int
    batch: int
    suffix: str


TARGETS = {
    "loader": Target(targets.load_bytes, strategies.raw_bytes, 1, 200, ".bin"),
    "validate": Target(targets.validate_text, strategies.config_texts, 1, 200, ".yaml"),
    "merge": Target(targets.merge_texts, strategies.config_folders, 1, 100, ".json"),
    "plan": Target(targets.plan_case, strategies.plan_inputs(), 2, 40, ".json"),
}


@dataclass
class Stats:
    executions: int = 0
    rounds: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)  # key -> saved files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="total time (default 1)")
    parser.add_argument("--target", choices=sorted(TARGETS), action="append")
    parser.add_argument("--replay", type=Path, help="run one saved input and show the failure")
    parser.add_argument("--seed", type=int, help="seed of the first round (default: random)")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args.replay)
    chosen = args.target or sorted(TARGETS)
    weights = sum(TARGETS[name].weight for name in chosen)
    seed = random.randrange(2**32) if args.seed is None else args.seed
    print(f"fuzzing {', '.join(chosen)} for {args.minutes:g} min, first seed {seed}", flush=True)
    results = {}
    for name in chosen:
        seconds = args.minutes * 60 * TARGETS[name].weight / weights
        results[name] = fuzz(name, seconds, seed)
    report(results)
    return 1 if any(stats.failures for stats in results.values()) else 0


def fuzz(name: str, seconds: float, seed: int) -> Stats:
    """Rounds of examples until ``seconds`` have passed; every failure saved and counted."""
    target, stats = TARGETS[name], Stats()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        stats.rounds += 1
        failure = _round(target, seed + stats.rounds, deadline, stats)
        if failure is not None:
            value, error = failure
            if value is None:  # the strategy itself broke: no input to save, nothing to fuzz
                raise error
            key = failure_key(error)
            saved = save(name, value)
            stats.failures.setdefault(key, []).append(saved)
            print(f"[{name}] FAILURE {key}\n  replay: {reproducer(saved)}", flush=True)
        if stats.rounds % 10 == 0:
            print(
                f"[{name}] {stats.executions} executions, {len(stats.failures)} distinct failures"
            )
    return stats


def _round(
    target: Target, seed: int, deadline: float, stats: Stats
) -> tuple[Any, BaseException] | None:
    last: list[Any] = []
    failing: list[bool] = []

    def body(value: Any) -> None:
        # Once time is up, pass quickly, unless shrinking a failure (it must replay the same).
        if time.monotonic() > deadline and not failing:
            return
        last[:] = [value]
        stats.executions += 1
        try:
            target.function(value)
        except BaseException:
            failing.append(True)
            raise

    test = settings(
        max_examples=target.batch,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )(given(target.strategy)(body))
    try:
        with_seed(seed)(test)()
    except Exception as error:
        return (last[0] if last else None), error
    return None


def failure_key(error: BaseException) -> str:
    """What tells two failures apart: the invariant's name, or the exception and where it rose."""
    if isinstance(error, targets.Violation):
        name = str(error.args[0])
        if name == "unexpected failure":
            name += f": {error.args[1]}"
        return re.sub(r"\d+", "N", name)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].name}" if frames else ""
    return f"{type(error).__name__}{where}"


def save(name: str, value: Any) -> Path:
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8")
    else:
        data = json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8")
    CRASHES.mkdir(exist_ok=True)
    path = CRASHES / f"{name}-{hashlib.sha256(data).hexdigest()[:12]}{TARGETS[name].suffix}"
    path.write_bytes(data)
    return path


def reproducer(path: Path) -> str:
    return f"python tests/fuzz/run.py --replay {path.relative_to(ROOT)}"


def replay(path: Path) -> int:
    """Run the saved input through its target: 0 if it passes now, 1 with the traceback if not."""
    name = path.name.split("-", 1)[0]
    data = path.read_bytes()
    value: Any = data
    if name == "validate":
        value = data.decode("utf-8")
    elif name in ("merge", "plan"):
        value = json.loads(data)
    try:
        TARGETS[name].function(value)
    except Exception:
        traceback.print_exc()
        return 1
    print(f"{path}: passes")
    return 0


def report(results: dict[str, Stats]) -> None:
    print("\ntarget      executions  distinct failures")
    for name, stats in results.items():
        print(f"{name:<10}  {stats.executions:>10}  {len(stats.failures):>17}")
        for key, saved in stats.failures.items():
            print(f"  {key} (found {len(saved)}x)\n    {reproducer(saved[-1])}")
    if targets.OUTCOMES:
        print(
            "plan cases:", ", ".join(f"{n} {what}" for what, n in sorted(targets.OUTCOMES.items()))
        )


if __name__ == "__main__":
    sys.exit(main())
