"""billpath: what LLM usage costs on every channel that sells the same model, exactly.

Public API: `compare` (every channel), `quote` (one channel) and `price_log` (a usage log).
Heavy modules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from billpath.api import channels, compare, explain, lag, models, price_log, quote, recommend, scenarios

__all__ = ["channels", "compare", "explain", "lag", "models", "price_log", "quote", "recommend", "scenarios"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in __all__:
        from billpath import api

        return getattr(api, name)
    raise AttributeError(f"module 'billpath' has no attribute {name!r}")
