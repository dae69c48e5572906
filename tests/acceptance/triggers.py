"""Database triggers that make an apply fail or stall on one chosen row, per backend."""

from __future__ import annotations

FAIL_ON_UPDATE = {
    "sqlite": [
        "CREATE TRIGGER reconcile_test_fail BEFORE UPDATE ON {table}"
        " WHEN NEW.name = '{row}' BEGIN SELECT RAISE(ABORT, 'trigger refused {row}'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION reconcile_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN IF NEW.name = '{row}' THEN RAISE EXCEPTION 'trigger refused {row}'; END IF;"
        " RETURN NEW; END $$",
        "CREATE TRIGGER reconcile_test_fail BEFORE UPDATE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION reconcile_test_fail()",
    ],
    "mysql": [
        "CREATE TRIGGER reconcile_test_fail BEFORE UPDATE ON {table} FOR EACH ROW"
        " BEGIN IF NEW.name = '{row}' THEN"
        " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'trigger refused {row}'; END IF; END"
    ],
}
"""An ``UPDATE`` of profile ``{row}`` fails, after other rows of the same statement succeeded."""

STALL_ON_INSERT = {
    # SQLite has no sleep and allows no CTE in a trigger: a triple self-join of a few hundred
    # rows keeps the writer busy for seconds instead.
    "sqlite": [
        "CREATE TRIGGER reconcile_test_stall BEFORE INSERT ON {table} WHEN NEW.name = '{row}'"
        " BEGIN SELECT count(*) FROM {table} a, {table} b, {table} c; END"
    ],
    "postgresql": [
        "CREATE FUNCTION reconcile_test_stall() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN IF NEW.name = '{row}' THEN PERFORM pg_sleep({seconds}); END IF;"
        " RETURN NEW; END $$",
        "CREATE TRIGGER reconcile_test_stall BEFORE INSERT ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION reconcile_test_stall()",
    ],
    "mysql": [
        "CREATE TRIGGER reconcile_test_stall BEFORE INSERT ON {table} FOR EACH ROW"
        " BEGIN IF NEW.name = '{row}' THEN SET @reconcile_slept = SLEEP({seconds}); END IF; END"
    ],
}
"""Inserting profile ``{row}`` stalls the apply mid-transaction for a few seconds."""

DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS {name}"],
    "postgresql": ["DROP TRIGGER IF EXISTS {name} ON {table}"],
    "mysql": ["DROP TRIGGER IF EXISTS {name}"],
}


def statements(
    table: dict[str, list[str]], backend: str, *, on: str = "profiles", **values: object
) -> list[str]:
    """The statements of ``table`` for ``backend``, on the table ``on``."""
    return [statement.format(table=on, **values) for statement in table[backend]]
