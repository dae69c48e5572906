"""``reconcile db check``'s text: every name, whatever it holds, stays on its line and frame."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import Problem
from reconciler.model import Kind
from reconciler.render.storage import OWN_TABLES, check_text
from reconciler.service.db_check import Checked
from reconciler.storage import Generate, Storage, SurrogateId, TableMapping, Timestamps
from reconciler.store.mapped.reflect import ForeignKey, Reflected
from tests.frames import SECRET, assert_no_forged_command, assert_terminal_safe, lines_of

PIECES = ["\n", "\r", "\n::warning::x", "::error::", "\x1b[2J", "\x00", "\x85", "\u2028", "\u202e"]
HOSTILE = st.lists(
    st.one_of(st.sampled_from([*PIECES, SECRET]), st.text(max_size=4)), min_size=1, max_size=6
).map("".join)


def checked(names: list[str]) -> Checked:
    """A mapping of connections and profiles whose every name (tables, columns, types, the
    foreign key's table) is one of ``names``."""
    connections = TableMapping(
        names[0],
        schema=names[1],
        key=names[2],
        id=SurrogateId(names[3], Generate.UUID),
        columns={"provider": names[4], "auth": names[5]},
        timestamps=Timestamps(created=names[6]),
    )
    profiles = TableMapping(
        names[7],
        columns={"provider": names[8], "model": names[9], "provider_connection": names[10]},
        references={"provider_connection": names[3]},
    )
    storage = Storage(connections=connections, profiles=profiles)
    key = ForeignKey(
        names[11],
        (names[12],),
        Kind.CONNECTION,
        (names[3],),
        "CASCADE",
        sa.Table("t", sa.MetaData()),
    )
    types = {Kind.CONNECTION: {names[2]: names[13], names[4]: names[14]}}
    problem = Problem("storage.type", names[15], path="storage.connections.key")
    reflected = Reflected(storage, {}, (key,), (problem,))
    return Checked(storage, (problem,), names[1], reflected, types)


NAMES = st.lists(HOSTILE, min_size=16, max_size=16)


@settings(max_examples=150, deadline=None)
@given(NAMES, st.booleans())
def test_every_name_stays_on_its_line(names: list[str], colour: bool) -> None:
    output = check_text(checked(names), colour=colour)
    assert_no_forged_command(output)
    assert_terminal_safe(output)
    plain = check_text(checked([f"n{index}" for index in range(16)]), colour=colour)
    assert len(lines_of(output)) == len(lines_of(plain))


def test_the_layout_of_a_mapping() -> None:
    output = check_text(checked([f"n{index}" for index in range(16)]))
    assert output.splitlines() == [
        "The storage mapping in n1:",
        "",
        "providers: not stored: only the canonical rows, held in code",
        "",
        "connections: table n1.n0",
        "  key: n2 (n13)",
        "  id: n3 (missing), a UUID4 the reconciler makes (generate: uuid)",
        "  fields:",
        "    provider -> n4 (n14)",
        "    auth -> n5 (missing)",
        "  not stored: none",
        "  timestamps: created -> n6 (missing); format timestamp",
        "  references by id: none",
        "",
        "profiles: table n7 (missing)",
        "  key: name",
        "  id: none (rows are known by their key)",
        "  fields:",
        "    provider -> n8",
        "    model -> n9",
        "    provider_connection -> n10",
        "  not stored: source, label, description, system_prompt, temperature, max_tokens",
        "  timestamps: none",
        "  references by id: provider_connection -> n1.n0.n3",
        "",
        "Foreign keys of the application's other tables into these:",
        "  n11 (n12) -> connections n1.n0 (n3): ON DELETE CASCADE",
        "",
        "managed_by, owner and protected of the mapped rows are kept in reconcile_ownership.",
        "",
        "-: error [storage.type] n15 (at storage.connections.key)",
        "1 error, 0 warnings",
    ]


def test_without_storage() -> None:
    assert check_text(Checked(None, ())) == OWN_TABLES + "\n"
