"""Convergence, property-based, into the application's own tables (DESIGN §6, §14).

The property of ``test_apply_convergence`` on the surrogate-key schema of `app_schemas`: random
configs are applied over random rows the application wrote with plain SQL (UUID providers,
connections and profiles referencing them by id; some protected or another owner's in
``reconcile_ownership``). Whenever the apply succeeds, a second apply changes nothing and the
journal's ``state_after`` is the digest of what the mapped tables really hold; when it is
refused, nothing was written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from app_schemas import APP_TABLES, STORAGE, SURROGATE
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reconciler.config.storage import storage_mapping
from reconciler.model import PROVIDER_TYPES
from reconciler.planning.digest import state_digest
from reconciler.store import open_engine, upgrade
from reconciler.store.rowstore import row_store
from tests.acceptance.database_snapshot import journal, snapshot
from tests.acceptance.test_apply_convergence import (
    CONNECTIONS,
    EXTERNAL_PROVIDERS,
    PROFILES,
    apply,
    configs,
    managers,
)

TABLES = (*APP_TABLES[SURROGATE], "reconcile_ownership", "reconcile_journal")


@st.composite
def application_rows(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """Rows the application wrote into its tables (parents first), and the side-table entries
    an admin or another owner's apply left for some of them."""
    rows: list[tuple[str, dict[str, Any]]] = []
    ids: dict[str, str] = {}
    for name in sorted(draw(st.sets(st.sampled_from(EXTERNAL_PROVIDERS)))):
        ids[name] = str(uuid.uuid4())
        provider_type = draw(st.sampled_from(PROVIDER_TYPES))
        rows.append(("ai_providers", {"id": ids[name], "name": name, "type": provider_type}))
        rows.extend(_entry(draw, "provider", name))
    if not ids:
        return rows
    providers: dict[int, str] = {}
    for index, name in enumerate(sorted(draw(st.sets(st.sampled_from(CONNECTIONS))))):
        provider = draw(st.sampled_from(sorted(ids)))
        providers[1000 + index] = provider
        auth = json.dumps({"type": "api_key", "credential": f"vault/{name}"})
        row = {"id": 1000 + index, "name": name, "provider_id": ids[provider], "auth": auth}
        rows.append(("llm_connections", row))
        rows.extend(_entry(draw, "connection", name))
    for index, name in enumerate(sorted(draw(st.sets(st.sampled_from((*PROFILES, "ext-p")))))):
        provider = draw(st.sampled_from(sorted(ids)))
        usable = [None, *(id_ for id_, owner in providers.items() if owner == provider)]
        row = {
            "id": 2000 + index,
            "name": name,
            "provider_id": ids[provider],
            "connection_id": draw(st.sampled_from(usable)),
            "model": "legacy",
        }
        rows.append(("llm_profiles", row))
        rows.extend(_entry(draw, "profile", name))
    return rows


def _entry(draw: st.DrawFn, kind: str, name: str) -> list[tuple[str, dict[str, Any]]]:
    manager = draw(managers)
    if not manager["protected"] and "managed_by" not in manager:
        return []  # external: no entry
    return [("reconcile_ownership", {"kind": kind, "name": name, **manager})]


def reset(url: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    engine = open_engine(url)
    with engine.begin() as connection:
        for table in TABLES:  # children first
            if sa.inspect(connection).has_table(table):
                connection.execute(sa.text(f"DELETE FROM {table}"))
        for table, row in rows:
            columns = ", ".join(row)
            values = ", ".join(f":{column}" for column in row)
            connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
    engine.dispose()


def real_digest(url: str) -> str:
    engine = open_engine(url)
    storage = storage_mapping(STORAGE[SURROGATE])
    with engine.connect() as connection:
        digest = state_digest(row_store(connection, storage).read())
    engine.dispose()
    return digest


@pytest.fixture
def mapped_url(app_database: Callable[[str], str]) -> str:
    """The surrogate-key schema with the bookkeeping tables beside it."""
    url = app_database(SURROGATE)
    engine = open_engine(url)
    upgrade(engine, storage=storage_mapping(STORAGE[SURROGATE]))
    engine.dispose()
    return url


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=configs(), rows=application_rows())
def test_apply_into_the_application_tables_converges(
    mapped_url: str,
    tmp_path_factory: Any,
    document: dict[str, Any],
    rows: list[tuple[str, dict[str, Any]]],
) -> None:
    path = tmp_path_factory.mktemp("storage-convergence") / "reconcile.yaml"
    path.write_text(json.dumps({**document, "storage": STORAGE[SURROGATE]}), encoding="utf-8")
    reset(mapped_url, rows)
    before = snapshot(mapped_url, TABLES)
    code, output = apply(mapped_url, path)
    assert code in (0, 1, 3), output
    event(f"first apply exit {code}")
    if code != 0:
        assert "Traceback" not in output
        assert snapshot(mapped_url, TABLES) == before
        return
    (entry,) = journal(mapped_url)
    assert entry["state_after"] == real_digest(mapped_url)
    settled = snapshot(mapped_url, TABLES)
    code, output = apply(mapped_url, path)
    assert code == 0, output
    assert "No changes" in output
    again = snapshot(mapped_url, TABLES)
    for table in TABLES[:-1]:
        assert again[table] == settled[table], table
    second = journal(mapped_url)[1]
    assert second["summary"] == {"create": 0, "update": 0, "delete": 0, "blocked": 0}
    assert second["state_before"] == second["state_after"] == entry["state_after"]
