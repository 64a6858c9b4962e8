"""Render a command's result in the format the user asked for.

Every command builds one JSON-ready payload and one flat table view of it; `emit` prints either.

Cells are text, or typed values that each format writes its own way: `Usd` (money: `$1,234.50` in a
table, the exact plain decimal in CSV under a `_usd` column), `Num` (a count: `1,000` / `1000`) and
`Pct` (`+10.00%` / `10.00`). The terminal table never breaks a value: every cell except a view's
`wrap` columns (prose) is kept on one line; when the table does not fit the width, columns outside
the view's `compact` set go, and when even that does not fit, each row is printed as its own block.
Footer lines wrap only at spaces.
"""

from __future__ import annotations

import io
import json
import os
import sys
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from billpath.money import display, exact

Format = Literal["table", "json", "csv", "markdown"]
FORMATS = ("table", "json", "csv", "markdown")
COMPACT_BELOW = 100  # columns: below this width a view's compact column set is used
MIN_PROSE = 24  # narrowest useful width for a wrapping (prose) column


@dataclass(frozen=True)
class Usd:
    value: Decimal

    def __str__(self) -> str:
        return f"-{display(-self.value)}" if self.value < 0 else display(self.value)


@dataclass(frozen=True)
class Num:
    value: Decimal | int

    def __str__(self) -> str:
        v = self.value
        if isinstance(v, Decimal) and v != v.to_integral_value():
            return f"{v:,}"
        return f"{int(v):,}"


@dataclass(frozen=True)
class Pct:
    value: Decimal | None

    def __str__(self) -> str:
        return "" if self.value is None else f"{self.value:+}%"


Cell = str | Usd | Num | Pct


def text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else str(cell)


def plain(cell: Cell) -> str:
    """The machine form of a cell (CSV): exact decimals, no `$`, no thousands separators."""
    if isinstance(cell, Usd):
        return exact(cell.value)
    if isinstance(cell, Num):
        return exact(Decimal(cell.value))
    if isinstance(cell, Pct):
        return "" if cell.value is None else exact(cell.value)
    return cell


@dataclass
class TableView:
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    footer: list[str] = field(default_factory=list)
    csv: list[list[str]] | None = None  # the whole CSV (header first), for results a flat table would truncate
    verdict: str = ""  # printed first, on one line, in table and markdown output
    detail: list[str] = field(default_factory=list)  # per-offer notes: shown with --verbose
    sections: list[TableView] = field(default_factory=list)  # further tables printed after this one
    compact: list[str] | None = None  # the columns kept in a narrow terminal (None: all)
    wrap: list[str] = field(default_factory=list)  # prose columns that may wrap (at spaces only)


def to_json(payload: dict) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


def csv_header(view: TableView) -> list[str]:
    """Column names for CSV: snake_case, `_usd` on money columns, `_pct` on percentages."""
    out = []
    for i, col in enumerate(view.columns):
        name = "_".join(col.lower().replace("/", " ").replace("-", " ").split())
        cells = [r[i] for r in view.rows if len(r) > i]
        if cells and any(isinstance(c, Usd) for c in cells) and not name.endswith("_usd"):
            name += "_usd"
        elif cells and any(isinstance(c, Pct) for c in cells) and not name.endswith("_pct"):
            name += "_pct"
        out.append(name)
    return out


def to_csv(view: TableView) -> str:
    """The view's rows (and its sections' rows, with a `section` column when there are sections)."""
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if view.csv:  # a result whose counts and problems a flat table would drop carries its whole CSV
        writer.writerows(view.csv)
        return buf.getvalue()
    if view.sections and all(s.columns == view.columns for s in view.sections):
        writer.writerow(["section", *csv_header(view)])
        for v in (view, *view.sections):
            writer.writerows([v.title, *map(plain, row)] for row in v.rows)
        return buf.getvalue()
    writer.writerow(csv_header(view))
    writer.writerows([plain(c) for c in row] for row in view.rows)
    for s in view.sections:
        buf.write("\n")
        writer.writerow(csv_header(s))
        writer.writerows([plain(c) for c in row] for row in s.rows)
    return buf.getvalue()


def _md_cell(text: str) -> str:
    """Text as Markdown shows it literally: HTML (a model name like `<img onerror=...>`) escaped, never rendered."""
    import html

    text = html.escape(str(text), quote=False)
    for ch in "\\`*_[]|":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", "").replace("\n", "<br>")


def to_markdown(view: TableView, verbose: bool = False) -> str:
    lines = [f"**{_md_cell(view.verdict)}**", ""] if view.verdict else []
    lines += _markdown_table(view, verbose)
    return "\n".join(lines) + "\n"


def _markdown_table(view: TableView, verbose: bool) -> list[str]:
    lines = [f"### {view.title}", "", "| " + " | ".join(view.columns) + " |"]
    lines.append("|" + "|".join("---" for _ in view.columns) + "|")
    lines += ["| " + " | ".join(_md_cell(text(c)) for c in row) + " |" for row in view.rows]
    notes = [*view.footer, *(view.detail if verbose else [])]
    if notes:
        lines += ["", *(f"- {_md_cell(f)}" for f in notes)]
    for s in view.sections:
        lines += ["", *_markdown_table(s, verbose)]
    return lines


