"""The same options on every surface: the CLI, the Python API, the HTTP API and the MCP tools.

Each command's options are enumerated from the surface itself (click's parameters, the API's signature,
the OpenAPI document, the MCP server's tool list), names aligned by SAME, and every option must exist on
every surface unless EXEMPT says why it cannot. A new flag on one surface only fails here; a field added
to `billpath.usage.workload.FIELDS` must reach every surface, with the same help and a type of its kind.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import get_args, get_type_hints

import pytest
import typer

import billpath
from billpath.cli import app
from billpath.cli.mcp_server import server as mcp_server
from billpath.errors import for_clients
from billpath.usage.workload import FIELDS, PAYMENTS, PRICE_LOG_HELP, TERMS
from billpath.web.app import create_app

COMMANDS = {  # command -> (CLI command, API function, HTTP method and path); the MCP tool has the command's name
    "compare": ("compare", billpath.compare, ("get", "/api/compare")),
    "recommend": ("recommend", billpath.recommend, ("get", "/api/recommend")),
    "price-log": ("price-log", billpath.price_log, ("post", "/api/price-log")),
    "scenarios": ("scenarios", billpath.scenarios, ("post", "/api/scenarios")),
    "explain": ("explain", billpath.explain, ("get", "/api/explain")),
    "lag": ("lag", billpath.lag, ("get", "/api/lag")),
}
SAME = {
    "files": "file",
    "paths": "file",
    "path": "file",
    "requires": "require",
    "focus_reprice": "reprice",
    "models": "model",
    "columns": "column",
}  # spelling per surface -> one name
PRESENTATION = {
    "fmt",
    "progress",
    "catalog",
    "verbose",
    "by",  # --by picks the table's rows; the JSON holds every view
}  # how an answer is shown or where it is computed, not what it asks
EXEMPT = {
    ("web", "prices"): "the server never opens a file a client names; the web prices on the bundled catalog",
    ("web", "log"): "the web's usage logs are uploads to /api/price-log; a GET cannot carry a file",
    ("web", "input_format"): "only with --log (see log)",
    ("web", "engine"): "the server runs the embedded engine; Spark is a batch choice for the CLI and Python",
    ("web", "source"): "the server never reads its own home directory for a client; upload the agent's log files",
    ("web", "reprice"): "only for the FOCUS CSV file (--format focus); the web answers the JSON, which has reprice",
    ("mcp", "engine"): "a tool answers from the embedded engine; Spark is a batch choice for the CLI and Python",
    ("mcp", "reprice"): "only for the FOCUS CSV file (--format focus); a tool answers the JSON, which has reprice",
}


def _cli_options(name: str) -> set[str]:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return {p.name for p in command.params if p.name} - PRESENTATION


def _api_options(fn) -> set[str]:
    """Named parameters, plus the keywords of the TypedDict its **params unpacks (what `workload=` holds)."""
    params = inspect.signature(fn).parameters
    names = {SAME.get(n, n) for n, p in params.items() if p.kind is not p.VAR_KEYWORD}
    keywords = [p for p in params.values() if p.kind is p.VAR_KEYWORD]
    if keywords:
        annotation = fn.__annotations__[keywords[0].name]  # "Unpack[...Params]" (postponed annotations)
        (unpacked,) = get_args(eval(annotation, vars(billpath.api)))
        names |= set(get_type_hints(unpacked))
    names.discard("workload")
    return names - PRESENTATION


def _web_options(method: str, path: str, spec: dict) -> set[str]:
    op = spec["paths"][path][method]
    names = {p["name"] for p in op.get("parameters", [])}
    body = op.get("requestBody", {}).get("content", {})
    for media in body.values():
        ref = media["schema"].get("$ref", "")
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else media["schema"]
        names |= set(schema.get("properties", {}))
    return {SAME.get(n, n) for n in names} - {"model"}


def _mcp_options(schema: dict) -> set[str]:
    return {SAME.get(n, n) for n in schema.get("properties", {})} - {"model"}


@pytest.fixture(scope="module")
def openapi() -> dict:
    return create_app().openapi()


@pytest.fixture(scope="module")
def mcp_tools() -> dict[str, dict]:
    """Each MCP tool's input schema, as the SDK lists it to a client (`tools/list`)."""
    tools = asyncio.run(mcp_server().list_tools())
    return {t.name: t.input_schema for t in tools}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_is_on_every_surface(command, openapi, mcp_tools):
    cli_name, fn, (method, path) = COMMANDS[command]
    surfaces = {
        "cli": {SAME.get(n, n) for n in _cli_options(cli_name)} - {"model"},
        "api": _api_options(fn) - {"model"},
        "web": _web_options(method, path, openapi),
        "mcp": _mcp_options(mcp_tools[command]),
    }
    wanted = set().union(*surfaces.values())
    missing = {
        surface: sorted(o for o in wanted - names if (surface, o) not in EXEMPT) for surface, names in surfaces.items()
    }
    assert missing == {"cli": [], "api": [], "web": [], "mcp": []}


