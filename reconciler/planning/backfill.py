"""Backfill: derive ``provider_connection`` for every profile of the end state that lacks one.

The derivation reads the profile's provider and the effective inference mode, never ``source``.
"""

from __future__ import annotations

from reconciler import canonical
from reconciler.canonical import PLATFORM_PROVIDERS
from reconciler.errors import shown
from reconciler.model import (
    NAME_LENGTH,
    Auth,
    Connection,
    InferenceMode,
    Kind,
    ManagedBy,
    Profile,
    Provider,
)
from reconciler.planning.draft import Draft
from reconciler.planning.guard import Referrers
from reconciler.planning.plan import Blocked, Reason
from reconciler.planning.rows import managed, with_connection
from reconciler.storage import stores_kind


def derive_connection(provider: Provider, mode: InferenceMode) -> Connection:
    """The connection a profile of ``provider`` gets when it names none (DESIGN §6).

    ``ollama`` providers get ``<P>-local`` (auth none); in managed mode the canonical platform
    providers get ``<P>-managed``; every other case ``<P>-personal`` with an api_key credential.
    """
    name = provider.name
    if provider.type == "ollama":
        return Connection(f"{name}-local", name, Auth("none"), managed_by=ManagedBy.BACKFILL)
    if mode is InferenceMode.MANAGED and name in PLATFORM_PROVIDERS:
        return Connection(f"{name}-managed", name, Auth("platform"), managed_by=ManagedBy.BACKFILL)
    credential = Auth("api_key", f"credential/{name}/api_key")
    return Connection(f"{name}-personal", name, credential, managed_by=ManagedBy.BACKFILL)


def hand_back_derived(draft: Draft, referrers: Referrers) -> None:
    """Keep a leaving ``config`` connection that backfill still derives for a surviving profile."""
    for (kind, name), reason in sorted(draft.deletes.items()):
        if kind is not Kind.CONNECTION or reason is not Reason.REMOVED:
            continue
        leaving = draft.state.connections[name]
        users = referrers.of_provider.get(leaving.provider, ())
        if any(
            _derives(draft, user, leaving) for user_kind, user in users if user_kind is Kind.PROFILE
        ):
            _hand_back(draft, leaving)


def _derives(draft: Draft, profile_name: str, connection: Connection) -> bool:
    profile = draft.profiles.get(profile_name)
    if profile is None or profile.provider_connection not in (None, "", connection.name):
        return False
    provider = draft.providers.get(profile.provider)
    return provider is not None and derive_connection(provider, draft.mode).name == connection.name


def _hand_back(draft: Draft, leaving: Connection) -> None:
    del draft.deletes[(Kind.CONNECTION, leaving.name)]
    draft.touch(Kind.CONNECTION, managed(leaving, ManagedBy.BACKFILL, None), Reason.BACKFILL)


def backfill(draft: Draft) -> None:
    """Give every surviving profile without ``provider_connection`` its derived connection.

    Another owner's profiles are left to their own config, which derives under its own mode.
    When connections are not stored, only a canonical connection (held in code) may be derived.
    """
    empty = [
        profile
        for profile in draft.profiles.values()
        if not profile.provider_connection and not draft.foreign(profile)
    ]
    derived_for: dict[str, Connection | None] = {}
    settled: set[tuple[str, str]] = set()  # (derived connection, provider) known to be usable
    stored = stores_kind(draft.desired.storage, Kind.CONNECTION)
    for profile in empty:
        provider = profile.provider
        if provider not in derived_for:
            row = draft.providers.get(provider)
            derived_for[provider] = None if row is None else derive_connection(row, draft.mode)
        derived = derived_for[provider]
        if derived is None:
            continue  # an unknown provider: the reference check reports it
        if not stored and not _canonical(derived, profile):
            _refuse_not_stored(draft, profile, derived)
            continue
        if not _storable(derived.name):
            _refuse_name(draft, profile, derived)
            continue
        if stored and (derived.name, provider) not in settled:
            if not _settle(draft, profile, derived):
                continue  # refused for this profile, with its own blocked entry
            settled.add((derived.name, provider))
        filled = with_connection(profile, derived.name)
        draft.touch(Kind.PROFILE, filled, Reason.BACKFILL)


def _canonical(derived: Connection, profile: Profile) -> bool:
    """Whether ``derived`` is the canonical connection of that name (held in code)."""
    row = canonical.CONNECTIONS.get(derived.name)
    return row is not None and row.provider == profile.provider


def _refuse_not_stored(draft: Draft, profile: Profile, derived: Connection) -> None:
    """Connections are not stored (DESIGN §14): backfill cannot create the one it derives."""
    draft.refuse(
        Blocked(
            Kind.PROFILE,
            profile.name,
            draft.action(Kind.PROFILE, profile.name),
            "backfill.conflict",
            f"profile {profile.name} needs the derived connection {shown(derived.name)}"
            f" (provider {shown(profile.provider)}), but connections are not stored (the"
            " storage section maps no table to them), so backfill may derive only a canonical"
            " one; declare provider_connection for the profile as a canonical connection, or"
            " map storage.connections",
            connection=derived.name,
        )
    )


def _storable(name: str) -> bool:
    """Whether a name column holds ``name`` as it is: within its length, printable only."""
    return len(name) <= NAME_LENGTH and name.isprintable()


def _refuse_name(draft: Draft, profile: Profile, derived: Connection) -> None:
    """A legacy provider's name makes a derived name no row can have: refuse, never write it."""
    name = derived.name
    why = (
        f"more than the {NAME_LENGTH} characters a name holds"
        if len(name) > NAME_LENGTH
        else "it holds a control or invisible character"
    )
    draft.refuse(
        Blocked(
            Kind.PROFILE,
            profile.name,
            draft.action(Kind.PROFILE, profile.name),
            "backfill.derived-name",
            f"profile {profile.name} needs a derived connection for provider"
            f" {shown(profile.provider)}, but its name would be {shown(name)}: {why};"
            " declare provider_connection for the profile",
            connection=name,
        )
    )


def _settle(draft: Draft, profile: Profile, derived: Connection) -> bool:
    """Make sure ``derived`` exists in the end state; refuse the profile when it cannot."""
    key = (Kind.CONNECTION, derived.name)
    if draft.deletes.get(key) is Reason.REMOVED:
        leaving = draft.state.connections[derived.name]
        if leaving.provider == profile.provider:
            _hand_back(draft, leaving)
            return True
    existing = draft.connections.get(derived.name)
    if existing is None and key not in draft.deletes:
        draft.touch(Kind.CONNECTION, derived, Reason.BACKFILL)
        return True
    if existing is not None and existing.provider == profile.provider:
        return True
    why = (
        "this plan deletes it"
        if existing is None
        else f"it exists for provider {existing.provider}"
    )
    draft.refuse(
        Blocked(
            Kind.PROFILE,
            profile.name,
            draft.action(Kind.PROFILE, profile.name),
            "backfill.conflict",
            f"profile {profile.name} needs the derived connection {derived.name} (provider"
            f" {profile.provider}) but {why}; declare provider_connection for the profile",
            connection=derived.name,
        )
    )
    return False
