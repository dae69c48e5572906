"""Issue 3's read budget: `read_state` of 100,000 profiles against a bare ``SELECT *``.

Fills the database at URL (its reconciler tables are emptied first: use a scratch database) and
times, in one process, the medians of 7 reads of each: ``text("SELECT * FROM profiles")``,
``select(profiles)`` (typed Core) and `read_state` (all three tables, as frozen model values).

    python tests/benchmarks/read_state.py sqlite:////tmp/read.db
    python tests/benchmarks/read_state.py postgresql://postgres@127.0.0.1/scratch
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from reconciler.store import open_engine, read_state, upgrade
from reconciler.store.tables import profiles, provider_connections, providers

ROWS = 100_000
BUDGET = 1.3
"""``read_state`` against the text ``SELECT *`` of the profiles (issue 3)."""


def fill(engine: sa.Engine, rows: int = ROWS) -> None:
    with engine.begin() as connection:
        for table in (profiles, provider_connections, providers):
            connection.execute(table.delete())
        connection.execute(providers.insert(), [{"name": "p", "type": "openai"}])
        connection.execute(
            provider_connections.insert(),
            [{"name": "c", "provider": "p", "auth": {"type": "none"}}],
        )
        values = [_profile(i) for i in range(rows)]
        for start in range(0, rows, 5_000):
            connection.execute(profiles.insert(), values[start : start + 5_000])


def _profile(i: int) -> dict[str, Any]:
    full = i % 2 == 1  # half the rows with every field set, half with NULLs
    return {
        "name": f"profile-{i}",
        "provider": "p",
        "model": "m",
        "provider_connection": "c" if full else None,
        "label": "label" if full else None,
        "description": "d" * 40 if full else None,
        "temperature": 0.7 if full else None,
        "max_tokens": 100 if full else None,
        "managed_by": "config",
    }


def median_seconds(engine: sa.Engine, read: Callable[[sa.Connection], object]) -> float:
    times = []
    for _ in range(7):
        with engine.connect() as connection:
            start = time.perf_counter()
            read(connection)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(engine: sa.Engine) -> tuple[float, float, float]:
    """Medians of ``read_state``, the text ``SELECT *`` and ``select(profiles)``, in seconds."""
    text = median_seconds(engine, lambda c: c.execute(sa.text("SELECT * FROM profiles")).all())
    typed = median_seconds(engine, lambda c: c.execute(sa.select(profiles)).all())
    state = median_seconds(engine, read_state)
    return state, text, typed


def main(url: str) -> None:
    engine = open_engine(url)
    upgrade(engine)
    fill(engine)
    state, text, typed = measure(engine)
    print(
        f"{engine.dialect.name}: read_state {state:.3f} s; text SELECT * {text:.3f} s"
        f" ({state / text:.2f}x); select(profiles) {typed:.3f} s ({state / typed:.2f}x);"
        f" budget {BUDGET}x"
    )


if __name__ == "__main__":
    main(sys.argv[1])
