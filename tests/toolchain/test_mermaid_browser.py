"""The plan's markdown as a reviewer's browser shows it: Debian's ``chromium`` headless renders
it with ``marked`` and draws each ``mermaid`` block with mermaid itself (both from npm), and
every diagram must draw without a parse error, hostile names shown as they are.

The page writes what happened into the DOM (``<pre id="results">``: per diagram whether it drew,
mermaid's error, and the text of each node), which ``chromium --dump-dom`` prints.

``RECONCILE_UPDATE_SCREENSHOT=1`` also rewrites ``docs/plan-example.png``, the README's picture
of the example plan (never under ``CI=true``).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from plan_scenarios import SCENARIOS

from reconciler import apply_config, load_config, plan_config
from reconciler.model import Kind, Profile, Settings
from reconciler.planning import Action, Change, Plan, Reason
from reconciler.render.escape import plain
from reconciler.render.markdown import render_markdown
from reconciler.render.mermaid import LABEL_LIMIT
from reconciler.service.apply import ApplyOptions
from tests.frames import SECRET
from tests.unit.render.test_hostile import PIECES

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "plan-example.png"
UPDATE = os.environ.get("RECONCILE_UPDATE_SCREENSHOT") == "1"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")
WIDTH = 900
# As root Chromium needs --no-sandbox; the rest keeps it off a network this machine closes.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--virtual-time-budget=30000",
)
RESULTS = re.compile(r'<pre id="results"[^>]*>(.*?)</pre>', re.DOTALL)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>reconcile plan</title>
<style>
body {{ font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
       color: #1f2328; margin: 0; padding: 16px 24px; width: {width}px; box-sizing: border-box; }}
table {{ border-collapse: collapse; margin: 8px 0; }}
th, td {{ border: 1px solid #d1d9e0; padding: 4px 12px; }}
pre {{ background: #f6f8fa; padding: 10px; border-radius: 6px; overflow: hidden;
       font: 12px/1.45 "DejaVu Sans Mono", monospace; white-space: pre-wrap; }}
details {{ margin: 8px 0; }} summary {{ cursor: pointer; }}
h3 {{ margin: 0 0 8px; }}
</style>
<script src="{scripts}/marked/marked.min.js"></script>
<script src="{scripts}/mermaid/dist/mermaid.min.js"></script>
</head><body><main id="doc"></main><pre id="results" hidden></pre>
<script>
const source = {source};
(async () => {{
  const diagrams = [];
  try {{
    document.getElementById("doc").innerHTML = marked.parse(source);
    // A reviewer opens them; a closed one would lay the diagram out at zero size.
    document.querySelectorAll("details").forEach((d) => {{ d.open = true; }});
    mermaid.initialize({{ startOnLoad: false, securityLevel: "strict" }});
    const blocks = [...document.querySelectorAll("code.language-mermaid")];
    for (const [index, code] of blocks.entries()) {{
      const entry = {{ ok: false, error: null, nodes: [] }};
      try {{
        await mermaid.parse(code.textContent);
        const {{ svg }} = await mermaid.render("diagram-" + index, code.textContent);
        const holder = document.createElement("div");
        holder.innerHTML = svg;
        code.parentElement.replaceWith(holder);
        entry.nodes = [...holder.querySelectorAll("g.node")].map((n) => n.textContent);
        entry.ok = true;
      }} catch (error) {{
        entry.error = String((error && error.message) || error);
      }}
      diagrams.push(entry);
    }}
  }} catch (error) {{
    diagrams.push({{ ok: false, error: "page: " + error, nodes: [] }});
  }}
  const height = document.documentElement.scrollHeight;
  // Elements no plan writes: one would be markup a name injected.
  const injected = [...document.querySelectorAll("#doc :is(img, script, iframe, a, svg image)")]
    .map((e) => e.outerHTML);
  const results = {{ diagrams, height, injected }};
  document.getElementById("results").textContent = JSON.stringify(results);
}})();
</script></body></html>
"""


def page(markdown: str, scripts: Path, folder: Path) -> Path:
    """An HTML file that renders ``markdown`` and its diagrams, the scripts from ``scripts``."""
    # JSON in a <script>: "<" escaped so that no "</script>" in the markdown ends it.
    source = json.dumps(markdown).replace("<", "\\u003c")
    path = folder / "plan.html"
    text = PAGE.format(width=WIDTH, scripts=scripts.as_uri(), source=source)
    path.write_text(text, encoding="utf-8")
    return path


