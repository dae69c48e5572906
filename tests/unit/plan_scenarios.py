"""Named plans on plain values, shared by the renderers' golden tests."""

from __future__ import annotations

from dataclasses import replace

from plan_values import ALLOW_EMPTY, BACKFILL, CONFIG, SEED, config, conn, db, prof, prov

from reconciler.errors import Location, SourceMap
from reconciler.model import DatabaseState, ForeignRows, Kind
from reconciler.planning import Limits, Plan, PlanContext, make_plan
from reconciler.planning.digest import state_digest


def mixed() -> tuple[Plan, DatabaseState]:
    """The DESIGN example plus an adoption, a refused delete, drift and a located warning."""
    desired = config(
        prov("anthropic-eu", "anthropic", base_url="https://eu.api.example.com"),
        prov("legacy", "openai", enabled=False),
        conn("anthropic-personal", "anthropic", "api_key", "credential/anthropic/api_key"),
        conn("team", "openai", "platform"),
        conn("gemini-managed", "gemini", "platform"),
        prof("default", "anthropic", "anthropic-personal", temperature=0.7),
        prof("quick", "openai", model="gpt-5-mini"),
        deployment="self-hosted",
        mode="your-own",
    )
    state = db(
        prov("legacy", "openai"),
        conn("team", "openai", "api_key", "credential/team", CONFIG),
        conn("old", "openai", by=CONFIG),
        conn("gemini-managed", "gemini", "api_key", "credential/g", SEED),
        prof("legacy-bot", "openai", "old"),
        prof("quick", "openai", model="gpt-4", by=CONFIG),
        prof("stale", "openai", "team", CONFIG),
        prof("filled", "ollama", by=BACKFILL),
    )
    sources = SourceMap(keys={("connections", "gemini-managed"): Location("reconcile.yaml", 19, 3)})
    return make_plan(desired, state, sources=sources), state


def forced() -> tuple[Plan, DatabaseState]:
    """A --force cascade two levels deep."""
    state = db(
        prov("p", by=CONFIG),
        conn("c", "p"),
        prof("y", "p", "c", BACKFILL),
        prof("x", "openai", "c"),
        conn("gone", by=CONFIG),
        prof("z", "openai", "gone"),
    )
    return make_plan(config(), state, force=True, limits=ALLOW_EMPTY), state


def in_sync() -> tuple[Plan, DatabaseState]:
    state = db(prov("eu", by=CONFIG))
    return make_plan(config(prov("eu")), state), state


def long() -> tuple[Plan, DatabaseState]:
    """More changes than the text lists one by one."""
    rows = [prof(f"p{i:04}", "openai", "openai-managed") for i in range(400)]
    state = db(*[prof(f"old{i}", "gemini", "gemini-managed", CONFIG) for i in range(5)])
    return make_plan(config(*rows), state), state


def shared() -> tuple[Plan, DatabaseState]:
    """Team-a's config in a shared database, with --take-ownership: every way a row changes hands
    (adopt an external and a backfill row, take team-b's, hand one back) and a protected flag."""
    desired = config(
        prov("eu", "anthropic"),
        prov("gpu", "ollama", protected=True),
        conn("eu-key", "eu"),
        prof("bot", "openai"),
        prof("helper", "openai", "openai-personal", protected=True),
        owner="team-a",
    )
    state = db(
        prov("eu", "anthropic"),
        prov("gpu", "ollama", by=CONFIG, owner="team-b"),
        conn("eu-key", "eu", by=BACKFILL),
        conn("openai-personal", "openai", by=CONFIG, owner="team-a"),
        prof("bot", "openai", "openai-personal", CONFIG, owner="team-a"),
        prof("helper", "openai", "openai-personal", CONFIG, owner="team-a"),
        prof("theirs", "gemini", by=CONFIG, owner="team-b"),
    )
    return make_plan(desired, state, take_ownership=True), state


def guarded() -> tuple[Plan, DatabaseState]:
    """What the sharing guards refuse: another owner's row, a protected row, and a forced
    cascade into another owner's profile."""
    desired = config(prov("gpu", "ollama"), owner="team-a")
    state = db(
        prov("gpu", "ollama", by=CONFIG, owner="team-b"),
        prov("old", by=CONFIG, owner="team-a"),
        prof("keeper", "openai", "openai-managed", CONFIG, owner="team-a", protected=True),
        prof("theirs", "old", by=CONFIG, owner="team-b"),
    )
    return make_plan(desired, state, force=True), state


