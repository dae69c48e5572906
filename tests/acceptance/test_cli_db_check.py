"""``reconcile db check`` through the real CLI against application databases."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from app_schemas import EPOCH, STORAGE, SURROGATE, config_text
from click.testing import CliRunner, Result

from reconciler.cli import cli

MakeDatabase = Callable[[str], str]
HOSTILE = "::warning::evil\x1b[2J\u202e"


def check(tmp_path: Path, config: str, url: str, *extra: str) -> Result:
    path = tmp_path / "reconcile.yaml"
    path.write_text(config)
    return CliRunner().invoke(
        cli, ["db", "check", "-f", str(path), "--database-url", url, *extra], catch_exceptions=False
    )


def storage_config(section: dict[str, Any], body: str = "") -> str:
    return f"version: 1\nstorage: {json.dumps(section)}\n{body}"


def test_the_surrogate_schema_fits(app_database: MakeDatabase, tmp_path: Path) -> None:
    result = check(tmp_path, config_text(SURROGATE), app_database(SURROGATE))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("The storage mapping in ")
    for expected in (
        "providers: table ai_providers",
        "connections: table llm_connections",
        "profiles: table llm_profiles",
        "  not stored: source",
        "  references by id: provider -> ai_providers.id,"
        " provider_connection -> llm_connections.id",
        "  app_invoices (provider_id) -> providers ai_providers (id): ON DELETE RESTRICT",
        "  app_usage (provider_id) -> providers ai_providers (id): ON DELETE SET NULL",
        "ok: the mapping fits the database",
    ):
        assert expected in lines, result.output
    assert any(
        re.fullmatch(r"  id: id \(\w+(\(36\))?\), a UUID4 the reconciler makes.*", line)
        for line in lines
    )
    assert any(re.fullmatch(r"    auth -> auth \((JSON|JSONB|LONGTEXT)\)", line) for line in lines)
    assert any(line.startswith("  timestamps: created -> created_at (") for line in lines)
    assert lines[-1] == "ok: the mapping fits the database"


def test_the_epoch_schema_fits(app_database: MakeDatabase, tmp_path: Path) -> None:
    result = check(tmp_path, config_text(EPOCH), app_database(EPOCH))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for expected in (
        "providers: not stored: only the canonical rows, held in code",
        "connections: table provider_connections",
        "  id: none (rows are known by their key)",
        "  not stored: source, label, description",
        "Foreign keys of the application's other tables into these: none",
    ):
        assert expected in lines, result.output
    stamps = r"  timestamps: created -> created_at \(BIGINT(\(20\))?\), updated -> updated_at"
    assert any(re.match(stamps, line) for line in lines), result.output
    assert any(line.endswith("; format epoch_milliseconds") for line in lines)


def test_problems_are_located_in_the_config_and_exit_1(
    app_database: MakeDatabase, tmp_path: Path
) -> None:
    section = json.loads(json.dumps(STORAGE[EPOCH]))
    section["connections"]["columns"]["auth"] = "credentials"
    result = check(tmp_path, storage_config(section), app_database(EPOCH))
    assert result.exit_code == 1, result.output
    problems = [line for line in result.output.splitlines() if " error [" in line]
    config = str(tmp_path / "reconcile.yaml")
    lines = result.output.splitlines()
    columns_at = _column_of(section, "columns", value=True)
    assert problems == [
        f"{config}:2:{columns_at}: error [storage.unmapped-required]"
        " 'provider_connections' column 'auth' is NOT NULL without a default, and the mapping"
        " fills it with nothing, so an insert would fail: give it a default, allow NULL, or map"
        " a field to it (at storage.connections.columns)",
        f"{config}:2:{_column_of(section, 'credentials')}: error [storage.missing-column]"
        " 'provider_connections' has no column 'credentials': add it, or correct"
        " storage.connections.columns.auth (at storage.connections.columns.auth)",
    ]
    assert "    auth -> credentials (missing)" in lines
    assert lines[-1] == "2 errors, 0 warnings"


def _column_of(section: dict[str, Any], text: str, *, value: bool = False) -> int:
    """The column at which the string ``text`` first starts on the storage line (with
    ``value``: the value of the key ``text``)."""
    found = json.dumps(section).index(f'"{text}"')
    return len("storage: ") + found + 1 + (len(f'"{text}": ') if value else 0)


def test_hostile_names_from_the_database_are_shown_escaped(
    app_database: MakeDatabase, tmp_path: Path
) -> None:
    url = app_database(SURROGATE)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata = sa.MetaData()
        providers = sa.Table("ai_providers", metadata, autoload_with=connection)
        sa.Table(
            HOSTILE,
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                f"p{HOSTILE}",
                providers.c.id.type,
                sa.ForeignKey(providers.c.id, ondelete="CASCADE"),
            ),
            mysql_charset="utf8mb4",  # as ai_providers' id, or MySQL refuses the key
            mysql_collate="utf8mb4_bin",
        ).create(connection)
    engine.dispose()
    result = check(tmp_path, config_text(SURROGATE), url)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    (line,) = [line for line in result.output.splitlines() if "evil" in line]
    assert line == (
        "  \\x3a:warning::evil\\x1b[2J\\u202e (p::warning::evil\\x1b[2J\\u202e)"
        " -> providers ai_providers (id): ON DELETE CASCADE"
    )


def test_an_invalid_config_is_reported_and_the_database_not_opened(tmp_path: Path) -> None:
    config = "version: 1\nstorage: {connections: {table: 1}}\n"
    result = check(tmp_path, config, "postgresql://nobody@127.0.0.1:1/nowhere")
    assert result.exit_code == 1, result.output
    assert "[schema.required]" in result.output
    assert "error: the config has 2 error(s); the database was not opened" in result.output
    assert "unreachable" not in result.output and "Storage" not in result.output


def test_without_storage_the_own_tables_need_no_check(tmp_path: Path) -> None:
    result = check(tmp_path, "version: 1\n", "postgresql://nobody@127.0.0.1:1/nowhere")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "No storage section: the reconciler keeps the rows in its own tables (providers,"
        " provider_connections, profiles), so there is no mapping to check.\n"
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        pytest.param("sqlite:///{tmp}/missing.db", "the file does not exist", id="sqlite-file"),
        pytest.param("postgresql://nobody@127.0.0.1:1/x", "127.0.0.1", id="unreachable"),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_line(
    tmp_path: Path, url: str, fragment: str
) -> None:
    result = check(tmp_path, config_text(EPOCH), url.format(tmp=tmp_path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    assert fragment in result.output
    assert not (tmp_path / "missing.db").exists()
