"""Agent logs that repeat themselves: Gemini CLI's older session totals (`stats.models`) and Codex sessions
resumed or forked into another rollout. Each session is counted once, never from two records of the same
usage. Totals worked by hand (prices: tests/test_agent_logs.py's header).

  gemini-2.5-flash google: 0.3 in / 2.5 out / 0.03 cached; gemini-3.1-pro-preview: 2 / 12 / 0.2
  gpt-5.5 openai: 5 / 30 / 0.5 cached
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from billpath.analysis.price_log import price_log

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GEMINI_CHAT = next((EXAMPLES / "gemini-cli").rglob("*.json"))


# ---------------------------------------------------------------- Gemini CLI: older exports' session totals


def old_chat(session: str = "s-old", updated: str = "2026-11-21T09:30:00Z", scale: int = 1, **extra) -> dict:
    """An older Gemini CLI export: messages without tokens, the session's totals in stats.models."""
    return {
        "sessionId": session,
        "startTime": "2026-11-21T09:00:00Z",
        "lastUpdated": updated,
        "messages": [
            {"id": "m1", "timestamp": "2026-11-21T09:00:01Z", "type": "user", "content": "hi"},
            {"id": "m2", "timestamp": "2026-11-21T09:00:09Z", "type": "gemini", "content": "hello"},
        ],
        "stats": {
            "models": {
                "gemini-2.5-flash": {
                    "api": {"totalRequests": 4},
                    "tokens": {
                        "input": 10000 * scale,
                        "output": 600 * scale,
                        "cached": 4000 * scale,
                        "thoughts": 400 * scale,
                        "tool": 50,
                        "total": 11050 * scale,
                    },
                },
                # Gemini CLI's own metric names (prompt, candidates), no request count
                "gemini-3.1-pro-preview": {
                    "tokens": {"prompt": 20000, "candidates": 1000, "cached": 0, "total": 21000}
                },
            }
        },
        **extra,
    }


def write_chat(path: Path, chat: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chat, indent=2))
    return path


# flash: 6,000 uncached x 0.3 + 4,000 cached x 0.03 + (600 + 400) x 2.5 = 0.0018 + 0.00012 + 0.0025 = 0.00442
# pro:   20,000 x 2 + 1,000 x 12 = 0.04 + 0.012 = 0.052
OLD_TOTAL = D("0.05642")


def test_older_gemini_exports_are_read_from_their_session_totals(tmp_path):
    r = price_log([str(write_chat(tmp_path / "chats" / "session-old.json", old_chat()))], input_format="auto")
    assert r.total == OLD_TOTAL
    assert (r.rows_total, r.rows_priced) == (2, 2)
    flash = r.by_model["gemini-2.5-flash"].quantities
    assert (flash["input_tokens"], flash["cache_read_tokens"], flash["output_tokens"]) == (6000, 4000, 1000)
    assert flash["reasoning_tokens"] == 400 and flash["requests"] == 4
    assert any("saved totals" in n for n in r.notes)
    assert any("base tier" in n for n in r.notes)  # the pro row gives no request count


def test_a_session_with_message_tokens_never_counts_its_totals_too(tmp_path):
    chat = json.loads(GEMINI_CHAT.read_text())
    chat["stats"] = old_chat()["stats"]  # both in one file: the messages count, the totals do not
    r = price_log([str(write_chat(tmp_path / "a" / "chats" / "s.json", chat))])
    assert r.total == D("0.38865") and r.rows_total == 3
    assert any("totals not used" in n for n in r.notes)


@pytest.mark.parametrize("order", ["totals-first", "messages-first"])
def test_one_session_saved_old_and_new_counts_once(tmp_path, order):
    new = json.loads(GEMINI_CHAT.read_text())
    old = old_chat(session=new["sessionId"])
    names = ("a", "b") if order == "totals-first" else ("b", "a")
    write_chat(tmp_path / names[0] / "chats" / "s.json", old)
    write_chat(tmp_path / names[1] / "chats" / "s.json", new)
    r = price_log([str(tmp_path)])
    assert r.total == D("0.38865") and r.rows_total == 3  # the per-message tokens, never the totals as well


