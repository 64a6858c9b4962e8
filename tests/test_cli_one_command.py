"""`app_for`: a run builds only the command it names, and that changes nothing a user sees.

For every command and command group, its help, a usage error and a run of the one-command app give the same
exit code and the same output as the whole app; whatever names no command gets the whole app.
"""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from billpath.cli import app, app_for

runner = CliRunner()
FULL = typer.main.get_command(app)
NAMES = sorted(FULL.commands)  # type: ignore[attr-defined]  # a group: the app has a callback


def _same(args: list[str]) -> None:
    whole = runner.invoke(app, args)
    one = runner.invoke(app_for(args), args)
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output), args


def test_every_command_is_found() -> None:
    assert len(NAMES) >= 12 and "price-log" in NAMES and "catalog" in NAMES
    for name in NAMES:
        built = typer.main.get_command(app_for([name, "--help"]))
        assert sorted(built.commands) == [name]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
def test_help_and_usage_errors_are_unchanged(name: str) -> None:
    _same([name, "--help"])
    _same([name, "--no-such-option"])  # (no run without arguments: `serve` and `mcp` would start a server)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version"],
        ["price-lo"],  # a misspelt command: click suggests from every command
        ["catalog", "--help"],
        ["catalog", "no-such"],
        ["models", "--format", "json"],
        ["price-log", "examples/usage.csv", "--json"],
    ],
)
def test_runs_are_unchanged(args: list[str]) -> None:
    _same(args)


def test_anything_else_gets_the_whole_app() -> None:
    for args in ([], ["--json", "compare"], ["-h"], ["no-such-command"]):
        assert app_for(args) is app
