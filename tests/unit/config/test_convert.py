from __future__ import annotations

from reconciler.config.convert import desired_state
from reconciler.model import Auth, Connection, Kind, Profile, Provider, Settings


def test_rows_and_settings() -> None:
    state = desired_state(
        {
            "settings": {"deployment": "platform"},
            "providers": {"eu": {"type": "anthropic", "base_url": "https://x", "enabled": False}},
            "connections": {
                "k": {"provider": "eu", "auth": {"type": "api_key", "credential": "c"}}
            },
            "profiles": {
                "p": {"provider": "eu", "model": "m", "temperature": 1, "max_tokens": 8.0}
            },
        }
    )
    assert state.settings == Settings(deployment="platform")
    assert state.providers == {"eu": Provider("eu", "anthropic", "https://x", False)}
    assert state.connections == {"k": Connection("k", "eu", Auth("api_key", "c"))}
    assert state.profiles == {"p": Profile("p", "eu", "m", temperature=1.0, max_tokens=8)}
    assert isinstance(state.profiles["p"].temperature, float)
    assert isinstance(state.profiles["p"].max_tokens, int)


def test_reads_what_it_can_from_an_invalid_document() -> None:
    state = desired_state(
        {
            "settings": {"deployment": "cloud"},
            "providers": {"bad": {"type": 3}, "ok": {"type": "openai", "enabled": "yes"}},
            "connections": {"c": {"provider": "openai", "auth": {"type": "api_key"}}, "d": []},
            "profiles": {"p": {"provider": "x", "model": "m", "temperature": "hot"}, "q": {}},
        }
    )
    assert state.settings == Settings()
    assert list(state.providers) == ["ok"] and state.providers["ok"].enabled is True
    assert state.connections == {"c": Connection("c", "openai", Auth("api_key"))}
    assert state.profiles == {"p": Profile("p", "x", "m")}


def test_sections_of_the_wrong_type_read_as_empty() -> None:
    state = desired_state({"profiles": ["a"], "settings": "x"})
    assert state.profiles == {} and state.settings == Settings()


def test_settings_ignore_keeps_only_fields_that_may_be_ignored() -> None:
    state = desired_state(
        {
            "settings": {
                "ignore": {
                    "profiles": ["label", "name", "provider_connection", 3],
                    "providers": "enabled",
                    "connections": ["auth", "provider"],
                    "other": ["label"],
                }
            }
        }
    )
    assert state.settings.ignore == {(Kind.PROFILE, "label"), (Kind.CONNECTION, "auth")}
    assert state.settings.ignored(Kind.PROFILE) == ("label",)
    assert state.settings.ignored(Kind.PROVIDER) == ()
