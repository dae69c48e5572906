"""Validate vs a plain C-loader load, as whole processes, in one run.

    python tests/benchmarks/measure.py [PROFILES] [RUNS]

Prints the median wall time and peak memory of each process and the ratio; the budget is
``reconcile validate`` <= 0.6x ``YAML(typ='safe').load`` of the same file. Not part of the test
suite: timings belong to a quiet machine, not to CI.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

BUDGET = 0.6
FLOOR = "from ruamel.yaml import YAML; import sys; YAML(typ='safe').load(open(sys.argv[1]).read())"


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {command}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    profiles = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(generate(profiles))
        commands = {
            "safe load": [sys.executable, "-c", FLOOR, str(path)],
            "validate": [sys.executable, "-m", "reconciler", "validate", "-f", str(path)],
        }
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for _ in range(runs):  # interleaved, so drift on the machine hits both alike
            for name, command in commands.items():
                results[name].append(run(command))
    medians = {name: statistics.median(t for t, _ in rows) for name, rows in results.items()}
    for name, rows in results.items():
        memory = statistics.median(m for _, m in rows) / 1024
        print(f"{name:10} median {medians[name]:.3f} s  peak {memory:.0f} MiB  ({runs} runs)")
    ratio = medians["validate"] / medians["safe load"]
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(f"ratio {ratio:.2f}x ({verdict} the {BUDGET}x budget) at {profiles:,} profiles")


if __name__ == "__main__":
    main()
