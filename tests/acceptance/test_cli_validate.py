"""``reconcile validate`` through the real command: every bad input of issue 2 is a located
error, exit 1, never a traceback, and a secret is never printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import secret_samples
from click.testing import CliRunner
from sarif_schema import sarif_errors

from reconciler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-proj-T3BlbkFJq8Zr2XwVmN4pLk7Hs9Dc1Ay6Ue0Gi5Fo"
GOOD = "version: 1\nprofiles:\n  a: {provider: openai, model: m}\n"


def validate(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args], env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def write(tmp_path: Path, text: str | bytes, name: str = "reconcile.yaml") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


BAD_INPUT = {
    "malformed YAML": ("version: 1\nprofiles: [a,\n", "yaml.syntax", 3),
    "duplicate keys": ("version: 1\nversion: 1\n", "yaml.duplicate-key", 2),
    "a list instead of the top mapping": ("- version: 1\n", "yaml.not-a-mapping", 1),
    "a scalar instead of the top mapping": ("hello\n", "yaml.not-a-mapping", 1),
    "a missing version": ("profiles: {}\n", "schema.required", 1),
    "a wrong version": ("version: 2\n", "schema.const", 1),
    "an unknown key": ("version: 1\nprofils: {}\n", "schema.additionalProperties", 2),
    "a wrong type": (
        "version: 1\nprofiles:\n  a: {provider: openai, model: m, max_tokens: many}\n",
        "schema.type",
        3,
    ),
    "a name that is not a DNS label": (
        "version: 1\nprofiles:\n  Default: {provider: openai, model: m}\n",
        "schema.propertyNames",
        3,
    ),
    "an enum violation": ("version: 1\nproviders:\n  p: {type: mistral}\n", "schema.enum", 3),
    "api_key without credential": (
        "version: 1\nconnections:\n  c: {provider: openai, auth: {type: api_key}}\n",
        "auth.credential-required",
        3,
    ),
    "credential on platform": (
        "version: 1\nconnections:\n  c:\n    provider: openai\n    auth:\n      type: platform\n"
        "      credential: credential/openai/api_key\n",
        "auth.credential-not-allowed",
        7,
    ),
    "credential on none": (
        "version: 1\nconnections:\n  c: {provider: ollama, auth: {type: none, credential: x}}\n",
        "auth.credential-not-allowed",
        3,
    ),
    "platform on ollama": (
        "version: 1\nconnections:\n  c: {provider: ollama, auth: {type: platform}}\n",
        "auth.platform-unavailable",
        3,
    ),
    "a connection redefining a canonical one": (
        "version: 1\nconnections:\n  ollama-local: {provider: ollama, auth: {type: platform}}\n",
        "canonical.redefined",
        3,
    ),
    "a profile whose provider differs from its connection's": (
        "version: 1\nprofiles:\n"
        "  a: {provider: gemini, model: m, provider_connection: openai-managed}\n",
        "ref.provider-mismatch",
        3,
    ),
    "an undefined variable": (
        "version: 1\nprofiles:\n  a: {provider: openai, model: '${RECONCILE_TEST_NOPE}'}\n",
        "env.undefined",
        3,
    ),
}


@pytest.mark.parametrize(("text", "code", "line"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_a_located_error(tmp_path: Path, text: str, code: str, line: int) -> None:
    path = write(tmp_path, text)
    status, output = validate("-f", path)
    assert status == 1
    assert f"{path}:{line}:" in output
    assert f"error [{code}]" in output


def test_platform_on_ollama_is_not_also_a_redefinition(tmp_path: Path) -> None:
    text = "version: 1\nconnections:\n  c: {provider: ollama, auth: {type: platform}}\n"
    _status, output = validate("-f", write(tmp_path, text))
    assert output.count("error [") == 1


def test_a_secret_is_refused_and_never_printed(tmp_path: Path) -> None:
    text = (
        "version: 1\nconnections:\n  c:\n    provider: openai\n"
        f"    auth: {{type: api_key, credential: {SECRET}}}\n"
        f"profiles:\n  {SECRET}: {{provider: {SECRET}, model: m}}\n"
    )
    path = write(tmp_path, text)
    for output_format in ("text", "json", "github"):
        status, output = validate("-f", path, "--format", output_format)
        assert status == 1
        assert "secret.inline" in output
        assert SECRET not in output
        assert SECRET[8:20] not in output


@pytest.mark.parametrize(
    "secret",
    [s for s in secret_samples.SECRETS.values() if "\n" not in s],
    ids=[name for name, s in secret_samples.SECRETS.items() if "\n" not in s],
)
def test_every_known_key_shape_is_refused_at_its_line_and_never_printed(
    tmp_path: Path, secret: str
) -> None:
    text = (
        "version: 1\nconnections:\n  c:\n    provider: openai\n"
        f"    auth: {{type: api_key, credential: '{secret}'}}\n"
        f"profiles:\n  p:\n    provider: openai\n    model: m\n    description: '{secret}'\n"
    )
    path = write(tmp_path, text)
    for output_format in ("text", "json", "github"):
        status, output = validate("-f", path, "--format", output_format)
        assert status == 1
        assert secret not in output
        assert secret[4:16] not in output
    _status, output = validate("-f", path)
    lines = output.splitlines()
    assert lines[0].startswith(f"{path}:5:39: error [secret.inline] this looks like ")
    assert lines[0].endswith("(at connections.c.auth.credential)")
    assert lines[1].startswith(f"{path}:10:18: error [secret.inline] this looks like ")
    assert lines[1].endswith("(at profiles.p.description)")


def test_a_name_declared_in_two_files_cites_both(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.yaml")
    second = write(tmp_path, GOOD, "b.yaml")
    status, output = validate("-f", first, "-f", second)
    assert status == 1
    assert f"{second}:3:3: error [name.duplicate]" in output
    assert f"{first}:3:3" in output


def test_settings_in_two_files_must_agree(tmp_path: Path) -> None:
    folder = tmp_path / "conf.d"
    folder.mkdir()
    write(folder, "version: 1\nsettings: {deployment: platform}\n", "1.yaml")
    write(folder, "version: 1\nsettings: {deployment: self-hosted}\n", "2.yml")
    status, output = validate("-f", str(folder))
    assert status == 1
    assert f"{folder / '2.yml'}:2:24: error [settings.conflict]" in output


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [(b"version: 1\n\x00\x01\x02", 2, 1), (b"version: 1\nx: caf\xe9\n", 2, 7)],
    ids=["binary", "latin-1"],
)
def test_non_utf8_or_binary_file(tmp_path: Path, data: bytes, line: int, column: int) -> None:
    path = write(tmp_path, data)
    status, output = validate("-f", path)
    assert status == 1
    assert f"{path}:{line}:{column}: error [file.encoding]" in output


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "absent.yaml")
    status, output = validate("-f", path)
    assert (status, output.splitlines()[0]) == (
        1,
        f"{path}:1:1: error [file.not-found] no such file",
    )


def test_default_file_is_reconcile_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    assert validate() == (0, "valid: no problems\n")


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous, name = chr(96 + index), chr(97 + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    status, output = validate("-f", path)
    assert status == 1
    assert "error [yaml.alias-budget]" in output


@pytest.mark.parametrize("kind", ["oauth_subscription", "service_account"])
def test_unsupported_auth_is_a_warning_that_fails_only_with_strict(
    tmp_path: Path, kind: str
) -> None:
    path = write(
        tmp_path, f"version: 1\nconnections:\n  c: {{provider: openai, auth: {{type: {kind}}}}}\n"
    )
    status, output = validate("-f", path)
    assert status == 0
    assert f"{path}:3:38: warning [auth.unsupported]" in output
    assert validate("-f", path, "--strict")[0] == 1


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    text = (
        "version: 2\nprofiles:\n  A: {provider: openai, model: m}\n"
        "  b: {provider: openai, model: m, temperature: 9}\n"
        "connections:\n  c: {provider: openai, auth: {type: api_key}}\n"
    )
    status, output = validate("-f", write(tmp_path, text))
    assert status == 1
    assert output.splitlines()[-1] == "4 errors, 0 warnings"


def test_json_format(tmp_path: Path) -> None:
    status, output = validate("-f", write(tmp_path, "version: 2\n"), "--format", "json")
    document = json.loads(output)
    assert status == 1 and document["valid"] is False
    assert document["problems"][0]["code"] == "schema.const"
    assert set(document["problems"][0]) == {
        "file",
        "line",
        "column",
        "path",
        "code",
        "level",
        "message",
    }
    status, output = validate("-f", write(tmp_path, GOOD), "--format", "json")
    assert (status, json.loads(output)) == (0, {"valid": True, "problems": []})


def test_json_valid_is_false_for_warnings_under_strict(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nprofiles:\n  a: {provider: nowhere, model: m}\n")
    status, output = validate("-f", path, "--format", "json", "--strict")
    assert status == 1 and json.loads(output)["valid"] is False


def test_github_format(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 2\n")
    status, output = validate("-f", path, "--format", "github")
    assert status == 1
    assert output.startswith(f"::error file={path},line=1,col=10,title=schema.const::")


@pytest.mark.parametrize("args", [["--format", "xml"], ["--bogus"], ["-f"]])
def test_usage_errors_exit_64(args: list[str]) -> None:
    assert validate(*args)[0] == 64


def test_help_has_an_example() -> None:
    status, output = validate("--help")
    assert status == 0 and "reconcile validate -f" in output


def test_no_colour_off_a_terminal(tmp_path: Path) -> None:
    _status, output = validate("-f", write(tmp_path, "version: 2\n"))
    assert "\033[" not in output


# examples/ci/ holds CI pipeline files, not configs.
CONFIGS = [p for p in (ROOT / "examples").rglob("*.yaml") if "ci" not in p.relative_to(ROOT).parts]
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in CONFIGS)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_validates(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # A file of the GitOps folder may name rows of its siblings: warnings alone, then.
    strict = [] if "gitops" in example else ["--strict"]
    assert validate("-f", example, *strict)[0] == 0


@pytest.mark.parametrize("example", ["examples/minimal.yaml", "examples/gitops/"])
def test_examples_are_clean(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert validate("-f", example, "--strict") == (0, "valid: no problems\n")


def test_every_example_starts_with_the_schema_modeline() -> None:
    for example in CONFIGS:
        first = example.read_text().splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), example
        assert (example.parent / first.removeprefix(prefix)).resolve() == (
            ROOT / "schemas" / "reconcile.schema.json"
        )


def test_as_a_real_process_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nprofiles: [a,\n")
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", "-f", path],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{path}:3:1: error [yaml.syntax]" in result.stdout


DEEP = {
    "flow lists": ("version: 1\nx: " + "[" * 50_000 + "]" * 50_000 + "\n", 2, 103),
    "flow mappings": ("version: 1\nx: " + "{a: " * 50_000 + "}" * 50_000 + "\n", 2, 400),
    "compact block lists": ("version: 1\nx:\n" + "- " * 50_000 + "y\n", 3, 199),
    "block indentation": (
        "version: 1\n" + "".join(" " * i + "a:\n" for i in range(150)) + " " * 150 + "b\n",
        102,
        101,
    ),
    "block indentation, CR line breaks": (
        "version: 1\r" + "".join(" " * i + "a:\r" for i in range(150)) + " " * 150 + "b\r",
        102,
        101,
    ),
    "block and flow mixed": ("version: 1\nx:\n" + "- " * 60 + "[" * 50_000 + "\n", 3, 160),
}


@pytest.mark.parametrize(("text", "line", "column"), DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_a_located_error_not_a_crash(
    tmp_path: Path, text: str, line: int, column: int
) -> None:
    """ruamel's C composer recurses per level and used to die of SIGSEGV (exit 139)."""
    path = write(tmp_path, text.encode())  # bytes: CR line breaks stay as written
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", "-f", path],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert f"{path}:{line}:{column}: error [yaml.nesting] " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


