"""Errors from the HTTP API are worded for an HTTP client: parameter names as the query or form has them, and
no shell advice (no `--flag`, no command to type, nothing in backticks).

Three views of one property. The endpoints themselves are walked: every operation of the OpenAPI document
gets bad values for each of its parameters (derived from the parameter's schema), a missing required one,
and (uploads) a corpus of unreadable files and bad form fields. Every error message the code can build
(each string of a `raise` or an `…Error(...)` in `src/billpath`, read from the AST) is raised inside every
endpoint. And `billpath.errors.for_clients` itself is checked on the CLI's own flags.
"""

from __future__ import annotations

import ast
import bz2
import gzip
import io
import json
import lzma
import re
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient

import billpath
from billpath.cli import app as cli_app
from billpath.errors import UsageError, for_clients
from billpath.web.app import Settings, create_app

SRC = Path(billpath.__file__).parent
SHELL = re.compile(r"`|\bbillpath\s+[a-z]|(^|[\s(/\"'])--?[a-z]|\b(?:gunzip|unzip|iconv)\b|\brm\s+\S|\bduckdb\s+-")
GOOD_CSV = b"model,input_tokens,output_tokens\nclaude-sonnet-4-6,1000,100\n"


@pytest.fixture(scope="module")
def web() -> TestClient:
    return TestClient(create_app(Settings()), raise_server_exceptions=False)  # uploads priced in-process


@pytest.fixture(scope="module")
def spec(web: TestClient) -> dict:
    return web.get("/openapi.json").json()


def _clean(res, where: str) -> str:
    assert res.status_code >= 400, (where, res.status_code)
    assert res.headers["content-type"] == "application/problem+json", (where, res.text[:200])
    detail = res.json()["detail"]
    assert detail and "\n" not in detail and "Traceback" not in detail, (where, detail)
    assert not SHELL.search(detail), (where, detail)
    return detail


# ---- the endpoints, walked ----


def _bad_values(schema: dict) -> list[str]:
    """Values a parameter of this schema refuses (and a few odd ones it may accept: those answer 200)."""
    arms = schema.get("anyOf", [schema])
    out = ["", " ", "-1", "1e400", "\u0661\u0662", "x" * 300]
    for arm in arms:
        if "enum" in arm:
            out.append("no-such-" + str(arm["enum"][0]))
        if arm.get("format") == "date":
            out += ["2026-02-30", "yesterday"]
        if arm.get("type") == "integer":
            out += ["0", "abc", "9" * 30]
        if arm.get("type") == "boolean":
            out.append("maybe")
        if arm.get("type") == "array":
            out.append("no-such-requirement")
        if arm.get("type") == "string" and "pattern" not in arm and "enum" not in arm:
            out += ["no-such-model-zz", "aws-bedrok"]
    return out


BASE = {"model": "claude-sonnet-4-6", "input_tokens": "1000", "output_tokens": "100"}


def _get_cases(spec: dict) -> list[tuple[str, dict]]:
    cases = []
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if not op or not path.startswith("/api/"):
            continue
        params = {p["name"]: p for p in op.get("parameters", [])}
        base = {k: v for k, v in BASE.items() if k in params}
        if any(p.get("required") for p in params.values()):
            cases.append((path, {}))  # a required parameter missing
        for name, p in params.items():
            for bad in _bad_values(p["schema"]):
                cases.append((path, {**base, name: bad}))
        if "input_tokens" in params:  # a workload the schema lets through but the workload refuses
            cases.append((path, {**base, "reasoning_tokens": "500"}))
            cases.append((path, {**base, "requests": "0"}))
    return cases


def test_every_get_endpoint_words_its_errors_for_http_clients(web: TestClient, spec: dict) -> None:
    seen: dict[str, int] = {}
    for path, query in _get_cases(spec):
        res = web.get(path, params=query)
        if res.status_code >= 400:
            _clean(res, f"GET {path} {query}")
            seen[path] = seen.get(path, 0) + 1
    walked = {p for p, ops in spec["paths"].items() if "get" in ops and p.startswith("/api/")}
    with_params = {p for p in walked if spec["paths"][p]["get"].get("parameters")}
    assert with_params <= set(seen), f"endpoints never answered an error: {sorted(with_params - set(seen))}"