def limited() -> tuple[Plan, DatabaseState]:
    """Plan-level blocked entries: a file that lost its connections and most of its profiles,
    planned with --max-deletes 2, and an ignored field that the database changed."""
    desired = config(
        prov("eu", enabled=False),
        prof("kept", "openai", "openai-managed", label="mine"),
        ignore={Kind.PROVIDER: ("enabled",), Kind.PROFILE: ("label",)},
    )
    state = db(
        prov("eu", by=CONFIG),
        conn("team", "openai", by=CONFIG),
        conn("bot", "openai", by=CONFIG),
        prof("kept", "openai", "openai-managed", CONFIG, label="theirs", model="old"),
        *[prof(f"gone{i}", "openai", "team", CONFIG) for i in range(3)],
    )
    return make_plan(desired, state, limits=Limits(max_deletes=2)), state


def alike() -> tuple[Plan, DatabaseState]:
    """Identical updates, grouped in text and markdown: twelve model bumps, two other ones,
    three adoptions that change nothing but the owner."""
    bumped = [prof(f"bot-{i:02}", model="m-2025", by=CONFIG) for i in range(12)]
    other = [prof(f"big-{i}", model="m-2025", by=CONFIG) for i in range(2)]
    adopted = [conn(f"team-{i}", "openai", "platform") for i in range(3)]
    desired = config(
        *[row._replace(model="m-2026", managed_by=None) for row in bumped],
        *[row._replace(model="m-2026-large", managed_by=None) for row in other],
        *adopted,
    )
    state = db(*bumped, *other, *adopted)
    return make_plan(desired, state), state


PROMPT = "You are the support assistant.\nAnswer in English.\n" + "".join(
    f"Rule {i}: be kind.\n" for i in range(1, 9)
)


def prompts() -> tuple[Plan, DatabaseState]:
    """Multi-line strings: a one-word change in a prompt as a line diff with context, a
    description that appears, a created prompt holding a fence and a workflow command."""
    helper = prof("helper", system_prompt=PROMPT, by=CONFIG)
    edited = PROMPT.replace("Answer in English.", "Answer in French.").replace(
        "Rule 8: be kind.", "Rule 8: be brief."
    )
    new = prof("writer", system_prompt="Write docs.\n```\n::error::not a command\n```\n")
    desired = config(
        helper._replace(
            system_prompt=edited, description="Front line.\nEscalates.", managed_by=None
        ),
        new,
    )
    state = db(helper)
    return make_plan(desired, state), state


def dangling() -> tuple[Plan, DatabaseState]:
    """A provider left the config while a connection of the config still names it."""
    state = db(
        prov("ollama-gpu", "ollama", CONFIG),
        prov("ollama-cpu", "ollama", CONFIG),
        conn("x", "ollama-gpu", "none", by=CONFIG),
    )
    sources = SourceMap(
        values={("connections", "x", "provider"): Location("reconcile.yaml", 4, 15)}
    )
    desired = config(prov("ollama-cpu", "ollama"), conn("x", "ollama-gpu", "none"))
    return make_plan(desired, state, sources=sources), state


def outside() -> tuple[Plan, DatabaseState]:
    """Rows of the application's other tables (DESIGN §14): a provider they hold (RESTRICT),
    a connection they would hold in a forced cascade, and deletes the database follows up with
    CASCADE and SET NULL."""
    state = db(
        prov("old-eu", by=CONFIG),
        prov("p", by=CONFIG),
        conn("c", "p"),
        prov("gone", by=CONFIG),
        prof("legacy", "gone", by=CONFIG),
        prof("kept", "openai", "openai-managed", CONFIG),
    )
    foreign = {
        (Kind.PROVIDER, "old-eu"): (
            ForeignRows("app_usage", "RESTRICT", 3),
            ForeignRows("billing.invoices", "NO ACTION", 1),
        ),
        (Kind.CONNECTION, "c"): (ForeignRows("app_usage", "RESTRICT", 2),),
        (Kind.PROVIDER, "gone"): (ForeignRows("app_usage", "SET NULL", 2),),
        (Kind.PROFILE, "legacy"): (ForeignRows("app_log", "CASCADE", 12),),
    }
    state = replace(state, foreign=foreign)
    desired = config(prof("kept", "openai", "openai-managed"))
    return make_plan(desired, state, force=True), state


SCENARIOS = {
    "mixed": mixed,
    "forced": forced,
    "in-sync": in_sync,
    "long": long,
    "shared": shared,
    "guarded": guarded,
    "limited": limited,
    "alike": alike,
    "prompts": prompts,
    "dangling": dangling,
    "outside": outside,
}


def context(state: DatabaseState) -> PlanContext:
    return PlanContext(
        database="postgresql://app:***@db/prod",
        instance_id="0f6e3c3a-5d9b-4c1e-9a51-7d2f8e4b6a10",
        config_digest="sha256:" + "0" * 64,
        state_digest=state_digest(state),
        tool_version="0.1.0",
    )