INVALID_EXAMPLES = sorted((ROOT / "tests" / "examples" / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\S+) (\d+)$", re.MULTILINE)


@pytest.mark.parametrize("path", INVALID_EXAMPLES, ids=[p.name for p in INVALID_EXAMPLES])
def test_sarif_has_one_result_per_problem_at_its_line_with_its_rule(path: Path) -> None:
    status, output = validate("-f", str(path), "--format", "sarif", env={})
    assert status == 1
    document = json.loads(output)
    assert sarif_errors(document) == []
    (run,) = document["runs"]
    results = run["results"]
    expected = sorted((code, int(line)) for code, line in EXPECT.findall(path.read_text()))
    found = sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    )
    assert found == expected
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        path.as_uri()
    }


def test_sarif_of_a_valid_config_and_its_warnings(tmp_path: Path) -> None:
    status, output = validate("-f", write(tmp_path, GOOD), "--format", "sarif")
    assert (status, json.loads(output)["runs"][0]["results"]) == (0, [])
    warned = "version: 1\nprofiles:\n  a: {provider: nope, model: m}\n"
    status, output = validate("-f", write(tmp_path, warned), "--format", "sarif", "--strict")
    (result,) = json.loads(output)["runs"][0]["results"]
    assert (status, result["ruleId"], result["level"]) == (1, "ref.unknown-provider", "warning")
