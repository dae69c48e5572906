from __future__ import annotations

import pytest

from reconciler.model import Auth, InferenceMode, Kind, ManagedBy, Profile, Settings


@pytest.mark.parametrize(
    ("settings", "mode"),
    [
        (Settings(), InferenceMode.YOUR_OWN),
        (Settings(deployment="platform"), InferenceMode.MANAGED),
        (Settings(deployment="self-hosted"), InferenceMode.YOUR_OWN),
        (Settings(deployment="platform", inference_mode="your-own"), InferenceMode.YOUR_OWN),
        (Settings(deployment="self-hosted", inference_mode="managed"), InferenceMode.MANAGED),
    ],
)
def test_effective_mode(settings: Settings, mode: InferenceMode) -> None:
    assert settings.effective_mode is mode


def test_managed_by_never_counts_as_a_difference() -> None:
    assert Profile("a", "openai", "m", managed_by=ManagedBy.CONFIG) == Profile("a", "openai", "m")


def test_auth_image_carries_only_its_keys() -> None:
    assert Auth("platform").image() == {"type": "platform"}
    assert Auth("api_key", "c/x").image() == {"type": "api_key", "credential": "c/x"}


def test_a_kind_names_its_section_and_heading_once() -> None:
    assert [kind.section for kind in Kind] == ["providers", "connections", "profiles"]
    assert [kind.heading for kind in Kind] == ["Providers", "Connections", "Profiles"]
    assert all(Kind.of_section(kind.section) is kind for kind in Kind)
    assert str(Kind.PROFILE) == "profile"
