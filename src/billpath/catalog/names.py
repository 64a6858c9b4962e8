"""Name normalization shared by the catalog build and name resolution."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s_]+")


def normalize_name(name: str) -> str:
    """Case- and spacing-insensitive key: 'Claude Opus 4.8' -> 'claude-opus-4.8'."""
    return _SPACES.sub("-", name.strip().lower())


def loose_name(name: str) -> str:
    """Also dot-insensitive: 'claude-opus-4.8' and 'claude-opus-4-8' meet here."""
    return normalize_name(name).replace(".", "-")
