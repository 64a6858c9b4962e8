"""JSON Schemas of the API's answers, for /openapi.json (and so for schemathesis to check them)."""

from __future__ import annotations

from typing import Any

MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "Exact decimal string, US dollars."}
NUMBER_TEXT = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
NULLABLE_NUMBER_TEXT = {"anyOf": [NUMBER_TEXT, {"type": "null"}]}
SIGNED_MONEY = {"type": "string", "pattern": r"^[+-]?\d+(\.\d+)?$", "description": "Exact signed decimal, USD."}
VERDICT = {"type": "string", "description": "One or two sentences answering the question, before any table."}
SOURCE = {
    "type": "object",
    "required": ["url", "checked"],
    "properties": {"url": {"type": "string"}, "checked": {"type": "string"}},
}
KIND = {"type": "string", "enum": ["direct", "cloud", "aggregator", "application"]}
UNAVAILABLE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["channel", "reason"],
        "properties": {"channel": {"type": "string"}, "reason": {"type": "string"}},
    },
}

QUOTE: dict[str, Any] = {
    "type": "object",
    "required": ["channel", "channel_kind", "variant", "cost", "markup_vs_direct_pct", "notes", "source"],
    "properties": {
        "channel": {"type": "string"},
        "channel_kind": KIND,
        "variant": {"type": "string"},
        "channel_model_id": {"type": "string"},
        "cost": {
            "type": "object",
            "required": ["total", "fees"],
            "properties": {"total": MONEY, "fees": MONEY},
            "additionalProperties": MONEY,
        },
        "markup_vs_direct_pct": NULLABLE_NUMBER_TEXT,
        "notes": {"type": "array", "items": {"type": "string"}},
        "effective_from": {"type": "string"},
        "available_from": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "source": SOURCE,
    },
}

API_QUOTE: dict[str, Any] = {
    **QUOTE,
    "properties": {
        **QUOTE["properties"],
        "channel_kind": {"type": "string", "enum": ["direct", "cloud", "aggregator"]},
    },
}
SEAT_QUOTE: dict[str, Any] = {
    **QUOTE,
    "properties": {**QUOTE["properties"], "channel_kind": {"type": "string", "enum": ["application"]}},
}

COMPARE = {
    "title": "Comparison",
    "description": "The same object as `billpath compare --format json`: API channels in `quotes`, seats apart.",
    "type": "object",
    "required": ["model", "verdict", "at", "usage", "quotes", "seats", "unavailable"],
    "properties": {
        "model": {"type": "string"},
        "verdict": VERDICT,
        "at": {"type": "string", "format": "date"},
        "usage": {"type": "object", "additionalProperties": NUMBER_TEXT},
        "quotes": {"type": "array", "items": API_QUOTE},
        "seats": {"type": "array", "items": SEAT_QUOTE},
        "unavailable": UNAVAILABLE,
    },
}

MODELS = {
    "title": "Models",
    "description": "The same object as `billpath models --format json`.",
    "type": "object",
    "required": ["models"],
    "properties": {
        "models": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "maker", "channels"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "maker": {"type": "string"},
                    "channels": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

CHANNELS = {
    "title": "Channels",
    "description": "The same object as `billpath channels --format json`.",
    "type": "object",
    "required": ["channels"],
    "properties": {
        "channels": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "kind", "name"],
                "properties": {"id": {"type": "string"}, "kind": KIND, "name": {"type": "string"}},
            },
        }
    },
}

CATALOG = {
    "title": "CatalogInfo",
    "type": "object",
    "required": ["version", "models", "channels", "offers", "sources_checked"],
    "properties": {
        "version": {"type": "string"},
        "models": {"type": "integer"},
        "channels": {"type": "integer"},
        "offers": {"type": "integer"},
        "sources_checked": {
            "type": "object",
            "properties": {"oldest": {"type": "string"}, "newest": {"type": "string"}},
        },
        "endpoints": {"type": "array", "items": {"type": "string"}},
        "input_formats": {"type": "array", "items": {"type": "string"}},
    },
}

PRICE_LOG = {
    "title": "PricedLog",
    "description": "The same object as `billpath price-log --format json`.",
    "type": "object",
    "required": [
        "rows_total",
        "rows_priced",
        "rows_unpriced",
        "rows_rejected",
        "total_usd",
        "by_model",
        "reprice",
        "unpriced",
        "rejected",
        "verdict",
        "best_mix",
    ],
    "properties": {
        "verdict": VERDICT,
        "best_mix": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["total_usd", "delta_usd", "by_model"],
                    "properties": {
                        "total_usd": MONEY,
                        "delta_usd": SIGNED_MONEY,
                        "by_model": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["model", "channel", "variant", "total_usd"],
                                "properties": {
                                    "model": {"type": "string"},
                                    "channel": {"type": "string"},
                                    "variant": {"type": "string"},
                                    "total_usd": MONEY,
                                },
                            },
                        },
                    },
                },
            ]
        },
        "rows_total": {"type": "integer"},
        "rows_priced": {"type": "integer"},
        "rows_unpriced": {"type": "integer"},
        "rows_rejected": {"type": "integer"},
        "total_usd": MONEY,
        "by_model": {"type": "array"},
        "reprice": {"type": "object", "additionalProperties": MONEY},
        "unpriced": {"type": "array"},
        "rejected": {"type": "array"},
    },
}

RECOMMEND = {
    "title": "Recommendation",
    "description": "The same object as `billpath recommend --format json`.",
    "type": "object",
    "required": ["verdict", "ranking", "excluded", "break_even", "seats"],
    "properties": {
        "verdict": VERDICT,
        "seats": {"type": "array", "items": {"type": "object"}},
        "ranking": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["channel", "monthly_cost", "reasons"],
                "properties": {
                    "channel": {"type": "string"},
                    "monthly_cost": MONEY,
                    "reasons": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "excluded": UNAVAILABLE,
        "break_even": {"type": "object"},
    },
}

PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "suggestions": {"type": "array", "items": {"type": "string"}, "description": "Closest known names."},
    },
}


def ok(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def problems(*statuses: int) -> dict:
    reasons = {
        400: "Bad request (a user error, with its message)",
        404: "Unknown model or channel (the message names the closest known)",
        413: "Upload larger than the server's limit",
        422: "Invalid parameter or usage",
        504: "Request took longer than the server's limit",
    }
    content = {"application/problem+json": {"schema": PROBLEM_SCHEMA}}
    return {s: {"description": reasons[s], "content": content} for s in statuses}
