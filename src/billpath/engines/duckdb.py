"""The embedded engine: a usage log read into an in-memory DuckDB (streaming, bounded memory, spilling to disk)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable

from billpath.engines.base import LoadedLog
from billpath.errors import BillpathError
from billpath.usage.columns import LogError
from billpath.usage.load import load
from billpath.usage.paths import Resolved, resolve


def spill_dir() -> str:
    """This process's DuckDB spill directory (BILLPATH_DUCKDB_TEMP, else one per process under the temp dir)."""
    return os.environ.get("BILLPATH_DUCKDB_TEMP") or os.path.join(
        tempfile.gettempdir(), f"billpath-duckdb-{os.getpid()}"
    )


def remove_spill_dir() -> None:
    """Remove this process's own spill directory (never a BILLPATH_DUCKDB_TEMP the user chose)."""
    if not os.environ.get("BILLPATH_DUCKDB_TEMP"):
        shutil.rmtree(spill_dir(), ignore_errors=True)


# Below this many bytes of input a log is small: its statements' time is planning them, not running them. It is
# read on one thread (no work handed between threads) and without DuckDB's optimizer (its passes pay off on many
# rows only): the 6-row sample's 19 statements took 101 ms on two threads, 83 on one, 69 on one without the
# statistics pass; its 18 statements took 60 ms without that pass, 48 with no pass (medians of 25 alternated runs).
# Once read, a log that is not normalised into a table (Parquet, or a big log read in Python: a small gzip or
# Parquet may hold millions of rows) gets the settings of a big one: a 3M-row Parquet of 0.6 MB took 0.49 s on the
# small settings, 0.20 s on these. Optimizer passes never change a result: the golden outputs are byte-identical,
# and every example prices the same either way (`tests/test_price_log_inputs.py`).
SMALL_INPUT_BYTES = 1 << 20


def _threads(threads: int | None, small: bool) -> int:
    """The threads asked for, else one for a small log and every core for a big one."""
    return int(threads or (1 if small else os.cpu_count() or 2))


def connect(memory_limit: str | None = None, threads: int | None = None, small: bool = False):
    """An in-memory DuckDB with bounded memory (it spills to a temp dir past the limit), UTC dates; `small`: set
    for a small log (one thread unless `threads` says otherwise, no optimizer)."""
    import duckdb

    limit = memory_limit or os.environ.get("BILLPATH_DUCKDB_MEMORY", "1GB")
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": limit,
        # Past the limit DuckDB spills here (its default is ./.tmp, in whatever directory the user is in).
        "temp_directory": spill_dir(),
        "threads": _threads(threads, small),
        "preserve_insertion_order": False,
    }
    if small:
        config["enable_optimizer"] = False
    try:
        con = duckdb.connect(":memory:", config=config)
    except duckdb.Error as exc:  # a memory limit DuckDB cannot read (BILLPATH_DUCKDB_MEMORY=lots)
        raise LogError(f"cannot open DuckDB with memory limit {limit!r}: {' '.join(str(exc).split())}") from None
    con.execute("SET TimeZone = 'UTC'")  # needs the ICU extension, loaded by the connection
    # DuckDB prints its own bar on stdout for a query past 2 s: it would go into `--format json` output. The
    # progress is still tracked (`query_progress`, the CLI's bar on stderr).
    con.execute("SET enable_progress_bar_print = false")
    return con


def _resolved(paths: list[str]) -> tuple[Resolved | None, bool]:
    """The files `paths` name, and whether they make a small log (None when they cannot be listed: `load` then
    lists them again and reports why)."""
    try:
        resolved = resolve(paths)
        return resolved, sum(f.stat().st_size for f in resolved.files) < SMALL_INPUT_BYTES
    except (BillpathError, OSError):
        return None, False


def open_log(
    paths: list[str],
    input_format: str = "auto",
    on_file: Callable[[str, str], None] | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> LoadedLog:
    """Read `paths` (files, directories, globs) into a new DuckDB as the `usage` relation."""
    import duckdb

    resolved, small = _resolved(paths)
    con = connect(memory_limit, threads, small)
    try:
        inputs, table, constants = load(con, paths, input_format, on_file, resolved)
        if small and not table:  # few bytes, but maybe millions of rows (Parquet, gzip): the settings of a big log
            con.execute("SET enable_optimizer = true")
            con.execute(f"SET threads = {_threads(threads, small=False)}")
    except duckdb.Error as exc:
        con.close()
        if isinstance(exc, duckdb.InterruptException):
            raise KeyboardInterrupt from None
        raise LogError(f"cannot read the usage log: {' '.join(str(exc).split())}") from None
    except BaseException:
        con.close()
        raise
    return LoadedLog(con=con, inputs=inputs, errors=(duckdb.Error,), names="usage_names", constants=constants)
