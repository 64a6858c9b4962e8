"""catalog build | validate."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import app

catalog_app = typer.Typer(help="Build and validate the price book.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command("build")
def catalog_build(
    check: Annotated[bool, typer.Option(help="Fail if the committed snapshot differs from a fresh build.")] = False,
) -> None:
    """Rebuild the bundled snapshot from catalog/data and the vendored sources (deterministic)."""
    from billpath.catalog.build import build, stale_files, write
    from billpath.errors import CatalogError

    snapshot = build()
    if check:
        stale = stale_files(snapshot)
        if stale:
            raise CatalogError(
                f"the committed catalog snapshot is stale ({', '.join(stale)}): "
                "run `billpath catalog build` and commit it"
            )
        typer.echo("catalog snapshot is up to date")
        return
    for path in write(snapshot):
        typer.echo(f"wrote {path}")


@catalog_app.command("validate")
def catalog_validate() -> None:
    """Validate the catalog files strictly (schema, sources, dates, tiers, aliases)."""
    from billpath.catalog.build import build
    from billpath.catalog.extras_schema import validate_extras

    snapshot = build()
    plans, discounts = validate_extras()
    typer.echo(
        f"catalog ok: {len(snapshot['models'])} models, {len(snapshot['channels'])} channels, "
        f"{len(snapshot['offers'])} offers, {plans} plans, {discounts} discount entries"
    )
