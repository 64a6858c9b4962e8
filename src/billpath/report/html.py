"""A self-contained HTML report of a priced usage log: the page's own CSS, charts and renderer, inlined.

The report opens from disk with no server and no network; its Content-Security-Policy allows only
the inlined script and style (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from datetime import UTC, datetime
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
BOOT = 'renderPriceLog(document.getElementById("report"), JSON.parse(document.getElementById("data").textContent));'


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _script_json(payload: dict) -> str:
    """JSON safe inside <script type="application/json">: no `</`, no HTML comment openers."""
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def price_log_report(payload: dict, title: str = "usage log") -> str:
    """The HTML report of one `price-log` result (its `to_dict()` JSON)."""
    style = (STATIC / "style.css").read_text(encoding="utf-8")
    script = (
        (STATIC / "common.js").read_text(encoding="utf-8") + "\n" + (STATIC / "pricelog.js").read_text(encoding="utf-8")
    )
    csp = f"default-src 'none'; script-src {_sha256(script)} {_sha256(BOOT)}; style-src {_sha256(style)}; img-src data:"
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    t = html.escape(title)
    total = html.escape(str(payload.get("total_usd", "")))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>billpath report: {t}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>billpath report</h1>
<p>{t} · priced {made} · money is exact; hover a figure for its exact value</p>
</header>
<noscript><p>Total: ${total} over {int(payload.get("rows_total", 0))} rows. Enable JavaScript for the tables and charts;
the full data is in this file's JSON block.</p></noscript>
<main id="report"></main>
<script type="application/json" id="data">{_script_json(payload)}</script>
<script>{script}</script>
<script>{BOOT}</script>
</body>
</html>
"""
