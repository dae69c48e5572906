"""The mermaid graph of small plans: what it shows, and that no name can leave its label.

`read_graph` is a strict reader of exactly the flowchart subset the module writes: every line
must match one statement form, labels may hold only safe characters and ``#<code>;`` entities,
so a hostile name that got through unescaped fails it. Hypothesis feeds it the hostile names of
`test_hostile`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st
from plan_values import CONFIG, config, conn, db, prof, prov

from reconciler.model import Auth, Connection, Kind, Profile, Provider, Row, Settings
from reconciler.planning import Action, Change, Plan, Reason, make_plan
from reconciler.render.escape import plain
from reconciler.render.markdown import render_markdown
from reconciler.render.mermaid import GRAPH_LIMIT, LABEL_LIMIT, escape_label, graph, section
from tests.frames import BIDI, SECRET, assert_markdown_framed
from tests.unit.render.test_hostile import HOSTILE, plans

SIGN_OF = {"create": "+ ", "update": "~ ", "delete": "- ", "unchanged": ""}
ESCAPED = r"(?:[A-Za-z0-9+\-./_~]|#\d+;)*"
NODE = re.compile(rf'  (n\d+)\["((?:[+~-] )?)(provider|connection|profile) ({ESCAPED})"\]')
EDGE = re.compile(r"  (n\d+) (-->|-\.->) (n\d+)")
COLOUR = "#[0-9a-f]{6}"
CLASS_DEF = re.compile(
    rf"  classDef (create|update|delete|unchanged) fill:{COLOUR},stroke:{COLOUR},color:{COLOUR}"
)
CLASS = re.compile(r"  class (n\d+(?:,n\d+)*) (create|update|delete|unchanged)")
MERMAID_TEXT_LIMIT = 50_000
"""mermaid's default ``maxTextSize``: a longer diagram is not drawn."""


@dataclass
class Graph:
    """What `read_graph` read: nodes as (kind, shown name, sign), edges as (from, to, kept)."""

    nodes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)

    def ids(self, kind: Kind, name: str) -> set[str]:
        """The ids of the nodes that show row (``kind``, ``name``): at least one; more where
        other names look the same once `plain` and cut (``"\\n"`` and a line break)."""
        found = {i for i, (k, shown, _) in self.nodes.items() if (k, shown) == (kind, cut(name))}
        assert found, (kind, name, self.nodes)
        return found


def decoded(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label)


def cut(name: str) -> str:
    shown = plain(name)
    return shown if len(shown) <= LABEL_LIMIT else shown[: LABEL_LIMIT - 1] + "…"


def read_graph(block: str) -> Graph:
    """Read ``block`` line by line as the flowchart subset `graph` writes, strictly in order:
    fence, header, nodes, edges, class definitions, class assignments, fence."""
    lines = block.split("\n")
    assert lines[0] == "```mermaid" and lines[-1] == "```", block
    assert lines[1] == "flowchart LR", lines[1]
    read = Graph()
    stage = 0
    for line in lines[2:-1]:
        forms = [NODE, EDGE, CLASS_DEF, CLASS]
        matched = next((i for i, form in enumerate(forms) if form.fullmatch(line)), None)
        assert matched is not None, f"not a statement of the subset: {line!r}"
        assert matched >= stage, f"out of order: {line!r}"
        stage = matched
        found = forms[matched].fullmatch(line)
        assert found is not None
        if matched == 0:
            node_id, sign, kind, label = found.groups()
            assert node_id == f"n{len(read.nodes)}", "ids are n0, n1, ... in order"
            read.nodes[node_id] = (kind, decoded(label), sign)
        elif matched == 1:
            source, arrow, target = found.groups()
            assert {source, target} <= read.nodes.keys()
            read.edges.append((source, target, arrow == "-->"))
        elif matched == 3:
            members, name = found.groups()
            for member in members.split(","):
                assert member in read.nodes and member not in read.classes
                read.classes[member] = name
    assert read.classes.keys() == read.nodes.keys(), "every node has one class"
    for node_id, (_, _, sign) in read.nodes.items():
        assert SIGN_OF[read.classes[node_id]] == sign, "the sign says the colour's action"
    assert len(set(read.edges)) == len(read.edges), "no edge twice"
    return read


