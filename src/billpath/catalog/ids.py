"""Per-channel model-id grammars: what a channel adds to a model's id, and what that says about the channel.

A channel's own id is the model's id wrapped in the channel's grammar:

* AWS Bedrock: a geo prefix (`us.` `eu.` `apac.` `jp.` `au.` `ca.` are regional, `global.`, `us-gov.`), a
  vendor dot, a date, `-v1:0` or `-v1`: `eu.anthropic.claude-3-7-sonnet-20250219-v1:0`;
* Google Vertex: `@date`, `@001`, `@default`, `-maas`, a publisher path: `claude-haiku-4-5@20251001`;
* Azure: `azure/`, `azure/us/` and `azure/eu/` (Data Zone), `azure_ai/`: `azure/eu/gpt-5.5`;
* OpenRouter and other hosts: `org/slug`, `:variant`, packaging words (`-instruct`, `-fp8`, `-versatile`);
* litellm-style routes: `provider/` in front of any of these: `bedrock/us-gov-west-1/anthropic.…`.

`lookup` is the fallback of `Catalog.resolve` for names the index does not hold: the name's match key
(`importers.canon.parse`, the same grammar the catalog build uses to join the sources) must name exactly one
model (the keys of every known name are parsed once, by `catalog build`, into `snapshot-keys.json`), and
the channel and variant come from the grammar only when the model has that offer. Never a guess: a key
shared by two models, or by none, is no answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from billpath.catalog.importers.canon import parse
from billpath.catalog.moving import FAMILY as MOVING

_GEO = re.compile(r"^(global|us-gov|us|eu|apac|jp|au|ca)\.")
_VENDOR = re.compile(r"^[a-z0-9\-]+\.[a-z]")  # anthropic.claude-…, meta.llama3-…, xai.grok-…
_AWS_REGION = re.compile(r"^(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-[a-z]+-\d$")
# route heads (litellm providers and channel names) -> channel. A maker's name in front (`anthropic/…`,
# `deepseek/…`) is an organisation slug several hosts use (OpenRouter, Together, …): it names no channel.
ROUTE_HEADS = {
    "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock",
    "bedrock_mantle": "aws-bedrock",
    "aws-bedrock": "aws-bedrock",
    "vertex_ai": "google-vertex",
    "google-vertex": "google-vertex",
    "azure": "azure",
    "azure_ai": "azure",
    "openrouter": "openrouter",
    "together_ai": "together",
    "together": "together",
    "fireworks_ai": "fireworks",
    "fireworks": "fireworks",
    "groq": "groq",
    "deepinfra": "deepinfra",
    "cerebras": "cerebras",
    "cloudflare": "cloudflare",
    "databricks": "databricks",
    "nebius": "nebius",
    "novita": "novita",
    "sambanova": "sambanova",
    "baseten": "baseten",
    "ovhcloud": "ovhcloud",
    "perplexity": "perplexity",
    "dashscope": "alibaba",
}
_MARKS = re.compile(r"[/:@]")


def channel_hint(name: str) -> tuple[str | None, str | None, str | None]:
    """(channel, variant, geo prefix) the id's grammar names; Nones where it names none."""
    s = name.strip().lower()
    parts = [p for p in s.split("/") if p]
    channel = variant = None
    if len(parts) > 1 and parts[0] in ROUTE_HEADS:
        channel = ROUTE_HEADS[parts[0]]
        parts = parts[1:]
        if channel == "azure" and len(parts) > 1 and parts[0] in ("us", "eu"):
            variant, parts = "data-zone", parts[1:]
        elif channel == "aws-bedrock" and len(parts) > 1 and _AWS_REGION.match(parts[0]):
            variant = "us-gov" if "-gov-" in parts[0] else "regional"
            parts = parts[1:]
    if s.startswith("@cf/"):
        return "cloudflare", None, None
    if s.startswith("accounts/fireworks/"):
        return "fireworks", None, None
    last = parts[-1] if parts else s
    geo = _GEO.match(last)
    if geo:
        where = geo.group(1)
        return "aws-bedrock", {"global": "global", "us-gov": "us-gov"}.get(where, "regional"), where
    if (channel in (None, "aws-bedrock")) and _VENDOR.match(last) and "/" not in last:
        return "aws-bedrock", variant or "regional", None  # a bare in-region Bedrock id
    if channel is None and "@" in last:
        return "google-vertex", None, None
    return channel, variant, None


