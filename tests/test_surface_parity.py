"""The same options on every surface: the CLI, the Python API and the HTTP API.

Each command's options are enumerated from the surface itself (click's parameters, the API's signature,
the OpenAPI document), names aligned by SAME, and every option must exist on every surface unless
EXEMPT says why it cannot. A new flag on one surface only fails here.
"""

from __future__ import annotations

import inspect
from typing import get_args, get_type_hints

import pytest
import typer

import billpath
from billpath.cli import app
from billpath.usage.workload import FIELDS, TERMS
from billpath.web.app import create_app

COMMANDS = {  # command -> (CLI command, API function, HTTP method and path)
    "compare": ("compare", billpath.compare, ("get", "/api/compare")),
    "recommend": ("recommend", billpath.recommend, ("get", "/api/recommend")),
    "price-log": ("price-log", billpath.price_log, ("post", "/api/price-log")),
    "scenarios": ("scenarios", billpath.scenarios, ("post", "/api/scenarios")),
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


@pytest.fixture(scope="module")
def openapi() -> dict:
    return create_app().openapi()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_is_on_every_surface(command, openapi):
    cli_name, fn, (method, path) = COMMANDS[command]
    surfaces = {
        "cli": {SAME.get(n, n) for n in _cli_options(cli_name)} - {"model"},
        "api": _api_options(fn) - {"model"},
        "web": _web_options(method, path, openapi),
    }
    wanted = set().union(*surfaces.values())
    missing = {
        surface: sorted(o for o in wanted - names if (surface, o) not in EXEMPT) for surface, names in surfaces.items()
    }
    assert missing == {"cli": [], "api": [], "web": []}


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