def change(kind: Kind, action: Action, row: Row, before: Row | None = None) -> Change:
    after = None if action is Action.DELETE else row
    old = row if action is Action.DELETE else before
    return Change(kind, row.name, action, Reason.DECLARED, old, after)


def test_a_connection_move_touches_its_profiles() -> None:
    desired = config(
        prov("eu", "anthropic"),
        conn("team-eu", "eu", "api_key", "credential/eu"),
        prof("default", "eu", "team-eu"),
        prof("review", "eu", "team-eu"),
    )
    state = db(
        conn("team", "anthropic", by=CONFIG),
        prof("default", "anthropic", "team", CONFIG),
        prof("review", "anthropic", "team", CONFIG),
    )
    assert graph(make_plan(desired, state)) == (
        "```mermaid\n"
        "flowchart LR\n"
        '  n0["+ provider eu"]\n'
        '  n1["+ connection team-eu"]\n'
        '  n2["~ profile default"]\n'
        '  n3["~ profile review"]\n'
        '  n4["- connection team"]\n'
        '  n5["provider anthropic"]\n'
        "  n1 --> n0\n"
        "  n2 --> n0\n"
        "  n2 --> n1\n"
        "  n2 -.-> n5\n"
        "  n2 -.-> n4\n"
        "  n3 --> n0\n"
        "  n3 --> n1\n"
        "  n3 -.-> n5\n"
        "  n3 -.-> n4\n"
        "  n4 -.-> n5\n"
        "  classDef create fill:#dafbe1,stroke:#1a7f37,color:#0d1117\n"
        "  classDef update fill:#fff8c5,stroke:#9a6700,color:#0d1117\n"
        "  classDef delete fill:#ffebe9,stroke:#cf222e,color:#0d1117\n"
        "  classDef unchanged fill:#f6f8fa,stroke:#8c959f,color:#57606a\n"
        "  class n0,n1 create\n"
        "  class n2,n3 update\n"
        "  class n4 delete\n"
        "  class n5 unchanged\n"
        "```"
    )


def test_no_graph_without_changes_or_above_the_limit() -> None:
    assert graph(Plan(Settings())) is None
    assert section(Plan(Settings())) == []
    rows = [Provider(f"p{i}", "openai") for i in range(GRAPH_LIMIT + 1)]
    changes = tuple(change(Kind.PROVIDER, Action.CREATE, row) for row in rows)
    assert graph(Plan(Settings(), changes[:GRAPH_LIMIT])) is not None
    assert graph(Plan(Settings(), changes)) is None
    assert "mermaid" not in render_markdown(Plan(Settings(), changes))


def test_the_markdown_holds_it_collapsed_after_the_summary_table() -> None:
    plan = Plan(Settings(), (change(Kind.PROVIDER, Action.DELETE, Provider("eu", "openai")),))
    markdown = render_markdown(plan)
    table_end = markdown.index("| **Total** |")
    start = markdown.index("<details><summary>Graph: the changed rows and what they reference")
    assert table_end < start < markdown.index("```mermaid") < markdown.index("#### :warning:")
    assert_markdown_framed(markdown)


def test_labels_escape_every_character_outside_the_safe_set() -> None:
    assert escape_label('a"b]#;:%`<>&\n x') == (
        "a#34;b#93;#35;#59;#58;#37;#96;#60;#62;#38;#10;#32;x"
    )
    assert escape_label("ok-1.2/x_y+z~") == "ok-1.2/x_y+z~"
    assert escape_label("ünï 漢字 😀") == "#252;n#239;#32;#28450;#23383;#32;#128512;"


def test_names_are_plain_redacted_and_cut() -> None:
    row = Profile(f"{SECRET}\n\u202e" + "x" * 50, "openai", "m")
    read = read_graph(graph(Plan(Settings(), (change(Kind.PROFILE, Action.CREATE, row),))) or "")
    _, shown, _ = read.nodes["n0"]
    assert shown == cut(row.name) and shown.startswith("[redacted]\\n\\u202e")
    assert len(shown) == LABEL_LIMIT and shown.endswith("…")


