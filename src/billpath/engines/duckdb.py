"""The embedded engine: a usage log read into an in-memory DuckDB (streaming, bounded memory, spilling to disk)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable

from billpath.engines.base import LoadedLog
from billpath.usage.columns import LogError, sql_str
from billpath.usage.load import load


def spill_dir() -> str:
    """This process's DuckDB spill directory (BILLPATH_DUCKDB_TEMP, else one per process under the temp dir)."""
    return os.environ.get("BILLPATH_DUCKDB_TEMP") or os.path.join(
        tempfile.gettempdir(), f"billpath-duckdb-{os.getpid()}"
    )


def remove_spill_dir() -> None:
    """Remove this process's own spill directory (never a BILLPATH_DUCKDB_TEMP the user chose)."""
    if not os.environ.get("BILLPATH_DUCKDB_TEMP"):
        shutil.rmtree(spill_dir(), ignore_errors=True)


def connect(memory_limit: str | None = None, threads: int | None = None):
    """An in-memory DuckDB with bounded memory (it spills to a temp dir past the limit), UTC dates."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit or os.environ.get('BILLPATH_DUCKDB_MEMORY', '1GB')}'")
    # Past the limit DuckDB spills here (its default is ./.tmp, in whatever directory the user is in).
    con.execute(f"SET temp_directory = {sql_str(spill_dir())}")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 2)}")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    # DuckDB prints its own bar on stdout for a query past 2 s: it would go into `--format json` output. The
    # progress is still tracked (`query_progress`, the CLI's bar on stderr).
    con.execute("SET enable_progress_bar_print = false")
    return con


def open_log(
    paths: list[str],
    input_format: str = "auto",
    on_file: Callable[[str, str], None] | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> LoadedLog:
    """Read `paths` (files, directories, globs) into a new DuckDB as the `usage` relation."""
    import duckdb

    con = connect(memory_limit, threads)
    try:
        inputs, _ = load(con, paths, input_format, on_file)
    except duckdb.Error as exc:
        con.close()
        if isinstance(exc, duckdb.InterruptException):
            raise KeyboardInterrupt from None
        raise LogError(f"cannot read the usage log: {' '.join(str(exc).split())}") from None
    except BaseException:
        con.close()
        raise
    return LoadedLog(con=con, inputs=inputs, errors=(duckdb.Error,), names="usage_names")
