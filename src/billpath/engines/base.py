"""What the price-log driver needs from an engine: a SQL connection, and a usage log loaded into it.

An engine (DuckDB in `engines.duckdb`, Spark local or cluster in `engines.spark`) creates the normalised
`usage` relation (see `billpath.usage.columns`) on its connection; the driver (`billpath.analysis.price_log`)
then runs the same reduce, price and re-price statements on either, and assembles the same result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the readers are loaded by the engine that reads a log, not by every importer
    from billpath.usage.load import Input


class Connection(Protocol):
    """The part of a DuckDB connection the driver uses (`SparkConnection` implements it on Spark)."""

    def execute(self, sql: str) -> Any: ...

    def register(self, name: str, table: Any) -> Any: ...

    def query_progress(self) -> float: ...

    def close(self) -> None: ...


@dataclass
class LoadedLog:
    """A usage log read into an engine: the connection holding `usage`, and what was read."""

    con: Connection
    inputs: list[Input]
    label: str = "pricing"  # progress label of the pass over the log
    after_reduce: Callable[[], None] = field(default=lambda: None)  # engine step once `groups` exists
    errors: tuple[type[BaseException], ...] = ()  # the engine's own errors, reported as unreadable logs
    names: str = "usage"  # a relation of (model, provider, variant) holding every name `usage` uses, cheaper to read
    # columns of `usage` that hold one SQL literal in every row (`usage.columns.constant_columns`): column -> literal
    constants: dict[str, str] = field(default_factory=dict)


Progress = Callable[[str, float | None], None]


def run_statement(con: Connection, sql: str, progress: Progress | None, label: str) -> None:
    """Run one statement; with `progress`, report DuckDB's own progress while it runs."""
    if progress is None:
        con.execute(sql)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        try:
            done = con.query_progress()
        except Exception:
            done = -1
        progress(label, done / 100 if done and done >= 0 else None)
    progress(label, 1.0)
    if failure:
        raise failure[0]


def create_table(con: Connection, name: str, types: dict[str, str], columns: dict[str, list]) -> None:
    """A temp table `name` (SQL `types` by column) holding `columns`: the engine's own `create_table` where it
    has one (Spark: a broadcast view), else a DuckDB table filled by `usage.load.append_columns`."""
    own = getattr(con, "create_table", None)
    if own is not None:
        own(name, types, columns)
        return
    ddl = ", ".join(f'"{c}" {t}' for c, t in types.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({ddl})")
    if columns and len(next(iter(columns.values()))):
        from billpath.usage.load import append_columns

        append_columns(con, name, types, columns)
