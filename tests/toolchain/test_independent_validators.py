"""What editors and other tools see: check-jsonschema (Python) and ajv (Node.js, Draft 2020-12)
give every example and test config the same verdict as ``reconcile validate`` at the schema tier.

Valid configs and examples pass; invalid test configs fail exactly when reconcile reports a
schema-tier problem (``schema.*``, or the credential rules the schema enforces) and pass when
their fault is semantic only (secrets, canonical rows, references). Files that do not parse as
a YAML mapping are left out: that is the parser's tier, not the schema's. So are files holding
YAML's ``.nan``/``.inf``, which JSON (ajv's input) cannot express.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.config.load import read_file

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "reconcile.schema.json"
EXAMPLES = ROOT / "tests" / "examples"
SCHEMA_RULES = ("auth.credential-required", "auth.credential-not-allowed")
EXPECT = re.compile(r"^# expect: (\S+) \d+$", re.MULTILINE)

CONFIGS = sorted(
    [
        *ROOT.glob("examples/*.yaml"),
        *ROOT.glob("examples/gitops/*.yaml"),
        *ROOT.glob("examples/storage/*/*.yaml"),
        *EXAMPLES.glob("valid/*.yaml"),
        *EXAMPLES.glob("invalid/*.yaml"),
    ]
)


def schema_tier(code: str) -> bool:
    return code.startswith("schema.") or code in SCHEMA_RULES


def reconcile_verdict(path: Path) -> bool | None:
    """Whether ``reconcile validate`` finds no schema-tier problem; ``None``: not comparable."""
    loaded = load_config([str(path)], environ={})
    codes = [problem.code for problem in loaded.problems]
    if any(code.startswith(("yaml.", "file.")) for code in codes) or not _json(loaded.document):
        return None
    return not any(schema_tier(code) for code in codes)


def _json(document: object) -> bool:
    try:
        json.dumps(document, allow_nan=False)
    except ValueError:
        return False
    return True


COMPARED = {
    str(path.relative_to(ROOT)): path for path in CONFIGS if reconcile_verdict(path) is not None
}


def test_the_comparison_covers_every_valid_and_every_schema_level_invalid_config() -> None:
    for path in CONFIGS:
        name = str(path.relative_to(ROOT))
        if "invalid" not in path.parts:
            assert reconcile_verdict(path) is True, name
        elif any(schema_tier(code) for code in EXPECT.findall(path.read_text())):
            in_json = _json(load_config([str(path)], environ={}).document)
            assert reconcile_verdict(path) is (False if in_json else None), name
    semantic_only = [path for path in COMPARED.values() if "invalid" in path.parts]
    assert any(reconcile_verdict(path) for path in semantic_only), "no semantic-only case left"


@pytest.fixture(scope="module")
def check_jsonschema_verdicts(python_tools: Path) -> dict[str, bool]:
    command = [
        str(python_tools / "check-jsonschema"),
        *("--output-format", "json", "--schemafile", str(SCHEMA)),
        *COMPARED,
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    assert report["parse_errors"] == [], report["parse_errors"]
    failed = {error["filename"] for error in report["errors"]}
    assert done.returncode == (1 if failed else 0), done.stderr
    return {name: name not in failed for name in COMPARED}


@pytest.fixture(scope="module")
def ajv_verdicts(ajv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bool]:
    # ajv reads JSON: convert with the project's own loader (locations and all, values only kept).
    folder = tmp_path_factory.mktemp("as-json")
    json_files: dict[str, str] = {}
    for index, (name, path) in enumerate(COMPARED.items()):
        document = read_file(path).document
        target = folder / f"{index:03d}-{path.stem}.json"
        target.write_text(json.dumps(document, allow_nan=False))
        json_files[str(target)] = name
    command = [str(ajv), "validate", "--spec=draft2020", "-c", "ajv-formats", "-s", str(SCHEMA)]
    for target in json_files:
        command += ["-d", target]
    done = subprocess.run(command, cwd=ajv.parents[2], capture_output=True, text=True, timeout=300)
    said = dict(re.findall(r"^(\S+\.json) (valid|invalid)$", done.stdout + done.stderr, re.M))
    assert set(said) == set(json_files), done.stdout + done.stderr
    return {json_files[target]: verdict == "valid" for target, verdict in said.items()}


@pytest.mark.parametrize("name", COMPARED)
def test_check_jsonschema_agrees(name: str, check_jsonschema_verdicts: dict[str, bool]) -> None:
    assert check_jsonschema_verdicts[name] is reconcile_verdict(COMPARED[name])


@pytest.mark.parametrize("name", COMPARED)
def test_ajv_agrees(name: str, ajv_verdicts: dict[str, bool]) -> None:
    assert ajv_verdicts[name] is reconcile_verdict(COMPARED[name])
