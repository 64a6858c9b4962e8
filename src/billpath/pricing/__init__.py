"""The pricing rules (stated once in `rules`) and their two evaluators: exact (Decimal) and table (SQL)."""
