"""Where a logged call was bought: logged model + provider (+ variant) -> canonical model, channel, variant.

A channel-specific model id selects its channel and variant (`us.anthropic.…` is Bedrock's regional
offer, `anthropic/claude-sonnet-4.6` is OpenRouter). A provider name maps to a channel (LiteLLM's
`custom_llm_provider`, OTel's `gen_ai.provider.name`, OpenRouter's `provider_name`). A provider marked
weak (an API flavour, not a billing channel) loses to a channel-specific id. A log that names no
channel at all is priced on the maker's own channel, and the note says so. Nothing is guessed by
substring: what cannot be resolved is unpriced, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from billpath.catalog.moving import unlisted_note
from billpath.catalog.names import normalize_name
from billpath.catalog.store import Catalog, Resolved, default_variants
from billpath.errors import UnknownModel

WEAK = "~"
SERVICE_TIERS = ("flex", "priority")
PLAIN_TIERS = ("default", "auto")  # service_tier values that mean the standard tier
# A service-tier variant, perhaps of a location: `flex`, `priority`, `regional-flex`, `us-gov-priority`.
TIER = re.compile(r"^(?:(?P<where>.+)-)?(?P<tier>flex|priority)$")
# Provider names seen in logs -> channel ids (LiteLLM providers, OTel provider names, OpenRouter
# provider_name, people's spelling). Keys are normalised with `normalize_name`.
PROVIDERS = {
    "anthropic": "anthropic",
    "openai": "openai",
    "text-completion-openai": "openai",
    "deepseek": "deepseek",
    "google": "google",
    "gemini": "google",
    "google-ai-studio": "google",
    "gcp.gemini": "google",
    "gcp.gen-ai": "google",
    "google-vertex": "google-vertex",
    "vertex": "google-vertex",
    "vertex-ai": "google-vertex",
    "vertex_ai": "google-vertex",
    "vertex-ai-beta": "google-vertex",
    "gcp.vertex-ai": "google-vertex",
    "gcp.vertex_ai": "google-vertex",
    "aws-bedrock": "aws-bedrock",
    "bedrock": "aws-bedrock",
    "bedrock-converse": "aws-bedrock",
    "bedrock-mantle": "aws-bedrock",
    "amazon-bedrock": "aws-bedrock",
    "aws.bedrock": "aws-bedrock",
    "azure": "azure",
    "azure-ai": "azure",
    "azure-openai": "azure",
    "azure.ai.openai": "azure",
    "azure.ai.inference": "azure",
    "az.ai.openai": "azure",
    "az.ai.inference": "azure",
    "microsoft-azure": "azure",
    "openrouter": "openrouter",
    "together": "together",
    "together-ai": "together",
    "togetherai": "together",
    "fireworks": "fireworks",
    "fireworks-ai": "fireworks",
}
HOSTS = (
    ("openrouter.ai", "openrouter"),
    ("api.anthropic.com", "anthropic"),
    ("api.openai.com", "openai"),
    ("api.deepseek.com", "deepseek"),
    ("generativelanguage.googleapis.com", "google"),
    ("aiplatform.googleapis.com", "google-vertex"),
    ("amazonaws.com", "aws-bedrock"),
    ("openai.azure.com", "azure"),
    ("services.ai.azure.com", "azure"),
    ("models.ai.azure.com", "azure"),
    ("api.together.xyz", "together"),
    ("api.together.ai", "together"),
    ("api.fireworks.ai", "fireworks"),
)


def channel_for_host(host: str) -> str | None:
    host = host.lower().strip().rstrip(".")
    for suffix, channel in HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return channel
    return None


def channel_for_provider(catalog: Catalog, name: str) -> str | None:
    key = normalize_name(name)
    if key in catalog.channels:
        return key
    return PROVIDERS.get(key) or PROVIDERS.get(key.replace("_", "-"))


@dataclass
class Route:
    """A resolved route, or the reason a logged name cannot be priced (`reason` set, model maybe None)."""

    model: str | None = None
    channel: str | None = None
    variant: str | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None


def _resolve_model(catalog: Catalog, raw: str) -> Resolved:
    """Resolve a logged model name; provider prefixes (`bedrock/`, `azure/`) are tried off one by one."""
    name = raw.strip()
    while True:
        # Only names the catalog knows reach `resolve` (its error for an unknown name searches for
        # the closest ones, which is slow on a large catalog and not needed here).
        hit = catalog.lookup(name)
        if hit is not None:
            return hit
        if "/" not in name:
            raise UnknownModel(f"unknown model {raw!r}")
        name = name.split("/", 1)[1]


def tier_variant(variant: str, known: set[str], default: str | None) -> str | None:
    """The offer variant a service-tier request is priced on (`flex`, `~regional-priority` from a bill, or a
    log's `service_tier`), or None when the catalog has no price for that tier there.

    A channel names a tier of its default location plainly (`flex`) and a tier of another location after it
    (`regional-flex` beside a global default). So `regional-flex` is `flex` when the default is the regional
    offer or no other regional variant exists, and needs `regional-flex` itself when the channel sells a
    separate regional variant; a `default` tier is the standard offer itself.
    """
    m = TIER.match(variant)
    if m is None:
        return None
    if variant in known:
        return variant
    where, tier = m["where"], m["tier"]
    if where and where in known and where != default:
        return None  # that location is sold apart, and its tier is not priced
    return tier if tier in known else None


class Router:
    """Resolves routes for one catalog (memoised: a log has few distinct names)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._memo: dict[tuple[str, str, str], Route] = {}

    def _variants(self, model: str, channel: str) -> tuple[set[str], str | None]:
        """The variants `channel` sells `model` in, and the one a log without a variant gets."""
        offers = [o for o in self.catalog.offers_for(model) if o.channel == channel]
        return {o.variant for o in offers}, default_variants(offers).get((model, channel))

    def route(self, raw_model: str, raw_provider: str = "", raw_variant: str = "") -> Route:
        key = (raw_model, raw_provider, raw_variant)
        if key not in self._memo:
            self._memo[key] = self._route(*key)
        return self._memo[key]

    def _route(self, raw_model: str, raw_provider: str, raw_variant: str) -> Route:
        try:
            resolved = _resolve_model(self.catalog, raw_model)
        except UnknownModel as exc:
            return Route(reason=str(exc))
        r = Route(model=resolved.model)
        alias = self.catalog.moving.get(resolved.model)
        if alias is not None:
            moves = "; ".join(f"{w.target} {w.span()}" for w in alias.windows)
            r.notes.append(
                f"{raw_model!r} is a moving alias: each row is priced on the model it named on the row's date "
                f"({moves}; source {alias.url}, checked {alias.checked})"
            )
        unlisted = unlisted_note(raw_model, resolved.model, self.catalog.moving)
        if unlisted:
            r.notes.append(unlisted)
        weak = raw_provider.startswith(WEAK)
        provider = raw_provider.removeprefix(WEAK).strip()
        channel = channel_for_provider(self.catalog, provider) if provider else None
        if provider and channel is None and not weak:
            r.reason = f"unknown channel {provider!r}"
            return r
        if resolved.channel and channel and resolved.channel != channel:
            if weak:
                r.notes.append(
                    f"{raw_model!r} is {resolved.channel}'s model id: priced on {resolved.channel} "
                    f"(the log's provider {provider!r} names the API, not the seller)"
                )
                channel = resolved.channel
            else:
                r.notes.append(
                    f"{raw_model!r} is {resolved.channel}'s model id, but the log says {channel}: priced on {channel}"
                )
        channel = channel or resolved.channel
        if channel is None:
            channel = self.catalog.direct_channel(resolved.model)
            if channel is None:
                r.reason = f"the log names no channel and {resolved.model} has no maker's own channel to assume"
                return r
            if provider:  # a weak name that is not a channel (an application priced at the makers' API rates)
                r.notes.append(f"{provider} rows: {resolved.model} priced on its maker's own channel ({channel})")
            else:
                r.notes.append(f"no channel in the log: {resolved.model} priced on its maker's own channel ({channel})")
        r.channel = channel
        if self.catalog.channels[channel].kind == "application":
            r.reason = f"{channel} is an application channel: usage is bundled in a subscription, not priced per token"
            return r
        known, default = self._variants(resolved.model, channel)
        if not known:
            r.reason = f"{channel} does not sell {resolved.model}"
            return r
        hint = raw_variant.startswith(WEAK)  # a weak variant: a bill's hint, used where the channel sells it
        variant = raw_variant.removeprefix(WEAK).strip() or (resolved.variant if resolved.channel == channel else None)
        if variant in PLAIN_TIERS and variant not in known:
            variant = None  # `service_tier: default` (Bedrock) or `auto`: the standard offer
        if variant and TIER.match(variant) and variant not in known:
            tier = tier_variant(variant, known, default)
            if tier is None:
                r.reason = (
                    f"no {variant} service-tier price for {resolved.model} on {channel} "
                    f"(known: {', '.join(sorted(known))}); never priced at another tier's"
                )
                return r
            variant = tier
        if hint and variant not in known:
            variant = None
        variant = variant or default
        if variant is None:
            r.reason = (
                f"{channel} sells {resolved.model} only in service tiers ({', '.join(sorted(known))}): "
                "a row that names none has no standard price"
            )
            return r
        if variant not in known:
            r.reason = f"no {variant!r} price for {resolved.model} on {channel} (known: {', '.join(sorted(known))})"
            return r
        r.variant = variant
        return r
