"""The fuzz targets: plain functions that take one input and assert the invariants.

- `load_bytes`: any bytes as a config file, through `load_config` and ``reconcile validate``;
- `validate_text`: a YAML config close to the schema, with the same invariants, and validate's
  verdict consistent with the JSON schema;
- `merge_texts`: several such configs in one folder, merged;
- `plan_case`: a config over a fresh SQLite database with random legacy rows: ``reconcile plan``
  in every format, the plan JSON against its schema, and (for some) apply then an empty re-plan,
  or export, apply the export, and an empty re-plan.

An invariant that fails raises `Violation` whose first argument names it, so the runner can tell
distinct failures apart; any other exception is a crash.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sqlite3
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner, Result
from ruamel.yaml import CSafeLoader, YAMLError

from reconciler.cli import cli
from reconciler.config import LoadedConfig, load_config
from reconciler.errors import Level, Problem
from reconciler.schema_files import load_schema
from reconciler.store import open_engine, upgrade

CONFIG_SCHEMA = jsonschema.Draft202012Validator(load_schema("reconcile.schema.json"))
PLAN_SCHEMA = jsonschema.Draft202012Validator(load_schema("plan.schema.json"))
CODE = re.compile(r"^[a-z]+(\.[A-Za-z-]+)+$")
DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
TEXT_LINE = re.compile(r"^\S.*:\d+:\d+: (error|warning) \[[A-Za-z.-]+\] ")
ENV = {"RECONCILE_DATABASE_URL": None, "RECONCILE_DEBUG": None, "NO_COLOR": "1"}
STATE_TABLES = ("providers", "provider_connections", "profiles", "reconcile_journal")
OUTCOMES: Counter[str] = Counter()
"""How the cases of this process ended (``plan exit 2``, ``applied, re-plan empty``), for run.py."""


class Violation(AssertionError):
    """An invariant that does not hold: ``Violation(name, detail)``."""


def check(condition: object, name: str, detail: object = "") -> None:
    if not condition:
        raise Violation(name, detail)


# --- the targets ------------------------------------------------------------------------------


def load_bytes(data: bytes) -> None:
    """Any bytes as ``reconcile.yaml``: problems or values, never an exception, a clean CLI."""
    with _workdir() as work:
        path = work / "reconcile.yaml"
        path.write_bytes(data)
        loaded = load_config([str(path)])  # the environment the CLI sees
        _check_loaded(loaded, str(path))
        _check_schema_verdict(path, loaded)
        _check_validate_cli(path, loaded)


def validate_text(text: str) -> None:
    """A YAML config close to the schema: the invariants of `load_bytes`."""
    load_bytes(text.encode("utf-8"))


def merge_texts(texts: list[str]) -> None:
    """Several YAML configs in one folder, merged: the invariants of `load_bytes` for each file."""
    with _workdir() as work:
        folder = work / "config.d"
        folder.mkdir()
        files = [folder / f"{index:02}.yaml" for index in range(len(texts))]
        for path, text in zip(files, texts, strict=True):
            path.write_text(text, encoding="utf-8")
        loaded = load_config([str(folder)])
        _check_loaded(loaded, *map(str, files))
        for path in files:
            _check_schema_verdict(path, loaded)
        _check_validate_cli(folder, loaded)


def plan_case(case: dict[str, Any]) -> None:
    """``config`` over a database holding ``rows``: plan in every format, maybe apply."""
    flags = ["--force"] if case["force"] else []
    with _workdir() as work:
        url = _database(work, case["rows"])
        config = work / "reconcile.yaml"
        config.write_text(case["config"], encoding="utf-8")
        database = work / "state.db"
        before = _rows(database)
        plan = ["plan", "-f", str(config), "--database-url", url, "--detailed-exitcode", *flags]
        results = {fmt: _invoke(*plan, "--format", fmt) for fmt in ("json", "text", "markdown")}
        codes = {fmt: result.exit_code for fmt, result in results.items()}
        for result in results.values():
            _check_clean(result, {0, 1, 2, 3})
        check(len(set(codes.values())) == 1, "plan exit code differs by format", codes)
        repeated = _invoke(*plan, "--format", "json").stdout
        check(repeated == results["json"].stdout, "the same plan twice is not byte-identical")
        document = _plan_document(results["json"])
        _check_plan_exit(document, codes["json"])
        OUTCOMES[f"plan exit {codes['json']}"] += 1
        check(_rows(database) == before, "plan wrote to the database")
        if case.get("export"):
            _check_export(work, url)
        if not case["apply"]:
            return
        applied = _invoke("apply", "-f", str(config), "--yes", "--database-url", url, *flags)
        if codes["json"] in (1, 3):
            _check_clean(applied, {codes["json"]})
            check(_rows(database) == before, "a refused apply wrote to the database")
            OUTCOMES["apply refused, nothing written"] += 1
            return
        _check_clean(applied, {0})
        again = _plan_document(_invoke(*plan, "--format", "json"))
        left = again["summary"]
        check(
            not again["changes"] and not again["blocked"],
            "re-plan after apply is not empty",
            left,
        )
        OUTCOMES["applied, re-plan empty"] += 1


def _check_export(work: Path, url: str) -> None:
    """The database exported as a config: if that validates and applies, the re-plan is empty."""
    config = work / "export.yaml"
    exported = _invoke("export", "--database-url", url, "-o", str(config))
    _check_clean(exported, {0, 1})
    if exported.exit_code:  # a row the model cannot hold is refused, never guessed (as by plan)
        check("state.unreadable" in exported.output, "export failed", exported.output)
        OUTCOMES["export refused: state.unreadable"] += 1
        return
    warned = exported.stderr.count("applying this export deletes it")
    checked = _invoke("validate", "-f", str(config))
    _check_clean(checked, {0, 1})
    before = _images(work / "state.db")
    applied = _invoke("apply", "-f", str(config), "--yes", "--database-url", url)
    # A state the tables allow but a plan refuses (a profile on another provider's connection).
    _check_clean(applied, {0, 1, 3})
    _check_only_ownership_changed(before, _images(work / "state.db"), warned)
    if checked.exit_code or applied.exit_code:
        OUTCOMES[f"export: validate exit {checked.exit_code}, apply exit {applied.exit_code}"] += 1
        return
    plan = ["plan", "-f", str(config), "--database-url", url, "--format", "json"]
    again = _plan_document(_invoke(*plan))
    check(not again["changes"], "applying the export then planning it is not empty", again)
    OUTCOMES["export applied, re-plan empty"] += 1


def _check_only_ownership_changed(before: Images, after: Images, warned: int) -> None:
    """Applying an export deletes nothing and changes no field but ``managed_by`` and ``owner``
    (DESIGN 6), apart from what every plan does: seed missing canonical rows, backfill an empty
    connection.

    The one delete allowed is the one export warned of (``warned`` times): a row the config owns
    that no config can declare is left out, so the apply prunes it (the README's export section).
    """
    deleted = [
        (table, name, row["managed_by"])
        for table, rows in before.items()
        for name, row in rows.items()
        if name not in after[table]
    ]
    owned = all(managed_by == "config" for _table, _name, managed_by in deleted)
    check(owned and len(deleted) <= warned, "applying the export deleted a row", deleted)
    for table, rows in before.items():
        for name, row in rows.items():
            if name not in after[table]:
                continue
            changed = {
                column
                for column, value in row.items()
                if after[table][name][column] != value
                and column not in ("managed_by", "owner")
                and not (column == "provider_connection" and value is None)
            }
            check(not changed, "applying the export changed a field", (table, name, changed))


# --- invariants -------------------------------------------------------------------------------


def _check_loaded(loaded: LoadedConfig, *paths: str) -> None:
    check(isinstance(loaded, LoadedConfig), "load_config returned something else", type(loaded))
    for problem in loaded.problems:
        check(isinstance(problem, Problem), "a problem is not a Problem", problem)
        check(CODE.match(problem.code), "problem code malformed", problem.code)
        check(isinstance(problem.level, Level), "problem level malformed", problem)
        location = problem.location
        check(location is not None, "problem without a location", problem)
        assert location is not None
        check(location.file in paths, "problem located in another file", problem)
        check(location.line >= 1 and location.column >= 1, "location before 1:1", problem)
        check(problem.message.strip(), "problem without a message", problem)


def _check_schema_verdict(path: Path, loaded: LoadedConfig) -> None:
    """Against the JSON schema, as read by the YAML library alone (no interpolation)."""
    data, file = path.read_bytes(), str(path)
    if b"${" in data:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = CSafeLoader(data).get_single_data()
    except (YAMLError, ValueError, TypeError, RecursionError):
        return
    if reference is None:
        return
    schema_ok = CONFIG_SCHEMA.is_valid(reference)
    schema_problems = [
        p
        for p in loaded.problems
        if p.code.startswith("schema.") and p.location is not None and p.location.file == file
    ]
    if not schema_ok:
        check(not loaded.valid, "valid although the JSON schema rejects it", reference)
    elif _finite(reference):  # the loader refuses NaN and infinity, the JSON schema does not
        check(
            not schema_problems, "schema problems the JSON schema does not raise", schema_problems
        )


def _check_validate_cli(path: Path, loaded: LoadedConfig) -> None:
    for fmt in ("text", "json", "github"):
        result = _invoke("validate", "-f", str(path), "--format", fmt, env={"NO_COLOR": "1"})
        _check_clean(result, {0, 1})
        check((result.exit_code == 0) == loaded.valid, "validate exit differs from load_config")
        if fmt == "json":
            document = json.loads(result.stdout)
            check(document["valid"] == loaded.valid, "validate json 'valid' is wrong", document)
            check(len(document["problems"]) == len(loaded.problems), "json problems differ")
        elif fmt == "text":
            lines = result.stdout.rstrip("\n").split("\n")
            check(lines, "validate text printed nothing")
            bad = [line for line in lines[:-1] if not TEXT_LINE.match(line)]
            check(not bad, "validate text line not file:line:col: level [code]", bad)


def _check_clean(result: Result, codes: set[int]) -> None:
    """An expected exit code, no traceback, no 'unexpected failure'."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    output = result.output
    check("unexpected failure" not in output, "unexpected failure", _unexpected(output))
    check("Traceback" not in output, "traceback in output", output[-2000:])
    check(result.exit_code in codes, f"exit code {result.exit_code} not in {sorted(codes)}", output)


def _plan_document(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    errors = sorted(PLAN_SCHEMA.iter_errors(document), key=str)
    check(not errors, "plan JSON breaks plan.schema.json", [e.message for e in errors[:3]])
    return document


def _check_plan_exit(document: dict[str, Any], code: int) -> None:
    errors = any(problem["level"] == "error" for problem in document["problems"])
    summary = document["summary"]
    changes = document["changes"]
    for action in ("create", "update", "delete"):
        counted = sum(change["action"] == action for change in changes)
        check(summary[action] == counted, "summary count differs from changes", summary)
    check(summary["blocked"] == len(document["blocked"]), "summary blocked count", summary)
    if errors:
        expected = 1
    elif document["blocked"]:
        expected = 3
    else:
        expected = 2 if changes else 0
    check(code == expected, f"plan exit {code}, expected {expected}", summary)


# --- plumbing ---------------------------------------------------------------------------------


def _invoke(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env={**ENV, **(env or {})})


def _unexpected(output: str) -> str:
    found = re.search(r"unexpected failure: (\w+)", output)
    return found.group(1) if found else output[-500:]


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(key) and _finite(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_finite(item) for item in value)
    return True


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="reconcile-fuzz-") as work:
        yield Path(work)


@cache
def _template() -> Path:
    """An SQLite database with the schema at head, copied for every case (migrating is slow)."""
    path = Path(tempfile.mkdtemp(prefix="reconcile-fuzz-template-")) / "head.db"
    engine = open_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _database(work: Path, rows: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """A fresh database at head holding ``rows``; a row a constraint refuses is left out."""
    path = work / "state.db"
    shutil.copyfile(_template(), path)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        for table, row in rows:
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            try:
                with connection:
                    connection.execute(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
                    )
            except sqlite3.IntegrityError:
                continue
    finally:
        connection.close()
    return f"sqlite:///{path}"


Images = dict[str, dict[Any, dict[str, Any]]]
TIMESTAMPS = ("created_at", "updated_at")


def _images(path: Path) -> Images:
    """The three state tables by name, without the timestamps."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return {
            table: {
                row["name"]: {k: row[k] for k in row.keys() if k not in TIMESTAMPS}  # noqa: SIM118
                for row in connection.execute(f"SELECT * FROM {table}")
            }
            for table in STATE_TABLES[:3]
        }
    finally:
        connection.close()


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in STATE_TABLES
        }
    finally:
        connection.close()