def test_totals_saved_twice_count_once_the_latest(tmp_path):
    write_chat(tmp_path / "a" / "chats" / "s.json", old_chat(updated="2026-11-21T09:10:00Z", scale=1))
    write_chat(tmp_path / "b" / "chats" / "s.json", old_chat(updated="2026-11-21T09:30:00Z", scale=2))
    write_chat(tmp_path / "c" / "chats" / "other.json", old_chat(session="another"))
    r = price_log([str(tmp_path)])
    # the latest copy of s-old (flash doubled: 12,000 x 0.3 + 8,000 x 0.03 + 2,000 x 2.5 = 0.00884) + another
    assert r.total == D("0.00884") + D("0.052") + OLD_TOTAL
    assert r.rows_total == 4


def test_a_count_under_both_of_its_names_is_rejected(tmp_path):
    chat = old_chat()
    chat["stats"]["models"]["gemini-3.1-pro-preview"]["tokens"]["input"] = 5
    r = price_log([str(write_chat(tmp_path / "chats" / "s.json", chat))])
    assert (r.rows_priced, r.rows_rejected) == (1, 1)
    assert "both 'input' and 'prompt'" in r.rejected[0]["error"]
    assert r.rejected[0]["line"] == 4  # after the chat's two messages: its models, in order


# ---------------------------------------------------------------- Codex: resumed and forked sessions
#
# The documented format (openai/codex codex-rs/core/src/codex.rs, `record_initial_history`; ccusage's
# `branch-history` fixture): a resume restores the running total from the rollout's last token_count and
# appends to that rollout, or writes another naming the same session; a fork writes a new rollout whose
# session_meta has `forked_from_id` and copies the whole history first, token_count events included,
# with new timestamps; a rollout may name its base instead (`history_base.thread_id`) and carry the
# counter on without copying.

GPT55 = {"in": D(5), "out": D(30), "read": D("0.5")}
M = D(1_000_000)


def _ts(n: int, day: int = 17) -> str:
    return f"2026-11-{day}T10:{n // 60:02d}:{n % 60:02d}.000Z"


def meta(session: str, ts: str, **payload) -> dict:
    return {"timestamp": ts, "type": "session_meta", "payload": {"id": session, "model_provider": "openai", **payload}}


def context(ts: str, model: str = "gpt-5.5") -> dict:
    return {"timestamp": ts, "type": "turn_context", "payload": {"model": model}}


def counts(total: tuple, last: tuple | None, ts: str) -> dict:
    def usage(t):
        return dict(
            zip(("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens"), t, strict=True)
        )

    info = {"total_token_usage": usage(total)}
    if last is not None:
        info["last_token_usage"] = usage(last)
    return {"timestamp": ts, "type": "event_msg", "payload": {"type": "token_count", "info": info}}


def session(requests: list[tuple], with_last: bool, day: int = 17, offset: int = 0) -> list[dict]:
    """The token_count events of `requests` (input incl. cached, cached, output, reasoning), totals running."""
    total = (0, 0, 0, 0)
    out = []
    for n, r in enumerate(requests):
        total = tuple(a + b for a, b in zip(total, r, strict=True))
        out.append(counts(total, r if with_last else None, _ts(offset + n, day)))
    return out


def running(requests: list[tuple]) -> list[tuple]:
    totals, t = [], (0, 0, 0, 0)
    for r in requests:
        t = tuple(a + b for a, b in zip(t, r, strict=True))
        totals.append(t)
    return totals


def cost(requests: list[tuple]) -> D:
    return sum(((i - c) * GPT55["in"] + c * GPT55["read"] + o * GPT55["out"]) / M for i, c, o, _ in requests) or D(0)


