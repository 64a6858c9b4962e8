"""The Spark engine: the table evaluator's statements (`billpath.pricing.table`) run on PySpark.

There is no second implementation of the pricing rules here. The statements are the ones DuckDB runs,
authored once in DuckDB's SQL dialect, and compiled for Spark by SQLGlot (`to_spark`). This module
only does what is the engine's business: start or join a Spark session with exact-decimal settings,
read Parquet (files, directories, globs), ship the small tables (price table, name routes) as
broadcast relations, and run the statements.

Exactness: money is integer femto-dollars (1e-15 USD). The pass over the log sums 64-bit integers;
the groups are then DECIMAL(38,0) before any price is applied. The session turns off
`spark.sql.decimalOperations.allowPrecisionLoss` (its default rounds DECIMAL products to 6 places)
and turns on ANSI mode, so an overflow is an error, never a wrapped or NULL sum. docs/spark.md has
the cluster set-up and the figures.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from billpath.engines.base import LoadedLog
from billpath.errors import BillpathError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

# Settings every billpath statement relies on: applied to a new session and to a joined one alike.
EXACT_CONF = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
}
# Settings for a session billpath starts itself (local mode unless BILLPATH_SPARK_MASTER says otherwise).
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": str(max(2, 2 * (os.cpu_count() or 2))),
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.memory": os.environ.get("BILLPATH_SPARK_DRIVER_MEMORY", "2g"),
}
# DuckDB's name for a Spark column type, so the shared validation SQL sees the same types as on DuckDB.
_DUCK_TYPES = {
    "bigint": "BIGINT",
    "int": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "boolean": "BOOLEAN",
    "string": "VARCHAR",
    "double": "DOUBLE",
    "float": "FLOAT",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "timestamp_ntz": "TIMESTAMP",
}
MAX_MAPPED_FILES = 5000  # beyond this many local files, file names are joined rather than looked up


class SparkEngineError(BillpathError):
    """Spark is missing, cannot start, or refused a statement."""


def session(master: str | None = None) -> SparkSession:
    """The active Spark session (on a cluster, or from a test), or a new one: local unless told otherwise.

    Either way the exact-decimal settings are applied: they are SQL settings, changeable at run time.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkEngineError(
            "the spark engine needs PySpark and SQLGlot: pip install 'billpath[spark]' (and Java 17)"
        ) from None
    spark = SparkSession.getActiveSession()
    if spark is None:
        master = master or os.environ.get("BILLPATH_SPARK_MASTER", "local[*]")
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = SparkSession.builder.master(master).appName("billpath")
        quiet = f"-Dlog4j2.configurationFile=file:{_log_config()}"
        for key, value in {**LOCAL_CONF, **EXACT_CONF, "spark.driver.extraJavaOptions": quiet}.items():
            builder = builder.config(key, value)
        try:
            spark = builder.getOrCreate()
        except Exception as exc:  # JVM missing or failing: one line, not a Java stack
            raise SparkEngineError(f"cannot start Spark ({master}): {_first_line(exc)}") from None
        spark.sparkContext.setLogLevel(os.environ.get("BILLPATH_SPARK_LOG_LEVEL", "ERROR"))
        _quiet_python_logs()
    for key, value in EXACT_CONF.items():
        spark.conf.set(key, value)
    return spark


# Spark's JVM logs go to stderr at ERROR and above only (no start-up banner, no WARN lines): billpath
# reports failures itself, in one line. BILLPATH_SPARK_LOG_LEVEL=INFO brings the logs back.
_LOG4J2 = """status = error
rootLogger.level = {level}
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n%ex
"""


def _log_config() -> str:
    import tempfile
    from pathlib import Path

    level = os.environ.get("BILLPATH_SPARK_LOG_LEVEL", "ERROR").lower()
    path = Path(tempfile.gettempdir()) / f"billpath-spark-log4j2-{level}.properties"
    text = _LOG4J2.format(level=level)
    if not path.exists() or path.read_text() != text:
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(text)
        os.replace(partial, path)  # atomic: another billpath starting Spark never reads half a file
    return str(path)


