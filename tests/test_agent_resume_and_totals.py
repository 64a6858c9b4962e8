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
