from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from database_snapshot import journal

from reconciler.config import load_config
from reconciler.errors import DatabaseError
from reconciler.model import DatabaseState
from reconciler.service import drift as drift_module
from reconciler.service.apply import apply_config
from reconciler.service.drift import check_drift
from reconciler.storage import Storage
from reconciler.store.rowstore import RowStore

CONFIG = "version: 1\nprofiles:\n  bot: {provider: openai, model: gpt-5-mini}\n"


def reading_with(
    monkeypatch: pytest.MonkeyPatch, then: Callable[[DatabaseState], DatabaseState]
) -> None:
    """Make every read of drift's row store call ``then`` with what it read."""
    row_store = drift_module.row_store

    def store(connection: sa.Connection, storage: Storage | None) -> RowStore:
        rows = row_store(connection, storage)
        read = rows.read
        rows.read = lambda: then(read())  # type: ignore[method-assign]
        return rows

    monkeypatch.setattr(drift_module, "row_store", store)


def configs(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(CONFIG, encoding="utf-8")
    second.write_text(CONFIG.replace("gpt-5-mini", "gpt-5"), encoding="utf-8")
    return first, second


def test_an_apply_committing_while_drift_reads_is_no_out_of_band_write(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """The rows and the journal are read as of one moment: an apply that commits between them
    makes drift read again (PostgreSQL, SQLite) or is not seen at all (MariaDB's snapshot)."""
    first, second = configs(tmp_path)
    apply_config(load_config([str(first)]), database_url)
    calls = []

    def then_apply(state: DatabaseState) -> DatabaseState:
        calls.append(state)
        if len(calls) == 1:
            apply_config(load_config([str(second)]), database_url)
        return state

    reading_with(monkeypatch, then_apply)
    drift = check_drift(load_config([str(first)]), database_url)
    assert not drift.out_of_band
    assert drift.last_apply is not None
    entries = [entry["id"] for entry in journal(database_url)]
    if backend == "mysql":
        assert len(calls) == 1
        assert drift.last_apply.journal_id == entries[0]
        assert not drift.plan.has_changes
    else:
        assert len(calls) == 2
        assert drift.last_apply.journal_id == entries[1]
        assert drift.plan.has_changes  # the second config's model, against the first


@pytest.mark.parametrize(  # MariaDB reads one snapshot: it never sees a commit in between
    "backend",
    [
        pytest.param("sqlite", marks=pytest.mark.sqlite),
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ],
    indirect=True,
)
def test_applies_that_never_stop_committing_are_an_error(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = configs(tmp_path)
    apply_config(load_config([str(first)]), database_url)
    turn = [first, second]

    def then_apply(state: DatabaseState) -> DatabaseState:
        turn.reverse()
        apply_config(load_config([str(turn[0])]), database_url)
        return state

    reading_with(monkeypatch, then_apply)
    with pytest.raises(DatabaseError, match=r"applies kept committing to .* while drift read it"):
        check_drift(load_config([str(first)]), database_url)
