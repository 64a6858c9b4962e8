"""Names of a tier's price fields (USD per million tokens, and per request), in snapshot order.

A leaf module so the checks (`validate`, `update_check`) need not import the runtime store, which loads
local updates through them; `store.PRICE_FIELDS` is the same tuple, read off `TierPrices` (tested).
"""

PRICE_FIELDS = (
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_5m_per_mtok",
    "cache_write_1h_per_mtok",
    "reasoning_per_mtok",
    "per_request",
)
