"""OpenTelemetry GenAI spans exported as OTLP JSON (`resourceSpans` -> `scopeSpans` -> `spans`).

`gen_ai.usage.input_tokens` INCLUDES cache reads and cache creation (a SHOULD of the convention:
when input is smaller than the cache counts, the source did not include them and input is taken
as is). `gen_ai.usage.output_tokens` includes reasoning. The channel comes from the server address
when present (the provider name may be the API flavour: an OpenRouter call made with the OpenAI SDK
says `openai`), else from `gen_ai.provider.name` / `gen_ai.system` as a hint that a
channel-specific model id overrides. Spans without GenAI usage are not usage rows.
"""

from __future__ import annotations

from pathlib import Path

from billpath.usage.readers.base import WEAK, Sink, dicts, guarded, iso_from_unix, iter_json_records, need, num
from billpath.usage.routes import channel_for_host

INPUT = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
OUTPUT = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
CACHE_READ = (
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "gen_ai.usage.input_tokens.cached",
)
CACHE_WRITE = ("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")
REASONING = ("gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.output_tokens.reasoning")


def looks_like(obj: object) -> bool:
    return (isinstance(obj, dict) and "resourceSpans" in obj) or (
        isinstance(obj, list) and bool(obj) and isinstance(obj[0], dict) and "resourceSpans" in obj[0]
    )


def _value(v: object) -> object:
    if not isinstance(v, dict):
        return v
    for key in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if key in v:
            return v[key]
    if "arrayValue" in v:
        return [_value(x) for x in (v["arrayValue"] or {}).get("values", [])]
    return None


def attributes(items: object) -> dict:
    out = {}
    for a in items if isinstance(items, list) else []:
        if isinstance(a, dict) and "key" in a:
            out[a["key"]] = _value(a.get("value"))
    return out


def _first(attrs: dict, keys: tuple[str, ...]) -> object:
    for k in keys:
        if attrs.get(k) is not None:
            return attrs[k]
    return None


def read(path: Path, sink: Sink) -> None:
    index = 0
    for line, doc in iter_json_records(path, sink):
        for export in doc if isinstance(doc, list) else [doc]:
            if not isinstance(export, dict) or not isinstance(export.get("resourceSpans"), list):
                index += 1
                sink.reject(line or index, "expected an OTLP JSON export with resourceSpans")
                continue
            for rs in dicts(export["resourceSpans"]):
                resource = rs.get("resource")
                resource = attributes(resource.get("attributes")) if isinstance(resource, dict) else {}
                for ss in dicts(rs.get("scopeSpans")):
                    spans = ss.get("spans")
                    for span in spans if isinstance(spans, list) else []:
                        index += 1
                        _span(line or index, span, resource, sink)


@guarded
def _span(where: int, span: object, resource: dict, sink: Sink) -> None:
    if not isinstance(span, dict):
        sink.reject(where, "expected a span object")
        return
    attrs = {**resource, **attributes(span.get("attributes"))}
    if _first(attrs, INPUT) is None and _first(attrs, OUTPUT) is None:
        sink.skipped += 1  # not a GenAI call with usage: not a usage row
        return
    model = attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model")
    try:
        total_in = need(_first(attrs, INPUT), INPUT[0])
        output = need(_first(attrs, OUTPUT), OUTPUT[0])
        cached = num(_first(attrs, CACHE_READ), CACHE_READ[0])
        created = num(_first(attrs, CACHE_WRITE), CACHE_WRITE[0])
        reasoning = num(_first(attrs, REASONING), REASONING[0])
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    uncached = total_in - cached - created
    if uncached < 0:
        uncached = total_in
        sink.note("some OTel spans report input_tokens smaller than their cache counts: input taken as uncached")
    if reasoning > output:
        output += reasoning
        sink.note("some OTel spans report reasoning tokens outside output_tokens: added to output")
    host = attrs.get("server.address") or _host(attrs.get("url.full"))
    channel = channel_for_host(str(host)) if host else None
    provider = attrs.get("gen_ai.provider.name") or attrs.get("gen_ai.system")
    if channel:
        sink.note("OTel: channel taken from server.address where present")
    elif provider:
        channel = WEAK + str(provider)
    if created:
        sink.note("OTel cache_creation tokens priced as 5-minute cache writes")
    start = span.get("startTimeUnixNano")
    sink.row(
        where,
        timestamp=_nanos(start),
        model=model,
        channel=channel,
        input_tokens=uncached,
        output_tokens=output,
        cache_read_tokens=cached,
        cache_write_tokens=created,
        reasoning_tokens=reasoning,
        requests=1,
    )


def _host(url: object) -> str | None:
    if not isinstance(url, str) or "://" not in url:
        return None
    return url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]


def _nanos(value: object) -> str | None:
    if value is None:
        return None
    try:
        return iso_from_unix(int(value) // 10**9) if int(value) > 0 else None
    except (TypeError, ValueError):
        return str(value)