def _quiet_python_logs() -> None:
    """PySpark logs every failed statement as a JSON record on stderr; billpath reports it in one line."""
    import logging

    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def to_spark(sql: str) -> str:
    """Compile one statement from DuckDB's dialect to Spark SQL (SQLGlot), with the gaps it leaves filled.

    SQLGlot has no Spark form of DuckDB's `regexp_full_match`: it becomes an anchored RLIKE. The
    patterns billpath uses mean the same in RE2 (DuckDB) and java.util.regex (Spark). DuckDB's `epoch_us`
    (a timestamp's Unix microseconds) becomes Spark's `unix_micros`.
    """
    import sqlglot

    return _compile(sqlglot.parse_one(sql, read="duckdb"))


def _compile(tree) -> str:
    from sqlglot import exp

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.RegexpFullMatch):
            return _anchored_rlike(node)
        if isinstance(node, exp.Anonymous) and node.name.upper() == "EPOCH_US":  # SQLGlot reads it as unknown
            # Spark's UNIX_MICROS (microseconds since 1970 UTC); its argument is compiled too
            return exp.UnixMicros(this=node.expressions[0].transform(fix))
        return node

    return tree.transform(fix).sql(dialect="spark")


def duck_types(df: DataFrame) -> dict[str, str]:
    """Column name -> the DuckDB type name of a Spark DataFrame's column (DECIMAL keeps its size)."""
    out = {}
    for field in df.schema.fields:
        name = field.dataType.simpleString()
        out[field.name] = _DUCK_TYPES.get(name, name.upper())
    return out


def read_parquet(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """Parquet files, directories (every Parquet file under them) and globs, as one DataFrame.

    Adds the hidden columns `_file` (the file's path) and `_row` (0-based row in its file), so a
    rejected row can be reported by file and position.
    """
    if not paths:
        raise SparkEngineError("no input files")
    try:
        df = spark.read.option("mergeSchema", "true").parquet(*paths)
    except Exception as exc:
        cond = getattr(exc, "getCondition", lambda: None)()
        if cond == "PATH_NOT_FOUND":
            raise SparkEngineError(f"no such file: {_first_line(exc).split(':', 1)[-1].strip()}") from None
        named = paths[0] if len(paths) == 1 else f"{paths[0]} (and {len(paths) - 1} more)"
        raise SparkEngineError(f"cannot read Parquet {named}: {_first_line(exc)}") from None
    return df.select("*", df["_metadata.file_path"].alias("_file"), df["_metadata.row_index"].alias("_row"))


class _Cursor:
    """What the price-log driver reads back from a statement: `description`, `fetchone`, `fetchall`."""

    def __init__(self, columns: Sequence[str] = (), rows: list[tuple] | None = None) -> None:
        self.description = [(c,) for c in columns]
        self._rows = rows or []

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None


class SparkConnection:
    """The handful of DuckDB connection calls the price-log driver makes, answered by Spark.

    `execute` takes the driver's DuckDB SQL: a SELECT (collected: the driver only selects small,
    reduced relations), CREATE [OR REPLACE] TEMP TABLE|VIEW name AS SELECT (a table is cached in the
    cluster, a view stays lazy) and UPDATE name SET ... WHERE ... (the relation is rebuilt with CASE).
    Every statement is compiled by `to_spark`; nothing else is accepted.
    """

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self._views: dict[str, DataFrame] = {}

    def execute(self, sql: str) -> _Cursor:
        import sqlglot
        from sqlglot import exp

        try:
            tree = sqlglot.parse_one(sql, read="duckdb")
        except sqlglot.errors.ParseError as exc:
            raise SparkEngineError(f"cannot compile a statement for Spark: {_first_line(exc)}") from None
        if isinstance(tree, exp.Create) and isinstance(tree.expression, exp.Query):
            name = tree.this.name
            df = self._sql(tree.expression)
            self._define(name, df, cache=tree.args.get("kind", "").upper() == "TABLE")
            return _Cursor()
        if isinstance(tree, exp.Update):
            self._update(tree)
            return _Cursor()
        if isinstance(tree, exp.Query):
            df = self._sql(tree)
            return _Cursor(df.columns, [tuple(r) for r in self._collect(df)])
        raise SparkEngineError(f"statement not supported on the spark engine: {sql.split()[0]} ...")

    def register(self, name: str, arrow_table: Any) -> None:
        """A small Arrow table (price table, routes) as a broadcast temp view."""
        from pyspark.sql.functions import broadcast

        self._define(name, broadcast(self.spark.createDataFrame(arrow_table)), cache=False)

    def create_table(self, name: str, types: dict[str, str], columns: dict[str, list]) -> None:
        """`engines.base.create_table` on Spark: the columns as a broadcast view, then a temp table."""
        from billpath.usage.load import arrow_table

        self.register(f"{name}_arrow", arrow_table(types, columns))
        self.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")

    def view(self, name: str, df: DataFrame) -> None:
        self._define(name, df, cache=False)

    def recast(self, name: str, columns: Sequence[str], spark_type: str) -> None:
        """Cast columns of a cached relation (e.g. sums to DECIMAL(38,0)) and cache the result instead."""
        df = self._views[name]
        self._define(name, df.withColumns({c: df[c].cast(spark_type) for c in columns}), cache=True)

    def query_progress(self) -> float:
        return -1  # Spark reports progress per stage, not per statement

    def close(self) -> None:
        for name, df in self._views.items():
            df.unpersist()
            self.spark.catalog.dropTempView(name)
        self._views.clear()

    def _sql(self, tree) -> DataFrame:
        text = _compile(tree)
        try:
            return self.spark.sql(text)
        except Exception as exc:
            raise SparkEngineError(f"Spark refused a statement: {_first_line(exc)}") from None

    def _collect(self, df: DataFrame) -> list:
        try:
            return df.collect()
        except Exception as exc:
            raise SparkEngineError(f"Spark failed: {_first_line(exc)}") from None

    def _define(self, name: str, df: DataFrame, cache: bool) -> None:
        old = self._views.get(name)
        if cache:
            df = df.cache()
            try:
                df.count()  # materialise now: later statements read the cache, not the log again
            except Exception as exc:
                raise SparkEngineError(f"Spark failed: {_first_line(exc)}") from None
        df.createOrReplaceTempView(name)
        self._views[name] = df
        if old is not None and old is not df:
            old.unpersist()

    def _update(self, tree) -> None:
        from sqlglot import exp

        name = tree.this.name
        if name not in self._views:
            raise SparkEngineError(f"UPDATE of unknown relation {name!r} on the spark engine")
        where = tree.args.get("where")
        cond = where.this.sql(dialect="spark") if where is not None else "TRUE"
        sets = {}
        for eq in tree.expressions:
            if not (isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column)):
                raise SparkEngineError("UPDATE on the spark engine takes SET column = value only")
            sets[eq.this.name] = eq.expression.sql(dialect="spark")
        df = self._views[name]
        cols = [
            f"CASE WHEN {cond} THEN {sets[c]} ELSE `{c}` END AS `{c}`" if c in sets else f"`{c}`" for c in df.columns
        ]
        self._define(name, df.selectExpr(*cols), cache=True)


