"""OpenRouter generation records (`GET /api/v1/generation` `data`) or responses with inline `usage`.

OpenRouter is the billing channel (`provider_name` is who served it), except under BYOK
(`is_byok`): the provider billed your own key, so the tokens are priced on that provider's channel
and the logged cost to reconcile them with is `upstream_inference_cost`; OpenRouter's own `total_cost`
(`usage.cost`) is then only its BYOK fee (5% of what the request would cost on OpenRouter, after the
first 1,000,000 BYOK requests of the month), read as the row's `fee_usd`: added to the total once, as
a fee line, never to the token cost (adding it to the upstream cost as one figure double counts).
BYOK rows carry the weak variant `~openrouter-byok` so the fee line names OpenRouter.
`native_tokens_prompt` includes cached tokens (OpenAI shape); reasoning is inside the completion count.
"""

from __future__ import annotations

from pathlib import Path

from billpath.usage.readers.base import (
    RowError,
    Sink,
    guarded,
    iso_from_unix,
    iter_json_records,
    need,
    num,
    position,
    records,
)


def looks_like(obj: object) -> bool:
    rows = records(obj, "data", "generations")
    first = rows[0] if rows else None
    if not isinstance(first, dict):
        return False
    if "native_tokens_prompt" in first or "total_cost" in first:
        return True
    usage = first.get("usage")
    return isinstance(usage, dict) and "cost" in usage and "prompt_tokens" in usage


def read(path: Path, sink: Sink) -> None:
    index = 0
    for line, doc in iter_json_records(path, sink):
        for rec in records(doc, "data", "generations"):
            index += 1
            _row(position(line, index - 1), rec, sink)


@guarded
def _row(where: int, rec: object, sink: Sink) -> None:
    if not isinstance(rec, dict):
        sink.reject(where, "expected a generation object")
        return
    usage = rec.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    try:
        if "native_tokens_prompt" in rec or "tokens_prompt" in rec:
            native = "native_tokens_prompt" in rec
            prompt_key = "native_tokens_prompt" if native else "tokens_prompt"
            completion_key = "native_tokens_completion" if native else "tokens_completion"
            prompt = need(rec.get(prompt_key), prompt_key)
            completion = need(rec.get(completion_key), completion_key)
            cached = num(rec.get("native_tokens_cached"), "native_tokens_cached")
            reasoning = num(rec.get("native_tokens_reasoning"), "native_tokens_reasoning")
        elif usage:
            prompt = need(usage.get("prompt_tokens"), "usage.prompt_tokens")
            completion = need(usage.get("completion_tokens"), "usage.completion_tokens")
            cached = num((usage.get("prompt_tokens_details") or {}).get("cached_tokens"), "cached_tokens")
            reasoning = num((usage.get("completion_tokens_details") or {}).get("reasoning_tokens"), "reasoning_tokens")
        else:
            raise RowError("not an OpenRouter generation: no token counts (native_tokens_prompt/completion or usage)")
        write = num((usage.get("prompt_tokens_details") or {}).get("cache_write_tokens"), "cache_write_tokens")
    except (ValueError, AttributeError) as exc:
        sink.reject(where, str(exc))
        return
    uncached = prompt - cached - write
    if uncached < 0:
        sink.reject(where, f"prompt tokens ({prompt}) smaller than cached ({cached}) + cache writes ({write})")
        return
    if reasoning > completion:
        completion += reasoning
        sink.note("some OpenRouter records count reasoning outside completion tokens: added to output")
    byok = bool(rec.get("is_byok"))
    fee = variant = None
    if byok:
        channel = rec.get("provider_name")
        cost = rec.get("upstream_inference_cost", (usage.get("cost_details") or {}).get("upstream_inference_cost"))
        fee = rec.get("total_cost", usage.get("cost"))
        variant = BYOK_VARIANT
        sink.note(
            "OpenRouter BYOK records: tokens priced on the provider that billed your key (reconciled with "
            "upstream_inference_cost); OpenRouter's BYOK fee (total_cost) added once, as a fee line"
        )
    else:
        channel = "openrouter"
        cost = rec.get("total_cost", usage.get("cost"))
    if not byok and rec.get("provider_name"):
        sink.note("OpenRouter records are priced at OpenRouter's own prices (provider_name is who served them)")
    sink.row(
        where,
        timestamp=rec.get("created_at") or _created(rec.get("created")),
        model=rec.get("model"),
        channel=channel,
        input_tokens=uncached,
        output_tokens=completion,
        cache_read_tokens=cached,
        cache_write_tokens=write,
        reasoning_tokens=reasoning,
        requests=1,
        cost_usd=cost,
        variant=variant,
        fee_usd=fee,
    )


# a weak variant: the channel's default offer prices the row, and its fee line names OpenRouter
BYOK_VARIANT = "~openrouter-byok"


def _created(value: object) -> str | None:
    return iso_from_unix(value) if isinstance(value, int | float) else None
