"""Apply speed, measured side by side as whole processes (not a test; run it by hand).

    python tests/benchmarks/apply_speed.py [--profiles 10000] [--legacy 100000] [--repeat 3]
        [--database-url URL]

Three processes apply the same generated config to an empty, migrated database:
- floor: ``YAML(typ='safe').load`` and Core ``executemany`` inserts, nothing else;
- naive: the obvious script, ORM ``session.merge()`` per row and one commit;
- reconcile: ``reconcile apply -f config.yaml --yes`` (validate, lock, plan, write, journal).
Then the backfill: ``--legacy`` profiles without ``provider_connection`` inserted behind the
tool's back, backfilled by ``reconcile apply`` and by a hand-written grouped ``UPDATE``.
Budgets (issue 5): reconcile <= 1.0x floor and <= 0.25x naive. On a server URL each run gets a
database of its own (created and dropped here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from reconciler.store import upgrade
from reconciler.store.tables import profiles

PYTHON = sys.executable
RECONCILE = [PYTHON, "-m", "reconciler"]
PROVIDERS = ("anthropic", "openai", "gemini", "ollama")

FLOOR = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from ruamel.yaml import YAML
    from reconciler.store.tables import profiles, provider_connections, providers

    with open(sys.argv[1], encoding="utf-8") as file:
        document = YAML(typ="safe").load(file)
    canonical = [{"name": n, "type": n} for n in ("anthropic", "openai", "gemini", "ollama")]
    provider_rows = canonical + [
        {"name": name, **row} for name, row in document.get("providers", {}).items()
    ]
    connection_rows = [
        {"name": name, **row} for name, row in document.get("connections", {}).items()
    ]
    profile_rows = [{"name": name, **row} for name, row in document["profiles"].items()]
    engine = sa.create_engine(sys.argv[2])
    with engine.begin() as connection:
        connection.execute(providers.insert(), provider_rows)
        connection.execute(provider_connections.insert(), connection_rows)
        connection.execute(profiles.insert(), profile_rows)
    """
)

NAIVE = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from ruamel.yaml import YAML
    from sqlalchemy.orm import Session, registry
    from reconciler.store.tables import profiles, provider_connections, providers

    class Provider: pass
    class Connection: pass
    class Profile: pass

    mapper = registry()
    mapper.map_imperatively(Provider, providers)
    mapper.map_imperatively(Connection, provider_connections)
    mapper.map_imperatively(Profile, profiles)

    def make(cls, **fields):
        row = cls()
        for key, value in fields.items():
            setattr(row, key, value)
        return row

    with open(sys.argv[1], encoding="utf-8") as file:
        document = YAML(typ="safe").load(file)
    engine = sa.create_engine(sys.argv[2])
    with Session(engine) as session:
        for name in ("anthropic", "openai", "gemini", "ollama"):
            session.merge(make(Provider, name=name, type=name))
        for name, row in document.get("providers", {}).items():
            session.merge(make(Provider, name=name, **row))
        for name, row in document.get("connections", {}).items():
            session.merge(make(Connection, name=name, **row))
        for name, row in document["profiles"].items():
            session.merge(make(Profile, name=name, **row))
        session.commit()
    """
)

GROUPED_BACKFILL = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa

    engine = sa.create_engine(sys.argv[1])
    derived = {"anthropic": "anthropic-personal", "openai": "openai-personal",
               "gemini": "gemini-personal", "ollama": "ollama-local"}
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO provider_connections (name, provider, auth, managed_by)"
                    " VALUES (:name, :provider, :auth, 'backfill')"),
            [{"name": c, "provider": p,
              "auth": '{"type": "api_key", "credential": "credential/%s/api_key"}' % p}
             for p, c in derived.items() if p != "ollama"],
        )
        for provider, name in derived.items():
            connection.execute(
                sa.text("UPDATE profiles SET provider_connection = :c,"
                        " updated_at = CURRENT_TIMESTAMP"
                        " WHERE provider = :p AND provider_connection IS NULL"),
                {"c": name, "p": provider},
            )
    """
)