def write_rollout(path: Path, events: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


REQUESTS = [(20000, 12000, 1500, 900), (30000, 20000, 2000, 500), (41000, 30000, 900, 0), (52000, 40000, 3000, 1200)]


def resumed(kind: str, requests: list[tuple], k: int, with_last: bool) -> tuple[list[dict], list[dict]]:
    """(the original rollout, the resumed one) of one session of `requests`, resumed after the k-th."""
    parent_id, child_id = "019a-parent", "019a-child"
    original = [meta(parent_id, _ts(0)), context(_ts(0)), *session(requests[:k], with_last)]
    later = session(requests, with_last, day=18)  # the whole history again, new timestamps
    if kind == "fork":  # a new rollout: its own session_meta, then the copied history (the parent's meta too)
        head = [meta(child_id, _ts(0, 18), forked_from_id=parent_id), meta(parent_id, _ts(0)), context(_ts(0, 18))]
        child = [*head, *later[:k], context(_ts(30, 18)), *later[k:]]
    elif kind == "same-session":  # another rollout naming the same session, the history repeated first
        child = [meta(parent_id, _ts(0, 18)), context(_ts(0, 18)), *later[:k], *later[k:]]
    elif kind == "history-base":  # names its base, carries the counter on, copies nothing
        child = [meta(child_id, _ts(0, 18), history_base={"thread_id": parent_id}), context(_ts(0, 18)), *later[k:]]
    else:  # "append": the same rollout goes on (resume appends; no new session_meta)
        return [*original, context(_ts(30, 18)), *later[k:]], []
    return original, child


KINDS = ["fork", "same-session", "history-base", "append"]


@pytest.mark.parametrize("with_last", [True, False], ids=["with-last", "totals-only"])
@pytest.mark.parametrize("order", ["original-first", "resumed-first"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_resumed_codex_session_is_counted_once(tmp_path, kind, order, with_last):
    original, child = resumed(kind, REQUESTS, 2, with_last)
    a, b = ("2026/11/17/rollout-a.jsonl", "2026/11/18/rollout-b.jsonl")
    if order == "resumed-first":
        a, b = b, a
    write_rollout(tmp_path / "sessions" / a, original)
    if child:
        write_rollout(tmp_path / "sessions" / b, child)
    r = price_log([str(tmp_path)])
    assert r.total == cost(REQUESTS), (kind, r.total, cost(REQUESTS))
    assert r.rows_priced == r.rows_total == len(REQUESTS)
    if kind in ("fork", "same-session"):
        assert any("repeat a session's history" in n for n in r.notes)


@pytest.mark.parametrize("kind", ["fork", "same-session", "history-base"])
def test_each_rollout_alone_counts_what_it_holds(tmp_path, kind):
    original, child = resumed(kind, REQUESTS, 2, with_last=True)
    alone = price_log([str(write_rollout(tmp_path / "o" / "rollout-a.jsonl", original))])
    assert alone.total == cost(REQUESTS[:2])
    resumed_alone = price_log([str(write_rollout(tmp_path / "r" / "rollout-b.jsonl", child))])
    held = REQUESTS if kind != "history-base" else REQUESTS[2:]  # a copied history is usage, once
    assert resumed_alone.total == cost(held)


def test_a_branch_copied_whole_into_a_rollout_without_session_meta_counts_once(tmp_path):
    """ccusage's `branch-history` fixture: the branch repeats the parent's event with its timestamp."""
    first = counts((1000, 100, 200, 20), None, "2026-05-12T08:01:00.000Z")
    write_rollout(tmp_path / "a" / "parent.jsonl", [context("2026-05-12T08:00:00.000Z"), first])
    branch = [context("2026-05-12T08:00:00.000Z"), first, counts((1600, 300, 450, 40), None, "2026-05-12T08:02:00Z")]
    write_rollout(tmp_path / "a" / "branch.jsonl", branch)
    r = price_log([str(tmp_path / "a")], input_format="codex")
    assert r.total == cost([(1000, 100, 200, 20), (600, 200, 250, 20)])
    assert r.rows_total == 2


def test_resumed_sessions_over_random_histories(tmp_path):
    """Any history, resumed after any request, by any kind, in either order: the session's cost, once."""
    rng = __import__("random").Random(7)
    for case in range(30):
        n = rng.randint(2, 7)
        reqs = []
        for _ in range(n):
            i = rng.randint(1, 200_000)
            o = rng.randint(0, 20_000)
            reqs.append((i, rng.randint(0, i), o, rng.randint(0, o)))
        k, kind, with_last = rng.randint(1, n - 1), rng.choice(KINDS), rng.random() < 0.5
        original, child = resumed(kind, reqs, k, with_last)
        root = tmp_path / f"case-{case}"
        names = ["rollout-a.jsonl", "rollout-b.jsonl"]
        rng.shuffle(names)
        write_rollout(root / names[0], original)
        if child:
            write_rollout(root / names[1], child)
        r = price_log([str(root)], input_format="codex")
        assert r.total == cost(reqs), (case, kind, k, with_last, names)
        assert r.rows_total == r.rows_priced == n, (case, kind)
