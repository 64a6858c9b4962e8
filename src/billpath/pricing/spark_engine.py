"""The Spark engine: the table evaluator's statements (`billpath.pricing.table`) run on PySpark.

There is no second implementation of the pricing rules here. The statements are the ones DuckDB runs,
authored once in DuckDB's SQL dialect, and compiled for Spark by SQLGlot (`to_spark`). This module
only does what is the engine's business: start or join a Spark session with exact-decimal settings,
read Parquet (files, directories, globs), ship the small tables (price table, name routes) as
broadcast relations, and run the statements.

Exactness: money is integer pico-dollars (1e-12 USD) summed as DECIMAL(38,0). The session turns off
`spark.sql.decimalOperations.allowPrecisionLoss` (its default rounds DECIMAL products to 6 places)
and turns on ANSI mode, so an overflow is an error, never a wrapped or NULL sum.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from billpath.errors import BillpathError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

# Settings every billpath statement relies on; applied to a new session and checked on a joined one.
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
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "DECIMAL(38,0)": "decimal(38,0)",
}


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
        for key, value in {**LOCAL_CONF, **EXACT_CONF}.items():
            builder = builder.config(key, value)
        try:
            spark = builder.getOrCreate()
        except Exception as exc:  # JVM missing or failing: one line, not a Java stack
            raise SparkEngineError(f"cannot start Spark ({master}): {_first_line(exc)}") from None
        spark.sparkContext.setLogLevel(os.environ.get("BILLPATH_SPARK_LOG_LEVEL", "ERROR"))
    for key, value in EXACT_CONF.items():
        spark.conf.set(key, value)
    return spark


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def to_spark(sql: str) -> str:
    """Compile one statement from DuckDB's dialect to Spark SQL (SQLGlot), with the gaps it leaves filled.

    SQLGlot has no Spark form of DuckDB's `regexp_full_match`: it becomes an anchored RLIKE. The
    patterns billpath uses mean the same in RE2 (DuckDB) and java.util.regex (Spark).
    """
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.RegexpFullMatch):
            pattern = node.expression
            if not (isinstance(pattern, exp.Literal) and pattern.is_string):
                raise SparkEngineError("regexp_full_match needs a literal pattern to compile for Spark")
            anchored = exp.Literal.string(f"^(?:{pattern.this})$")
            return exp.RegexpLike(this=node.this, expression=anchored)
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
        df = spark.read.parquet(*paths)
    except Exception as exc:
        cond = getattr(exc, "getCondition", lambda: None)()
        if cond == "PATH_NOT_FOUND":
            raise SparkEngineError(f"no such file: {_first_line(exc).split(':', 1)[-1].strip()}") from None
        raise SparkEngineError(f"cannot read Parquet {', '.join(paths)}: {_first_line(exc)}") from None
    return df.select("*", df["_metadata.file_path"].alias("_file"), df["_metadata.row_index"].alias("_row"))


def table(spark: SparkSession, rows: Iterable[Sequence[Any]], columns: Sequence[str], types: dict[str, str]):
    """A small Python table (price table, name routes) as a Spark DataFrame marked for broadcast."""
    from pyspark.sql.functions import broadcast

    schema = ", ".join(f"`{c}` {_SPARK_TYPES.get(types[c], types[c].lower())}" for c in columns)
    return broadcast(spark.createDataFrame([tuple(r) for r in rows], schema=schema))


def run(spark: SparkSession, sql: str) -> DataFrame:
    """One statement (DuckDB dialect) compiled for Spark, as a DataFrame (lazy)."""
    try:
        return spark.sql(to_spark(sql))
    except BillpathError:
        raise
    except Exception as exc:
        raise SparkEngineError(f"Spark refused a statement: {_first_line(exc)}") from None