def generate(count: int) -> str:
    """A config with ``count`` profiles over a few declared providers and connections."""
    lines = ["version: 1", "providers:"]
    lines += [
        f"  eu-{n}:\n    type: anthropic\n    base_url: https://eu{n}.example.com" for n in range(4)
    ]
    lines.append("connections:")
    lines += [
        f"  eu-{n}-key:\n    provider: eu-{n}\n"
        f"    auth: {{type: api_key, credential: credential/eu-{n}}}"
        for n in range(4)
    ]
    lines.append("profiles:")
    for n in range(count):
        lines.append(
            f"  profile-{n:06d}:\n    provider: eu-{n % 4}\n    model: claude-sonnet-4-{n % 7}\n"
            f"    provider_connection: eu-{n % 4}-key\n    label: Profile {n}\n"
            f"    temperature: {(n % 20) / 10}\n    max_tokens: {1024 + n % 4096}"
        )
    return "\n".join(lines) + "\n"


@contextmanager
def fresh_database(base: str, workdir: Path) -> Iterator[str]:
    """An empty database with the reconciler schema; dropped afterwards on a server."""
    url = sa.make_url(base)
    name = f"reconcile_bench_{uuid.uuid4().hex[:10]}"
    if url.get_backend_name() == "sqlite":
        yield _migrated(f"sqlite:///{workdir / (name + '.db')}")
        return
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield _migrated(url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name}")
        admin.dispose()


def _migrated(url: str) -> str:
    engine = sa.create_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}… failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def best_of(
    repeat: int,
    base: str,
    workdir: Path,
    run: Callable[[str], list[str]],
    prepare: Callable[[str], None] = lambda _url: None,
) -> float:
    times = []
    for _ in range(repeat):
        with fresh_database(base, workdir) as url:
            prepare(url)
            times.append(timed(run(url)))
    return statistics.median(times)


def insert_legacy(count: int) -> Callable[[str], None]:
    def prepare(url: str) -> None:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO providers (name, type) VALUES (:n, :n)"),
                [{"n": name} for name in PROVIDERS],
            )
            connection.execute(
                profiles.insert(),
                [
                    {"name": f"legacy-{n:07d}", "provider": PROVIDERS[n % 4], "model": "m"}
                    for n in range(count)
                ],
            )
        engine.dispose()

    return prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--legacy", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="sqlite://")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        config = workdir / "config.yaml"
        config.write_text(generate(args.profiles), encoding="utf-8")
        empty = workdir / "empty.yaml"
        empty.write_text("version: 1\n", encoding="utf-8")
        for name, body in (
            ("floor.py", FLOOR),
            ("naive.py", NAIVE),
            ("grouped.py", GROUPED_BACKFILL),
        ):
            (workdir / name).write_text(body, encoding="utf-8")
        os.environ.pop("RECONCILE_DATABASE_URL", None)
        apply = [*RECONCILE, "apply", "--yes", "--actor", "bench"]
        floor = best_of(
            args.repeat,
            args.database_url,
            workdir,
            lambda url: [PYTHON, str(workdir / "floor.py"), str(config), url],
        )
        naive = best_of(
            args.repeat,
            args.database_url,
            workdir,
            lambda url: [PYTHON, str(workdir / "naive.py"), str(config), url],
        )
        ours = best_of(
            args.repeat,
            args.database_url,
            workdir,
            lambda url: [*apply, "-f", str(config), "--database-url", url],
        )
        backend = sa.make_url(args.database_url).get_backend_name()
        print(f"{args.profiles} profiles, empty {backend} database, median of {args.repeat}:")
        print(f"  floor (safe load + executemany)   {floor:7.2f} s")
        print(f"  naive (session.merge per row)     {naive:7.2f} s")
        ratios = f"{ours / floor:.2f}x floor, {ours / naive:.2f}x naive"
        print(f"  reconcile apply --yes             {ours:7.2f} s   {ratios}")
        legacy = insert_legacy(args.legacy)
        grouped = best_of(
            args.repeat,
            args.database_url,
            workdir,
            lambda url: [PYTHON, str(workdir / "grouped.py"), url],
            legacy,
        )
        backfill = best_of(
            args.repeat,
            args.database_url,
            workdir,
            lambda url: [*apply, "-f", str(empty), "--database-url", url],
            legacy,
        )
        print(f"backfill of {args.legacy} legacy profiles:")
        print(f"  hand-written grouped UPDATE       {grouped:7.2f} s")
        print(f"  reconcile apply --yes             {backfill:7.2f} s   {backfill / grouped:.2f}x")


if __name__ == "__main__":
    main()
