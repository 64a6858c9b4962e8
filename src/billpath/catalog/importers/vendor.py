"""Refresh the vendored importer inputs in catalog/sources/ (maintainers only; no network).

    python -m billpath.catalog.importers.vendor genai-prices          # from the installed, pinned package
    python -m billpath.catalog.importers.vendor litellm FILE          # litellm's model_prices_and_context_window JSON

The build reads only these files, so a clean clone rebuilds the same snapshot without the packages.
Facts only (prices, ids, context sizes) with attribution; no code is copied. Both sources are MIT licensed.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

SOURCES = Path(__file__).parent.parent / "sources"
GP_FILE = SOURCES / "genai-prices.json"
LL_FILE = SOURCES / "litellm.json"

# genai-prices price keys that are per-token or per-request (the rest are audio, images, searches...).
GP_KEYS = (
    "input_mtok",
    "output_mtok",
    "cache_read_mtok",
    "cache_write_mtok",
    "cache_write_1h_mtok",
    "output_reasoning_mtok",
    "requests_kcount",
)
LL_MODES = ("chat", "responses")
_LL_COST = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost"
    r"|output_cost_per_reasoning_token|input_cost_per_request)"
)
_LL_KEEP = (
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "source",
    "deprecation_date",
    "regional_endpoint_uplift_multiplier",
    "regional_processing_uplift_multiplier_eu",
    "regional_processing_uplift_multiplier_us",
    "supports_prompt_caching",
    "supports_reasoning",
    "supports_web_search",
)


def _dump(data: dict) -> str:
    """One JSON object per line below the top level: compact, and diffs stay readable."""
    lines = ["{"]
    items = list(data.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(value, list):
            lines.append(f"{json.dumps(key)}: [")
            lines += [
                json.dumps(v, ensure_ascii=False) + ("," if j < len(value) - 1 else "") for j, v in enumerate(value)
            ]
            lines.append("]" + comma)
        elif isinstance(value, dict) and key in ("models",):
            lines.append(f"{json.dumps(key)}: {{")
            sub = list(value.items())
            lines += [
                f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" + ("," if j < len(sub) - 1 else "")
                for j, (k, v) in enumerate(sub)
            ]
            lines.append("}" + comma)
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- genai-prices -------------------------------------------------------------------------------------------


def _match_ids(clause) -> list[str]:
    """The literal ids a genai-prices match clause names (equals / starts_with); contains and regex are skipped."""
    name = type(clause).__name__
    if name == "ClauseEquals":
        return [clause.equals]
    if name == "ClauseStartsWith":
        return [clause.starts_with]
    if name in ("ClauseOr", "ClauseAnd"):
        parts = clause.or_ if name == "ClauseOr" else clause.and_
        return [i for c in parts for i in _match_ids(c)] if name == "ClauseOr" else []
    return []


def _gp_value(value):
    if value is None:
        return None
    if hasattr(value, "tiers"):
        return {"base": str(value.base), "tiers": [[t.start, str(t.price)] for t in value.tiers]}
    return str(value)


def _gp_prices(mp) -> dict:
    out = {}
    for key in GP_KEYS:
        value = getattr(mp, key, None)
        if value is not None:
            out[key] = _gp_value(value)
    return out


def _gp_constraint(c) -> dict:
    if c is None:
        return {}
    if type(c).__name__ == "StartDateConstraint":
        return {"start_date": c.start_date.isoformat()}
    return {"time_of_day": [c.start_time.isoformat(), c.end_time.isoformat()]}


def extract_genai_prices() -> dict:
    """The installed genai-prices data as plain JSON (token prices, ids, dated blocks, variants)."""
    import genai_prices
    from genai_prices.data import providers

    version = getattr(genai_prices, "__version__", None)
    if version is None:
        from importlib.metadata import version as pkg_version

        version = pkg_version("genai-prices")
    out, models = [], []
    for p in providers:
        for m in p.models:
            blocks = m.prices if isinstance(m.prices, list) else [m.prices]
            prices = []
            for b in blocks:
                mp = getattr(b, "prices", b)
                prices.append({**_gp_constraint(getattr(b, "constraint", None)), "prices": _gp_prices(mp)})
            variants = [
                {"when": v.when, **_gp_constraint(v.constraint), "prices": _gp_prices(v.prices)}
                for v in (m.price_variants or [])
            ]
            ids = list(dict.fromkeys([m.id, *_match_ids(m.match)]))
            entry: dict[str, object] = {
                "provider": p.id,
                "id": m.id,
                "ids": ids,
                "name": m.name,
                "context_window": m.context_window,
            }
            if m.deprecated:
                entry["deprecated"] = True
            entry["prices"] = prices
            if variants:
                entry["variants"] = variants
            models.append(entry)
        out.append(
            {
                "id": p.id,
                "name": p.name,
                "pricing_urls": p.pricing_urls or [],
                "fallback_model_providers": p.fallback_model_providers or [],
            }
        )
    return {
        "source": {
            "package": "genai-prices",
            "version": version,
            "url": f"https://pypi.org/project/genai-prices/{version}/",
            "repository": "https://github.com/pydantic/genai-prices",
            "license": "MIT",
            "note": "token prices extracted from genai_prices.data; facts only, no code",
        },
        "providers": out,
        "models": models,
    }


# --- litellm ------------------------------------------------------------------------------------------------


def trim_litellm(path: Path, version: str) -> dict:
    """litellm's price map cut to chat models and their token prices."""
    return trim_litellm_data(json.loads(path.read_text(encoding="utf-8")), version)


def trim_litellm_data(raw: dict, version: str) -> dict:
    models = {}
    for key in sorted(raw):
        entry = raw[key]
        if not isinstance(entry, dict) or entry.get("mode") not in LL_MODES:
            continue
        kept = {k: v for k, v in entry.items() if k in _LL_KEEP or (_LL_COST.match(k) and "audio" not in k)}
        if "provider_specific_entry" in entry:
            kept["provider_specific_entry"] = entry["provider_specific_entry"]
        models[key] = dict(sorted(kept.items()))
    return {
        "source": {
            "package": "litellm",
            "version": version,
            "url": f"https://pypi.org/project/litellm/{version}/",
            "file": "litellm/model_prices_and_context_window_backup.json",
            "repository": "https://github.com/BerriAI/litellm",
            "license": "MIT",
            "note": "chat and responses entries only, token-price fields only; floats kept as published",
        },
        "models": models,
    }


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("genai-prices", "litellm"):
        print(__doc__)
        return 2
    checked = date.today().isoformat()
    if argv[0] == "genai-prices":
        data = extract_genai_prices()
        data["source"]["checked"] = argv[1] if len(argv) > 1 else checked
        GP_FILE.write_text(_dump(data), encoding="utf-8")
        print(f"wrote {GP_FILE}")
    else:
        if len(argv) < 3:
            print("usage: vendor litellm FILE VERSION [CHECKED]")
            return 2
        data = trim_litellm(Path(argv[1]), argv[2])
        data["source"]["checked"] = argv[3] if len(argv) > 3 else checked
        LL_FILE.write_text(_dump(data), encoding="utf-8")
        print(f"wrote {LL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
