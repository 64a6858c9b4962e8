"""The application-export and cloud-bill readers, registered in one place (names as `--input-format` takes them)."""

from __future__ import annotations

from billpath.usage.readers import aws_cur, azure_cost, copilot_usage, cursor_api, cursor_csv, focus, gcp_billing

EXPORT_READERS = {
    "cursor-csv": cursor_csv,
    "cursor-api": cursor_api,
    "copilot-usage": copilot_usage,
    "aws-cur": aws_cur,
    "focus": focus,
    "azure-cost": azure_cost,
    "gcp-billing": gcp_billing,
}
# Detection order for CSV headers and JSON records (most specific first).
CSV_DETECT = ("focus", "aws-cur", "cursor-csv", "copilot-usage", "azure-cost")
JSON_DETECT = ("cursor-api", "gcp-billing")
# Formats whose rows are bill lines (one token type each): reconciled per model, day and line type.
BILL_FORMATS = frozenset({"aws-cur", "focus", "azure-cost", "gcp-billing"})
# Formats whose rows are a team's Cursor usage: the Teams Cursor Token Rate applies.
CURSOR_FORMATS = frozenset({"cursor-csv", "cursor-api"})
