"""The published JSON Schema of the hand-edited data files (models.toml, channels/*.toml, plans.toml,
discounts.toml, price overlays), generated from the pydantic specs: `billpath catalog schema`."""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schema"


def schemas() -> dict[str, str]:
    """JSON Schema of the hand-edited data files, from the pydantic models (file name -> text)."""
    from billpath.catalog.plans_schema import DiscountsFile, OverlayFile, PlansFile
    from billpath.catalog.schema import ChannelFile, ModelsFile

    out = {}
    for name, model, title in (
        ("models.schema.json", ModelsFile, "billpath catalog/data/models.toml"),
        ("channel.schema.json", ChannelFile, "billpath catalog/data/channels/<id>.toml"),
        ("plans.schema.json", PlansFile, "billpath catalog/data/plans.toml"),
        ("discounts.schema.json", DiscountsFile, "billpath catalog/data/discounts.toml"),
        ("prices-overlay.schema.json", OverlayFile, "billpath --prices FILE (your negotiated prices)"),
    ):
        schema = model.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}
        out[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def stale_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    return [n for n, text in schemas().items() if not (directory / n).exists() or (directory / n).read_text() != text]


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(exist_ok=True)
    paths = []
    for name, text in schemas().items():
        (directory / name).write_text(text, encoding="utf-8")
        paths.append(directory / name)
    return paths