def _anchored_rlike(node):
    from sqlglot import exp

    pattern = node.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise SparkEngineError("regexp_full_match needs a literal pattern to compile for Spark")
    return exp.RegexpLike(this=node.this, expression=exp.Literal.string(f"^(?:{pattern.this})$"))


def _is_uri(arg: str) -> bool:
    """`s3://…`, `hdfs://…`, `dbfs:/…`, `file:/…`: read by Spark's own file systems, not listed here."""
    head, sep, _ = arg.partition(":")
    return bool(sep) and len(head) > 1 and head.replace("+", "").replace("-", "").isalnum()


def _glob_escaped(path: str) -> str:
    """A literal file name for Spark, whose paths are glob patterns."""
    return "".join("\\" + ch if ch in "*?[]{}\\" else ch for ch in path)


def _read_all(spark: SparkSession, local: list, remote: list[str]) -> DataFrame:
    """Every input as one DataFrame, by column name; files with different integer widths widen.

    Spark's mergeSchema refuses INT in one file and BIGINT in another; DuckDB's union_by_name widens.
    So local files are read in groups of one schema (read from each footer) and unioned by name,
    which widens the same way. URIs are read together (their schemas are not inspected here).
    """
    import pyarrow.parquet as pq

    groups: dict[tuple, list[str]] = {}
    for p in local:
        key = tuple((f.name, str(f.type)) for f in pq.read_schema(p))
        groups.setdefault(key, []).append(_glob_escaped(str(p.resolve())))
    frames = [read_parquet(spark, files) for files in groups.values()]
    if remote:
        frames.append(read_parquet(spark, remote))
    df = frames[0]
    for more in frames[1:]:
        df = df.unionByName(more, allowMissingColumns=True)
    return df


