"""`billpath catalog check`: every offer where the sources disagree, both values, and the rule that decided.

Sources: the curated files, genai-prices (GP) and litellm (LL) package data, OpenRouter's API (via
`catalog update`). The count is kept in docs/catalog.md (a test fails when it drifts):
regenerate that block with `python -m billpath.catalog.crosscheck --docs`.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs" / "catalog.md"
BEGIN, END = (
    "<!-- catalog-check:begin (generated: python -m billpath.catalog.crosscheck --docs) -->",
    "<!-- catalog-check:end -->",
)
RULES = {
    "curated": "the hand-checked curated file wins over every import for that model on that channel",
    "update": "a user's `catalog update` override wins over the bundled sources",
    "dated-history": "genai-prices has dated price blocks for the offer (litellm keeps no history)",
    "genai-prices-first": "otherwise genai-prices wins (exact decimals, a reference per provider)",
    "fill-tiers": "litellm adds long-context tiers genai-prices lacks (base prices agree)",
    "fill-batch": "litellm adds a batch price genai-prices lacks (base prices agree)",
    "fill-retired": "litellm's retirement date (deprecation_date) ends an offer genai-prices still lists",
    "first-id": (
        "one source lists two prices for one offer: a geo-prefixed Bedrock id beats a bare one, else the first id"
    ),
}


def run_check() -> dict:
    """The disagreement list of a fresh build (curated files + vendored sources)."""
    from billpath.catalog.build import curated_offers, import_sources, load_sources

    models, files = load_sources()
    curated = curated_offers(models, files)
    result, sources = import_sources(models, curated, {f.channel.id for f in files})
    items = sorted(result.disagreements, key=lambda d: (d["model"], d["channel"], d["variant"], d["other"]))
    rules = Counter(rule for d in items for rule in d["rule"].split("+"))
    return {
        "count": len(items),
        "offers": len({(d["model"], d["channel"], d["variant"]) for d in items}),
        "by_rule": dict(sorted(rules.items())),
        "rules": RULES,
        "sources": sources,
        "stats": result.stats,
        "disagreements": items,
    }


def docs_block(payload: dict) -> str:
    lines = [
        BEGIN,
        f"`billpath catalog check` reports **{payload['count']}** disagreements (an offer, and a source that states "
        f"a different price, tier, batch price or retirement date for it) on **{payload['offers']}** offers.",
        "",
        "| rule | disagreements | meaning |",
        "|---|---|---|",
        *(f"| `{rule}` | {n} | {RULES.get(rule, '')} |" for rule, n in payload["by_rule"].items()),
        "",
        "Import counts: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(payload["stats"].items())) + ".",
        END,
    ]
    return "\n".join(lines)


def write_docs(payload: dict, path: Path = DOCS) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + docs_block(payload) + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--docs"]:
        write_docs(run_check())
        print(f"updated {DOCS}")
    else:
        print(__doc__)
