"""Render a command's result in the format the user asked for.

Every command builds one JSON-ready payload and one flat table view of it; `emit` prints either.
"""

from __future__ import annotations

import csv
import html
import io
import json
import sys
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["table", "json", "csv", "markdown"]
FORMATS = ("table", "json", "csv", "markdown")


@dataclass
class TableView:
    title: str
    columns: list[str]
    rows: list[list[str]]
    footer: list[str] = field(default_factory=list)
    csv: list[list[str]] | None = None  # the whole CSV (header first), for results a flat table would truncate


def to_json(payload: dict) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


def to_csv(view: TableView) -> str:
    """The view as CSV: its `csv` table when it has one (a result whose counts and problems a flat
    table would drop), else its columns and rows."""
    table = view.csv or [view.columns, *view.rows]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(table)
    return buf.getvalue()


def _md_cell(text: str) -> str:
    """Text as Markdown shows it literally: HTML (a model name like `<img onerror=...>`) escaped, never rendered."""
    text = html.escape(str(text), quote=False)
    for ch in "\\`*_[]|":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", "").replace("\n", "<br>")


def to_markdown(view: TableView) -> str:
    lines = [f"### {_md_cell(view.title)}", "", "| " + " | ".join(_md_cell(c) for c in view.columns) + " |"]
    lines.append("|" + "|".join("---" for _ in view.columns) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in view.rows]
    if view.footer:
        lines += ["", *(f"- {_md_cell(f)}" for f in view.footer)]
    return "\n".join(lines) + "\n"


def print_table(view: TableView) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=view.title, title_justify="left", show_lines=False)
    for i, col in enumerate(view.columns):
        numeric = i > 0 and any(r[i].startswith(("$", "+", "-")) for r in view.rows if len(r) > i and r[i])
        table.add_column(col, justify="right" if numeric else "left", overflow="fold")
    for row in view.rows:
        table.add_row(*row)
    console = Console()
    console.print(table)
    for line in view.footer:
        console.print(line, highlight=False, markup=False)


def emit(fmt: str, payload: dict, view: TableView) -> None:
    if fmt == "json":
        sys.stdout.write(to_json(payload) + "\n")
    elif fmt == "csv":
        sys.stdout.write(to_csv(view))
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(view))
    else:
        print_table(view)
