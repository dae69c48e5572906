from __future__ import annotations

import re
from pathlib import Path

import pytest
import secret_samples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reconciler import canonical
from reconciler.config import load_config
from reconciler.config.schema import config_schema
from reconciler.errors import Location
from reconciler.model import (
    Auth,
    Connection,
    DatabaseState,
    InferenceMode,
    Kind,
    ManagedBy,
    Profile,
    Provider,
)
from reconciler.secrets import secret_kind
from reconciler.service.export import declared_fields, export_state, inference_mode
from reconciler.storage import (
    REFERENCES,
    REQUIRED,
    STORABLE,
    Generate,
    Storage,
    SurrogateId,
    TableMapping,
    TimeFormat,
    Timestamps,
)
from reconciler.yamledit.write import render_config


def state(*rows: Provider | Connection | Profile) -> DatabaseState:
    return DatabaseState(
        providers={r.name: r for r in rows if isinstance(r, Provider)},
        connections={r.name: r for r in rows if isinstance(r, Connection)},
        profiles={r.name: r for r in rows if isinstance(r, Profile)},
    )


SEEDED = (*canonical.PROVIDERS.values(), *canonical.CONNECTIONS.values())


@pytest.mark.parametrize(
    ("connections", "mode"),
    [
        ((), InferenceMode.YOUR_OWN),
        (("anthropic-managed",), InferenceMode.MANAGED),
        (("anthropic-personal",), InferenceMode.YOUR_OWN),
        (("anthropic-managed", "openai-managed", "gemini-personal"), InferenceMode.MANAGED),
        (("anthropic-managed", "openai-personal"), InferenceMode.YOUR_OWN),  # a tie
        (("something-else", "something-else"), InferenceMode.YOUR_OWN),
    ],
)
def test_inference_mode_is_the_one_that_derives_most_existing_connections(
    connections: tuple[str, ...], mode: InferenceMode
) -> None:
    providers = ["anthropic", "openai", "gemini"]
    profiles = [
        Profile(f"p{index}", providers[index % 3], "m", connection)
        for index, connection in enumerate(connections)
    ]
    assert inference_mode(state(*SEEDED, *profiles)) is mode


def test_profiles_whose_derivation_ignores_the_mode_do_not_vote() -> None:
    rows = (
        Provider("local", "ollama"),
        Provider("eu", "anthropic"),
        Profile("a", "local", "m", "local-local"),
        Profile("b", "eu", "m", "eu-personal"),
        Profile("c", "ollama", "m", "ollama-local"),
        Profile("d", "anthropic", "m", "anthropic-managed"),
    )
    assert inference_mode(state(*SEEDED, *rows)) is InferenceMode.MANAGED


def test_declared_fields_leave_out_name_nulls_and_defaults_and_escape_interpolation() -> None:
    assert declared_fields(Provider("p", "openai", None, True)) == {"type": "openai"}
    assert declared_fields(Provider("p", "openai", "https://x", False)) == {
        "type": "openai",
        "base_url": "https://x",
        "enabled": False,
    }
    profile = Profile("p", "openai", "m", system_prompt="Hi ${USER} and $${X}", temperature=0.0)
    assert declared_fields(profile) == {
        "provider": "openai",
        "model": "m",
        "system_prompt": "Hi $${USER} and $$${X}",
        "temperature": 0.0,
    }


def test_canonical_rows_are_left_out_whoever_owns_them() -> None:
    edited = Connection(
        "openai-managed", "openai", Auth("api_key", "c"), managed_by=ManagedBy.CONFIG
    )
    exported = export_state(state(*SEEDED, edited, Provider("ollama", "ollama")))
    assert exported.document == {"version": 1, "settings": {"inference_mode": "your-own"}}
    assert exported.left_out == {}
    assert exported.warnings() == ()


def test_a_legacy_name_is_left_out_with_a_warning() -> None:
    exported = export_state(
        state(
            *SEEDED,
            Connection("Legacy_Key", "openai", Auth("api_key", "credential/legacy")),
            Profile("Old Bot", "openai", "gpt-4", "Legacy_Key"),
            Profile("uses-legacy", "openai", "gpt-4", "Legacy_Key"),
        )
    )
    assert exported.document["profiles"] == {
        "uses-legacy": {"provider": "openai", "model": "gpt-4", "provider_connection": "Legacy_Key"}
    }
    assert "connections" not in exported.document
    assert exported.left_out == {
        "connections": {
            "Legacy_Key": {
                "provider": "openai",
                "auth": {"type": "api_key", "credential": "credential/legacy"},
            }
        },
        "profiles": {
            "Old Bot": {"provider": "openai", "model": "gpt-4", "provider_connection": "Legacy_Key"}
        },
    }
    assert [(p.code, p.level, p.path) for p in exported.warnings()] == [
        ("export.legacy-name", "warning", "connections.Legacy_Key"),
        ("export.legacy-name", "warning", "profiles.Old Bot"),
    ]
    located = exported.warnings("out.yaml", {("profiles", "Old Bot"): 12})
    assert [p.location for p in located] == [None, Location("out.yaml", 12, 3)]


