"""User-level price overrides: what `billpath catalog update` writes and the runtime loader honours.

One JSON file per source in `override_dir()` ($BILLPATH_HOME/overrides or
$XDG_CONFIG_HOME/billpath/overrides). An override's offers replace the bundled offers of the same model on
the same channel; its new models and names are added. The installed package is never edited.
"""

from __future__ import annotations

import json
from pathlib import Path

from billpath.errors import CatalogError


def override_dir() -> Path:
    """$BILLPATH_HOME/overrides, else $XDG_CONFIG_HOME/billpath/overrides (default ~/.config)."""
    import os

    home = os.environ.get("BILLPATH_HOME")
    if home:
        return Path(home) / "overrides"
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "billpath" / "overrides"


def override_path(source: str) -> Path:
    return override_dir() / f"{source}.json"


def load_overrides(directory: Path | None = None) -> dict:
    """Every override file merged: {"models": [...], "offers": {model: [...]}, "aliases": {...}}."""
    directory = directory or override_dir()
    models: list[dict] = []
    offers: dict[str, list[dict]] = {}
    aliases: dict[str, list] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CatalogError(f"override file {path} is unreadable ({exc}): fix or delete it") from None
        models += data.get("models", [])
        for o in data.get("offers", []):
            offers.setdefault(o["model"], []).append(o)
        aliases.update(data.get("aliases", {}))
    return {"models": models, "offers": offers, "aliases": aliases}


def write_override(source: str, payload: dict) -> Path:
    path = override_path(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
