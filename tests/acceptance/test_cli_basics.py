from __future__ import annotations

from click.testing import CliRunner

from reconciler._version import __version__
from reconciler.cli import cli


def test_usage_error_exits_64_not_2() -> None:
    result = CliRunner().invoke(cli, ["--no-such-option"])
    assert result.exit_code == 64
    assert "No such option" in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
