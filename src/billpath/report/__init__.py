"""Output: terminal tables, JSON, CSV, Markdown (and HTML reports)."""
