"""Budget: `read_state` on 100,000 profiles takes at most 1.3x a bare ``SELECT *`` of the table.

Both are timed in the same run on the same freshly filled database, alternating, best of
``--repeat``. The floor is ``SELECT * FROM profiles`` through SQLAlchemy Core, fetched whole with
``.all()``, as ``text()``: no type processing, the strictest floor, and the one the budget is
checked against. ``select(profiles)`` (typed: it parses the timestamps) is printed for context.

    python tests/benchmarks/bench_read_state.py --backend sqlite
    python tests/benchmarks/bench_read_state.py --backend postgresql   # RECONCILE_TEST_POSTGRES_URL
    python tests/benchmarks/bench_read_state.py --backend mysql        # RECONCILE_TEST_MYSQL_URL

Exits 1 when the budget is exceeded.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from reconciler.store import open_engine, parse_url, read_state, upgrade
from reconciler.store.tables import profiles, provider_connections, providers

BUDGET = 1.3
ADMIN_URL_VARIABLES = {
    "postgresql": "RECONCILE_TEST_POSTGRES_URL",
    "mysql": "RECONCILE_TEST_MYSQL_URL",
}


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    """A new, uniquely named database on the backend, dropped afterwards."""
    name = f"reconcile_bench_{secrets.token_hex(4)}"
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / name}.db"
        return
    variable = ADMIN_URL_VARIABLES[backend]
    if not os.environ.get(variable):
        sys.exit(f"set {variable} to an admin URL of the {backend} server")
    admin_url = parse_url(os.environ[variable])
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote_identifier(name)
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if backend == "postgresql" else ""
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {quoted}{force}"))
        admin.dispose()


def fill(engine: sa.Engine, rows: int) -> None:
    """``rows`` profiles with every field set on half of them and NULLs on the rest."""
    with engine.begin() as connection:
        connection.execute(
            sa.insert(providers), [{"name": n, "type": n} for n in ("openai", "anthropic")]
        )
        connection.execute(
            sa.insert(provider_connections),
            [{"name": "openai-managed", "provider": "openai", "auth": {"type": "platform"}}],
        )
        batch = []
        for i in range(rows):
            full = i % 2 == 0
            batch.append(
                {
                    "name": f"profile-{i:06d}",
                    "provider": "openai",
                    "model": "gpt-5-mini",
                    "provider_connection": "openai-managed" if full else None,
                    "source": "user" if full else None,
                    "label": f"Profile {i}" if full else None,
                    "description": "A profile for the benchmark." if full else None,
                    "system_prompt": "You are a helpful assistant." if full else None,
                    "temperature": 0.7 if full else None,
                    "max_tokens": 4096 if full else None,
                    "managed_by": "config" if full else None,
                }
            )
            if len(batch) == 10_000:
                connection.execute(sa.insert(profiles), batch)
                batch = []
        if batch:
            connection.execute(sa.insert(profiles), batch)


def best_of(
    repeat: int, engine: sa.Engine, work: dict[str, Callable[[sa.Connection], object]]
) -> dict[str, float]:
    """The best wall time of each piece of work, the pieces alternating within each round."""
    best = dict.fromkeys(work, float("inf"))
    for _ in range(repeat):
        for name, run in work.items():
            with engine.connect() as connection:
                started = time.perf_counter()
                run(connection)
                best[name] = min(best[name], time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "mysql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with scratch_database(args.backend) as url:
        engine = open_engine(url)
        upgrade(engine)
        fill(engine, args.rows)
        with engine.connect() as connection:
            assert len(read_state(connection).profiles) == args.rows
        times = best_of(
            args.repeat,
            engine,
            {
                "SELECT * (text)": lambda c: c.execute(sa.text("SELECT * FROM profiles")).all(),
                "SELECT * (select(profiles))": lambda c: c.execute(sa.select(profiles)).all(),
                "read_state": read_state,
            },
        )
        engine.dispose()
    ratio = times["read_state"] / times["SELECT * (text)"]
    typed = times["read_state"] / times["SELECT * (select(profiles))"]
    print(f"{args.backend}, {args.rows} profiles, best of {args.repeat}:")
    for name, seconds in times.items():
        print(f"  {name:<30} {seconds:.3f} s")
    print(f"  read_state / SELECT * (text)   = {ratio:.2f}x (budget {BUDGET}x)")
    print(f"  read_state / select(profiles)  = {typed:.2f}x")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