def _zip() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("usage.csv", GOOD_CSV)
    return buf.getvalue()


def _parquet(columns: dict) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


BAD_FILES = {  # name -> content: files no reader can use
    "odd.json": b'{"foo": 1, "bar": 2}',
    "odd.jsonl": b'{"foo": 1}\n{"bar": 2}\n',
    "odd.csv": b"when,what,how much\n2026-01-01,x,3\n",
    "conflict.csv": b"model,input_tokens,Input_Tokens,output_tokens\nclaude-sonnet-4-6,1,2,3\n",
    "binary.bin": bytes(range(256)) * 8,
    "utf16.csv": "\ufeff".encode("utf-16-le") + GOOD_CSV.decode().encode("utf-16-le"),
    "utf16-nobom.csv": GOOD_CSV.decode().encode("utf-16-be"),
    "utf32.csv": b"\xff\xfe\x00\x00" + "m".encode("utf-32-le"),
    "latin1.csv": b"mod\xe9l,input_tokens,output_tokens\n",
    "usage.zip": _zip(),
    "usage.csv.bz2": bz2.compress(GOOD_CSV),
    "usage.csv.xz": lzma.compress(GOOD_CSV),
    "usage.csv.zst": b"\x28\xb5\x2f\xfd" + b"\x00" * 32,
    "truncated.csv.gz": gzip.compress(GOOD_CSV * 50)[:-30],
    "empty.csv": b"",
    "blank.csv": b"\n\n \n",
    "broken.json": b'{"data": [1, 2',
    "deep.json": b"[" * 100_000,
    "odd.parquet": _parquet({"a": [1], "b": ["x"]}),
    "dup.json": b'{"data": [], "data": []}',
}
BAD_FORMS = [  # form fields and terms that are refused with a good file
    ({"input_format": "openai-usage"}, {}),
    ({"input_format": "canonical", "column": "bogus"}, {}),
    ({"input_format": "canonical", "column": "nonsense=Model"}, {}),
    ({"since": "2026-10-05", "until": "2026-10-01"}, {}),
    ({"since": "yesterday"}, {}),
    ({"plan": "no-such-plan"}, {}),
    ({"input_format": "no-such-format"}, {}),
    ({}, {"at": "2026-02-30"}),
    ({}, {"payment": "cash"}),
    ({}, {"credit_purchase": "-5"}),
]


@pytest.mark.parametrize("fmt", ["auto", "canonical", "openai-usage", "gemini-cli", "codex", "cursor-csv"])
def test_unreadable_uploads_are_worded_for_http_clients(web: TestClient, fmt: str) -> None:
    errors = 0
    for name, content in BAD_FILES.items():
        res = web.post("/api/price-log", files={"file": (name, content)}, data={"input_format": fmt})
        if res.status_code >= 400 or fmt == "auto":  # a named format may read a file as rows, each rejected
            _clean(res, f"{name} as {fmt}")
            errors += 1
    assert errors >= len(BAD_FILES) // 2, errors


def test_bad_upload_fields_are_worded_for_http_clients(web: TestClient) -> None:
    for form, query in BAD_FORMS:
        res = web.post("/api/price-log", files={"file": ("usage.csv", GOOD_CSV)}, data=form, params=query)
        _clean(res, f"{form} {query}")
    _clean(web.post("/api/price-log"), "no file")
    for content in (b"", b"[[[", b"[scenario]\nmodel = 3\n", b"x = 1\n", b'[[scenario]]\nname = "a"\n'):
        _clean(web.post("/api/scenarios", files={"file": ("s.toml", content)}), f"scenarios {content!r}")


# ---- every message the code can build, raised inside every endpoint ----


def _render(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else "X"
            for v in node.values  # a placeholder for each value
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left), _render(node.right)
        return None if left is None or right is None else left + right
    return None


