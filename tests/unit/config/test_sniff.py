from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config.sniff import declares_config


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nprofiles:\n  a: {provider: openai, model: m}\n", True),
        ("# comment\nproviders: {}\nversion: 1\n", True),
        ("\"version\": 1\n'connections': {}\n", True),
        ("version: 1\nprofiles: {}\n", True),
        ("version: 1\nsettings: {deployment: platform}\n", False),
        ("version: '3.8'\nservices:\n  web: {image: nginx}\n", False),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: profiles}\n", False),
        ("on: push\njobs:\n  build:\n    version: 1\n    profiles: []\n", False),
        ("profiles: {}\n", False),
        ("{version: 1, profiles: {}}\n", False),
        ("", False),
    ],
)
def test_top_level_keys_decide(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "file.yaml"
    path.write_text(text)
    assert declares_config(path) is expected


def test_binary_is_not_a_config(tmp_path: Path) -> None:
    path = tmp_path / "blob.yaml"
    path.write_bytes(b"\0\1\2version")
    assert declares_config(path) is False


def test_unreadable_counts_as_a_config_so_validation_reports_it(tmp_path: Path) -> None:
    assert declares_config(tmp_path / "missing.yaml") is True
