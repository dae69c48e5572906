from __future__ import annotations

from reconciler.model import Auth, Connection, DatabaseState, ManagedBy, Profile, Provider
from reconciler.planning.digest import digest, state_digest


def _state(*profiles: Profile, provider: Provider | None = None) -> DatabaseState:
    provider = provider or Provider("openai", "openai", managed_by=ManagedBy.SEED)
    connection = Connection("c", "openai", Auth("api_key", "credential/c"))
    return DatabaseState(
        providers={provider.name: provider},
        connections={connection.name: connection},
        profiles={p.name: p for p in profiles},
    )


def test_digest_is_canonical_json_sha256() -> None:
    assert digest({"b": 1, "a": [1.0, None]}) == digest({"a": [1.0, None], "b": 1})
    assert digest({"a": 1}).startswith("sha256:") and len(digest({"a": 1})) == 7 + 64


def test_state_digest_ignores_insertion_order() -> None:
    a, b = Profile("a", "openai", "m"), Profile("b", "openai", "m")
    assert state_digest(_state(a, b)) == state_digest(_state(b, a))


def test_state_digest_sees_every_field_and_ownership() -> None:
    base = Profile("a", "openai", "m")
    variants = [
        Profile("a", "openai", "m", temperature=0.7),
        Profile("a", "openai", "m", provider_connection="c"),
        Profile("a", "openai", "m", managed_by=ManagedBy.CONFIG),
        Profile("A", "openai", "m"),
    ]
    digests = {state_digest(_state(base))} | {state_digest(_state(v)) for v in variants}
    assert len(digests) == 1 + len(variants)
    assert state_digest(_state(base)) != state_digest(
        _state(base, provider=Provider("openai", "openai", enabled=False))
    )


def test_state_digest_sees_auth_and_every_connection_field() -> None:
    other = Connection("c", "openai", Auth("api_key", "credential/other"))
    state = _state()
    changed = DatabaseState(state.providers, {"c": other}, state.profiles)
    assert state_digest(state) != state_digest(changed)


def test_empty_state_has_a_pinned_digest() -> None:
    # Journal entries chain by digest: a change of the format must be a deliberate one (the last:
    # protected and owner, revision 0004_sharing).
    assert state_digest(DatabaseState()) == (
        "sha256:4ac4285996d8aa95dccfd597bc218a61c52ac8bfa1bdf3faf88eb2a68a6db969"
    )
