"""catalog build | validate | check | audit | schema | update."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import Fmt, FormatOpt, app

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
    """Validate the catalog strictly: curated files, imported offers and your overrides (sources, dates, prices,
    tiers, effective ranges, names)."""
    from billpath.catalog.build import build
    from billpath.catalog.plans_schema import validate_plans_and_discounts
    from billpath.catalog.schema_files import stale_schemas
    from billpath.catalog.validate import validate_snapshot
    from billpath.errors import CatalogError

    snapshot = build()
    plans, discounts = validate_plans_and_discounts()  # plans.toml and discounts.toml (issue 4)
    from billpath.catalog.subscriptions import validate_subscriptions

    plans += validate_subscriptions()  # subscriptions.toml (coding-agent plans, issue 14)
    problems = validate_snapshot(snapshot)
    overrides = _override_problems(snapshot)
    problems += overrides
    if stale_schemas():
        problems.append("the published JSON Schema is stale: run `billpath catalog schema` and commit it")
    if problems:
        for p in problems[:50]:
            typer.echo(p, err=True)
        more = " (first 50 shown)" if len(problems) > 50 else ""
        raise CatalogError(f"catalog invalid: {len(problems)} problem(s){more}")
    typer.echo(
        f"catalog ok: {len(snapshot['models'])} models, {len(snapshot['channels'])} channels, "
        f"{len(snapshot['offers'])} offers, {plans} plans, {discounts} discount entries"
    )


def _override_problems(snapshot: dict) -> list[str]:
    """Your `catalog update` override files, checked like the bundled offers."""
    from billpath.catalog.local_updates import override_dir
    from billpath.catalog.validate import validate_snapshot

    if not override_dir().is_dir():
        return []
    from billpath.catalog.local_updates import load_overrides
    from billpath.catalog.update_check import lost_price_problems
    from billpath.pricing.table import unit_problems

    known = ({m["id"] for m in snapshot["models"]}, {c["id"] for c in snapshot["channels"]})
    data = load_overrides(known=known)  # a broken file: the one-line error naming it, as in every command
    offers = [o for group in data["offers"].values() for o in group]
    if not offers:
        return []
    view = {
        "models": snapshot["models"] + data["models"],
        "channels": snapshot["channels"],
        "offers": offers,
        "aliases": {},
    }
    problems = validate_snapshot(view)
    if problems:
        return [f"override: {p}" for p in problems]
    from billpath.catalog.store import offer_from_dict

    bundled: dict[tuple, list[dict]] = {}
    for o in snapshot["offers"]:
        bundled.setdefault((o["model"], o["channel"], o["variant"]), []).append(o)
    for o in offers:  # what it replaces: the bundled block in force when the override starts
        before = [
            b
            for b in bundled.get((o["model"], o["channel"], o["variant"]), ())
            if b["effective_from"] <= o["effective_from"]
        ]
        old = offer_from_dict(max(before, key=lambda b: b["effective_from"])) if before else None
        problems += lost_price_problems(o, old) + unit_problems(offer_from_dict(o))
    return [f"override: {p}" for p in problems]


@catalog_app.command("schema")
def catalog_schema(
    check: Annotated[bool, typer.Option(help="Fail if the committed JSON Schema differs.")] = False,
) -> None:
    """Write the JSON Schema of the data files (models.toml, channels/*.toml) to catalog/schema/."""
    from billpath.catalog.schema_files import stale_schemas, write_schemas
    from billpath.errors import CatalogError

    if check:
        stale = stale_schemas()
        if stale:
            raise CatalogError(f"JSON Schema stale ({', '.join(stale)}): run `billpath catalog schema` and commit it")
        typer.echo("JSON Schema is up to date")
        return
    for path in write_schemas():
        typer.echo(f"wrote {path}")


@catalog_app.command("check")
def catalog_check(fmt: FormatOpt = Fmt.table) -> None:
    """List every offer where the sources disagree: both values, the difference, and the rule that picked one."""
    from billpath.catalog.crosscheck import run_check
    from billpath.report.catalog_views import check_view
    from billpath.report.render import emit

    payload = run_check()
    emit(fmt.value, payload, check_view(payload))


@catalog_app.command("audit")
def catalog_audit(
    fmt: FormatOpt = Fmt.table,
    at: Annotated[str | None, typer.Option("--at", help="Audit the prices in force on this date (YYYY-MM-DD).")] = None,
) -> None:
    """Retired offers still priced, resellers outliving the maker, ids that do not resolve, channel kinds that
    disagree with the maker, unexplained source disagreements; and the single-source offers that rank first.
    Exits 1 when anything is unexplained."""
    from datetime import date

    from billpath.catalog.audit import run_audit
    from billpath.errors import UsageError
    from billpath.report.catalog_views import audit_view
    from billpath.report.render import emit

    try:
        when = date.fromisoformat(at) if at else None
    except ValueError:
        raise UsageError(f"--at must be a date YYYY-MM-DD (got {at!r})") from None
    payload = run_audit(when)
    emit(fmt.value, payload, audit_view(payload))
    if payload["unexplained"]:
        raise typer.Exit(1)


@catalog_app.command("update")
def catalog_update(
    source: Annotated[str, typer.Argument(help="openrouter, litellm or genai-prices.")],
    from_: Annotated[
        list[str] | None,
        typer.Option("--from", metavar="URL|FILE", help="Where to read (repeatable; default: the source's URL)."),
    ] = None,
    endpoints: Annotated[
        list[str] | None,
        typer.Option(
            "--endpoints", metavar="MODEL", help="openrouter: also read MODEL's per-provider prices (repeatable)."
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Show what changed; write nothing.")] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Fetch a source's current prices, show what changed, and write a user-level override (never the package).

    The only command that touches the network, and only with a URL (the default for openrouter and litellm).
    """
    from billpath.catalog.update import apply_update, plan_update
    from billpath.pricing.table import unit_problems
    from billpath.report.catalog_views import update_view
    from billpath.report.render import emit

    plan = plan_update(source, list(from_ or []), endpoints=list(endpoints or []), unit_check=unit_problems)
    written = None if dry_run else apply_update(plan)
    payload = {k: v for k, v in plan.items() if k != "override"}
    payload["written"] = str(written) if written else None
    emit(fmt.value, payload, update_view(plan, written, dry_run))
    if plan["refused"]:
        first = plan["refused"][0]["problems"][0]
        typer.echo(
            f"billpath: warning: {len(plan['refused'])} offer(s) refused, bundled prices kept (first: {first})",
            err=True,
        )
