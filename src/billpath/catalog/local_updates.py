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


def load_overrides(directory: Path | None = None, known: tuple[set[str], set[str]] | None = None) -> dict:
    """Every override file merged: {"models": [...], "offers": {model: [...]}, "aliases": {...}}.

    Each file is checked in full as it is read (`update_check.check_file`; `known` is the bundled
    catalog's model and channel ids): a broken one is a one-line error naming it and how to remove it.
    """
    from billpath.catalog.update_check import broken, check_file

    directory = directory or override_dir()
    models: list[dict] = []
    offers: dict[str, list[dict]] = {}
    aliases: dict[str, list] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, ValueError, RecursionError) as exc:
            raise broken(path, f"unreadable: {getattr(exc, 'strerror', None) or exc}") from None
        check_file(path, data, known)
        models += data.get("models", [])
        for o in data.get("offers", []):
            offers.setdefault(o["model"], []).append(o)
        aliases.update(data.get("aliases", {}))
    return {"models": models, "offers": offers, "aliases": aliases}


def write_override(source: str, payload: dict) -> Path:
    """Write atomically: a temporary file in the same directory, flushed, then renamed over the old one
    (an interrupted update leaves the previous file, never half of one)."""
    import os
    import tempfile

    path = override_path(source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{source}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise CatalogError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