def error_messages() -> list[str]:
    """Each message (or fragment) given to a raise or an `…Error(...)` call anywhere in src/billpath."""
    found: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            roots: list[ast.AST] = []
            if isinstance(node, ast.Raise) and node.exc is not None:
                roots.append(node.exc)
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name.endswith("Error"):
                    roots.append(node)
            stack = list(roots)
            while stack:  # the outermost text of each part (an f-string whole, not its pieces)
                sub = stack.pop()
                text = _render(sub)
                if text is None:
                    stack.extend(ast.iter_child_nodes(sub))
                elif len(text) > 3:
                    found.add(" ".join(text.split()))
    return sorted(found)


MESSAGES = error_messages()
CLI_STYLE = [m for m in MESSAGES if "`" in m or re.search(r"(^|\s)--[a-z]", m)]


def test_the_message_corpus_holds_the_cli_worded_ones():
    assert len(MESSAGES) > 100
    assert len(CLI_STYLE) >= 15, CLI_STYLE  # the flags and commands a client must never be told to use
    assert any("billpath models --search" in m for m in CLI_STYLE)
    assert any("--input-format" in m for m in CLI_STYLE)


ENDPOINTS = [  # (method, path, the billpath.api function the endpoint calls, a request that reaches it)
    ("get", "/api/compare", "compare", {"params": {"model": "gpt-5.5"}}),
    ("get", "/api/recommend", "recommend", {"params": {"model": "gpt-5.5"}}),
    ("post", "/api/price-log", "price_log", {"files": {"file": ("u.csv", GOOD_CSV)}}),
    ("post", "/api/scenarios", "scenarios", {"files": {"file": ("s.toml", b"")}}),
]


@pytest.mark.parametrize(("method", "path", "function", "request_"), ENDPOINTS, ids=[e[1] for e in ENDPOINTS])
def test_every_message_the_code_raises_is_worded_for_http_clients(
    web: TestClient, monkeypatch, method: str, path: str, function: str, request_: dict
) -> None:
    raised = {"message": ""}

    def fail(*args, **kwargs):
        raise UsageError(raised["message"])

    monkeypatch.setattr(billpath.api, function, fail)
    for text in CLI_STYLE:
        raised["message"] = text
        res = getattr(web, method)(path, **request_)
        detail = _clean(res, f"{path}: {text}")
        assert detail != "invalid request" or not text.strip("`X "), text  # something of the message is said


# ---- the wording itself ----


def _cli_flags() -> dict[str, str]:
    """Every flag of every CLI command -> its parameter name (what an HTTP client sends)."""
    flags: dict[str, str] = {}

    def walk(group) -> None:
        for command in group.commands.values():
            if hasattr(command, "commands"):
                walk(command)
                continue
            for p in command.params:
                for opt in getattr(p, "opts", []):
                    if opt.startswith("--"):
                        flags[opt] = p.name or ""

    walk(typer.main.get_command(cli_app))
    return flags


def test_every_cli_flag_becomes_the_parameter_it_names():
    flags = _cli_flags()
    assert "--input-tokens" in flags and "--input-format" in flags
    for flag in flags:
        said = for_clients(f"{flag} must be a number, got 'x'; or name it with {flag}")
        assert not SHELL.search(said), said
        assert said.startswith(flag[2:].replace("-", "_") + " must be a number"), said


@pytest.mark.parametrize(
    ("message", "said"),
    [
        (
            "unknown model 'x'; closest known: a, b (search with `billpath models --search TEXT`)",
            "unknown model 'x'; closest known: a, b (search with GET /api/models?search=TEXT)",
        ),
        ("catalog snapshot /s.json is missing: run `billpath catalog build`", "catalog snapshot /s.json is missing"),
        ("f: unknown usage format (JSON with keys a); name it with --input-format", None),
        ("map one with --column FIELD=HEADER", "map one with column=FIELD=HEADER"),
        ("f: zip-compressed; only uncompressed or gzip files are read: decompress it first (`unzip`)", None),
        (
            "unknown channel 'x' to re-price on; see `billpath channels`",
            "unknown channel 'x' to re-price on; see GET /api/channels",
        ),
    ],
)
def test_the_api_wording(web: TestClient, message: str, said: str | None) -> None:
    from billpath.web.app import api_detail

    worded = api_detail(message, web.app)
    assert not SHELL.search(worded), worded
    if said is not None:
        assert worded == said
    assert json.dumps(worded)  # plain text
