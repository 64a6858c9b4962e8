"""Usage: the canonical record and table, readers for real export formats, synthetic workloads."""
