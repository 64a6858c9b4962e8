"""`catalog update` under hostile sources, and local update files of the wrong shape.

The general properties, over a corpus generated here:
- any source document ends in exit 0 or a one-line error (exit 1), never the internal-error path;
- whatever is written passes `catalog validate`, and every later command still works on it;
- no component the bundled catalog charges for is ever written as $0, and no absurd magnitude;
- a broken local update file is a one-line error naming the file and how to remove it, in every
  command and in the server; the write is atomic.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

import pytest

from billpath.catalog import store

DATA = Path(__file__).parent / "data" / "catalog"
BASE = json.loads((DATA / "openrouter-models.json").read_text(encoding="utf-8"))
SONNET = 0  # data[0] is anthropic/claude-sonnet-4.6, a model the bundled catalog prices on openrouter


def run(args: list[str], home: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    """`billpath ARGS` in-process, through the real entry point (its error handling included)."""
    from billpath.cli import main

    monkeypatch.setenv("BILLPATH_HOME", str(home))
    monkeypatch.setattr(sys, "argv", ["billpath", *args])
    store._CACHE.clear()
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        store._CACHE.clear()
    out = capsys.readouterr()
    return code, out.out, out.err


def _entry(**pricing) -> dict:
    d = copy.deepcopy(BASE)
    d["data"][SONNET]["pricing"].update(pricing)
    return d


def _with(path: list, value) -> dict:
    d = copy.deepcopy(BASE)
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return d


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


HOSTILE: dict[str, str] = {
    "not-an-object": json.dumps([1, 2, 3]),
    "a-string": json.dumps("hello"),
    "null": "null",
    "data-is-a-string": json.dumps({"data": "x"}),
    "data-is-null": json.dumps({"data": None}),
    "entry-is-a-number": json.dumps({"data": [1, "x", None]}),
    "pricing-is-a-list": json.dumps(_with(["data", SONNET, "pricing"], ["0.1"])),
    "pricing-is-a-string": json.dumps(_with(["data", SONNET, "pricing"], "cheap")),
    "id-is-a-number": json.dumps(_with(["data", SONNET, "id"], 12345)),
    "id-is-a-list": json.dumps(_with(["data", SONNET, "id"], ["a/b"])),
    "name-is-an-object": json.dumps(_with(["data", SONNET, "name"], {"x": 1})),
    "context-is-a-string": json.dumps(_with(["data", SONNET, "context_length"], "lots")),
    "created-is-huge": json.dumps(_with(["data", SONNET, "created"], 10**30)),
    "canonical-slug-is-a-dict": json.dumps(_with(["data", SONNET, "canonical_slug"], {"a": 1})),
    "prompt-is-nan": json.dumps(_entry(prompt="NaN")),
    "prompt-is-infinity": json.dumps(_entry(prompt="Infinity", completion="-Infinity")),
    "prompt-is-sNaN": json.dumps(_entry(prompt="sNaN")),
    "prompt-is-words": json.dumps(_entry(prompt="three dollars")),
    "prompt-is-a-dict": json.dumps(_entry(prompt={"usd": 1})),
    "completion-is-zero": json.dumps(_entry(completion="0")),
    "cache-read-is-zero": json.dumps(_entry(input_cache_read="0")),
    "output-1e300": json.dumps(_entry(completion="1e300")),
    "input-1e300": json.dumps(_entry(prompt="1e300")),
    "per-request-huge": json.dumps(_entry(request="1e20")),
    "per-token-read-as-per-mtok": json.dumps(_entry(prompt="3.3", completion="16.5")),
    "tiny-prices": json.dumps(_entry(prompt="1e-30", completion="1e-30")),
    "negative-output": json.dumps(_entry(completion="-0.0000165")),
    "float-prices": json.dumps(
        {"data": [{"id": "anthropic/claude-sonnet-4.6", "pricing": {"prompt": 3.3e-6, "completion": 1e308}}]}
    ),
    "integer-over-4300-digits": '{"data": [{"id": "x/y", "pricing": {"prompt": ' + "9" * 5000 + "}}]}",
    "nested-past-the-stack": '{"data": ' + _nested(100_000) + "}",
    "not-json": "{this is not json",
    "not-utf8": "\udcff",  # written as bytes below
    "empty": "",
}


def _write_source(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.json"
    if name == "not-utf8":
        path.write_bytes(b'{"data": [{"id": "\xff\xfe"}]}')
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_source_is_written_valid_or_refused_in_one_line(name: str, tmp_path, monkeypatch, capsys) -> None:
    home = tmp_path / "home"
    src = _write_source(tmp_path, name, HOSTILE[name])
    code, _, err = run(
        ["catalog", "update", "openrouter", "--from", str(src), "--format", "json"], home, monkeypatch, capsys
    )
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) <= 1, err
    if code == 1:
        assert lines[0].startswith("billpath: error: ")
        assert not (home / "overrides").exists() or not any((home / "overrides").iterdir())
        return
    # Whatever was written passes the bundled catalog's checks and keeps every command working.
    code, _, verr = run(["catalog", "validate"], home, monkeypatch, capsys)
    assert code == 0, verr
    code, cout, cerr = run(
        ["compare", "claude-sonnet-4-6", "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json"],
        home,
        monkeypatch,
        capsys,
    )
    assert code == 0, cerr
    for q in json.loads(cout)["quotes"]:
        assert q["cost"]["output"] != "0", q  # never a $0 output for a model that charges for output
    log = tmp_path / "log.csv"
    log.write_text("model,channel,input_tokens,output_tokens\nclaude-sonnet-4-6,openrouter,1000,1000\n")
    code, pout, perr = run(["price-log", str(log), "--format", "json"], home, monkeypatch, capsys)
    assert code == 0, perr
    res = json.loads(pout)
    assert res["rows_priced"] == 1 and res["total_usd"] != "0"


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("completion-is-zero", "output_per_mtok"),
        ("output-1e300", "output_per_mtok"),
        ("input-1e300", "input_per_mtok"),
        ("per-request-huge", "per_request"),
        ("per-token-read-as-per-mtok", "input_per_mtok"),
    ],
)
def test_bad_prices_are_refused_and_the_bundled_price_kept(
    name: str, field: str, tmp_path, monkeypatch, capsys
) -> None:
    home = tmp_path / "home"
    src = _write_source(tmp_path, name, HOSTILE[name])
    code, out, err = run(
        ["catalog", "update", "openrouter", "--from", str(src), "--format", "json"], home, monkeypatch, capsys
    )
    assert code == 0, err
    payload = json.loads(out)
    refused = {(r["model"], r["channel"], r["variant"]): r for r in payload["refused"]}
    assert ("claude-sonnet-4-6", "openrouter", "standard") in refused
    assert any(field in p for p in refused[("claude-sonnet-4-6", "openrouter", "standard")]["problems"])
    assert err.startswith("billpath: warning: ") and "refused" in err
    written = json.loads((home / "overrides" / "openrouter.json").read_text())
    assert all(o["model"] != "claude-sonnet-4-6" for o in written["offers"])


def test_a_price_drop_to_zero_is_caught_by_validate_on_a_hand_edited_file(tmp_path, monkeypatch, capsys) -> None:
    home = tmp_path / "home"
    code, _, err = run(
        ["catalog", "update", "openrouter", "--from", str(DATA / "openrouter-models.json")], home, monkeypatch, capsys
    )
    assert code == 0, err
    path = home / "overrides" / "openrouter.json"
    data = json.loads(path.read_text())
    sonnet = next(o for o in data["offers"] if o["model"] == "claude-sonnet-4-6" and o["variant"] == "standard")
    sonnet["tiers"][0]["output_per_mtok"] = "0"
    path.write_text(json.dumps(data))
    code, _, err = run(["catalog", "validate"], home, monkeypatch, capsys)
    assert code == 1 and "output_per_mtok would drop from" in err


BROKEN_FILES: dict[str, str] = {
    "a-list": "[]",
    "offers-not-a-list": json.dumps({"offers": {"a": 1}}),
    "offer-without-keys": json.dumps({"offers": [{"model": "claude-sonnet-4-6"}]}),
    "offer-of-wrong-types": json.dumps(
        {"offers": [{"model": "claude-sonnet-4-6", "channel": "openrouter", "variant": "standard", "tiers": "x"}]}
    ),
    "model-without-keys": json.dumps({"models": [{"id": "x"}], "offers": []}),
    "aliases-wrong": json.dumps({"aliases": {"foo": "bar"}}),
    "not-json": "{",
    "huge-integer": '{"offers": [' + "1" * 5000 + "]}",
    "nested": '{"offers": ' + _nested(50_000) + "}",
}


def _valid_offer() -> dict:
    """A well-formed override offer (from a real update of the fixture)."""
    from billpath.catalog.update import plan_update

    plan = plan_update("openrouter", [str(DATA / "openrouter-models.json")])
    return next(o for o in plan["override"]["offers"] if o["model"] == "claude-sonnet-4-6")


def _broken_semantics() -> dict[str, str]:
    good = _valid_offer()
    unknown_model = {**good, "model": "no-such-model-anywhere"}
    unknown_channel = {**good, "channel": "nowhere"}
    huge = copy.deepcopy(good)
    huge["tiers"][0]["output_per_mtok"] = "1e300"
    nan = copy.deepcopy(good)
    nan["tiers"][0]["input_per_mtok"] = "NaN"
    return {
        "unknown-model": json.dumps({"offers": [unknown_model]}),
        "unknown-channel": json.dumps({"offers": [unknown_channel]}),
        "price-1e300": json.dumps({"offers": [huge]}),
        "price-nan": json.dumps({"offers": [nan]}),
    }


COMMANDS = [
    ["compare", "claude-sonnet-4-6", "--input-tokens", "1000"],
    ["recommend", "claude-sonnet-4-6", "--input-tokens", "1000"],
    ["models", "--format", "json"],
    ["channels"],
    ["explain", "gpt-5.5"],
    ["lag", "claude-opus-4-8"],
    ["catalog", "validate"],
]


@pytest.mark.parametrize(
    "name", [*sorted(BROKEN_FILES), "unknown-model", "unknown-channel", "price-1e300", "price-nan"]
)
def test_a_broken_local_update_file_is_one_line_naming_it_in_every_command(name, tmp_path, monkeypatch, capsys) -> None:
    home = tmp_path / "home"
    (home / "overrides").mkdir(parents=True)
    text = BROKEN_FILES.get(name) or _broken_semantics()[name]
    path = home / "overrides" / "openrouter.json"
    path.write_text(text)
    log = tmp_path / "log.csv"
    log.write_text("model,input_tokens,output_tokens\ngpt-5.5,10,10\n")
    for args in [*COMMANDS, ["price-log", str(log)]]:
        code, _, err = run(args, home, monkeypatch, capsys)
        assert code == 1, (args, err)
        assert err.startswith("billpath: error: local catalog update ") and str(path) in err, (args, err)
        assert f"rm {path}" in err and "internal error" not in err, (args, err)
        assert len(err.strip().splitlines()) == 1, (args, err)


def test_the_server_refuses_to_start_on_a_broken_local_update_in_one_line(tmp_path) -> None:
    import subprocess

    home = tmp_path / "home"
    (home / "overrides").mkdir(parents=True)
    (home / "overrides" / "litellm.json").write_text('{"offers": [{"model": 1}]}')
    res = subprocess.run(
        [sys.executable, "-c", "from billpath.cli import main; main()", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        env={**os.environ, "BILLPATH_HOME": str(home)},
        timeout=60,
    )
    assert res.returncode == 1
    assert res.stderr.startswith("billpath: error: local catalog update ") and "litellm.json" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_the_override_write_is_atomic(tmp_path, monkeypatch) -> None:
    from billpath.catalog import local_updates as overrides

    monkeypatch.setenv("BILLPATH_HOME", str(tmp_path))
    first = overrides.write_override("openrouter", {"models": [], "offers": []})
    before = first.read_text()

    def fail(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(Exception, match="No space left"):
        overrides.write_override("openrouter", {"models": [], "offers": [{"x": "y" * 10_000}]})
    assert first.read_text() == before  # the old file is intact
    assert [p.name for p in first.parent.iterdir()] == ["openrouter.json"]  # no temporary left behind


def test_the_checks_field_list_is_the_runtime_tier() -> None:
    from billpath.catalog.fields import PRICE_FIELDS

    assert PRICE_FIELDS == store.PRICE_FIELDS


# A generated corpus over every source: a valid document with one value replaced, at a random path, by
# a hostile one. Property: exit 0 with a checked file, or a one-line error; never the internal-error path.
SOURCES = {
    "openrouter": DATA / "openrouter-models.json",
    "litellm": DATA / "litellm-sample.json",
    "genai-prices": DATA / "genai-prices-sample.json",
}
HOSTILE_VALUES = [None, "x", -1, 10**30, 1e300, [], {}, "NaN", True, "1e400", "", [None], {"a": []}]


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:3]):
            yield from _paths(v, (*prefix, i))


def _mutations(source: str, n: int, seed: int = 11) -> list[tuple[str, str]]:
    import random

    base = json.loads(SOURCES[source].read_text(encoding="utf-8"))
    paths = [p for p in _paths(base) if p]
    rng = random.Random(f"{source}{seed}")
    out = []
    for _ in range(n):
        path, value = rng.choice(paths), rng.choice(HOSTILE_VALUES)
        doc = copy.deepcopy(base)
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        out.append((f"{source}:{'/'.join(map(str, path))[-60:]}={value!r:.12}", json.dumps(doc)))
    return out


MUTATED = [(s, *m) for s in SOURCES for m in _mutations(s, 8)]


@pytest.mark.parametrize(("source", "label", "text"), MUTATED, ids=[m[1] for m in MUTATED])
def test_any_mutated_source_is_checked_or_refused(source, label, text, tmp_path, monkeypatch, capsys) -> None:
    home = tmp_path / "home"
    src = tmp_path / "source.json"
    src.write_text(text)
    code, _, err = run(["catalog", "update", source, "--from", str(src), "--format", "json"], home, monkeypatch, capsys)
    assert code in (0, 1) and "internal error" not in err and "Traceback" not in err, (label, err)
    assert len(err.strip().splitlines()) <= 1, (label, err)
    written = home / "overrides" / f"{source}.json"
    if code == 0 and written.exists():
        code, _, verr = run(["catalog", "validate"], home, monkeypatch, capsys)
        assert code == 0, (label, verr)


def test_a_fifo_or_directory_source_is_refused_without_blocking(tmp_path, monkeypatch, capsys) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for src in (fifo, tmp_path):
        code, _, err = run(
            ["catalog", "update", "openrouter", "--from", str(src)], tmp_path / "home", monkeypatch, capsys
        )
        assert code == 1 and "not a regular file" in err, err
