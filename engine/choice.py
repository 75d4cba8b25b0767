"""Which engine computes the figures: the python interpreter, or a columnar one
(engine/columnar.py), decided without importing either's libraries, so that
`barometer eval` on an event file starts as fast as before."""

from __future__ import annotations

import os

# `--engine auto` runs DuckDB on a CSV, Parquet or JSON Lines catalogue of at least
# this many bytes (about 10,000 events of the No 19 kind, which the python engine
# reads in about half a second); below it, the python engine. An .events file is
# the language's own (only the python engine reads it), and an .xlsx workbook is
# read by openpyxl into the python engine (DuckDB reads workbooks only through an
# extension it would download): both stay with the python engine at any size.
AUTO_BYTES = 1 << 20
SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson")
ENGINES = ("auto", "python", "duckdb", "spark")
NEEDS = {
    "duckdb": "the duckdb engine needs duckdb, sqlglot and pyarrow, which barometer "
              "installs: pip install 'duckdb>=1.2' 'sqlglot>=25' 'pyarrow>=14'",
    "spark": "the spark engine needs pyspark, sqlglot and pyarrow, and a Java runtime: "
             "pip install 'barometer[spark]'",
}


def readable(paths) -> bool:
    """Whether the columnar engines read these catalogue files: one CSV, Parquet or
    JSON Lines file (or, for Spark, a folder or URL of them)."""
    return len(paths) == 1 and paths[0] != "-" and (
        paths[0].lower().rstrip("/").endswith(SUFFIXES) or "://" in paths[0]
        or os.path.isdir(paths[0]))


def automatic(paths) -> bool:
    """Whether `--engine auto` picks DuckDB for these catalogue files."""
    if not readable(paths):
        return False
    try:
        return os.path.getsize(paths[0]) >= AUTO_BYTES
    except OSError:
        return False


def installed(engine: str) -> bool:
    from importlib.util import find_spec  # not imported by an eval that needs no engine's

    needed = ["sqlglot", "pyarrow", "duckdb" if engine == "duckdb" else "pyspark"]
    return all(find_spec(name) is not None for name in needed)