def is_makers_own_id(name: str, model: str) -> bool:
    """The model's own id as its maker spells it (perhaps dated), with no channel grammar around it."""
    if _MARKS.search(name) or _GEO.match(name.lower()) or _VENDOR.match(name.lower()):
        return False
    return parse(name).key == parse(model).key


def named(aliases: Mapping[str, Sequence], models: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(name, model) for every name a catalog knows: each alias and its target model, each model's own id."""
    for alias, target in aliases.items():
        yield alias, target[0]
    for model in models:
        yield model, model


def add_keys(index: dict[str, set[str]], names: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """`index` (match key -> models) with the keys of (name, model) pairs added."""
    for name, model in names:
        index.setdefault(parse(name).key, set()).add(model)
    return index


def key_index(catalog) -> dict[str, set[str]]:
    """Match key -> models, over every name the catalog knows, parsed now (the bundled catalog's is stored
    by `catalog build`, see `stored_keys`; this is for catalogs built in memory). A moving alias is reached by
    its own spellings only, never through a grammar (`catalog/moving.py`)."""
    only = {m for m, entry in catalog.models.items() if getattr(entry, "family", None) == MOVING}
    return add_keys({}, ((n, m) for n, m in named(catalog.aliases, catalog.models) if m not in only))


def stored_keys(aliases: Mapping[str, Sequence], models: Iterable[str]) -> dict[str, list[str]]:
    """The key index as `catalog build` writes it next to the snapshot (sorted: a deterministic file)."""
    index = add_keys({}, named(aliases, models))
    return {k: sorted(v) for k, v in sorted(index.items())}


def lookup(catalog, name: str, index: dict[str, set[str]]) -> tuple[str, str | None, str | None] | None:
    """A name outside the index, read through the channel grammars: (model, channel, variant), channel and
    variant None where the grammar names none the model has; None when it names no single model."""
    p = parse(name)
    models = index.get(p.key, set())
    if len(models) != 1:
        exact = [m for m in models if m == p.base]  # a dated snapshot model beside its family: the id's own
        if len(exact) != 1:
            return None
        models = set(exact)
    model = next(iter(models))
    channel, variant, geo = channel_hint(name)
    if channel is None:
        return model, None, None
    offers = [o for o in catalog.offers_for(model) if o.channel == channel]
    if geo is not None:  # the offer that lists an id with the same geo prefix (eu. -> the EU profile)
        same = [o for o in offers if any(i.lower().startswith(f"{geo}.") for i in o.ids)]
        if same:
            return model, channel, same[0].variant
    chosen = [o for o in offers if variant is None or o.variant == variant]
    if variant is None:
        chosen = [o for o in chosen if o.variant_kind == "standard"] or chosen
    if not chosen:
        return model, None, None
    return model, channel, chosen[0].variant


_REGION_MARK = {
    "eu": re.compile(r"(^|/)eu[.\-/]|(^|/)eu$"),
    "us": re.compile(r"(^|/)us[.\-/](?!gov)|(^|/)us$"),
    "apac": re.compile(r"(^|/)(apac|ap)[.\-/]"),
    "jp": re.compile(r"(^|/)jp\."),
    "au": re.compile(r"(^|/)au\."),
}


def region_ids(ids: tuple[str, ...] | list[str], region: str) -> list[str]:
    """The ids that pin a request to `region` (Bedrock `eu.` profiles, `azure/eu/`, `bedrock/eu-west-1/`)."""
    mark = _REGION_MARK.get(region)
    return [] if mark is None else [i for i in ids if mark.search(i.lower())]


def names_regions(ids: tuple[str, ...] | list[str]) -> bool:
    """Whether any id carries a region marker (then the region must be among them)."""
    return any(region_ids(ids, r) for r in _REGION_MARK)