def test_a_left_out_row_the_config_owns_is_said_to_be_deleted_by_applying_the_export() -> None:
    """Only a row whose managed_by is config is pruned when it leaves the config: the warning
    must not promise it stays."""
    owned = Profile("Old Bot", "openai", "gpt-4", managed_by=ManagedBy.CONFIG)
    external = Profile("Other Bot", "openai", "gpt-4")
    (owned_warning, kept_warning) = export_state(state(*SEEDED, owned, external)).warnings()
    assert owned_warning.path == "profiles.Old Bot"
    assert "applying this export deletes it" in owned_warning.message
    assert "set its managed_by to NULL" in owned_warning.message
    assert kept_warning.path == "profiles.Other Bot"
    assert "the row stays in the database as it is" in kept_warning.message


def test_an_owners_export_holds_only_that_owners_config_rows() -> None:
    config = ManagedBy.CONFIG
    rows = state(
        *SEEDED,
        Provider("eu", "anthropic", managed_by=config, owner="team-a", protected=True),
        Provider("us", "anthropic", managed_by=config, owner="team-b"),
        Provider("old", "openai", managed_by=config),  # NULL: the default owner's
        Provider("ext", "openai"),
        Profile("bot", "anthropic", "m", "anthropic-managed", managed_by=config, owner="team-a"),
        Profile("Odd Bot", "eu", "m", managed_by=config, owner="team-a"),
        Profile("Their Bot", "us", "m", managed_by=config, owner="team-b"),
    )
    team_a = export_state(rows, "team-a")
    assert team_a.document == {
        "version": 1,
        "settings": {"inference_mode": "managed", "owner": "team-a"},
        "providers": {"eu": {"type": "anthropic", "protected": True}},
        "profiles": {
            "bot": {
                "provider": "anthropic",
                "model": "m",
                "provider_connection": "anthropic-managed",
            }
        },
    }
    (left_out,) = team_a.warnings()  # team-a's own legacy name, which applying it deletes
    assert left_out.path == "profiles.Odd Bot" and "applying this export deletes it" in (
        left_out.message
    )
    assert set(export_state(rows, "default").document["providers"]) == {"old"}
    everything = export_state(rows)
    assert set(everything.document["providers"]) == {"eu", "us", "old", "ext"}
    assert "owner" not in everything.document["settings"]
    # Applied as the default owner, only the default owner's left-out rows are deleted.
    warned = {w.path: "deletes it" in w.message for w in everything.warnings()}
    assert warned == {"profiles.Odd Bot": False, "profiles.Their Bot": False}


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40).filter(
    lambda text: secret_kind(text) is None  # a secret-looking value is an error of its own
)
# What the schema lets a config hold: no control characters on one line, no NUL anywhere.
_CONTROL = re.compile(config_schema()["$defs"]["line"]["not"]["pattern"])
lines = texts.filter(lambda text: _CONTROL.search(text) is None)
prose = texts.filter(lambda text: "\0" not in text)
profiles = st.builds(
    Profile,
    name=st.just("p"),
    provider=st.just("openai"),
    model=lines.filter(bool),
    provider_connection=st.none() | st.just("openai-managed"),
    source=st.none() | st.sampled_from(["managed", "user"]),
    label=st.none() | lines,
    description=st.none() | prose,
    system_prompt=st.none() | prose,
    temperature=st.none() | st.floats(0, 2),
    max_tokens=st.none() | st.integers(1, 2**31 - 1),
    protected=st.booleans(),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=profiles)
@example(
    profile=Profile("p", "1.0", "null", label="yes", description="${X}", system_prompt="a\n b\n")
)
def test_an_exported_profile_loads_back_as_itself(profile: Profile, tmp_path: Path) -> None:
    exported = export_state(state(*SEEDED, Provider("1.0", "openai"), profile))
    file = tmp_path / "export.yaml"
    file.write_text(render_config(exported.document, "s.json").text, encoding="utf-8")
    loaded = load_config([str(file)], environ={})
    assert [p for p in loaded.problems if p.is_error] == []
    assert loaded.desired.profiles == {"p": profile}


def test_a_row_the_config_refuses_is_left_out_with_its_reasons_and_no_secret() -> None:
    key = secret_samples.SECRETS["openai-project"]
    exported = export_state(
        state(
            *SEEDED,
            Connection("bad-none", "ollama", Auth("none", "c")),
            Connection("leaked", "openai", Auth("api_key", key)),
            Profile("weird", "openai", "m", "openai-managed", source="weird"),
            Profile("fine", "openai", "m", "leaked", description="uses a left-out connection"),
        )
    )
    assert exported.document["profiles"] == {
        "fine": {
            "provider": "openai",
            "model": "m",
            "provider_connection": "leaked",
            "description": "uses a left-out connection",
        }
    }
    assert "connections" not in exported.document
    assert exported.left_out["connections"]["leaked"]["auth"]["credential"] == "[redacted]"
    assert [(p.code, p.path) for p in exported.warnings()] == [
        ("export.invalid-row", "connections.bad-none"),
        ("export.invalid-row", "connections.leaked"),
        ("export.invalid-row", "profiles.weird"),
    ]
    reasons = [p.message for p in exported.warnings()]
    assert "[auth.credential-not-allowed]" in reasons[0]
    assert "[secret.inline]" in reasons[1]
    assert "'weird' is not one of 'managed', 'user' [schema.enum]" in reasons[2]
    assert key not in repr(exported)


