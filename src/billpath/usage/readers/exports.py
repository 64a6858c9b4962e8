"""The application-export and cloud-bill readers, registered in one place (names as `--input-format` takes them)."""

from __future__ import annotations

from billpath.usage.readers.registry import Readers

EXPORT_READERS = Readers(
    {
        "cursor-csv": "cursor_csv",
        "cursor-api": "cursor_api",
        "copilot-usage": "copilot_usage",
        "aws-cur": "aws_cur",
        "focus": "focus",
        "azure-cost": "azure_cost",
        "gcp-billing": "gcp_billing",
    }
)
# Detection order for CSV headers and JSON records (most specific first).
CSV_DETECT = ("focus", "aws-cur", "cursor-csv", "copilot-usage", "azure-cost")
JSON_DETECT = ("cursor-api", "gcp-billing")
# Formats whose rows are bill lines (one token type each): reconciled per model, day and line type.
BILL_FORMATS = frozenset({"aws-cur", "focus", "azure-cost", "gcp-billing"})
# Formats whose rows are a team's Cursor usage: the Teams Cursor Token Rate applies.
CURSOR_FORMATS = frozenset({"cursor-csv", "cursor-api"})
# What each format is, for the README's generated formats table (scripts/gen_docs.py).
EXPORT_DESCRIPTIONS = {
    "cursor-csv": (
        "Cursor dashboard usage CSV, every header generation (disjoint buckets: `Input (w/ Cache Write)` is the "
        "cache write, `Input (w/o Cache Write)` the plain input); priced at the makers' API rates plus the Cursor "
        "Token Rate on team exports; per user",
        "cursor-usage.csv",
    ),
    "cursor-api": (
        "Cursor Admin API usage events (`usageEventsDisplay`, `tokenUsage`, `totalCents`); team accounts, so the "
        "Token Rate applies",
        "cursor-admin-events.json",
    ),
    "copilot-usage": (
        "GitHub Copilot usage report CSV: premium requests (2 generations), the AI Credits transition and the "
        "documented order with token columns; AI credits priced at the makers' list prices, pool "
        "(`discount_amount`) and overage (`net_amount`) per user",
        "copilot-usage-report.csv",
    ),
    "aws-cur": (
        "AWS CUR 2.0 Bedrock line items, parsed from `line_item_usage_type` (region, model key, token type incl. "
        "cache read/write and 1-hour writes, batch/flex/priority, `cross-region-global`, Mantle)",
        "aws-cur-bedrock.csv",
    ),
    "focus": (
        "FOCUS 1.2 cost-and-usage CSV from AWS (`SkuMeter` = usage type), Azure (`FocusCost` meters) and GCP "
        "(SKU descriptions), and billpath's own `--format focus`",
        "focus-aws.csv",
    ),
    "azure-cost": (
        "Azure cost details (Cost Management export): Azure OpenAI / Foundry meters (`meterName`: "
        "`Inp`/`Outp`/`cached`, `glbl`/`Data Zone`/`regnl`)",
        "azure-cost-details.csv",
    ),
    "gcp-billing": (
        "GCP billing export rows (BigQuery, as JSON Lines): Vertex AI and Gemini API SKUs (`sku.description`), "
        "cost plus credits",
        "gcp-billing-export.jsonl",
    ),
}
