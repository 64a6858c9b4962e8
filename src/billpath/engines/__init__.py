"""Engines the price-log driver runs on: DuckDB (embedded, the default) and Spark (local or cluster)."""