def test_the_largest_graph_stays_within_mermaids_text_limit() -> None:
    """30 profiles, each naming its own provider and connection, every name 255 characters that
    each take the longest entity code."""
    changes = []
    for i in range(GRAPH_LIMIT):
        name = "\U0001f600" * 254 + chr(0x4E00 + i)
        row = Profile(name, name + "p", "m", name + "c")
        changes.append(change(Kind.PROFILE, Action.UPDATE, row, row._replace(provider="x")))
    block = graph(Plan(Settings(), tuple(changes)))
    assert block is not None and len(block) < MERMAID_TEXT_LIMIT
    assert len(read_graph(block).nodes) == 3 * GRAPH_LIMIT + 1


REFERENCED = st.sampled_from(["openai", "team", 'a"b', "x]\n[y", "#quot;", "%%{init}%%"]) | HOSTILE


@st.composite
def rows(draw: st.DrawFn) -> tuple[Kind, Row]:
    kind = draw(st.sampled_from(Kind))
    name = draw(HOSTILE | REFERENCED)
    provider, connection = draw(REFERENCED), draw(st.none() | REFERENCED)
    if kind is Kind.PROVIDER:
        return kind, Provider(name, "openai")
    if kind is Kind.CONNECTION:
        return kind, Connection(name, provider, Auth("none"))
    return kind, Profile(name, provider, "m", connection)


@st.composite
def small_plans(draw: st.DrawFn) -> Plan:
    """Up to 30 changes of rows with hostile names, referencing hostile names, some of which
    are changed rows too; updates may drop or add references. One change per row, as
    `make_plan` gives."""
    changes = []
    drawn = st.lists(
        rows(), min_size=1, max_size=GRAPH_LIMIT, unique_by=lambda r: (r[0], r[1].name)
    )
    for kind, row in draw(drawn):
        action = draw(st.sampled_from(Action))
        before = None
        if action is Action.UPDATE:
            before = draw(rows().filter(lambda drawn, kind=kind: drawn[0] is kind))[1]
            before = before._replace(name=row.name)
        changes.append(change(kind, action, row, before))
    return Plan(Settings(), tuple(changes))


def references(row: Row | None) -> set[tuple[str, str]]:
    found = set()
    if isinstance(row, Connection | Profile):
        found.add(("provider", row.provider))
    if isinstance(row, Profile) and row.provider_connection:
        found.add(("connection", row.provider_connection))
    return found


@settings(max_examples=200, deadline=None)
@given(small_plans())
def test_every_graph_reads_strictly_and_shows_the_plan(plan: Plan) -> None:
    block = graph(plan)
    assert block is not None
    assert not BIDI.search(block) and SECRET not in block
    assert "\r" not in block and block.count("`") == 6, "only the fence holds backticks"
    assert len(block) < MERMAID_TEXT_LIMIT
    read = read_graph(block)
    rows_shown = {(each.kind.value, each.name) for each in plan.changes}
    for each in plan.changes:
        sources = read.ids(each.kind, each.name)
        assert each.action.value in {read.classes[source] for source in sources}
        kept, dropped = references(each.after), references(each.before) - references(each.after)
        rows_shown |= kept | dropped
        for (kind, name), solid in [*((ref, True) for ref in kept), *((r, False) for r in dropped)]:
            targets = read.ids(Kind(kind), name)
            assert any((s, t, solid) in read.edges for s in sources for t in targets)
    assert len(read.nodes) == len(rows_shown), "one node per row"
    assert graph(plan) == block, "the same plan gives the same text"


@settings(max_examples=100, deadline=None)
@given(plans())
def test_the_hostile_plans_graph_reads_strictly(plan: Plan) -> None:
    """`test_hostile`'s plans; its own markdown test reads the whole comment, graph included."""
    block = graph(plan)
    assert block is not None and SECRET not in block and not BIDI.search(block)
    read = read_graph(block)
    assert len(read.nodes) >= len({(c.kind, cut(c.name)) for c in plan.changes})
