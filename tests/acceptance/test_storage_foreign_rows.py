"""The application's other tables that reference a mapped row, counted by the read (DESIGN §14).

What the plan does with the counts is tested at unit level (the guard); here: the counts that
reach `DatabaseState.foreign` on every backend, one ``count(*) … GROUP BY`` per foreign key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_schemas import STORAGE, SURROGATE
from test_storage_apply import SURROGATE_ROWS, apply, rows, write

from reconciler.config.storage import storage_mapping
from reconciler.model import ForeignRows, Kind
from reconciler.store import open_engine
from reconciler.store.rowstore import row_store
from tests.acceptance.database_snapshot import execute


def test_rows_of_unmapped_tables_are_counted_per_referenced_row_and_foreign_key(
    app_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    assert apply(url, write(tmp_path, SURROGATE, SURROGATE_ROWS))[0] == 0
    ((eu,),) = rows(url, "SELECT id FROM ai_providers WHERE name = 'eu'")
    ((openai,),) = rows(url, "SELECT id FROM ai_providers WHERE name = 'openai'")
    for provider, count in ((eu, 2), (openai, 1)):
        for _ in range(count):
            execute(url, f"INSERT INTO app_usage (provider_id) VALUES ('{provider}')")
    execute(url, f"INSERT INTO app_invoices (provider_id) VALUES ('{eu}')")
    execute(url, "INSERT INTO app_usage (provider_id) VALUES (NULL)")
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            state = row_store(connection, storage_mapping(STORAGE[SURROGATE])).read()
    finally:
        engine.dispose()
    assert dict(state.foreign) == {
        (Kind.PROVIDER, "eu"): (
            ForeignRows("app_invoices", "RESTRICT", 1),
            ForeignRows("app_usage", "SET NULL", 2),
        ),
        (Kind.PROVIDER, "openai"): (ForeignRows("app_usage", "SET NULL", 1),),
    }
