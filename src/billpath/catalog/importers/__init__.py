"""Importers: turn third-party price data into billpath offers at catalog-build time (never at pricing time).

* `genai_prices` reads the vendored extract of the genai-prices package data (catalog/sources/genai-prices.json);
* `litellm` reads the vendored, trimmed copy of litellm's model_prices_and_context_window.json;
* `openrouter` reads OpenRouter's `/api/v1/models` and `/api/v1/models/{author}/{slug}/endpoints` JSON.

Each yields `Imported` records (see `common`); `canon` maps their ids to canonical models and `merge`
joins them with the curated files (curated wins) and lists every disagreement with the rule that decided it.
"""
