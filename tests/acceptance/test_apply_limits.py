"""What a column cannot hold is refused before the database, located; what the schema allows,
every backend stores as it is. Through the CLI, on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.errors import DatabaseError
from reconciler.store import open_engine, translated
from tests.acceptance.database_snapshot import execute, snapshot

EMOJI, CJK = "😀", "語"  # 4 and 3 bytes in UTF-8: limits count characters, columns may count bytes


def reconcile(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "reconcile.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def profile_config(**fields: str) -> str:
    """One profile ``a``; its fields start on line 4."""
    merged = {"provider": "openai", "model": "m", **fields}
    lines = "".join(f"    {key}: {value}\n" for key, value in merged.items())
    return f"version: 1\nprofiles:\n  a:\n{lines}"


TOO_MUCH = {
    "a model of 256 emoji": (profile_config(model=EMOJI * 256), 5, "schema.maxLength"),
    "a reference of 256 characters": (
        profile_config(provider_connection="c" * 256),
        6,
        "schema.maxLength",
    ),
    "a label of 16,384 CJK characters": (
        profile_config(label=CJK * 16_384),
        6,
        "schema.maxLength",
    ),
    "a system prompt of 262,145 emoji": (
        profile_config(system_prompt=EMOJI * 262_145),
        6,
        "schema.maxLength",
    ),
    "a NUL in a system prompt": (
        profile_config(system_prompt='"Be brief.\\0"'),
        6,
        "schema.control-character",
    ),
    "a NUL in a description": (
        profile_config(description='"a\\0b"'),
        6,
        "schema.control-character",
    ),
    "a NUL in a model": (profile_config(model='"m\\0"'), 5, "schema.control-character"),
    "a line break in a label": (
        profile_config(label='"two\\nlines"'),
        6,
        "schema.control-character",
    ),
    "a base_url of 16,384 characters": (
        f"version: 1\nproviders:\n  p:\n    type: openai\n    base_url: https://{EMOJI * 16_376}\n",
        5,
        "schema.maxLength",
    ),
}


@pytest.mark.parametrize(("text", "line", "code"), TOO_MUCH.values(), ids=TOO_MUCH.keys())
def test_a_value_no_column_holds_is_refused_before_the_database(
    database_url: str, tmp_path: Path, text: str, line: int, code: str
) -> None:
    path = write(tmp_path, text)
    before = snapshot(database_url)
    for command in ("validate", "plan", "apply"):
        extra = [] if command == "validate" else ["--database-url", database_url]
        result = reconcile(command, "-f", path, *extra, *(["--yes"] * (command == "apply")))
        assert result.exit_code == 1, result.output
        assert f"{path}:{line}:" in result.output
        assert f"error [{code}]" in result.output
        assert "Traceback" not in result.output
        assert len(result.output) < 2_000  # the value is cut, never echoed whole
    assert snapshot(database_url) == before


def test_the_longest_values_the_schema_allows_are_stored_as_they_are(
    database_url: str, tmp_path: Path
) -> None:
    """Three profiles at every limit, in 4-byte characters: MariaDB's TEXT and MEDIUMTEXT hold
    them, and the journal keeps the plan under max_allowed_packet (it counts the JSON as sent)."""
    prompt, description = EMOJI * 262_144, CJK * 262_144
    label, model = EMOJI * 16_383, EMOJI * 255
    base_url = "https://" + EMOJI * (16_383 - len("https://"))
    profiles = "".join(
        f"  p{n}:\n    provider: p\n    model: {model}\n    label: {label}\n"
        f"    system_prompt: {prompt}\n    description: {description}\n"
        for n in range(3)
    )
    text = f"version: 1\nproviders:\n  p:\n    type: openai\n    base_url: {base_url}\nprofiles:\n"
    path = write(tmp_path, text + profiles)
    result = reconcile("apply", "-f", path, "--yes", "--database-url", database_url)
    assert result.exit_code == 0, result.output[-2_000:]
    engine = open_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT model, label, system_prompt, description FROM profiles ORDER BY name"
                )
            ).all()
            stored_url = connection.execute(
                sa.text("SELECT base_url FROM providers WHERE name = 'p'")
            ).scalar()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(model, label, prompt, description)] * 3
    assert stored_url == base_url


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--actor", "a" * 256], {}),
        (["--actor", "deploy\n42"], {}),
        ([], {"RECONCILE_ACTOR": "x" * 300}),
    ],
    ids=["256 characters", "a line break", "from RECONCILE_ACTOR"],
)
def test_an_actor_the_journal_cannot_hold_is_a_usage_error(
    database_url: str, tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    path = write(tmp_path, profile_config())
    before = snapshot(database_url)
    result = reconcile("apply", "-f", path, "--yes", "--database-url", database_url, *args, env=env)
    assert result.exit_code == 64, result.output
    assert "the actor" in result.output
    assert "at most 255 printable characters" in result.output
    assert "Traceback" not in result.output
    assert snapshot(database_url) == before


@pytest.mark.parametrize("extra", [1, 24 * 2**20], ids=["just over", "far over"])
def test_a_statement_over_max_allowed_packet_is_named_not_unreachable(
    backend: str, database_url: str, extra: int
) -> None:
    """Just over, MariaDB answers 1153 and drops the connection (the rollback then fails with
    2006, raised last); far over, the connection drops while the statement is being sent."""
    if backend != "mysql":
        pytest.skip("only MySQL and MariaDB refuse a statement by its size")
    engine = open_engine(database_url)
    try:
        with engine.connect() as connection:
            packet = int(connection.execute(sa.text("SELECT @@max_allowed_packet")).scalar_one())
        with (
            pytest.raises(DatabaseError) as raised,
            translated(engine.url),
            engine.begin() as connection,
        ):
            connection.execute(sa.text("SELECT LENGTH(:x)"), {"x": "a" * (packet + extra)})
    finally:
        engine.dispose()
    message = str(raised.value)
    assert "max_allowed_packet" in message
    assert "unreachable" not in message
    assert f"about {(packet + extra) / 2**20:.1f} MiB" in message


def test_a_derived_name_longer_than_its_column_blocks_the_plan(
    database_url: str, tmp_path: Path
) -> None:
    """A legacy provider of 250 characters would derive a 259-character ``<P>-personal``."""
    provider = "p" * 250
    execute(
        database_url,
        "INSERT INTO providers (name, type) VALUES (:provider, 'openai')",
        "INSERT INTO profiles (name, provider, model) VALUES ('legacy', :provider, 'm')",
        params={"provider": provider},
    )
    path = write(tmp_path, "version: 1\n")
    before = snapshot(database_url)
    for command in ("plan", "apply"):
        extra = ["--yes"] if command == "apply" else []
        result = reconcile(command, "-f", path, "--database-url", database_url, *extra)
        assert result.exit_code == 3, result.output
        assert "(259 characters): more than the 255 characters a name holds" in result.output
        assert command == "apply" or "[backfill.derived-name]" in result.output
        assert "Traceback" not in result.output
    assert snapshot(database_url) == before
