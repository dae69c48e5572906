"""Tier 4 reference checks: every reference of the config must resolve in the end state."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.errors import Level, Problem, SourceMap
from reconciler.model import Connection, DesiredState, Provider
from reconciler.planning.draft import Draft


def reference_problems_at_plan_time(draft: Draft) -> list[Problem]:
    """Unknown and mismatched references against the rows that will exist: errors at plan time."""
    return [
        *_reference_problems(
            draft.desired,
            draft.providers,
            draft.connections,
            draft.sources,
            unknown_level=Level.ERROR,
        ),
        *_kept_connection_mismatches(draft),
    ]


# LOCAL STAND-IN for reconciler.rules.reference_problems (branch `config`): when that lands,
# replace the call above with it and delete this function.
def _reference_problems(
    desired: DesiredState,
    providers: Mapping[str, Provider],
    connections: Mapping[str, Connection],
    sources: SourceMap,
    *,
    unknown_level: Level,
) -> list[Problem]:
    problems = []
    for name, connection in desired.connections.items():
        if connection.provider not in providers:
            problems.append(
                sources.problem(
                    "ref.unknown-provider",
                    f"connection {name}: unknown provider {connection.provider}",
                    ("connections", name, "provider"),
                    level=unknown_level,
                )
            )
    for name, profile in desired.profiles.items():
        if profile.provider not in providers:
            problems.append(
                sources.problem(
                    "ref.unknown-provider",
                    f"profile {name}: unknown provider {profile.provider}",
                    ("profiles", name, "provider"),
                    level=unknown_level,
                )
            )
        if profile.provider_connection is None:
            continue
        target = connections.get(profile.provider_connection)
        path = ("profiles", name, "provider_connection")
        if target is None:
            problems.append(
                sources.problem(
                    "ref.unknown-connection",
                    f"profile {name}: unknown connection {profile.provider_connection}",
                    path,
                    level=unknown_level,
                )
            )
        elif target.provider != profile.provider:
            problems.append(
                sources.problem(
                    "ref.provider-mismatch",
                    f"profile {name} uses provider {profile.provider} but its connection"
                    f" {target.name} is for provider {target.provider}",
                    path,
                )
            )
    return problems


def _kept_connection_mismatches(draft: Draft) -> list[Problem]:
    """A config profile that omits provider_connection keeps the database's value (DESIGN §6);
    when that value's connection is for another provider, say so rather than store a mismatch."""
    problems = []
    for name, declared in draft.desired.profiles.items():
        if declared.provider_connection is not None:
            continue
        kept = draft.profiles.get(name)
        target = draft.connections.get(kept.provider_connection or "") if kept else None
        if target is not None and target.provider != declared.provider:
            problems.append(
                draft.sources.problem(
                    "ref.provider-mismatch",
                    f"profile {name} uses provider {declared.provider} but keeps the connection"
                    f" {target.name} (provider {target.provider}) that the database holds;"
                    " declare provider_connection for the profile",
                    ("profiles", name, "provider"),
                )
            )
    return problems