# What a client may send for each kind of workload field (JSON Schema types of the MCP argument, and the
# web's query type); a new kind must be given its types here and on the surfaces.
MCP_TYPES = {
    "count": {"integer", "number", "string"},
    "requests": {"integer", "number", "string"},
    "share": {"integer", "number", "string"},
    "usd": {"integer", "number", "string"},
    "date": {"string"},
    "path": {"string"},
    "payment": {"string"},
}


def _types(schema: dict) -> tuple[set[str], list | None]:
    arms = schema.get("anyOf", [schema])
    types = {a["type"] for a in arms if "type" in a} - {"null"}
    enums = [a["enum"] for a in arms if "enum" in a]
    return types, (enums[0] if enums else None)


def _web_parameters(openapi: dict, method: str, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in openapi["paths"][path][method].get("parameters", [])}


def _cli_help(command: str) -> dict[str, str]:
    params = typer.main.get_command(app).commands[command].params  # type: ignore[attr-defined]
    return {p.name: p.help for p in params if p.name}


@pytest.mark.parametrize(("command", "help_for"), [("compare", {}), ("recommend", {}), ("price-log", PRICE_LOG_HELP)])
def test_workload_fields_have_one_help_and_type_on_every_surface(command, help_for, openapi, mcp_tools):
    """Each workload field a command takes has the help of FIELDS on every surface (worded for clients where
    the surface is not a shell) and a type of its kind; a field added to FIELDS that a surface lacks fails."""
    cli_name, _, (method, path) = COMMANDS[command]
    taken = [f for f in FIELDS if command != "price-log" or f in TERMS]
    cli, web = _cli_help(cli_name), _web_parameters(openapi, method, path)
    tool = mcp_tools[command]["properties"]
    for f in taken:
        want = help_for.get(f.name, f.help)
        assert cli[f.name] == want, f.name
        assert tool[f.name]["description"] == for_clients(want), f.name
        assert "--" not in tool[f.name]["description"], f.name
        types, enum = _types(tool[f.name])
        assert types == MCP_TYPES[f.kind], (f.name, types)
        if f.kind == "payment":
            assert enum == list(PAYMENTS), f.name
        if f.kind == "path":
            continue  # EXEMPT: the web never opens a file a client names
        if method == "post":
            continue  # the upload's terms are query parameters too, checked below
        assert web[f.name]["description"] == for_clients(want), f.name
        web_types, web_enum = _types(web[f.name]["schema"])
        assert web_types == {"string"}, (f.name, web_types)
        if f.kind == "payment":
            assert web_enum == list(PAYMENTS), f.name


def test_the_upload_terms_are_the_workload_terms(openapi):
    web = _web_parameters(openapi, "post", "/api/price-log")
    terms = [f for f in TERMS if f.kind != "path"]
    assert {f.name for f in terms} <= set(web)
    for f in terms:
        assert web[f.name]["description"] == for_clients(PRICE_LOG_HELP.get(f.name, f.help)), f.name


def test_the_workload_fields_are_the_python_keywords():
    assert set(get_type_hints(billpath.api.WorkloadParams)) == {f.name for f in FIELDS}
    assert set(get_type_hints(billpath.api.TermsParams)) == {f.name for f in TERMS}


def test_every_cli_option_and_argument_has_help():
    root = typer.main.get_command(app)
    undocumented = []

    def walk(group, prefix=""):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, f"{prefix}{name} ")
                continue
            assert command.help, f"{prefix}{name} has no help"
            for p in command.params:
                if not getattr(p, "help", None) and p.name != "help":
                    undocumented.append(f"{prefix}{name} {p.name}")

    walk(root)
    assert undocumented == []
