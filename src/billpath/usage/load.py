"""Load usage files into DuckDB as one normalised `usage` relation (streaming; bounded memory).

Canonical Parquet goes straight to DuckDB (`read_parquet`, never through Python). Everything else is
parsed by its reader and appended to a DuckDB table in Arrow batches of canonical text columns. Both
arrive at the same validation (`normalize_sql`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from billpath.usage.columns import (
    CANONICAL,
    REQUIRED,
    LogError,
    canonical_columns,
    constant_columns,
    describe,
    names_sql,
    normalize_sql,
    sql_str,
)
from billpath.usage.paths import Resolved, data_suffix, resolve
from billpath.usage.readers import AGENT_FORMATS, READERS, detect, format_of, is_parquet
from billpath.usage.readers.base import COLUMNS, Sink

BATCH_ROWS = 65_536
BIG_TEXT_LOG = 256 * 1024 * 1024  # bytes: above this a CSV/JSON log gets the hint to convert it to Parquet
MATERIALISE_ROWS = 100_000  # a log read in Python up to this many rows is normalised into a table once


@dataclass
class Input:
    path: str
    format: str
    notes: list[str] = field(default_factory=list)
    skipped: int = 0
    totals: dict = field(default_factory=dict)  # the reader's `Sink.totals`
    error: str | None = None  # set when the file was unreadable and skipped (one file of a directory or glob)


class ArrowSink(Sink):
    """Appends rows to a DuckDB table in Arrow batches."""

    def __init__(self, con, table: str) -> None:
        super().__init__()
        self.con, self.table = con, table
        self._reset()
        self.count = 0
        self.on_rows: Callable[[int], None] | None = None  # progress: rows read so far, after each batch

    def _reset(self) -> None:
        self.columns: dict[str, list] = {c: [] for c in COLUMNS}
        self.items = list(self.columns.items())

    def add(self, record: dict) -> None:
        get = record.get
        for c, values in self.items:
            values.append(get(c))
        self.count += 1
        if len(self.columns["line"]) >= BATCH_ROWS:
            self.flush()

    def add_columns(self, columns: dict[str, list]) -> None:
        """Many rows in one Arrow batch (a reader that builds its rows column-wise skips the per-row loop)."""
        if not columns or not next(iter(columns.values())):
            return
        self.flush()
        n = len(columns["line"])
        self.columns = {c: columns.get(c) or [None] * n for c in COLUMNS}
        self.count += n
        self.flush()

    def flush(self) -> None:
        if not self.columns["line"]:
            return
        append_columns(self.con, self.table, RAW_TYPES, self.columns)
        self._reset()
        if self.on_rows:
            self.on_rows(self.count)


RAW_TYPES = {c: "BIGINT" if c == "line" else "VARCHAR" for c in COLUMNS}
SMALL_ROWS = 2_000  # below this a JSON parameter beats importing pyarrow (about 60 ms of a small log's run)
ARROW_TYPES = {"VARCHAR": "string", "BOOLEAN": "bool_", "DATE": "date32", "BIGINT": "int64", "INTEGER": "int32"}


def append_columns(con, table: str, types: dict[str, str], columns: dict[str, list]) -> None:
    """Append `columns` (name -> values, SQL `types`) to the DuckDB `table`, matched by column name.

    A small batch goes as one JSON parameter (no pyarrow import); a large one as an Arrow table.
    """
    n = len(next(iter(columns.values())))
    if n == 0:
        return
    if n <= SMALL_ROWS:
        import json

        names = list(columns)
        payload = json.dumps(
            [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)], default=str
        )  # dates as ISO text
        schema = sql_str(json.dumps([{c: types[c] for c in names}]))
        con.execute(f"INSERT INTO {table} BY NAME SELECT unnest(from_json(?, {schema}), recursive := true)", [payload])
        return
    batch = arrow_table(types, columns)  # noqa: F841  (DuckDB reads the local by name)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch")


def arrow_table(types: dict[str, str], columns: dict[str, list]):
    import pyarrow as pa

    return pa.table({c: pa.array(v, getattr(pa, ARROW_TYPES[types[c]])()) for c, v in columns.items()})


def _create_raw(con, table: str) -> None:
    cols = ", ".join(f'"{c}" {"BIGINT" if c == "line" else "VARCHAR"}' for c in COLUMNS)
    con.execute(f"CREATE TEMP TABLE {table} ({cols})")


def _parquet_relation(con, files: list[Path]) -> tuple[str, dict[str, str]]:
    import duckdb
    import pyarrow.parquet as pq

    for f in files:  # DuckDB renames a second `model` to `model_1`: check the names as the file spells them
        try:
            names = pq.read_schema(f).names
        except (OSError, ValueError) as exc:
            raise LogError(f"cannot read Parquet {f}: {_first_line(exc)}") from None
        canonical_columns([(n, "") for n in names], str(f))
    listing = "[" + ", ".join(sql_str(str(f)) for f in files) + "]"
    relation = f"read_parquet({listing}, file_row_number = true, filename = true, union_by_name = true)"
    try:
        types = describe(con, relation)
    except duckdb.Error as exc:
        raise LogError(f"cannot read Parquet {files[0] if len(files) == 1 else 'files'}: {_first_line(exc)}") from None
    types = {k: v for k, v in types.items() if k not in ("filename", "file_row_number")}
    missing = [c for c in REQUIRED if c not in canonical_columns(types, str(files[0]))]
    if missing:
        raise LogError(f"{files[0]}: not a canonical usage Parquet: missing column(s) {', '.join(missing)}")
    return relation, types


def _detected(path: Path) -> str | None:
    """The format of `path`, or None when it cannot be told (the file is then met, and reported, one by one)."""
    try:
        return detect(path)
    except LogError:
        return None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def load(
    con,
    args: list[str],
    input_format: str = "auto",
    on_file: Callable[[str, str], None] | None = None,
    resolved: Resolved | None = None,
) -> tuple[list[Input], bool, dict[str, str]]:
    """Create the `usage` view over every input, and `usage_names` (the names its rows use, read from the name
    columns only: `names_sql`). `resolved`: the files `args` name, where the caller has listed them already.
    Returns the inputs read, whether `usage` was normalised into a table (a small log read in Python; else it is a
    view that normalises as it is read), and the columns of `usage` that hold one literal in every row
    (`constant_columns`: column -> the literal)."""
    if not args:
        raise LogError("no usage file given")
    parts: list[Callable[..., str]] = []  # each input's normalising SELECT (`normalize_sql`), given ok_from_error
    names: list[str] = []
    inputs: list[Input] = []
    parquet: list[Path] = []
    rows_read = 0  # rows the Python readers put into DuckDB tables

    def read(label: str, fmt: str, reader: Callable[[Sink], None]) -> None:
        if on_file:
            on_file(label, fmt)
        table = f"raw_{len(parts)}"
        _create_raw(con, table)
        sink = ArrowSink(con, table)
        reader(sink)
        sink.flush()
        nonlocal rows_read
        rows_read += sink.count
        inputs.append(Input(label, fmt, list(sink.notes), sink.skipped, sink.totals))
        types = {c: "VARCHAR" for c in CANONICAL}
        parts.append(partial(normalize_sql, table, types, sql_str(label), 's."line"', pre_error="error"))
        names.append(names_sql(table, types))

    def read_agent(fmt: str, label: str, files: list[Path], root: Path | None) -> list[Path]:
        """One coding agent's files as ONE input, read in one pass (a message logged twice counts once)."""
        foreign: list[Path] = []
        read(label, fmt, lambda sink: foreign.extend(READERS[fmt].read_files(files, sink, root)))
        return foreign

    resolved = resolved or resolve(args)
    files = resolved.files
    single = len(files) == 1  # one file that cannot be read fails the run; in a set it is skipped

    def skip(path: Path, exc: LogError) -> None:
        inputs.append(Input(str(path), "unreadable", [f"{path}: skipped, not read: {exc}"], error=str(exc)))

    dirs = [a for a in args if Path(a).is_dir()]
    # A coding-agent log tree (the format named, or the first file's): handed whole to its reader, which
    # gives back the files that are not its own; those, and every other file, are read one by one.
    first = files[0] if files and (input_format in AGENT_FORMATS or (input_format == "auto" and dirs)) else None
    tree_fmt = (input_format if input_format != "auto" else _detected(first)) if first is not None else None
    if tree_fmt in AGENT_FORMATS:
        mine = [f for f in files if data_suffix(f) in READERS[tree_fmt].SUFFIXES]
        root = Path(dirs[0]) if len(args) == 1 and dirs else None
        foreign = set(read_agent(tree_fmt, ", ".join(args), mine, root))
        taken = set(mine) - foreign
        files = [f for f in files if f not in taken]
    # Agent-log files met one by one (named on the command line, or among other formats): still one
    # input per agent, so that de-duplication spans them.
    late: dict[str, list[Path]] = {}
    for path in files:
        try:
            try:
                fmt = format_of(path, input_format)
            except LogError as exc:
                if single:
                    raise
                skip(path, exc)  # one odd file does not fail a directory: skipped, and the result says so
                continue
            if fmt in AGENT_FORMATS:
                late.setdefault(fmt, []).append(path)
                continue
            if fmt == "canonical" and is_parquet(path):
                parquet.append(path)
                inputs.append(Input(str(path), "canonical-parquet"))
                continue
            if on_file:
                on_file(str(path), fmt)
            table = f"raw_{len(parts)}"
            _create_raw(con, table)
            sink = ArrowSink(con, table)
            if on_file:
                sink.on_rows = lambda n, p=str(path), f=fmt: on_file(p, f"{f}, {n:,} rows read")
            try:
                READERS[fmt].read(path, sink)
            except LogError as exc:
                if single:
                    raise
                con.execute(f"DROP TABLE {table}")
                skip(path, exc)
                continue
            sink.flush()
            rows_read += sink.count
        except OSError as exc:  # permission denied, a file removed while read, an I/O error: one line naming it
            raise LogError(f"{path}: cannot read: {exc.strerror or exc}") from None
        notes = list(sink.notes)
        size = path.stat().st_size
        if size > BIG_TEXT_LOG and fmt == "canonical":
            notes.append(
                f"{path.name}: {size / 2**30:.1f} GiB of text read in Python; canonical Parquet is read by DuckDB "
                f"directly, many times faster: duckdb -c \"COPY (SELECT * FROM '{path}') TO '{path.stem}.parquet'\""
            )
        inputs.append(Input(str(path), fmt, notes, sink.skipped, sink.totals))
        types = {c: "VARCHAR" for c in CANONICAL}
        parts.append(partial(normalize_sql, table, types, sql_str(str(path)), 's."line"', pre_error="error"))
        names.append(names_sql(table, types))
    for fmt, paths in late.items():
        for path in read_agent(fmt, ", ".join(args), paths, None):
            raise LogError(f"{path}: not a {fmt} log")
    if resolved.notes and inputs:
        inputs[0].notes[:0] = resolved.notes
    if parquet:
        relation, types = _parquet_relation(con, parquet)
        parts.append(partial(normalize_sql, relation, types, 's."filename"', 's."file_row_number" + 1'))
        names.append(names_sql(relation, types))
    # The columns one literal in every row: only a log that is Parquet alone has any (a Python reader's table holds
    # every canonical column).
    constants = constant_columns(types, str(parquet[0])) if parquet and len(parts) == 1 else {}
    if not parts:
        errors = "; ".join(i.error or "" for i in inputs if i.error)
        raise LogError(f"no readable usage file: {errors}")
    materialise = not parquet and rows_read <= MATERIALISE_ROWS
    # A small log read in Python is normalised once into a table: planning the reduce over the whole validating
    # view costs DuckDB's optimizer about 50 ms, more than reading a few thousand rows. Every message is built then
    # anyway, so `ok` is read off `error` (`normalize_sql`, ok_from_error). Big logs and Parquet stay a view: the
    # one pass over the log normalises as it reduces.
    selects = [part(ok_from_error=materialise) for part in parts]
    union = "\nUNION ALL\n".join(selects)
    if materialise:
        con.execute(f"CREATE OR REPLACE TEMP TABLE usage_rows AS\n{union}")
        con.execute("CREATE OR REPLACE TEMP VIEW usage AS SELECT * FROM usage_rows")
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW usage AS\n{union}")
    con.execute("CREATE OR REPLACE TEMP VIEW usage_names AS\n" + "\nUNION ALL\n".join(names))
    return inputs, materialise, constants
