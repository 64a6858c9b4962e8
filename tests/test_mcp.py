"""`billpath mcp` driven by the official MCP SDK's own stdio client: list the tools, call each.

Every tool must answer exactly what the matching command prints with `--format json`.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import mcp  # a dependency of billpath (pyproject): never skipped
from typer.testing import CliRunner

from billpath.cli import app

BILLPATH = str(Path(sys.executable).parent / "billpath")
SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios.toml"
LOG = """timestamp,model,channel,input_tokens,output_tokens
2026-11-01T10:00:00Z,claude-sonnet-4-6,anthropic,1000000,100000
2026-11-02T10:00:00Z,gpt-5.5,openai,200000,20000
2026-11-02T10:00:00Z,no-such-model,anthropic,10,10
2026-11-02T11:00:00Z,claude-sonnet-4-6,anthropic,lots,10
"""
WORKLOAD = {"input_tokens": 4000, "output_tokens": 400, "requests": 100000, "cache_hit_share": "0.3"}
FLAGS = ["--input-tokens", "4000", "--output-tokens", "400", "--requests", "100000", "--cache-hit-share", "0.3"]


def cli_json(*args: str) -> str:
    """What the terminal prints for `billpath ARGS --format json` (without the final newline)."""
    res = CliRunner().invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return res.stdout.removesuffix("\n")


def with_client(fn):
    """Run `await fn(client)` against a real `billpath mcp` subprocess over stdio."""

    async def go():
        params = mcp.StdioServerParameters(command=BILLPATH, args=["mcp"])
        async with mcp.Client(params, read_timeout_seconds=120) as client:
            return await fn(client)

    return asyncio.run(go())


def text(result) -> str:
    assert len(result.content) == 1 and result.content[0].type == "text", result.content
    return result.content[0].text


def test_lists_the_tools_with_schemas_and_calls_each_like_the_cli(tmp_path: Path) -> None:
    log = tmp_path / "usage.csv"
    log.write_text(LOG)

    async def session(client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        calls = {
            "compare": {"model": "gpt-5.5", **WORKLOAD},
            "recommend": {"model": "claude-sonnet-4-6", **WORKLOAD, "require": ["billing:aws"]},
            "price-log": {"files": [str(log)]},
            "recommend from a log": {"model": "claude-sonnet-4-6", "log": [str(log)]},
            "models": {"search": "sonnet"},
            "channels": {},
            "lag": {"model": "claude-opus-4-8"},
            "explain": {"model": "claude-opus-4-8"},
            "scenarios": {"file": str(SCENARIOS)},
        }
        answers = {name: await client.call_tool(name.split()[0], args) for name, args in calls.items()}
        return tools, answers

    tools, answers = with_client(session)
    assert {"compare", "recommend", "price-log", "models"} <= set(tools)
    for name, tool in tools.items():
        assert tool.description and len(tool.description) > 20, name
        assert tool.input_schema["type"] == "object", name
        assert tool.annotations.read_only_hint is True, name
    assert tools["compare"].input_schema["required"] == ["model"]
    assert tools["price-log"].input_schema["required"] == ["files"]
    for name in tools:
        assert name in answers, f"tool {name} is not exercised by this test"
        assert answers[name].is_error is False, (name, text(answers[name]))

    expected = {
        "compare": cli_json("compare", "gpt-5.5", *FLAGS),
        "recommend": cli_json("recommend", "claude-sonnet-4-6", *FLAGS, "--require", "billing:aws"),
        "price-log": cli_json("price-log", str(log)),
        "recommend from a log": cli_json("recommend", "claude-sonnet-4-6", "--log", str(log)),
        "models": cli_json("models", "--search", "sonnet"),
        "channels": cli_json("channels"),
        "lag": cli_json("lag", "claude-opus-4-8"),
        "explain": cli_json("explain", "claude-opus-4-8"),
        "scenarios": cli_json("scenarios", str(SCENARIOS)),
    }
    for name, want in expected.items():
        assert text(answers[name]) == want, name  # byte for byte the CLI's JSON

    priced = json.loads(text(answers["price-log"]))
    assert priced["rows_total"] == 4
    assert priced["rows_priced"] + priced["rows_unpriced"] + priced["rows_rejected"] == 4
    assert priced["rows_rejected"] == 1 and priced["rows_unpriced"] == 1
    compared = json.loads(text(answers["compare"]))
    assert compared["usage"]["cache_read_tokens"] == "120000000"  # 30% of 4000 x 100,000, exact


def test_bad_arguments_are_one_line_tool_errors(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"foo": 1, "bar": 2}')

    async def session(client):
        return [
            await client.call_tool("compare", {"model": "no-such-model"}),
            await client.call_tool("compare", {"model": "gpt-5.5", "input_tokens": -5}),
            await client.call_tool("compare", {"model": "gpt-5.5", "batch_share": "1.5"}),
            await client.call_tool("compare", {"model": "gpt-5.5", "input_tokens": "lots"}),
            await client.call_tool("compare", {"model": "gpt-5.5", "at": "yesterday"}),
            await client.call_tool("recommend", {"model": "gpt-5.5", "require": ["billing:mars"]}),
            await client.call_tool("price-log", {"files": [str(tmp_path / "missing.csv")]}),
            await client.call_tool("compare", {}),  # the required model is missing
            await client.call_tool("price-log", {"files": [str(odd)]}),
            await client.call_tool("compare", {"model": "gpt-5.5", "cache_write_1h_tokens": "-1"}),
        ]

    results = with_client(session)
    wanted = [
        "unknown model 'no-such-model'",
        "input_tokens must be a non-negative number",
        "batch_share is a share between 0 and 1",
        "input_tokens must be a number",
        "at must be a date like 2026-03-01",
        "billing:mars",
        "missing.csv",
        "model",
        "name it with input_format",  # worded for an agent: the argument's name, not the CLI's flag
        "cache_write_1h_tokens must be a non-negative number",
    ]
    for result, want in zip(results, wanted, strict=True):
        message = text(result)
        assert result.is_error is True, message
        assert want in message, message
        assert "\n" not in message.strip() and "Traceback" not in message, message
        assert not re.search(r"`|\bbillpath\s+[a-z]|(^|\s)--[a-z]", message), message  # no shell advice


def test_exact_decimals_survive_json_numbers() -> None:
    """A fractional share sent as a JSON number is read as the decimal the agent wrote, not a binary float."""

    async def session(client):
        return await client.call_tool(
            "compare", {"model": "claude-sonnet-4-6", "input_tokens": 1000, "cache_hit_share": 0.1, "requests": 3}
        )

    data = json.loads(text(with_client(session)))
    assert data["usage"]["cache_read_tokens"] == "300"
    assert data["usage"]["input_tokens"] == "2700"


def test_only_the_mcp_command_imports_the_sdk() -> None:
    code = (
        "import sys; from billpath.cli import main\n"
        "sys.argv=['billpath','compare','gpt-5.5','--input-tokens','10','--format','json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('mcp', 'mcp_types') if m in sys.modules), file=sys.stderr)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "LOADED []" in p.stderr, p.stderr
    help_text = subprocess.run([BILLPATH, "mcp", "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "stdio" in help_text.stdout