def chromium_run(chromium: Path, path: Path, folder: Path, *args: str) -> str:
    profile = folder / "chromium-profile"
    command = [str(chromium), *FLAGS, f"--user-data-dir={profile}", *args, path.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def rendered(markdown: str, chromium: Path, scripts: Path, folder: Path) -> dict[str, Any]:
    """What the page wrote: ``{"diagrams": [{"ok", "error", "nodes"}], "height", "injected"}``."""
    dom = chromium_run(chromium, page(markdown, scripts, folder), folder, "--dump-dom")
    found = RESULTS.search(dom)
    assert found and found.group(1), "the page did not finish rendering:\n" + dom[-2000:]
    results: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return results


def assert_drawn(results: dict[str, Any], count: int) -> None:
    assert results["injected"] == []
    diagrams = results["diagrams"]
    assert len(diagrams) == count, diagrams
    for diagram in diagrams:
        assert diagram["ok"], diagram["error"]


@pytest.mark.parametrize("scenario", ["mixed", "forced"])
def test_golden_plans_draw(
    scenario: str, chromium: Path, browser_scripts: Path, tmp_path: Path
) -> None:
    plan = SCENARIOS[scenario]()[0]
    results = rendered(render_markdown(plan), chromium, browser_scripts, tmp_path)
    assert_drawn(results, 1)
    assert len(results["diagrams"][0]["nodes"]) >= len(plan.changes)


HOSTILE_NAMES = [
    *PIECES,
    'a"b',
    "x]\ny[z",
    "#quot; #9829; #60;",
    "%%{init: {'theme': 'dark'}}%%",
    "end",
    "style n0 fill:#f00;",
    "classDef create fill:#000;",
    "<img src=x onerror=alert(1)>",
    "a --> b",
    "`**bold**`",
    "&amp; & &#60;",
    "x" * 60,
]


def hostile_plan() -> Plan:
    """30 created profiles with hostile names, naming the other hostile names as their
    providers and connections."""
    names, others = HOSTILE_NAMES[:30], HOSTILE_NAMES[30:]
    changes = []
    for index, name in enumerate(names):
        provider = others[index % len(others)]
        connection = HOSTILE_NAMES[-1 - index]
        row = Profile(name, provider, "m", connection)
        changes.append(Change(Kind.PROFILE, name, Action.CREATE, Reason.DECLARED, None, row))
    return Plan(Settings(), tuple(changes))


def shown(kind: Kind, name: str, sign: str = "") -> str:
    """A node's text as a reader sees it: the name `plain` and cut as the graph cuts it."""
    text = plain(name)
    text = text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"
    return f"{sign}{kind} {text}"


def test_hostile_names_draw_and_show_as_written(
    chromium: Path, browser_scripts: Path, tmp_path: Path
) -> None:
    plan = hostile_plan()
    results = rendered(render_markdown(plan), chromium, browser_scripts, tmp_path)
    assert_drawn(results, 1)
    expected = {shown(Kind.PROFILE, change.name, "+ ") for change in plan.changes}
    for change in plan.changes:
        assert isinstance(change.after, Profile)
        expected.add(shown(Kind.PROVIDER, change.after.provider))
        if (Kind.CONNECTION, change.after.provider_connection) not in plan.changes:
            expected.add(shown(Kind.CONNECTION, change.after.provider_connection or ""))
    assert sorted(results["diagrams"][0]["nodes"]) == sorted(expected)
    assert shown(Kind.PROVIDER, "<img src=x onerror=alert(1)>") in expected
    assert SECRET not in json.dumps(results)


EXAMPLE_BEFORE = """\
version: 1
connections:
  anthropic-team:
    provider: anthropic
    auth: {type: api_key, credential: credential/anthropic/team}
profiles:
  default: {provider: anthropic, model: claude-sonnet-4-6, provider_connection: anthropic-team}
  review: {provider: anthropic, model: claude-opus-4-1, provider_connection: anthropic-team}
  summarise: {provider: anthropic, model: claude-haiku-4-5, provider_connection: anthropic-team}
  quick: {provider: openai, model: gpt-5-mini}
"""
EXAMPLE_AFTER = """\
version: 1
providers:
  anthropic-eu: {type: anthropic, base_url: "https://eu.api.example.com"}
connections:
  anthropic-eu-team:
    provider: anthropic-eu
    auth: {type: api_key, credential: credential/anthropic-eu/team}
profiles:
  default:
    {provider: anthropic-eu, model: claude-sonnet-4-6, provider_connection: anthropic-eu-team}
  review: {provider: anthropic-eu, model: claude-opus-4-1, provider_connection: anthropic-eu-team}
  summarise:
    {provider: anthropic, model: claude-haiku-4-5, provider_connection: anthropic-managed}
  quick: {provider: openai, model: gpt-5-mini}
"""


def example_markdown(folder: Path) -> str:
    """The README's example: the team's Anthropic profiles move to an EU endpoint, one to the
    managed connection, and the old team connection goes (planned against SQLite for real)."""
    url = f"sqlite:///{folder / 'example.db'}"
    (folder / "before.yaml").write_text(EXAMPLE_BEFORE)
    (folder / "after.yaml").write_text(EXAMPLE_AFTER)
    apply_config(load_config([str(folder / "before.yaml")]), url, ApplyOptions(actor="ci"))
    planned = plan_config(load_config([str(folder / "after.yaml")]), url)
    assert planned.plan.problems == (), planned.plan.problems
    return render_markdown(planned.plan)


def test_the_readme_example_draws(chromium: Path, browser_scripts: Path, tmp_path: Path) -> None:
    markdown = example_markdown(tmp_path)
    results = rendered(markdown, chromium, browser_scripts, tmp_path)
    assert_drawn(results, 1)
    assert "+ connection anthropic-eu-team" in results["diagrams"][0]["nodes"]
    assert not (UPDATE and IN_CI), "RECONCILE_UPDATE_SCREENSHOT is set under CI: the picture stays"
    if UPDATE:
        path = page(markdown, browser_scripts, tmp_path)
        size = f"--window-size={WIDTH},{results['height']}"
        chromium_run(chromium, path, tmp_path, size, f"--screenshot={SCREENSHOT}")
    assert SCREENSHOT.is_file(), "docs/plan-example.png is missing (RECONCILE_UPDATE_SCREENSHOT=1)"
