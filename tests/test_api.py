from __future__ import annotations

from decimal import Decimal as D

import pytest

import billpath
from billpath.errors import BillpathError


def test_python_compare_matches_the_article() -> None:
    result = billpath.compare("Claude Opus 4.8", input_tokens=1000, output_tokens=1000, requests=1000)
    assert {(q.offer.channel, q.total) for q in result.quotes} >= {
        ("anthropic", D(30)),
        ("aws-bedrock", D(30)),
    }
    assert result.to_dict()["model"] == "claude-opus-4-8"


def test_python_quote_defaults_to_the_maker_and_follows_channel_ids() -> None:
    assert billpath.quote("gpt-5.5", input_tokens=1_000_000).offer.channel == "openai"
    q = billpath.quote("us.anthropic.claude-sonnet-4-6-v1:0", input_tokens=1_000_000, output_tokens=1_000_000)
    assert (q.offer.channel, q.offer.variant, q.total) == ("aws-bedrock", "regional", D("19.8"))


def test_python_quote_errors() -> None:
    with pytest.raises(BillpathError):
        billpath.quote("gpt-oss-120b")  # no maker's own channel
    with pytest.raises(BillpathError):
        billpath.quote("gpt-5.5", channel="together")
