"""The mapped writer refuses a change its mapping cannot hold, rather than drop it and still
record it (a side-table entry, a journal entry saying it was applied)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from app_schemas import EPOCH

from reconciler.model import Auth, Connection, Kind, ManagedBy, Profile
from reconciler.planning import Action, Change, FieldDiff, Reason
from reconciler.storage import Storage, TableMapping, TimeFormat, Timestamps
from reconciler.store import open_engine, upgrade
from reconciler.store.rowstore import row_store

STAMPS = Timestamps("created_at", "updated_at", TimeFormat.EPOCH_MILLISECONDS)
STORAGE = Storage(  # connections are not stored; profiles keep no provider_connection
    profiles=TableMapping(
        "model_profiles", columns={"provider": "provider", "model": "model"}, timestamps=STAMPS
    )
)
CONFIG = {"managed_by": ManagedBy.CONFIG, "owner": "default"}
PROFILE = Profile("p", "openai", "m", **CONFIG)  # type: ignore[arg-type]


def changes() -> list[object]:
    derived = Connection("x", "openai", Auth("none"), managed_by=ManagedBy.BACKFILL)
    backfilled = PROFILE._replace(provider_connection="x")
    return [
        pytest.param(
            Change(Kind.CONNECTION, "x", Action.CREATE, Reason.BACKFILL, None, derived),
            "stores no connections",
            id="create-of-a-kind-not-stored",
        ),
        pytest.param(
            Change(Kind.PROFILE, "p", Action.CREATE, Reason.DECLARED, None, backfilled),
            "no column for provider_connection",
            id="create-setting-an-unmapped-field",
        ),
        pytest.param(
            Change(
                Kind.PROFILE,
                "p",
                Action.UPDATE,
                Reason.BACKFILL,
                PROFILE,
                backfilled,
                (FieldDiff("provider_connection", None, "x"),),
            ),
            "no column for provider_connection",
            id="update-of-an-unmapped-field",
        ),
    ]


@pytest.mark.parametrize(("change", "message"), changes())
def test_a_change_the_mapping_cannot_hold_is_refused_and_nothing_is_written(
    app_database: Callable[[str], str], change: Change, message: str
) -> None:
    url = app_database(EPOCH)
    engine = open_engine(url)
    try:
        upgrade(engine, storage=STORAGE)
        with engine.begin() as connection:
            store = row_store(connection, STORAGE)
            store.read()
            with pytest.raises(RuntimeError, match=message):
                store.write([change])
            connection.rollback()
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM model_profiles")).scalar() == 0
            ownership = sa.text("SELECT count(*) FROM reconcile_ownership")
            assert connection.execute(ownership).scalar() == 0
    finally:
        engine.dispose()
