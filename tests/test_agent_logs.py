"""Coding-agent logs (Claude Code, Codex CLI, Gemini CLI): golden totals worked by hand, and the rules
that make them right (one usage per message.id + requestId, sidechain replays, cumulative counters,
the 5-minute/1-hour cache-write split, channel inference), each on generated logs as well.

Prices (USD per million tokens, catalog, November 2026):
  claude-sonnet-4-6: anthropic / Bedrock global / Vertex global 3 in / 15 out / 0.3 read / 3.75 5m / 6 1h
  claude-opus-4-8: anthropic 5 / 25 / 0.5 / 6.25 / 10; us-only and Bedrock regional x1.1: 5.5 / 27.5 / 0.55
  claude-opus-4-5 Vertex global: 5 / 25 / 0.5 / 6.25 / 10
  claude-haiku-4-5 anthropic: 1 / 5 / 0.1 / 1.25 / 2
  gpt-5.5 openai: 5 / 30 / 0.5 cached; above 272k input per request 10 / 45 / 1
  gpt-5.3-codex openai: 1.75 / 14 / 0.175 cached
  gemini-3.1-pro-preview google: 2 / 12 / 0.2; above 200k 4 / 18 / 0.4.  gemini-2.5-flash: 0.3 / 2.5 / 0.03
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billpath.analysis.price_log import price_log
from billpath.errors import BillpathError
from billpath.usage.readers import detect
from billpath.usage.readers.base import ListSink
from billpath.usage.readers.claude_code import read_files as read_claude

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BIN = Path(sys.executable).parent / "billpath"
M = D(1_000_000)
SONNET = {"in": D(3), "out": D(15), "read": D("0.3"), "w5": D("3.75"), "w1h": D(6)}


def by_channel(r) -> dict[tuple[str, str], D]:
    return {k: t.cost.total for k, t in r.by_channel.items()}


# ---------------------------------------------------------------- golden samples (examples/)


def test_claude_code_sample_tree():
    r = price_log([str(EXAMPLES / "claude-code")])
    # webapp session, first-party API (msg_01 ids):
    #   M1 sonnet, 3 content-block lines, ONE usage: 2,000 x 3 + 10,000 5m x 3.75 + 500 x 15 = 0.051
    #   M2 sonnet, 2 lines: 50 x 3 + 12,000 read x 0.3 + 3,000 1h x 6 + 1,200 x 15 = 0.03975
    #   <synthetic> "No response requested." -> skipped
    #   M4 opus-4-8, inference_geo us -> us-only: 1,000 x 5.5 + 20,000 x 0.55 + 2,000 x 27.5 = 0.0715
    # its subagent file (sidechain): the replay of M2 (same message id, another requestId) -> dropped;
    #   M5 haiku-4-5, own id, 2 lines: 3,000 x 1 + 4,000 5m x 1.25 + 8,000 x 0.1 + 600 x 5 = 0.0118
    # infra session, msg_bdrk_ ids:
    #   M6 bare "claude-sonnet-4-6" -> Bedrock global: 4,000 x 3 + 6,000 x 3.75 + 30,000 x 0.3 + 800 x 15 = 0.0555
    #   M7 "us.anthropic.claude-opus-4-8" -> Bedrock regional: 2,000 x 5.5 + 10,000 x 0.55 + 1,000 x 27.5 = 0.044
    # ml session, msg_vrtx_ ids:
    #   M8 "claude-opus-4-5@20251101" -> Vertex global: 1,000 x 5 + 2,000 1h x 10 + 5,000 x 0.5 + 400 x 25 = 0.0375
    #   M9 "claude-sonnet-4-6@20260217", older build without the TTL split -> 5m:
    #      500 x 3 + 1,000 x 3.75 + 100 x 15 = 0.00675
    assert by_channel(r) == {
        ("anthropic", "standard"): D("0.10255"),
        ("anthropic", "us-only"): D("0.0715"),
        ("aws-bedrock", "global"): D("0.0555"),
        ("aws-bedrock", "regional"): D("0.044"),
        ("google-vertex", "global"): D("0.04425"),
    }
    assert r.total == D("0.3178")
    assert (r.rows_total, r.rows_priced, r.rows_unpriced, r.rows_rejected) == (8, 8, 0, 0)
    assert [i.format for i in r.inputs] == ["claude-code"]  # the tree is one input
    assert sum(1 for n in r.notes if "priced at the global offer" in n) == 2  # Bedrock, Vertex: once each
    assert any("no 5-minute/1-hour split" in n for n in r.notes)


def test_codex_sample_tree():
    r = price_log([str(EXAMPLES / "codex")])
    # 2026-11-17, gpt-5.5: total 20,000 in (12,000 cached) / 1,500 out -> 8,000 x 5 + 12,000 x 0.5 + 1,500 x 30
    #   = 0.091; the same total again (a repeat) adds nothing;
    #   next total 310,000 / 262,000 / 3,500 -> this request 290,000 in (250,000 cached) / 2,000 out,
    #   above 272k: 40,000 x 10 + 250,000 x 1 + 2,000 x 45 = 0.74
    # turn_context -> gpt-5.3-codex; total 340,000 / 282,000 / 7,500 -> 30,000 (20,000 cached) / 4,000:
    #   10,000 x 1.75 + 20,000 x 0.175 + 4,000 x 14 = 0.077
    # 2026-11-18, gpt-5.5, totals only (no last_token_usage), then a repeat: 5,000 x 5 + 500 x 30 = 0.04
    assert {m: t.cost.total for m, t in r.by_model.items()} == {"gpt-5.5": D("0.871"), "gpt-5.3-codex": D("0.077")}
    assert r.total == D("0.948")
    assert (r.rows_total, r.rows_priced, r.rows_unpriced, r.rows_rejected) == (4, 4, 0, 0)
    assert r.by_model["gpt-5.5"].quantities["reasoning_tokens"] == 2100  # inside output, not added to it
    assert r.by_model["gpt-5.5"].quantities["output_tokens"] == 4000


def test_gemini_cli_sample_tree():
    r = price_log([str(EXAMPLES / "gemini-cli")])
    # gemini-3.1-pro-preview: 12,000 in incl. 8,000 cached, 800 out + 1,200 thoughts:
    #   4,000 x 2 + 8,000 x 0.2 + 2,000 x 12 = 0.0336
    # gemini-3.1-pro-preview, 250,000 in (> 200k) incl. 200,000 cached, 1,000 + 3,000 thoughts:
    #   50,000 x 4 + 200,000 x 0.4 + 4,000 x 18 = 0.352
    # gemini-2.5-flash: 6,000 in, 300 + 200 thoughts (150 tool tokens not billed): 6,000 x 0.3 + 500 x 2.5 = 0.00305
    assert r.total == D("0.38865")
    assert (r.rows_total, r.rows_priced, r.rows_unpriced, r.rows_rejected) == (3, 3, 0, 0)
    assert by_channel(r) == {("google", "standard"): D("0.38865")}
    assert any("tool" in n for n in r.notes)


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("claude-code/projects/-home-dev-infra/c41d9e7b-2a6f-4b3c-8d1e-5f7a9b2c4d6e.jsonl", "claude-code"),
        ("claude-code/projects/-home-dev-ml/e7a2b4c6-3d8f-4a1b-9c2e-6f8a0b2d4c6e.jsonl", "claude-code"),
        ("codex/sessions/2026/11/17/rollout-2026-11-17T10-02-11-019a8c3e-7f21-7b40-9d5e-2c4a6e8f0b13.jsonl", "codex"),
    ],
)
def test_agent_files_are_detected_by_content(path, fmt):
    assert detect(EXAMPLES / path) == fmt


def test_gemini_chat_detected_and_mixed_directory(tmp_path):
    chats = sorted((EXAMPLES / "gemini-cli").rglob("*.json"))
    assert detect(chats[0]) == "gemini-cli"
    # A directory mixing an agent tree with other formats: each file still goes to its own reader.
    shutil.copytree(EXAMPLES / "codex", tmp_path / "a-codex")
    shutil.copy(EXAMPLES / "openai-usage.json", tmp_path / "b-openai-usage.json")
    r = price_log([str(tmp_path)])
    assert sorted(i.format for i in r.inputs) == ["codex", "openai-usage"]
    assert r.total == D("0.948") + price_log([str(EXAMPLES / "openai-usage.json")]).total


# ---------------------------------------------------------------- generated Claude Code logs


def cc_line(msg_id, req, model, usage, *, side=False, ts="2026-11-16T10:00:00.000Z", block="text"):
    return {
        "parentUuid": None,
        "isSidechain": side,
        "userType": "external",
        "sessionId": "s",
        "version": "2.1.97",
        "type": "assistant",
        "uuid": f"u-{random.random()}",
        "timestamp": ts,
        "requestId": req,
        "message": {
            "model": model,
            "id": msg_id,
            "type": "message",
            "role": "assistant",
            "content": [{"type": block, "text": "..."}],
            "usage": usage,
        },
    }


def cc_usage(i, w5, w1h, r, o, geo="global"):
    return {
        "input_tokens": i,
        "cache_creation_input_tokens": w5 + w1h,
        "cache_read_input_tokens": r,
        "cache_creation": {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1h},
        "output_tokens": o,
        "service_tier": "standard",
        "inference_geo": geo,
    }


def sonnet_cost(i, w5, w1h, r, o) -> D:
    p = SONNET
    return (i * p["in"] + w5 * p["w5"] + w1h * p["w1h"] + r * p["read"] + o * p["out"]) / M


def write_jsonl(path: Path, lines: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))


counts = st.integers(0, 60_000)
message = st.tuples(counts, counts, counts, counts, counts, st.integers(1, 5))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(message, min_size=1, max_size=8), seed=st.integers(0, 10**6))
def test_one_usage_per_message_and_request_whatever_the_blocks(tmp_path_factory, messages, seed):
    """Each message written as 1-5 content-block lines, shuffled across two files: priced once each."""
    rng = random.Random(seed)
    lines, expected = [], D(0)
    for n, (i, w5, w1h, r, o, blocks) in enumerate(messages):
        u = cc_usage(i, w5, w1h, r, o)
        lines += [cc_line(f"msg_01gen{n}", f"req_{n}", "claude-sonnet-4-6", u) for _ in range(blocks)]
        expected += sonnet_cost(i, w5, w1h, r, o)
    rng.shuffle(lines)
    root = tmp_path_factory.mktemp("cc") / "projects"
    half = len(lines) // 2
    write_jsonl(root / "p" / "a.jsonl", lines[:half] or lines)
    write_jsonl(root / "p" / "b.jsonl", lines[half:])
    r = price_log([str(root)])
    assert r.total == expected
    assert r.rows_priced == r.rows_total == len(messages)


def test_partial_output_on_an_early_block_does_not_win(tmp_path):
    early = cc_usage(100, 0, 0, 0, 1)
    final = cc_usage(100, 0, 0, 0, 700)
    write_jsonl(
        tmp_path / "p" / "s.jsonl", [cc_line("msg_01a", "req_a", "claude-sonnet-4-6", u) for u in (early, final)]
    )
    r = price_log([str(tmp_path)], input_format="claude-code")
    assert r.total == sonnet_cost(100, 0, 0, 0, 700)


def test_sidechain_replay_dropped_own_sidechain_message_kept(tmp_path):
    u = cc_usage(1000, 0, 0, 50_000, 100)
    own = cc_usage(10, 0, 0, 0, 10)
    root = tmp_path / "projects"
    # The subagent file sorts BEFORE its parent: the rule must not depend on reading order.
    write_jsonl(root / "p" / "a" / "subagents" / "agent-1.jsonl", [
        cc_line("msg_01parent", "req_side", "claude-sonnet-4-6", u, side=True),
        cc_line("msg_01own", "req_own", "claude-sonnet-4-6", own, side=True),
    ])  # fmt: skip
    write_jsonl(root / "p" / "b.jsonl", [cc_line("msg_01parent", "req_main", "claude-sonnet-4-6", u)])
    r = price_log([str(root)])
    assert r.total == sonnet_cost(1000, 0, 0, 50_000, 100) + sonnet_cost(10, 0, 0, 0, 10)
    assert r.rows_total == 2
    # Without the parent, the sidechain copy is real usage.
    (root / "p" / "b.jsonl").unlink()
    assert price_log([str(root)]).rows_total == 2


@pytest.mark.parametrize(("w5", "w1h"), [(10_000, 0), (0, 10_000), (2_500, 7_500)])
def test_cache_write_split_prices_each_ttl(tmp_path, w5, w1h):
    write_jsonl(tmp_path / "s.jsonl", [cc_line("msg_01x", "req_x", "claude-sonnet-4-6", cc_usage(0, w5, w1h, 0, 0))])
    r = price_log([str(tmp_path / "s.jsonl")])
    q = r.by_model["claude-sonnet-4-6"].quantities
    assert (q["cache_write_tokens"], q["cache_write_1h_tokens"]) == (w5, w1h)
    assert r.total == (w5 * D("3.75") + w1h * 6) / M


def test_cache_split_larger_than_total_is_rejected(tmp_path):
    u = cc_usage(0, 10, 10, 0, 0)
    u["cache_creation_input_tokens"] = 5
    write_jsonl(tmp_path / "s.jsonl", [cc_line("msg_01x", "req_x", "claude-sonnet-4-6", u)])
    r = price_log([str(tmp_path / "s.jsonl")])
    assert r.rows_rejected == r.rows_total == 1 and "exceeds" in r.rejected[0]["error"]


@pytest.mark.parametrize(
    ("msg_id", "model", "geo", "channel", "variant"),
    [
        ("msg_01abc", "claude-sonnet-4-6", "global", "anthropic", "standard"),
        ("msg_01abc", "claude-opus-4-8", "us", "anthropic", "us-only"),
        ("msg_bdrk_01abc", "claude-sonnet-4-6", "not_available", "aws-bedrock", "global"),
        ("msg_bdrk_01abc", "us.anthropic.claude-opus-4-8", "not_available", "aws-bedrock", "regional"),
        ("msg_bdrk_01abc", "global.anthropic.claude-sonnet-4-6", "not_available", "aws-bedrock", "global"),
        ("msg_01abc", "eu.anthropic.claude-sonnet-4-6", "global", "aws-bedrock", "regional"),  # the id alone
        ("msg_vrtx_01abc", "claude-opus-4-8", "not_available", "google-vertex", "global"),
        ("msg_01abc", "claude-opus-4-5@20251101", "global", "google-vertex", "global"),  # the @ alone
    ],
)
def test_channel_and_variant_inferred_from_ids(tmp_path, msg_id, model, geo, channel, variant):
    u = cc_usage(1000, 0, 0, 0, 100, geo=geo)
    write_jsonl(tmp_path / "s.jsonl", [cc_line(msg_id, "req_1", model, u)])
    r = price_log([str(tmp_path / "s.jsonl")])
    assert list(r.by_channel) == [(channel, variant)], (r.by_channel, r.unpriced)


def test_non_usage_lines_are_counted_and_bad_lines_rejected_with_file_and_line(tmp_path):
    good = cc_line("msg_01x", "req_x", "claude-sonnet-4-6", cc_usage(10, 0, 0, 0, 10))
    synthetic = cc_line("msg_synth", None, "<synthetic>", cc_usage(0, 0, 0, 0, 0))
    user = {"type": "user", "parentUuid": None, "sessionId": "s", "message": {"role": "user", "content": '"usage"'}}
    path = tmp_path / "p" / "s.jsonl"
    write_jsonl(path, [user, good, synthetic])
    with path.open("ab") as f:
        f.write(json.dumps(good)[:40].encode() + b"\n" + b'{"type":"assistant","usage":"\xff"}\n')
    r = price_log([str(tmp_path)])
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (3, 1, 2)
    assert [e["line"] for e in r.rejected] == [4, 5]
    assert all(e["error"].startswith("p/s.jsonl: ") for e in r.rejected)
    assert r.inputs[0].skipped == 2  # the user line and the <synthetic> message


# ---------------------------------------------------------------- generated Codex rollouts


def codex_event(total, last=None):
    info = {"total_token_usage": total}
    if last is not None:
        info["last_token_usage"] = last
    return {"timestamp": "2026-11-17T10:00:00Z", "type": "event_msg", "payload": {"type": "token_count", "info": info}}


def tok(i, c, o, r):
    return {"input_tokens": i, "cached_input_tokens": c, "output_tokens": o, "reasoning_output_tokens": r}


request = st.tuples(st.integers(1, 250_000), st.integers(0, 100), st.integers(0, 20_000), st.integers(0, 100))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests=st.lists(request, min_size=1, max_size=8), repeats=st.lists(st.booleans(), min_size=8, max_size=8))
def test_codex_cumulative_totals_are_differenced(tmp_path_factory, requests, repeats):
    """Per-request cost from running totals (with repeated events, with and without last_token_usage)."""
    head = [
        {
            "timestamp": "2026-11-17T10:00:00Z",
            "type": "session_meta",
            "payload": {"id": "x", "model_provider": "openai"},
        },
        {"timestamp": "2026-11-17T10:00:00Z", "type": "turn_context", "payload": {"model": "gpt-5.3-codex"}},
    ]
    expected = D(0)
    total = [0, 0, 0, 0]
    with_last, totals_only = list(head), list(head)
    for (i, cached_pct, o, reasoning_pct), repeat in zip(requests, repeats, strict=False):
        c, r = i * cached_pct // 100, o * reasoning_pct // 100
        total = [total[0] + i, total[1] + c, total[2] + o, total[3] + r]
        expected += ((i - c) * D("1.75") + c * D("0.175") + o * 14) / M
        for events, last in ((with_last, tok(i, c, o, r)), (totals_only, None)):
            events.append(codex_event(tok(*total), last))
            if repeat:
                events.append(codex_event(tok(*total), last))
    for name, events in (("with-last", with_last), ("totals-only", totals_only)):
        path = tmp_path_factory.mktemp(name) / "rollout-x.jsonl"
        write_jsonl(path, events)
        r = price_log([str(path)])
        assert r.total == expected, name
        assert r.rows_priced == r.rows_total == len(requests)


def test_codex_token_count_before_any_model_is_rejected_not_guessed(tmp_path):
    path = tmp_path / "rollout-x.jsonl"
    write_jsonl(path, [{"timestamp": "t", "type": "session_meta", "payload": {}}, codex_event(tok(10, 0, 1, 0))])
    r = price_log([str(path)])
    assert r.rows_rejected == r.rows_total == 1 and "names no model" in r.rejected[0]["error"]


# ---------------------------------------------------------------- Gemini CLI


def test_gemini_message_saved_twice_counts_once_and_thoughts_are_output(tmp_path):
    src = next((EXAMPLES / "gemini-cli").rglob("*.json"))
    for name in ("a", "b"):
        (tmp_path / "tmp" / name / "chats").mkdir(parents=True)
        shutil.copy(src, tmp_path / "tmp" / name / "chats" / src.name)
    r = price_log([str(tmp_path)])
    assert r.total == D("0.38865") and r.rows_total == 3
    q = r.by_model["gemini-2.5-flash"].quantities
    assert (q["input_tokens"], q["output_tokens"], q["reasoning_tokens"]) == (6000, 500, 200)


# ---------------------------------------------------------------- robustness: every agent reader, odd shapes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**66), 2**66) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=15,
)
KEYS = ["type", "message", "usage", "payload", "info", "messages", "tokens", "id", "model", "sessionId",
        "isSidechain", "requestId", "total_token_usage", "last_token_usage", "input_tokens", "parentUuid"]  # fmt: skip
records = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=7)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(records, min_size=1, max_size=4), fmt=st.sampled_from(["claude-code", "codex", "gemini-cli"]))
def test_fuzz_agent_readers_never_crash_and_always_add_up(tmp_path_factory, docs, fmt):
    path = tmp_path_factory.mktemp("fz") / "f.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    try:
        r = price_log([str(path)], input_format=fmt)
    except BillpathError:
        return
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total


def test_explicit_format_on_a_foreign_file_is_a_one_line_error(tmp_path):
    out = subprocess.run(
        [str(BIN), "price-log", str(EXAMPLES / "openai-usage.json"), "--input-format", "claude-code"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "not a claude-code log" in out.stderr and "Traceback" not in out.stderr


def test_reader_emits_canonical_rows():
    sink = ListSink()
    files = sorted((EXAMPLES / "claude-code").rglob("*.jsonl"))
    assert read_claude(files, sink) == []
    assert len(sink.rows) == 8 and all(r["error"] is None for r in sink.rows)


def test_standard_json_parser_gives_the_same_result(monkeypatch):
    import json as std

    from billpath.usage.readers import claude_code

    monkeypatch.setattr(claude_code, "loads", std.loads)
    assert price_log([str(EXAMPLES / "claude-code")]).total == D("0.3178")


# ---------------------------------------------------------------- --source and --plan (the CLI)


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [str(BIN), "price-log", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_source_reads_the_default_locations_and_says_which(tmp_path):
    home = tmp_path / "home"
    shutil.copytree(EXAMPLES / "claude-code" / "projects", home / ".claude" / "projects")
    shutil.copytree(EXAMPLES / "codex" / "sessions", home / ".codex" / "sessions")
    shutil.copytree(EXAMPLES / "gemini-cli" / "tmp", home / ".gemini" / "tmp")
    env = {"HOME": str(home), "CLAUDE_CONFIG_DIR": "", "CODEX_HOME": "", "GEMINI_DATA_DIR": ""}
    for source, total in (("claude-code", "0.3178"), ("codex", "0.948"), ("gemini-cli", "0.38865")):
        out = cli("--source", source, "--format", "json", env=env)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["total_usd"] == total
        assert out.stderr.startswith(f"{source}: read {home}"), out.stderr
    out = cli("--source", "claude-code", "--source", "codex", "--format", "json", env=env)
    assert json.loads(out.stdout)["total_usd"] == "1.2658"


def test_source_honours_the_agents_own_overrides(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(EXAMPLES / "claude-code" / "projects", a / "projects")
    shutil.copytree(EXAMPLES / "claude-code" / "projects", b / "projects")
    out = cli("--source", "claude-code", "--format", "json", env={"CLAUDE_CONFIG_DIR": f"{a},{b}"})
    assert out.returncode == 0 and f"{a / 'projects'}, {b / 'projects'}" in out.stderr
    assert json.loads(out.stdout)["total_usd"] == "0.3178"  # the same messages in both: counted once
    shutil.copytree(EXAMPLES / "codex" / "sessions", tmp_path / "cx" / "sessions")
    out = cli("--source", "codex", "--format", "json", env={"CODEX_HOME": str(tmp_path / "cx")})
    assert json.loads(out.stdout)["total_usd"] == "0.948"


def test_source_with_no_logs_is_a_one_line_error(tmp_path):
    out = cli("--source", "codex", env={"HOME": str(tmp_path), "CODEX_HOME": ""})
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "no codex logs found" in out.stderr


def test_plan_flat_subscription_against_the_api(tmp_path):
    out = cli(str(EXAMPLES / "claude-code"), "--plan", "claude-max-5x", "--format", "json")
    sub = json.loads(out.stdout)["subscription"]
    # one calendar month (2026-11) of Claude Code logs: the fee is $100; the tokens cost $0.3178 as logged.
    assert sub["months"] == ["2026-11"] and sub["plan_usd"] == "100"
    tokens = 131_150  # every token kind of the eight messages, summed by hand from the sample
    assert sub["tokens"] == tokens
    assert D(sub["effective_usd_per_mtok"]) == (D(100) * M / tokens).quantize(D("0.0001"))
    logged = sub["api_channels"][0]
    assert logged["channel"] == "as logged" and logged["total_usd"] == "0.3178" and logged["cheaper_than_plan"]
    assert "API would have been cheaper" in sub["verdict"]
    assert sub["source"]["url"].startswith("https://")


def test_plan_usage_pool_adds_what_exceeds_the_included_dollars(tmp_path):
    # 3,000 Claude Sonnet requests of 10,000 output tokens: 3,000 x 10,000 x 15 / 1M = $450 at API prices.
    lines = [cc_line(f"msg_01p{i}", f"req_{i}", "claude-sonnet-4-6", cc_usage(0, 0, 0, 0, 10_000)) for i in range(3000)]
    write_jsonl(tmp_path / "p" / "s.jsonl", lines)
    out = cli(str(tmp_path), "--plan", "cursor-pro", "--format", "json")
    sub = json.loads(out.stdout)["subscription"]
    assert sub["plan_usd"] == "450"  # $20 seat + ($450 - $20 included)
    out = cli(str(tmp_path), "--plan", "chatgpt-pro", "--format", "json")
    sub = json.loads(out.stdout)["subscription"]
    assert sub["covered_models"] == [] and sub["uncovered_models"] == ["claude-sonnet-4-6"]
    # A flat $20 plan against $450 of API tokens: no channel is cheaper, and the verdict says what it saved.
    sub = json.loads(cli(str(tmp_path), "--plan", "claude-pro", "--format", "json").stdout)["subscription"]
    assert sub["plan_usd"] == "20" and sub["cheaper_than_plan"] == [] and "the plan saved" in sub["verdict"]


def test_unknown_plan_is_a_usage_error():
    out = cli(str(EXAMPLES / "codex"), "--plan", "nope")
    assert out.returncode == 2 and "claude-max-5x" in out.stderr


def test_old_builds_cost_usd_is_reconciled_not_used(tmp_path):
    line = cc_line("msg_01old", "req_old", "claude-sonnet-4-6", cc_usage(1000, 0, 0, 0, 100))
    line["costUSD"] = 0.0049  # Claude Code <= 1.0.9 wrote its own estimate; repeated on every block
    write_jsonl(tmp_path / "s.jsonl", [line, line])
    r = price_log([str(tmp_path / "s.jsonl")])
    assert r.total == sonnet_cost(1000, 0, 0, 0, 100) == D("0.0045")
    (entry,) = r.reconcile
    assert entry["logged_usd"] == "0.0049" and entry["difference_usd"] == "0.0004"


@pytest.mark.parametrize("isolate", [False, True])
def test_web_upload_of_an_agent_log_with_a_plan_is_the_cli_json(isolate):
    from fastapi.testclient import TestClient

    from billpath.web.app import Settings, create_app

    client = TestClient(create_app(Settings(isolate_price_log=isolate)), raise_server_exceptions=False)
    path = EXAMPLES / "codex/sessions/2026/11/17/rollout-2026-11-17T10-02-11-019a8c3e-7f21-7b40-9d5e-2c4a6e8f0b13.jsonl"
    with path.open("rb") as f:
        r = client.post("/api/price-log", files={"file": (path.name, f)}, data={"plan": "chatgpt-pro"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total_usd"] == "0.908" and body["inputs"][0]["format"] == "codex"
    assert body["subscription"]["plan_usd"] == "200" and body["subscription"]["covered_models"] == [
        "gpt-5.3-codex",
        "gpt-5.5",
    ]
    cli_json = json.loads(cli(str(path), "--plan", "chatgpt-pro", "--format", "json").stdout)
    assert cli_json["subscription"] == body["subscription"]


def test_agent_files_among_other_formats_are_still_one_log(tmp_path):
    # The first file is not an agent log, so the tree is read file by file: the Claude Code files
    # must still be one input (the subagent file's replay of a parent message is dropped).
    shutil.copy(EXAMPLES / "openai-usage.json", tmp_path / "a-openai-usage.json")
    shutil.copytree(EXAMPLES / "claude-code", tmp_path / "b-claude")
    r = price_log([str(tmp_path)])
    assert sorted(i.format for i in r.inputs) == ["claude-code", "openai-usage"]
    assert r.total == D("0.3178") + price_log([str(EXAMPLES / "openai-usage.json")]).total
    # Files named one by one on the command line: the same.
    files = [str(p) for p in sorted((EXAMPLES / "claude-code").rglob("*.jsonl"))]
    assert price_log(files).total == D("0.3178")


def test_agent_log_written_as_focus_reads_back_to_the_same_total(tmp_path):
    out = cli(str(EXAMPLES / "claude-code"), "--format", "focus")
    assert out.returncode == 0, out.stderr
    path = tmp_path / "claude-code-focus.csv"
    path.write_text(out.stdout)
    r = price_log([str(path)])
    assert r.total == D("0.3178") and r.rows_rejected == 0
