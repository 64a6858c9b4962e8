"""Terminal views of the catalog commands' results: `catalog check` and `catalog update`."""

from __future__ import annotations

from pathlib import Path

from billpath.catalog.crosscheck import RULES
from billpath.report.render import TableView


def _difference(diff: dict) -> str:
    rel = f" ({diff['relative_difference']}%)" if diff["relative_difference"] is not None else ""
    return f"{diff['field']}: {diff['chosen']} vs {diff['other']}{rel}"


def check_view(payload: dict) -> TableView:
    rows = [
        [
            d["model"],
            d["channel"],
            d["variant"],
            d["chosen"],
            d["other"],
            d["rule"],
            "; ".join(map(_difference, d["differences"])),
        ]
        for d in payload["disagreements"]
    ]
    footer = [f"{rule}: {n} ({RULES.get(rule, '')})" for rule, n in payload["by_rule"].items()]
    return TableView(
        title=f"{payload['count']} disagreements on {payload['offers']} offers (chosen value first)",
        columns=["model", "channel", "variant", "chosen", "other", "rule", "differences (chosen vs other)"],
        rows=rows,
        footer=footer,
    )


def audit_view(payload: dict) -> TableView:
    rows = [
        [f["kind"], f.get("model") or f.get("id") or "", f.get("channel", ""), f["why"]] for f in payload["findings"]
    ]
    rows += [
        [
            "single-source #1 (explained)",
            d["model"],
            d["channel"],
            f"ranks first at {d['per_mtok_in_plus_out']} in+out per Mtok",
        ]
        for d in payload["rank_deciders"]
    ]
    footer = [
        f"unexplained: {payload['unexplained']} ({', '.join(f'{k} {v}' for k, v in payload['by_kind'].items())})",
        f"ids checked: {payload['ids_checked']}; offers by provenance: {payload['offers_by_provenance']}",
        f"single-source offers that rank first: {payload['single_source_rank_deciders']}",
    ]
    return TableView(
        title=f"catalog audit at {payload['at']}: {payload['unexplained']} unexplained findings",
        columns=["finding", "model / id", "channel", "why"],
        rows=rows,
        footer=footer,
    )


def update_view(plan: dict, written: Path | None, dry_run: bool = False) -> TableView:
    rows = [
        [
            r["model"],
            r["channel"],
            r["variant"],
            "changed",
            "; ".join(f"{d['field']}: {d['old']} -> {d['new']}" for d in r["differences"]),
        ]
        for r in plan["changed"]
    ]
    rows += [[r["model"], r["channel"], r["variant"], "new", ""] for r in plan["added"]]
    rows += [[r["model"], r["channel"], r["variant"], "refused", "; ".join(r["problems"])] for r in plan["refused"]]
    where = f"wrote {written}" if written else "dry run: nothing written" if dry_run else "nothing written"
    return TableView(
        title=f"{plan['source']}: {len(plan['changed'])} changed, {len(plan['added'])} new, "
        f"{plan['unchanged']} unchanged, {len(plan['refused'])} refused offers ({where})",
        columns=["model", "channel", "variant", "what", "differences"],
        rows=rows,
    )