def terminal_width() -> int:
    """The width to lay out for: $COLUMNS, else the terminal's, else 80 (piped output)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else 80
    except (OSError, ValueError):
        return 80


def wrap_line(line: str, width: int, indent: str = "  ") -> list[str]:
    """Wrap at spaces only: a money amount, an id or a URL is never cut (a longer word overflows)."""
    return textwrap.wrap(
        line, width=max(width, 20), subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    ) or [""]


def _widths(view: TableView, keep: list[int]) -> tuple[list[int], bool]:
    """Each kept column's width (longest cell or header word; prose columns at least MIN_PROSE)."""
    widths = []
    for i in keep:
        cells = [text(r[i]) for r in view.rows if len(r) > i]
        head = len(view.columns[i])  # headers are never wrapped or cut either
        if view.columns[i] in view.wrap:
            longest_word = max((len(w) for c in cells for w in c.split()), default=0)
            widths.append(max(head, longest_word, min(MIN_PROSE, max((len(c) for c in cells), default=0))))
        else:
            widths.append(max([head, *(len(c) for c in cells)]))
    return widths, any(view.columns[i] in view.wrap for i in keep)


def _table_width(widths: list[int]) -> int:
    return sum(widths) + 3 * len(widths) + 1  # rich's box: "│ " + cell + " " per column, one closing "│"


def layout(view: TableView, width: int) -> list[int] | None:
    """The column indexes to show at `width`, or None when even the compact set does not fit."""
    everything = list(range(len(view.columns)))
    compact = [i for i, c in enumerate(view.columns) if view.compact is None or c in view.compact]
    candidates = [compact] if width < COMPACT_BELOW else [everything, compact]
    for keep in candidates:
        widths, _ = _widths(view, keep)
        if _table_width(widths) <= width:
            return keep
    return None


def render_table(view: TableView, width: int | None = None, verbose: bool = False) -> str:
    """The terminal rendering of a view (verdict first), as text."""
    width = width or terminal_width()
    out: list[str] = []
    if view.verdict:
        out.append(" ".join(view.verdict.split()))  # one line: the first line of the output is the verdict
        out.append("")
    _render_one(view, width, verbose, out)
    return "\n".join(out) + "\n"


def _render_one(view: TableView, width: int, verbose: bool, out: list[str]) -> None:
    out += wrap_line(view.title, width)
    keep = layout(view, width)
    if not view.rows:
        out.append("(none)")
    elif keep is None:
        out += _stacked(view, width)
    else:
        out += _rich_table(view, keep, width)
        dropped = [view.columns[i] for i in range(len(view.columns)) if i not in keep]
        if dropped:
            out += wrap_line(f"(narrow: {', '.join(dropped)} hidden; widen or --format csv/json)", width)
    for line in [*view.footer, *(view.detail if verbose else [])]:
        out += wrap_line(line, width)
    for s in view.sections:
        out.append("")
        _render_one(s, width, verbose, out)


def _rich_table(view: TableView, keep: list[int], width: int) -> list[str]:
    from rich.console import Console
    from rich.table import Table

    widths, _ = _widths(view, keep)
    spare = width - _table_width(widths)
    table = Table(show_lines=False, box=_box(), pad_edge=True, expand=False)
    for i, w in zip(keep, widths, strict=True):
        col = view.columns[i]
        numeric = any(isinstance(r[i], Usd | Num | Pct) for r in view.rows if len(r) > i)
        if col in view.wrap:
            cells = [text(r[i]) for r in view.rows if len(r) > i]
            room = min(max((len(c) for c in cells), default=w), w + max(spare, 0))
            spare -= room - w
            table.add_column(col, justify="left", overflow="fold", min_width=w, max_width=max(room, w))
        else:
            table.add_column(col, justify="right" if numeric else "left", no_wrap=True, min_width=w, max_width=w)
    for row in view.rows:
        table.add_row(*(text(row[i]) if len(row) > i else "" for i in keep))
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False)
    console.print(table)
    return [line.rstrip() for line in buf.getvalue().splitlines()]


def _box():
    from rich import box

    return box.SQUARE


def _stacked(view: TableView, width: int) -> list[str]:
    """One block per row (`column: value` lines): for views too wide for the terminal."""
    out = []
    for row in view.rows:
        first = True
        for col, cell in zip(view.columns, row, strict=False):
            value = text(cell)
            if not value:
                continue
            out += wrap_line(f"{'- ' if first else '  '}{col}: {value}", width, indent="      ")
            first = False
    return out


def print_table(view: TableView, verbose: bool = False) -> None:
    sys.stdout.write(render_table(view, verbose=verbose))


def emit(fmt: str, payload: dict, view: TableView, verbose: bool = False) -> None:
    if fmt == "json":
        sys.stdout.write(to_json(payload) + "\n")
    elif fmt == "csv":
        sys.stdout.write(to_csv(view))
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(view, verbose))
    else:
        print_table(view, verbose)