def inputs(args: list[str], input_format: str = "auto") -> tuple[list, list[str]]:
    """The local Parquet files and the URIs a price-log run reads, checked before Spark starts.

    Local arguments are expanded exactly as the DuckDB engine expands them (a file, a directory's
    data files, a glob) and must be Parquet; a URI (`s3://bucket/logs/*.parquet`) is left to Spark.
    """
    from billpath.usage.columns import LogError
    from billpath.usage.paths import resolve
    from billpath.usage.readers import format_of, is_parquet

    if input_format not in ("auto", "canonical"):
        raise SparkEngineError(
            f"the spark engine reads canonical Parquet only; --input-format {input_format} needs --engine duckdb"
        )
    if not args:
        raise LogError("no usage file given")
    local: list = []
    remote = [a for a in args if _is_uri(a)]
    named = [a for a in args if not _is_uri(a)]
    for path in resolve(named).files if named else []:  # each real file once, as the DuckDB engine reads them
        if not is_parquet(path):
            fmt = format_of(path, "auto")
            raise SparkEngineError(
                f"{path}: {fmt} log, not Parquet; the spark engine reads canonical Parquet "
                "(files, directories, globs): use --engine duckdb for other formats"
            )
        local.append(path)
    return local, remote


def load(con: SparkConnection, local: list, remote: list[str]) -> list:
    """Create the `usage` view over the inputs, validated by the shared `normalize_sql`; the inputs read."""
    from pyspark.sql import functions as F

    from billpath.usage.columns import REQUIRED, LogError, normalize_sql
    from billpath.usage.load import Input

    spark = con.spark
    jvm = spark._jvm
    if jvm is None:  # Spark Connect sessions have no JVM in this process
        raise SparkEngineError("the spark engine needs a classic Spark session (Spark Connect is not supported)")
    jvm_path = jvm.org.apache.hadoop.fs.Path
    shown = {f"file:{jvm_path(str(p.resolve())).toUri().getRawPath()}": str(p) for p in local}
    df = _read_all(spark, local, remote)
    types = {k: v for k, v in duck_types(df).items() if k not in ("_file", "_row")}
    missing = [c for c in REQUIRED if c not in {k.lower() for k in types}]
    if missing:
        first = local[0] if local else remote[0]
        raise LogError(f"{first}: not a canonical usage Parquet: missing column(s) {', '.join(missing)}")
    # The file as the user named it (as DuckDB reports it), for rejected rows. A map lookup, not a join:
    # the pass over the log never computes it (the column is pruned), only the rejected-rows listing does.
    if shown and len(shown) <= MAX_MAPPED_FILES:
        name_map = F.create_map(*(F.lit(x) for kv in shown.items() for x in kv))
        df = df.withColumn("_source", F.coalesce(F.try_element_at(name_map, F.col("_file")), F.col("_file")))
    elif shown:
        names = spark.createDataFrame(list(shown.items()), "_key string, _shown string")
        df = df.join(F.broadcast(names), df["_file"] == names["_key"], "left")
        df = df.withColumn("_source", F.coalesce(F.col("_shown"), F.col("_file")))
    else:
        df = df.withColumn("_source", F.col("_file"))
    con.view("usage_source", df)
    con.execute(
        "CREATE OR REPLACE TEMP VIEW usage AS " + normalize_sql("usage_source", types, "s._source", "s._row + 1")
    )
    return [Input(str(p), "canonical-parquet") for p in local] + [Input(a, "canonical-parquet") for a in remote]


def open_log(paths: list[str], input_format: str = "auto") -> LoadedLog:
    """The price-log driver's input on Spark: the `usage` view over canonical Parquet, validated alike.

    Only the connection and the loader differ from the DuckDB engine; the reduce, price and reprice
    statements and every step after them are the driver's own, run through `SparkConnection`.
    """
    from billpath.usage.columns import QUANTITY_FIELDS

    local, remote = inputs(paths, input_format)
    con = SparkConnection(session())
    try:
        read = load(con, local, remote)
    except BaseException:
        con.close()
        raise
    # The pass over the log sums 64-bit integers (fast; ANSI mode makes an overflow an error, never a
    # wrong sum). The few groups then go to DECIMAL(38,0), so quantity x femto-price cannot overflow.
    return LoadedLog(
        con=con,
        inputs=read,
        label="pricing on Spark",
        after_reduce=lambda: con.recast("groups", QUANTITY_FIELDS, "decimal(38,0)"),
    )
