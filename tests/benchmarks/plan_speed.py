"""Plan speed (issue 4), measured side by side as whole processes (not a test; run it by hand).

    python tests/benchmarks/plan_speed.py [--profiles 10000] [--runs 7] [--database-url URL]

Two databases with the reconciler schema: one in sync with a generated config (applied first)
and one without rows. Against each, interleaved so drift on the machine hits both alike:
- floor: ``YAML(typ='safe').load`` of the config and ``SELECT *`` of the three tables;
- plan: ``reconcile plan -f config.yaml`` (validate, read, plan, print the text).
Budget: plan <= 0.8x floor, median of the runs, for each database. On a server URL (an admin URL
that may create databases) the two databases are created and dropped here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from apply_speed import PYTHON, RECONCILE, fresh_database, timed
from generate import generate
from measure import run

BUDGET = 0.8
FLOOR = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from ruamel.yaml import YAML

    with open(sys.argv[1], encoding="utf-8") as file:
        YAML(typ="safe").load(file)
    engine = sa.create_engine(sys.argv[2])
    with engine.connect() as connection:
        for table in ("providers", "provider_connections", "profiles"):
            connection.execute(sa.text(f"SELECT * FROM {table}")).all()
    """
)


@contextmanager
def databases(base: str, workdir: Path, config: Path) -> Iterator[dict[str, str]]:
    """``{"in sync": url, "empty": url}``: the first with ``config`` applied."""
    with ExitStack() as stack:
        in_sync = stack.enter_context(fresh_database(base, workdir))
        empty = stack.enter_context(fresh_database(base, workdir))
        timed([*RECONCILE, "apply", "--yes", "-f", str(config), "--database-url", in_sync])
        yield {"in sync": in_sync, "empty": empty}


def medians(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(run(command)[0])
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default="sqlite://")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        config = workdir / "config.yaml"
        config.write_text(generate(args.profiles), encoding="utf-8")
        floor = workdir / "floor.py"
        floor.write_text(FLOOR, encoding="utf-8")
        with databases(args.database_url, workdir, config) as urls:
            commands = {}
            for state, url in urls.items():
                planning = [*RECONCILE, "plan", "-f", str(config), "--database-url", url]
                commands[f"floor, {state}"] = [PYTHON, str(floor), str(config), url]
                commands[f"plan, {state}"] = planning
            found = medians(commands, args.runs)
    backend = urls["empty"].split(":", 1)[0]
    print(f"{args.profiles:,} profiles on {backend}, median of {args.runs} runs:")
    for state in urls:
        plan, base = found[f"plan, {state}"], found[f"floor, {state}"]
        verdict = "within" if plan / base <= BUDGET else "OVER"
        print(
            f"  {state:8} floor {base:.3f} s  plan {plan:.3f} s  {plan / base:.2f}x"
            f" ({verdict} the {BUDGET}x budget)"
        )


if __name__ == "__main__":
    main()
