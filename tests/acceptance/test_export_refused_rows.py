"""``reconcile export`` of rows a config refuses, on every backend (issue 12).

Legacy values the schema or the semantic rules reject, and values that look like secrets, are
written as comments with a warning, never as rows: the export always validates, never holds a
secret (not even in a comment or a warning), and applying it changes nothing but ownership.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from legacy_rows import (
    ACCEPTED_PROFILES,
    REFUSED_CONNECTIONS,
    REFUSED_PROFILES,
    SECRETS,
    insert_refused_rows,
    insert_rows,
)
from test_export_round_trip import round_trip, rows

from reconciler.cli import cli
from reconciler.config import load_config
from reconciler.model import ManagedBy

REFUSED = {
    ("connections", "none-with-credential"): "auth.credential-not-allowed",
    ("connections", "key-without-credential"): "auth.credential-required",
    ("connections", "leaked-key"): "secret.inline",
    ("connections", "weird-auth"): "schema.enum",
    ("profiles", "weird-source"): "schema.enum",
    ("profiles", "leaky-prompt"): "secret.inline",
    ("profiles", "[redacted]"): "secret.inline",
    ("profiles", "mismatched"): "ref.provider-mismatch",
}


def export(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["export", "--database-url", url, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def refused_url(database_url: str) -> str:
    insert_rows(database_url, with_legacy_backfill=False)
    insert_refused_rows(database_url)
    return database_url


def test_refused_rows_are_comments_with_a_warning_naming_row_and_reason(
    refused_url: str, tmp_path: Path
) -> None:
    code, stdout, stderr = export(refused_url, "-o", str(tmp_path / "out.yaml"))
    assert (code, stdout) == (0, "")
    text = (tmp_path / "out.yaml").read_text()
    lines = text.splitlines()
    for (section, name), reason in REFUSED.items():
        (warning,) = [line for line in stderr.splitlines() if f"(at {section}.{name})" in line]
        assert "warning [export.invalid-row]" in warning
        assert "is written as a comment: a config would refuse it: " in warning
        assert f"[{reason}]" in warning
        line = int(warning.split(":")[1])
        assert lines[line - 1] in (f"#   {name}:", f"#   '{name}':")
    assert stderr.count("[export.legacy-name]") == 3
    assert "  uses-leaked-key:" in lines


def test_no_secret_is_written_or_printed(refused_url: str, tmp_path: Path) -> None:
    code, stdout, stderr = export(refused_url)
    assert code == 0
    for secret in SECRETS:
        assert secret not in stdout + stderr
        assert secret[4:16] not in stdout + stderr
    assert "[redacted]" in stdout


def test_the_export_validates(refused_url: str, tmp_path: Path) -> None:
    config = tmp_path / "out.yaml"
    assert export(refused_url, "-o", str(config))[0] == 0
    loaded = load_config([str(config)], environ={})
    assert [p for p in loaded.problems if p.is_error] == []
    names = {*loaded.desired.connections, *loaded.desired.profiles}
    assert names.isdisjoint(name for _section, name in REFUSED)
    assert "uses-leaked-key" in names


def test_apply_of_the_export_changes_nothing_but_ownership(
    refused_url: str, tmp_path: Path
) -> None:
    before, after = round_trip(refused_url, tmp_path)
    assert rows(after) == rows(before)
    refused = {row[0] for row in (*REFUSED_CONNECTIONS, *REFUSED_PROFILES)}
    for table in (after.connections, after.profiles):
        for name, row in table.items():
            if name in refused:
                assert row.managed_by is None, name
    assert after.profiles[ACCEPTED_PROFILES[0][0]].managed_by is ManagedBy.CONFIG
