"""The instance id: the random id the first ``db upgrade`` stores (revision 0003), which names a
database whatever URL reaches it; a replica holds its primary's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from reconciler.errors import DatabaseError
from reconciler.store.failures import redact
from reconciler.store.tables import reconcile_instance


def instance_id(connection: Connection) -> str | None:
    """The database's instance id; ``None`` when it has none: no reconciler schema yet, or one
    older than revision 0003 (the next ``db upgrade`` or ``apply`` stores one). Creates nothing."""
    if not sa.inspect(connection).has_table(reconcile_instance.name):
        return None
    ids = list(connection.execute(sa.select(reconcile_instance.c.id).limit(2)).scalars())
    if len(ids) > 1:
        raise DatabaseError(
            f"the table {reconcile_instance.name} of {redact(connection.engine.url)} holds more"
            " than one instance id; it must hold one row: delete the others"
        )
    return ids[0] if ids else None
