"""The reconciler lock on every backend: one holder at a time, a bounded wait, nothing changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from reconciler.errors import LockTimeout
from reconciler.store import open_engine
from reconciler.store.lock import locked_transaction


def test_a_second_holder_waits_out_its_timeout_and_changes_nothing(database_url: str) -> None:
    first, second = open_engine(database_url), open_engine(database_url)
    try:
        with locked_transaction(first, timeout=5) as holder:
            holder.execute(sa.text("INSERT INTO providers (name, type) VALUES ('held', 'openai')"))
            late = sa.text("INSERT INTO providers (name, type) VALUES ('late', 'openai')")
            refused = pytest.raises(LockTimeout, match="waiting for the reconciler lock")
            with refused, locked_transaction(second, timeout=0.2) as waiter:
                waiter.execute(late)
        with second.connect() as reader:
            names = reader.execute(sa.text("SELECT name FROM providers")).scalars().all()
        assert names == ["held"]
    finally:
        first.dispose()
        second.dispose()


def test_the_lock_is_free_again_once_its_transaction_ends(database_url: str) -> None:
    first, second = open_engine(database_url), open_engine(database_url)
    try:
        with locked_transaction(first, timeout=5):
            pass
        with locked_transaction(second, timeout=0.2) as connection:
            assert connection.in_transaction()
    finally:
        first.dispose()
        second.dispose()


def test_an_error_inside_rolls_the_transaction_back(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        with pytest.raises(RuntimeError), locked_transaction(engine) as connection:
            connection.execute(sa.text("INSERT INTO providers (name, type) VALUES ('x', 'openai')"))
            raise RuntimeError("a failure after a write")
        with engine.connect() as reader:
            assert reader.execute(sa.text("SELECT count(*) FROM providers")).scalar() == 0
    finally:
        engine.dispose()
