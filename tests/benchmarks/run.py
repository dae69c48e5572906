"""The benchmark suite: every command against its floor, as whole processes, in one run.

    python tests/benchmarks/run.py [--sizes 1000,10000,100000] [--repeat 5]
                                   [--backends sqlite,postgresql] [--scenarios validate,...]

For each size N it writes a config of N profiles, prepares the database states (empty, in sync,
N legacy profiles), then times each scenario and its baselines in turn, ``--repeat`` rounds
interleaved so that drift on the machine hits both alike. It prints the medians of wall time and
peak memory (the process's ``ru_maxrss``) and their ratios against the budgets. Servers come from
RECONCILE_TEST_POSTGRES_URL and RECONCILE_TEST_MYSQL_URL (admin URLs; each database it creates
has a unique name and is dropped). Exits 1 when a ratio is over budget.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from databases import Databases, available_backends
from generate import app_schema, fill_in_sync, fill_legacy, fill_mapped, generate, with_storage
from scenarios import SCENARIOS, Baseline, Files, Scenario

TIME = "/usr/bin/time"
"""GNU time, for the peak memory of each process."""


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Comparison:
    """reconcile and one baseline in one scenario: medians of both and the budgets."""

    backend: str
    size: int
    scenario: str
    baseline: Baseline
    ours: Sample
    theirs: Sample

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.theirs.seconds

    @property
    def memory_ratio(self) -> float:
        return self.ours.peak_mib / self.theirs.peak_mib

    def over(self, slack: float = 1.0, *, every_size: bool = False) -> list[str]:
        """What exceeds ``slack`` times its budget, in words (empty when within).

        A budget holds from its baseline's ``from_size`` rows up (below, start-up time dominates
        every ratio), unless ``every_size`` (the smoke test, with its 2x slack).
        """
        if self.size < self.baseline.from_size and not every_size:
            return []
        found = []
        if self.ratio > self.baseline.budget * slack:
            found.append(f"time {self.ratio:.2f}x > {self.baseline.budget * slack:.2f}x")
        memory = self.baseline.memory_budget
        if memory is not None and self.memory_ratio > memory * slack:
            found.append(f"memory {self.memory_ratio:.2f}x > {memory * slack:.2f}x")
        where = f"{self.backend} N={self.size} {self.scenario} vs {self.baseline.name}"
        return [f"{where}: {f}" for f in found]


def run_once(command: Sequence[str]) -> Sample:
    """Wall time and peak RSS of one process; a failing process stops the benchmark.

    Peak memory comes from GNU time: the ``ru_maxrss`` a Python parent reads with ``os.wait4``
    would include the parent's own pages, which a forked child carries until it execs.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECONCILE_")}
    with tempfile.NamedTemporaryFile("r") as report, tempfile.TemporaryFile() as errors:
        timed = [TIME, "-f", "%M", "-o", report.name, *command]
        started = time.perf_counter()
        done = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=errors, env=env, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace")[-3000:]
            raise SystemExit(f"failed: {' '.join(command)}\n{text}")
        peak_kib = int(report.read().split()[-1])
    return Sample(elapsed, peak_kib / 1024)


def measure(
    sizes: Iterable[int],
    repeat: int,
    backends: Sequence[str],
    scenarios: Sequence[Scenario] = SCENARIOS,
) -> list[Comparison]:
    """Every scenario at every size on every backend; the comparisons, in that order."""
    results: list[Comparison] = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="reconcile-bench-") as tmp:
            folder = Path(tmp)
            files = _files(folder, size)
            for index, backend in enumerate(backends):
                # a scenario without a database runs once, with the first backend's
                chosen = [s for s in scenarios if s.state is not None or index == 0]
                if not chosen:
                    continue
                with Databases(backend, folder) as databases:
                    states = {s.state for s in chosen} | {
                        b.state for s in chosen for b in s.baselines if b.state
                    }
                    _prepare(databases, states, files, size)
                    for scenario in chosen:
                        results += _compare(databases, scenario, files, size, repeat)
    return results


def _files(folder: Path, size: int) -> Files:
    config, empty = folder / "config.yaml", folder / "empty.yaml"
    mapped = folder / "mapped.yaml"
    text = generate(size)
    config.write_text(text, encoding="utf-8")
    empty.write_text("version: 1\n", encoding="utf-8")
    mapped.write_text(with_storage(text), encoding="utf-8")
    return Files(str(config), str(empty), str(mapped))


def _prepare(databases: Databases, states: set[str | None], files: Files, size: int) -> None:
    prepares = {
        "empty": lambda _url: None,
        "in-sync": lambda url: fill_in_sync(url, files.config),
        "legacy": lambda url: fill_legacy(url, size),
        "mapped-empty": lambda url: app_schema(url, databases.backend),
        "mapped-in-sync": lambda url: fill_mapped(url, databases.backend, files.mapped),
    }
    for state in sorted(s for s in states if s is not None):
        databases.template(state, prepares[state], own_tables=not state.startswith("mapped"))


def _compare(
    databases: Databases, scenario: Scenario, files: Files, size: int, repeat: int
) -> list[Comparison]:
    programs = {"reconcile": scenario.command} | {b.name: b.command for b in scenario.baselines}
    states = {b.name: b.state for b in scenario.baselines if b.state}
    samples: dict[str, list[Sample]] = {name: [] for name in programs}
    for _ in range(repeat):
        for name, command in programs.items():
            state = states.get(name, scenario.state)
            with databases.copy(state) if state else nullcontext("") as url:
                samples[name].append(run_once(command(files, url)))
    ours = _median(samples["reconcile"])
    return [
        Comparison(databases.backend, size, scenario.name, b, ours, _median(samples[b.name]))
        for b in scenario.baselines
    ]


def _median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.seconds for s in samples),
        statistics.median(s.peak_mib for s in samples),
    )


def table(results: Iterable[Comparison]) -> str:
    """A markdown table: one line per comparison."""
    lines = [
        "| backend | N | scenario | reconcile | baseline | baseline s | ratio (budget)"
        " | memory MiB | memory ratio (budget) |",
        "|---|--:|---|--:|---|--:|--:|--:|--:|",
    ]
    for c in results:
        mem_budget = c.baseline.memory_budget
        mem = f"{c.memory_ratio:.2f}x" + (f" (≤ {mem_budget})" if mem_budget else "")
        mark = " **over**" if c.over() else ""
        lines.append(
            f"| {c.backend} | {c.size:,} | {c.scenario} | {c.ours.seconds:.2f} s"
            f" | {c.baseline.name} | {c.theirs.seconds:.2f} s"
            f" | {c.ratio:.2f}x (≤ {c.baseline.budget}){mark}"
            f" | {c.ours.peak_mib:.0f} / {c.theirs.peak_mib:.0f} | {mem} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated N")
    parser.add_argument("--repeat", type=int, default=5, help="runs per program (median)")
    parser.add_argument(
        "--backends", default=",".join(available_backends()), help="sqlite,postgresql,mysql"
    )
    parser.add_argument("--scenarios", default="", help="a comma-separated subset, by name")
    args = parser.parse_args(argv)
    chosen = [s for s in SCENARIOS if not args.scenarios or s.name in args.scenarios.split(",")]
    results = measure(
        [int(n) for n in args.sizes.split(",")], args.repeat, args.backends.split(","), chosen
    )
    print(f"median of {args.repeat} runs; ratio = reconcile / baseline")
    print(table(results))
    over = [line for c in results for line in c.over()]
    print("\n".join(over) if over else "all within budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
