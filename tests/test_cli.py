"""The CLI contract: JSON shape, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from billpath.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_compare_json_contract() -> None:
    res = run(
        "compare",
        "Claude Opus 4.8",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "1000",
        "--requests",
        "1000",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["model"] == "claude-opus-4-8"
    q = data["quotes"][0]
    assert {"channel", "channel_kind", "cost", "markup_vs_direct_pct", "notes", "source"} <= set(q)
    assert isinstance(q["cost"]["total"], str)
    Decimal(q["cost"]["total"])  # an exact decimal string
    totals = {(q["channel"], q["variant"]): q["cost"]["total"] for q in data["quotes"]}
    assert totals[("anthropic", "standard")] == "30"
    assert totals[("aws-bedrock", "global")] == "30"
    assert totals[("google-vertex", "global")] == "30"
    assert all("reason" in u for u in data["unavailable"])


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_compare_other_formats(fmt: str) -> None:
    res = run("compare", "gpt-5.5", "--input-tokens", "10", "--format", fmt)
    assert res.exit_code == 0, res.output
    assert "openai" in res.stdout


@pytest.mark.parametrize("fmt", ["json", "table", "csv", "markdown"])
@pytest.mark.parametrize("command", ["models", "channels"])
def test_listings(command: str, fmt: str) -> None:
    res = run(command, "--format", fmt)
    assert res.exit_code == 0, res.output
    if fmt == "json":
        data = json.loads(res.stdout)
        assert data[command]


def _cli(*args: str) -> subprocess.CompletedProcess:
    code = "from billpath.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "opus-4"], "unknown model 'opus-4'; closest known:"),
        (["compare", "gpt-5.5", "--input-tokens", "-5"], "--input-tokens must be a non-negative number"),
        (["compare", "gpt-5.5", "--output-tokens", "lots"], "--output-tokens must be a number"),
        (["compare", "gpt-5.5", "--batch-share", "2"], "--batch-share is a share between 0 and 1"),
        (["compare", "gpt-5.5", "--at", "yesterday"], "--at must be a date"),
        (["compare", "claude-opus-4-8", "-i", "1000", "--payment", "paypal"], "payment method 'paypal' is not known"),
        (["models", "--channel", "bedrock"], "unknown channel 'bedrock'"),
        (["compare", "gpt-5.5"], "no tokens given: add per-request token counts"),
        (["recommend", "gpt-5.5", "-n", "100"], "no tokens given"),
        (["price-log", "examples/usage.csv", "--column", "input_tokens"], "--column takes FIELD=HEADER"),
    ],
)
def test_user_errors_are_one_line_exit_1(args: list[str], message: str) -> None:
    p = _cli(*args)
    assert p.returncode == 1
    assert message in p.stderr
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def test_usage_error_exit_2() -> None:
    assert _cli("compare").returncode == 2
    assert _cli("compare", "gpt-5.5", "--format", "xml").returncode == 2


def test_compare_path_imports_nothing_heavy() -> None:
    code = (
        "import sys; from billpath.cli import main\n"
        "sys.argv=['billpath','compare','gpt-5.5','--input-tokens','10','--format','json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy=[m for m in ('duckdb','pandas','fastapi','pyarrow','uvicorn','starlette') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in p.stderr, p.stderr