def test_a_secret_name_is_redacted_in_the_comment_and_the_warning() -> None:
    name = secret_samples.SECRETS["deepseek"]  # a lowercase DNS label
    exported = export_state(state(*SEEDED, Profile(name, "openai", "m", "openai-managed")))
    assert exported.left_out == {
        "profiles": {
            "[redacted]": {
                "provider": "openai",
                "model": "m",
                "provider_connection": "openai-managed",
            }
        }
    }
    (warning,) = exported.warnings()
    assert (warning.code, warning.path) == ("export.invalid-row", "profiles.[redacted]")
    assert name not in warning.message


legacy_values = st.one_of(
    st.none(),
    st.sampled_from(["weird", "user", "", "credential/x", *secret_samples.SECRETS.values()]),
    texts,
)
auths = st.builds(
    Auth,
    type=st.sampled_from(["api_key", "platform", "none", "oauth_subscription", "password"]),
    credential=legacy_values,
)
connections = st.builds(
    Connection,
    name=st.sampled_from(["c1", "c2", "Legacy_C", secret_samples.SECRETS["deepseek"]]),
    provider=st.sampled_from(["openai", "ollama", "anthropic"]),
    auth=auths,
)
legacy_profiles = st.builds(
    Profile,
    name=st.sampled_from(["p1", "p2", "Old Bot"]),
    provider=st.sampled_from(["openai", "ollama", "anthropic"]),
    model=legacy_values.filter(bool),
    provider_connection=st.sampled_from([None, "c1", "c2", "openai-managed", "ollama-local"]),
    source=legacy_values,
    label=legacy_values,
    system_prompt=legacy_values,
    temperature=st.none() | st.floats(-1, 3, allow_nan=False),
    max_tokens=st.none() | st.integers(-5, 2**31 + 5),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    connections=st.lists(connections, max_size=3), profiles=st.lists(legacy_profiles, max_size=3)
)
def test_the_export_of_any_state_validates_and_holds_no_secret(
    connections: list[Connection], profiles: list[Profile], tmp_path: Path
) -> None:
    exported = export_state(state(*SEEDED, *connections, *profiles))
    rendered = render_config(exported.document, "s.json", exported.left_out)
    file = tmp_path / "export.yaml"
    file.write_text(rendered.text, encoding="utf-8")
    loaded = load_config([str(file)], environ={})
    assert [p for p in loaded.problems if p.is_error] == []
    shown = rendered.text + "".join(p.message + p.path for p in exported.warnings())
    assert secret_kind(shown) is None
    for secret in secret_samples.SECRETS.values():
        assert secret.splitlines()[0] not in shown


identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)
surrogates = st.none() | st.builds(SurrogateId, identifiers, st.sampled_from(list(Generate)))
timestamps = st.none() | st.builds(
    Timestamps,
    st.none() | identifiers,
    st.none() | identifiers,
    st.sampled_from(list(TimeFormat)),
)


@st.composite
def storages(draw: st.DrawFn) -> Storage:
    """Any mapping the config's rules accept: required fields mapped, references by the
    referenced kind's id column."""
    mappings: dict[Kind, TableMapping | None] = {}
    for kind in Kind:
        if draw(st.booleans()):
            mappings[kind] = None
            continue
        optional = [f for f in STORABLE[kind] if f not in REQUIRED[kind]]
        chosen = st.lists(st.sampled_from(optional), unique=True) if optional else st.just([])
        fields = [*REQUIRED[kind], *draw(chosen)]
        targets = {
            field: target.id.column
            for field, kind_ in REFERENCES[kind].items()
            if field in fields
            and (target := mappings.get(kind_)) is not None
            and target.id is not None
            and draw(st.booleans())
        }
        mappings[kind] = TableMapping(
            table=draw(identifiers),
            schema=draw(st.none() | identifiers),
            key=draw(identifiers),
            id=draw(surrogates),
            columns={field: draw(identifiers) for field in fields},
            timestamps=draw(timestamps),
            references=targets,
        )
    return Storage(*(mappings[kind] for kind in Kind))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(storage=storages())
def test_the_storage_section_is_exported_before_the_rows_and_loads_back_as_itself(
    storage: Storage, tmp_path: Path
) -> None:
    rows = [Provider("eu", "anthropic")] if storage.stores(Kind.PROVIDER) else []
    exported = export_state(state(*SEEDED, *rows), storage=storage)
    text = render_config(exported.document, "s.json").text
    file = tmp_path / "export.yaml"
    file.write_text(text, encoding="utf-8")
    loaded = load_config([str(file)], environ={})
    assert [p for p in loaded.problems if p.is_error] == []
    assert loaded.desired.storage == storage
    sections = [line.partition(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert sections == ["version", "settings", "storage", *(["providers"] if rows else [])]
