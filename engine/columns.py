"""A catalogue file as columns, for the columnar engines (engine/columnar.py):
what it holds (`describe`), the engine that reads it where it lies (DuckDB,
embedded; or Spark), and its values judged as the python reader judges them
(`check`): each distinct category, tag, index name, score, date and attribute
value is read by barometer's own reader, and a bad one is an error located at
the first row that holds it, in the python engine's words."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
import time

import attrs

from ..dsl import csvfile, judgements as judge, model as m, tables
from ..dsl.diagnostics import SOURCES, Diagnostic, InputError, Span, closest, error
from ..dsl.files import read_source

from .choice import NEEDS


class Unavailable(Exception):
    """An engine that cannot run here (a library or Java is missing)."""


# --- what a catalogue file holds ------------------------------------------------------------

TEXT, WHOLE, NUMBER, DATE, LIST, BOOL = "text", "whole", "number", "date", "list", "bool"


def kind_of(sql_type: str) -> str:
    t = sql_type.upper()
    if t.endswith("[]") or t.startswith(("ARRAY", "LIST")):
        return LIST
    if t in ("DATE",) or t.startswith("TIMESTAMP"):
        return DATE
    if t in ("BOOLEAN", "BOOL"):
        return BOOL
    if t in ("TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT",
             "USMALLINT", "UINTEGER", "UBIGINT", "LONG", "SHORT", "BYTE") or t.startswith(
            ("INT", "BIGINT", "DECIMAL(38,0)")):
        return WHOLE
    if t.startswith(("DOUBLE", "FLOAT", "REAL", "DECIMAL")):
        return NUMBER
    return TEXT


@attrs.define
class Source:
    """A catalogue file as columns: which holds the date, the text, the category,
    the tags, whether `ongoing`, and the scores (one column per index, or the long
    form's `index` and `score`).

    A column is known to the queries by its place (`c0`, `c1`, ...: see `internal`),
    never by its heading: no name the file chose is written into a query, and no
    name the queries use for their own columns can be one of the file's."""

    path: str
    kind: str  # csv, parquet, jsonl
    columns: dict  # column (c0, c1, ...) -> kind (TEXT, WHOLE, ...)
    fields: dict  # date, event, category, tags, ongoing, index, score -> column
    index_columns: dict  # index name -> column (the wide form)
    period: m.Period
    csv: tuple | None = None  # (lines before the heading, delimiter)
    attribute_columns: dict = attrs.Factory(dict)  # attribute name -> column
    misspelt: dict = attrs.Factory(dict)  # column -> the index it reads as (`rusia`)
    headings: dict = attrs.Factory(dict)  # column -> its heading in the file

    def heading(self, column: str) -> str:
        return self.headings.get(column, column)

    @property
    def long(self) -> bool:
        return "index" in self.fields and "score" in self.fields

    def span(self, line: int = 1, column: int = 1) -> Span:
        return Span(self.path, line, column, line, column + 1)


def describe(path: str, period: m.Period | None, scheme: m.Scheme, runner) -> Source:
    """What the file holds, or InputError with located findings."""
    lower = path.lower().rstrip("/")
    kind = "csv" if lower.endswith(".csv") else "jsonl" if lower.endswith((".jsonl", ".ndjson")) \
        else "parquet"  # a .parquet file, or a folder or URL of them
    csv = None
    if kind == "csv":
        if not os.path.isfile(path):
            read_source(path)  # says why (no such file, a folder, ...)
        try:
            stated, skip, heading, headed, head = csvfile.csv_head(path)
        except UnicodeDecodeError:
            _not_utf8(path)
            raise
        period = period or stated
        if period is None or not headed:  # said as the python reader says it, from its rows
            named = {n: i.title for n, i in scheme.indices.items()}
            for number, line in enumerate(head.splitlines(), start=1):
                SOURCES.keep(path, number, line)  # for the message to quote
            csvfile.read_rows(path, csvfile.csv_rows(path, head, csvfile.known_headings(named)),
                              period, named)
        csv = (skip, csvfile.sniff(heading, csvfile.known_headings(
            {n: i.title for n, i in scheme.indices.items()})))
    else:
        if period is None:
            period = tables.sidecar_period(path)
        if not ("://" in path or os.path.exists(path)):
            raise InputError([error("B002", f"no such file: {path}", None)])
        if kind == "jsonl" and os.path.isfile(path) and period is not None and not any(
                line.strip() for line in open(path, encoding="utf-8-sig", errors="replace")):
            # as the python reader says of a file without rows
            raise InputError([judge.no_heading("catalogue").at(Span(path, 1, 1, 1, 2))])
    columns = runner.open(path, kind, csv)
    if period is None:  # said at the heading, as the python reader says it
        if kind == "parquet" and os.path.isfile(path):
            SOURCES.keep(path, 1, tables.SEPARATOR.join(h for h, _ in columns))
        elif kind == "jsonl" and os.path.isfile(path):
            first = _record(path, 1)
            if first[1] is not None:
                SOURCES.keep(path, first[0], first[1])
        raise InputError([judge.no_period("catalogue", os.path.basename(path) + ".period").at(
            Span(path, 1, 1, 1, 2))])
    return _layout(path, kind, columns, period, scheme, csv)


def internal(n: int) -> str:
    """The n-th column of a file, as the queries name it: a name no heading
    reaches (the file's names are left behind when the file is opened), and that
    none of the queries' own columns (idx, recorded, s0, ...) takes."""
    return f"c{n}"


def _layout(path, kind, headed, period, scheme, csv) -> Source:
    """`headed`: each column's heading and kind, in the file's order. Which column
    holds what is the python reader's judgement of each heading (Headings)."""
    columns = {internal(n): kind_of_column for n, (_, kind_of_column) in enumerate(headed)}
    headings = {internal(n): heading for n, (heading, _) in enumerate(headed)}
    named = {name: index.title for name, index in scheme.indices.items()}
    for name, attribute in scheme.attributes.items():
        named.setdefault(name, attribute.title)
    judged = judge.Headings(named, judge.FIXED | {"index", "score"})
    fields, index_columns, attribute_columns, misspelt = {}, {}, {}, {}
    for column, heading in headings.items():
        target = judged.target(heading)
        if target in judged.fields:
            fields.setdefault(target, column)
        elif target in scheme.indices:
            index_columns.setdefault(target, column)
        elif target in scheme.attributes:
            attribute_columns.setdefault(target, column)
        elif judged.key(heading) and closest(heading.strip(), scheme.indices) is not None:
            # a misspelt index: an error if it holds scores, as the python reader says
            misspelt[column] = judged.key(heading).replace(" ", "_")
    what = "spreadsheet" if kind == "csv" else "catalogue"
    heading, text = Span(path, 1, 1, 1, 2), None
    cells = [(value, Span(path, 1, 1, 1, 2)) for value in headings.values()]
    if csv is not None and os.path.isfile(path):  # the heading row, as the reader spans it
        text = _line_of(path, csv[0] + 1)
        if text is not None:
            SOURCES.keep(path, csv[0] + 1, text)
            heading = Span(path, csv[0] + 1, 1, csv[0] + 1, len(text) + 1)
            cells = [(value, Span(path, csv[0] + 1, start, csv[0] + 1, max(end, start + 1)))
                     for value, start, end in _csv_cells(text, csv[1])]
    elif kind == "parquet" and os.path.isfile(path):  # its column names, as a row is quoted
        SOURCES.keep(path, 1, tables.SEPARATOR.join(headings.values()))
    elif kind == "jsonl" and os.path.isfile(path):
        text = _line_of(path, 1)
        if text is not None:
            SOURCES.keep(path, 1, text)
    problems = [judge.no_column(what, needed).at(heading)
                for needed in ("date", "event") if needed not in fields]
    seen = {}  # two columns for one field, index or attribute: the python reader's B011
    for value, span in cells:
        target = judged.target(value)
        if target is None:
            continue
        if target in seen:
            problems.append(judge.second_column(target, seen[target]).at(span))
        else:
            seen[target] = value
    if kind in ("csv", "jsonl") and any("\x00" in h for h in headings.values()) and \
            os.path.isfile(path):
        read_source(path)  # B003 at the NUL, as the python reader says it
    source = Source(path, kind, columns, fields, index_columns, period, csv,
                    attribute_columns, misspelt, headings)
    if problems:
        raise InputError(problems)
    return source


# --- the engines -------------------------------------------------------------------------------

class DuckDB:
    """DuckDB, embedded: the file is read where it lies, in parallel, never loaded
    whole into memory.

    One connection reads one file. It is opened through DuckDB's Python API (the
    path never enters a query), and once the file is open the connection may
    reach no other file: external access is off except for that file, and the
    configuration is locked, so that no query, whatever it says, reads or writes
    anything else."""

    dialect = "duckdb"

    def __init__(self, progress: bool = False):
        try:
            import duckdb
        except ImportError:
            raise Unavailable(NEEDS["duckdb"]) from None
        self.con = duckdb.connect(config={"preserve_insertion_order": "true"})
        try:  # a timestamp's day is its day in UTC, as pyarrow gives it to the python reader
            self.con.execute("SET TimeZone = 'UTC'")
        except duckdb.Error:  # a DuckDB without time zones: its timestamps have none
            pass
        self.progress = progress
        if progress:  # tracked for query_progress(), shown by _with_progress, not by DuckDB
            self.con.execute("SET enable_progress_bar = true")
            self.con.execute("SET enable_progress_bar_print = false")

    def _file(self, path: str, kind: str, csv, named: list[str] | None = None):
        """The file as a DuckDB relation, its path given as a value."""
        if kind == "parquet":
            return self.con.read_parquet(path)
        if kind == "jsonl":
            return self.con.read_json(path, format="newline_delimited")
        skip, delimiter = csv
        # as the python reader reads it: a heading line ended otherwise than the rows,
        # a cell holding a line break
        options = dict(header=True, skiprows=skip, sep=delimiter, all_varchar=True,
                       quotechar='"', escapechar='"', null_padding=True, strict_mode=False,
                       parallel=False)
        if named is not None:  # the heading's cells named, nothing sniffed
            options.update(auto_detect=False, columns={name: "VARCHAR" for name in named})
        return self.con.read_csv(path, **options)

    def open(self, path: str, kind: str, csv) -> list[tuple[str, str]]:
        """Each column's heading and kind; the file is then the view `src`, its
        columns named by place (see `internal`)."""
        import duckdb

        exp = _exp()
        from .sql import literal

        try:
            file = self._file(path, kind, csv)
            if kind == "csv":  # DuckDB's sniffer may take a short row (`# a note`) for
                named = _heading_cells(path, csv)  # the heading: the heading's cells named
                if named and [h.strip() for h in file.columns] != [h.strip() for h in named]:
                    try:
                        file = self._file(path, kind, csv, named)
                    except duckdb.Error:
                        pass
            described = list(zip(file.columns, map(str, file.types)))
        except duckdb.Error as e:
            if kind == "jsonl":
                json_problems(path)
            named = _heading_cells(path, csv) if kind == "csv" else None
            if not named:
                raise InputError([_unreadable(path, kind, e)]) from None
            _unclosed_quote(path, named)
            # DuckDB's sniffer gives up on a row with more cells than the heading or
            # a quote never closed, which the python reader reads (or locates)
            try:
                file = self._file(path, kind, csv, named)
                described = list(zip(file.columns, map(str, file.types)))
            except duckdb.Error:
                raise InputError([_unreadable(path, kind, e)]) from None
        if kind == "jsonl" and len(described) == 1 and described[0][1].startswith("MAP("):
            file, described = self._keyed(file, described[0][0])
        # a view of the relation (not a table), so that DuckDB reads only the columns
        # and row groups a query needs
        file.create_view("barometer_file", replace=True)
        # each column as the python reader reads its cells: a JSON column whose values
        # DuckDB could not type (lists that are all empty, cells that are all null,
        # numbers and texts mixed) as tags, a list of texts, or as the texts of its
        # values (unquoted); a text of nothing but spaces as no value
        typed = []
        for n, (heading, t) in enumerate(described):
            column = _col(internal(n))
            if t.startswith("JSON") and heading.strip().lower() == "tags":
                # a list on one line, a text on another: each as the text python reads
                listed = exp.func("array_to_string", exp.cast(column, exp.DataType.build(
                    "VARCHAR[]", dialect="duckdb")), literal(";"))
                column, t = exp.Case(ifs=[exp.If(this=exp.EQ(
                    this=exp.func("json_type", column), expression=literal("ARRAY")),
                    true=listed)], default=exp.func("json_extract_string", column,
                                                    literal("$"))), "VARCHAR"
            elif t.startswith("JSON"):
                column, t = exp.func("json_extract_string", column, literal("$")), "VARCHAR"
            elif t.endswith("[]") and heading.strip().lower() != "tags":
                # a list where one value stands: its values joined by `;`, as python reads it
                column, t = exp.func("array_to_string", column, literal(";")), "VARCHAR"
            elif t.startswith(("STRUCT", "MAP")):  # {'k': 1}, as python prints a dict
                column, t = exp.cast(column, exp.DataType.build("VARCHAR")), "VARCHAR"
            if t == "VARCHAR":
                column = _blank_as_null(column)
            typed.append(exp.alias_(column, internal(n), quoted=True))
        # the file's columns by place: its headings stay out of every query
        placed = exp.Table(this=exp.to_identifier("barometer_file"), alias=exp.TableAlias(
            this=exp.to_identifier("f"),
            columns=[exp.to_identifier(internal(n), quoted=True) for n in range(len(described))]))
        view = exp.Create(this=exp.to_table("src"), kind="VIEW", replace=True,
                          expression=exp.select(*typed, copy=False).from_(placed, copy=False))
        try:
            self.con.execute(view.sql(dialect=self.dialect))
            kinds = [str(row[1]) for row in self.con.execute("DESCRIBE src").fetchall()]
        except duckdb.Error as e:
            raise InputError([_unreadable(path, kind, e)]) from None
        self._confine(path)
        return [(heading, kind_of(t)) for (heading, _), t in zip(described, kinds)]

    @staticmethod
    def _keyed(file, column: str):
        """JSON Lines DuckDB read as one map per line (a key it cannot make a column
        of, such as ""): a column per key, each as JSON, the keys given as values."""
        import duckdb

        keys = [k for (k,) in file.project(duckdb.FunctionExpression(
            "unnest", duckdb.FunctionExpression("map_keys", duckdb.ColumnExpression(column)))
            .alias("k")).distinct().fetchall()]
        picked = [duckdb.FunctionExpression("map_extract_value", duckdb.ColumnExpression(column),
                                            duckdb.ConstantExpression(k))
                  for k in keys]
        # each key typed as DuckDB types a column of JSON: numbers as numbers, true
        # and false as booleans, anything else (texts, a mix) as JSON
        [found] = file.project(*[duckdb.FunctionExpression("list_distinct", duckdb.FunctionExpression(
            "list", duckdb.FunctionExpression("json_type", e))) for e in picked]).fetchall()
        types = []
        for n, kinds in enumerate(found):
            kinds = set(kinds or ()) - {"NULL"}
            t = "BIGINT" if kinds and kinds <= {"BIGINT", "UBIGINT"} else \
                "DOUBLE" if kinds and kinds <= {"BIGINT", "UBIGINT", "DOUBLE"} else \
                "BOOLEAN" if kinds == {"BOOLEAN"} else "JSON"
            if t != "JSON":
                picked[n] = picked[n].cast(duckdb.sqltype(t))
            types.append(t)
        return (file.project(*[e.alias(f"k{n}") for n, e in enumerate(picked)]),
                list(zip(keys, types)))

    def _confine(self, path: str) -> None:
        """No file but the catalogue from now on, and no setting changed again."""
        import duckdb

        if "://" in path:
            paths, directories = [path], []
        elif os.path.isdir(path):
            paths, directories = [], [os.path.abspath(path)]
        elif any(c in path for c in "*?["):  # a pattern: the folder it begins with
            fixed = re.split(r"[*?\[]", path, maxsplit=1)[0]
            paths, directories = [], [os.path.abspath(os.path.dirname(fixed) or ".")]
        else:
            paths, directories = [os.path.abspath(path), os.path.realpath(path)], []
        try:
            if paths:
                self.con.execute("SET allowed_paths = $paths", {"paths": paths})
            if directories:
                self.con.execute("SET allowed_directories = $folders", {"folders": directories})
            self.con.execute("SET enable_external_access = false")
            self.con.execute("SET lock_configuration = true")
        except duckdb.Error as e:  # a DuckDB before 1.2: no allowed paths
            raise Unavailable(f"the duckdb engine needs DuckDB 1.2 or later ({e})") from None

    def rows(self, query) -> list[tuple]:
        import duckdb

        sql, values = bound(query, self.dialect)
        try:
            if not self.progress:
                return self.con.execute(sql, values).fetchall()
            return _with_progress(lambda: self.con.execute(sql, values).fetchall(),
                                  self.con.query_progress)
        except duckdb.Error as e:
            raise _failure(str(e).splitlines()[0]) from None


class Spark:
    """PySpark: local (`local[*]`) or a cluster's master URL; the file is read by
    Spark from any path or URL it understands (hdfs://, s3a://, a folder).

    The path is given to Spark's reader as a value, the columns are renamed by
    place (see `internal`), every value in a query is a bound parameter, and the
    session runs no SQL on files (`parquet.\\`path\\``): its queries read the one
    file they were given, through the view `src`."""

    dialect = "spark"
    _sessions: dict = {}

    def __init__(self, master: str = "local[*]", progress: bool = False):
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise Unavailable(NEEDS["spark"]) from None
        import shutil

        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise Unavailable("the spark engine needs a Java runtime (java on the PATH or "
                              "JAVA_HOME): on Debian, apt-get install default-jre-headless")
        self.spark = self.session(master)

    @classmethod
    def session(cls, master: str):
        if master not in cls._sessions:
            from pyspark.sql import SparkSession

            builder = (SparkSession.builder.master(master).appName("barometer")
                       .config("spark.ui.enabled", "false")
                       .config("spark.ui.showConsoleProgress", "false")
                       .config("spark.sql.session.timeZone", "UTC")
                       # an overflow is an error, not a number wrapped round
                       .config("spark.sql.ansi.enabled", "true")
                       .config("spark.sql.shuffle.partitions", "8")
                       # a query reads the view it names, never a file it names
                       .config("spark.sql.runSQLOnFiles", "false"))
            cls._sessions[master] = builder.getOrCreate()
            cls._sessions[master].sparkContext.setLogLevel("ERROR")
        return cls._sessions[master]

    def open(self, path: str, kind: str, csv) -> list[tuple[str, str]]:
        reader = self.spark.read
        try:
            if kind == "parquet":
                frame = reader.parquet(path)
            elif kind == "jsonl":
                frame = reader.json(path)
            else:  # the lines above the heading (the period) left out, as DuckDB skips them
                from pyspark.sql import functions as F

                skip, delimiter = csv
                lines = reader.text(path).select(
                    F.regexp_replace("value", "^\ufeff", "").alias("value"),
                    F.monotonically_increasing_id().alias("n"))  # consecutive in the first part
                lines = lines.where(F.col("n") >= skip).select("value")
                frame = reader.csv(lines, header=True, sep=delimiter, quote='"', escape='"')
        except Exception as e:  # Spark says AnalysisException, Py4JJavaError, ...
            raise InputError([_unreadable(path, kind, e)]) from None
        from pyspark.sql import functions as F

        headings = list(frame.columns)
        frame = frame.toDF(*[internal(n) for n in range(len(headings))])
        blank = "^[" + "".join(f"\\u{ord(c):04x}" for c in _SPACES) + "]*$"

        def read(f, heading):  # as DuckDB reads it: see DuckDB.open
            column, t = F.col(f.name), f.dataType.simpleString()
            if t.startswith("array") and heading.strip().lower() != "tags":
                column, t = F.array_join(column.cast("array<string>"), ";"), "string"
            elif t.startswith(("struct", "map")):
                column, t = F.to_json(column), "string"
            if t == "string":  # a text of nothing but spaces as no value
                column = F.when(column.rlike(blank), None).otherwise(column)
            return column.alias(f.name)

        frame = frame.select(*[read(f, h) for f, h in zip(frame.schema.fields, headings)])
        frame.createOrReplaceTempView("src")
        return [(h, kind_of(f.dataType.simpleString()))
                for h, f in zip(headings, frame.schema.fields)]

    def rows(self, query) -> list[tuple]:
        sql, values = bound(query, self.dialect)
        try:
            return [tuple(r) for r in self.spark.sql(sql, args=values).collect()]
        except Exception as e:
            raise _failure(str(e).strip().splitlines()[0][:300]) from None


# a number written into a query: digits, made by barometer from a Python number
_NUMERAL = re.compile(r"[0-9]+(\.[0-9]+)?\Z")


def bound(query, dialect: str) -> tuple[str, dict]:
    """A query's text and its values: every text in it (a category, a date as
    printed, a score as written, a pattern...) becomes a parameter bound by the
    engine, so that no value is ever read as SQL. A number is written as digits,
    and only as digits."""
    exp = _exp()
    tree = query.copy()
    values: dict = {}
    for node in list(tree.find_all(exp.Literal)):
        if node.is_string:
            name = f"p{len(values)}"
            values[name] = node.this
            node.replace(exp.Placeholder(this=name))
        elif not _NUMERAL.match(str(node.this)):
            raise ValueError(f"a number that is no numeral in a query: {node.this!r}")
    return tree.sql(dialect=dialect), values


class EngineFailure(Exception):
    """The engine refused a query: a problem of the engine or the data's types,
    said in its words (not an input mistake barometer can locate)."""


# what Python's str.strip() takes away: a cell of nothing else is empty
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _blank_as_null(column):
    """The text, or null where it is blank (only a text that begins with a space is
    trimmed to see)."""
    exp = _exp()
    first = exp.Substring(this=column, start=exp.Literal.number(1), length=exp.Literal.number(1))
    blank = exp.or_(exp.EQ(this=column, expression=exp.Literal.string("")), exp.and_(
        exp.In(this=first, expressions=[exp.Literal.string(c) for c in _SPACES]),
        exp.EQ(this=exp.Trim(this=column, expression=exp.Literal.string(_SPACES)),
               expression=exp.Literal.string(""))))
    return exp.Case(ifs=[exp.If(this=blank, true=exp.null())], default=column)


def _heading_cells(path: str, csv) -> list[str] | None:
    """A CSV's heading cells as the csv module splits them, if each is a distinct name."""
    import csv as csv_module

    text = _line_of(path, csv[0] + 1) if os.path.isfile(path) else None
    if text is None or _quoted_after(text, False, csv[1]):  # a heading of several lines
        return None
    cells = next(csv_module.reader([text], delimiter=csv[1]), [])
    if not cells or "" in cells or len(set(cells)) < len(cells):
        return None
    return cells


def _not_utf8(path: str) -> None:
    """B003 where a CSV is not UTF-8 (InputError), said by the python reader."""
    if os.path.isfile(path):
        read_source(path)


def json_problems(path: str) -> None:
    """A JSON Lines file's lines that are not JSON objects, said (InputError) as the
    python reader says them, where DuckDB refuses the file in its own words."""
    if os.path.isfile(path):
        tables.json_lines(path)


def _unclosed_quote(path: str, named: list[str]) -> None:
    """A quote that opens a cell and is never closed, said (InputError) as the python
    reader says it: read by it, in the rare file DuckDB's sniffer gives up on."""
    csvfile.csv_rows(path, read_source(path),
                     {n.strip().strip('"').strip().lower() for n in named})


class Overflow(EngineFailure):
    """The query's whole numbers outgrew the engine's integers (decimal weights and
    factors with many digits, over many events): the python engine computes."""


def _failure(said: str) -> EngineFailure:
    lower = said.lower()
    if "overflow" in lower and ("out of range" in lower or "arithmetic" in lower) or \
            "decimal_precision_exceeds_max_precision" in lower:  # Spark's literals too wide
        return Overflow(said)
    return EngineFailure(said)


def _unreadable(path: str, kind: str, e) -> Diagnostic:
    what = {"csv": "a CSV file", "parquet": "a Parquet file", "jsonl": "JSON Lines"}[kind]
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return error("B015", f"{path} cannot be read as {what}: {first[:200]}", None)


def _with_progress(run, progress):
    """Run a query, showing how far it is on standard error once it has taken
    more than a second (on a terminal only)."""
    if not sys.stderr.isatty():
        return run()
    done = threading.Event()
    shown = []

    def show():
        started = time.monotonic()
        while not done.wait(0.25):
            if time.monotonic() - started < 1:
                continue
            try:
                share = progress()
            except Exception:
                return
            if share is not None and share >= 0:
                sys.stderr.write(f"\rreading and scoring: {share:5.1f}%")
                sys.stderr.flush()
                shown.append(share)

    watcher = threading.Thread(target=show, daemon=True)
    watcher.start()
    try:
        return run()
    finally:
        done.set()
        watcher.join()
        if shown:
            sys.stderr.write("\r" + " " * 30 + "\r")


def require(engine: str) -> None:
    """Unavailable where the columnar extra the engine writes its queries with is
    not installed (the engine's own library is asked for when it starts)."""
    try:
        import pyarrow  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError:
        raise Unavailable(NEEDS[engine]) from None


def runner_for(engine: str, master: str | None = None, progress: bool = False):
    require(engine)
    if engine == "spark":
        return Spark(master or "local[*]", progress)
    return DuckDB(progress)


# --- checking the catalogue, value by distinct value --------------------------------------------

def _exp():
    from sqlglot import exp

    return exp


def _col(name: str):
    exp = _exp()
    return exp.column(exp.to_identifier(name, quoted=True))


def _src():
    return _exp().to_table("src")


def _nonblank(source: Source):
    """Rows that are data: not blank, and (in a CSV) not a comment row."""
    exp = _exp()
    cells = [_col(c) for c in source.columns]
    any_cell = exp.or_(*[exp.Not(this=exp.Is(this=c, expression=exp.null())) for c in cells])
    if source.kind != "csv":
        return any_cell
    first = _col(next(iter(source.columns)))
    comment = exp.and_(exp.Like(this=exp.Trim(this=first), expression=exp.Literal.string("#%")),
                       *[exp.Is(this=c, expression=exp.null()) for c in cells[1:]])
    return exp.and_(any_cell, exp.Not(this=exp.Paren(this=comment)))


def _distinct(expr):
    exp = _exp()
    return exp.ArrayAgg(this=exp.Distinct(expressions=[expr]))


def check(source: Source, scheme: m.Scheme, runner) -> tuple[dict, list[Diagnostic]]:
    """The distinct values the catalogue holds, judged as the python reader judges
    them: what the queries need to know (each date's days, each score's value),
    and every error, located at the first row that holds it."""
    from ..dsl.resolve import uses_weight

    exp = _exp()
    f = source.fields
    asked = []  # (what, expression)
    score_columns = [f["score"]] if source.long else list(source.index_columns.values())
    for column in score_columns:
        asked.append((("score", column), _distinct(_col(column))))
    if source.long:
        asked.append((("index", f["index"]), _distinct(_col(f["index"]))))
    if "category" in f:
        asked.append((("category", f["category"]), _distinct(_col(f["category"]))))
    if "tags" in f:
        asked.append((("tags", f["tags"]), _distinct(_col(f["tags"]))))
    asked.append((("date", f["date"]), _distinct(_col(f["date"]))))
    if "ongoing" in f:
        asked.append((("ongoing", f["ongoing"]), _distinct(_col(f["ongoing"]))))
    for name, column in source.attribute_columns.items():
        asked.append((("attribute", column), _distinct(_col(column))))
    data = _nonblank(source)
    no_scores = exp.and_(*[exp.Is(this=_col(c), expression=exp.null()) for c in score_columns]
                         ) if score_columns else exp.true()
    counts = [exp.Count(this=exp.Star()),
              exp.Count(this=exp.Case(ifs=[exp.If(this=no_scores, true=exp.Literal.number(1))]))]
    weighted = uses_weight(scheme.score)
    if weighted:
        missing = exp.Is(this=_col(f["category"]), expression=exp.null()) if "category" in f \
            else exp.true()
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=missing,
                                                           true=exp.Literal.number(1))])))
    # attributes without a default: every event must record a value (B115)
    required = [name for name, a in scheme.attributes.items() if a.default is None]
    for name in required:
        column = source.attribute_columns.get(name)
        missing = exp.Is(this=_col(column), expression=exp.null()) if column else exp.true()
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=missing,
                                                           true=exp.Literal.number(1))])))
    unnamed_rows = exp.and_(exp.Is(this=_col(f["index"]), expression=exp.null()), exp.Not(
        this=exp.Is(this=_col(f["score"]), expression=exp.null()))) if source.long else None
    if source.long:
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=unnamed_rows,
                                                           true=exp.Literal.number(1))])))
    # columns that must hold no score: a derived index's, a misspelt index's
    unscored = [(column, "B113", name) for name, column in source.index_columns.items()
                if scheme.indices[name].derived]
    unscored += [(column, "B101", name) for column, name in source.misspelt.items()]
    counts += [exp.Count(this=_col(column)) for column, _, _ in unscored]
    # whether each column holds a null: Spark's collect_set leaves nulls out of the
    # distinct values, where DuckDB's array_agg keeps one
    nulls = [exp.Count(this=exp.Case(ifs=[exp.If(
        this=exp.Is(this=_col(column), expression=exp.null()), true=exp.Literal.number(1))]))
        for (_, column), _ in asked]
    # a NUL in a text file's cell: the python reader refuses the file (B003)
    texts = [c for c, k in source.columns.items() if k == TEXT] \
        if source.kind in ("csv", "jsonl") else []
    nul = [exp.Count(this=exp.Case(ifs=[exp.If(this=exp.or_(*[exp.GT(
        this=exp.StrPosition(this=_col(c), substr=exp.func("chr", exp.Literal.number(0))),
        expression=exp.Literal.number(0)) for c in texts]), true=exp.Literal.number(1))]))] \
        if texts else []
    query = (exp.select(*[e for _, e in asked], *counts, *nulls, *nul, copy=False)
             .from_(_src(), copy=False).where(data, copy=False))
    [row] = runner.rows(query)
    if nul and row[-1]:
        read_source(source.path)  # B003 at the NUL, as the python reader says it
    row = row[:len(row) - len(nul)]
    row, held = row[:len(row) - len(nulls)], row[len(row) - len(nulls):]
    values = {what: list(distinct or []) + ([None] if n and None not in (distinct or []) else [])
              for (what, _), distinct, n in zip(asked, row[:len(asked)], held)}
    rows, empty = row[len(asked)], row[len(asked) + 1]
    without_category = row[len(asked) + 2] if weighted else 0
    lacking = dict(zip(required, row[len(asked) + 2 + weighted:]))
    unnamed = row[len(asked) + 2 + weighted + len(required)] if source.long else 0
    used = row[len(asked) + 2 + weighted + len(required) + source.long:]
    absent = []  # said once, at the heading: a column that must hold no score, does
    for (column, code, name), n in zip(unscored, used):
        if not n:
            continue
        said = judge.derived(name) if code == "B113" else judge.unknown(
            "index", name, scheme.indices)
        absent.append(said.at(_heading_span(source, column)))
    by_column = {c: n for n, c in source.attribute_columns.items()}
    titles = {name: index.title for name, index in scheme.indices.items()}

    # each distinct value judged by barometer's own reading (dsl/judgements.py)
    found: list[tuple] = []  # (Finding, column, value or a predicate)
    known: dict = {"scores": {}, "dates": {}, "rows": rows}
    for (what, column), distinct in values.items():
        for value in distinct or []:
            if value is None:
                known.setdefault("nulls", set()).add(column)
                if what == "date":  # an empty date is an error, as the python reader says
                    found.append((judge.date("", source.period), column, None))
                continue
            if what == "score":
                said = judge.whole_score(judge.score_text(value), scheme)
                if isinstance(said, judge.Finding):
                    found.append((said, column, value))
                else:
                    known["scores"][value] = said
            elif what == "index":
                name = judge.index_named(str(value), titles)
                known.setdefault("index", {})[value] = name
                if name is None:
                    found.append((judge.unknown_index(str(value).strip(), list(scheme.indices)),
                                  column, value))
                elif scheme.indices[name].derived:
                    found.append((judge.derived(name), column, value))
            elif what == "category":
                if str(value) != str(value).strip():
                    known["untrimmed"] = True
                if str(value).strip() not in scheme.categories:
                    found.append((judge.unknown("category", str(value).strip(),
                                                scheme.categories), column, value))
            elif what == "tags":
                for tag in judge.tags(judge.cell_text(value)):
                    if tag not in scheme.tags:
                        found.append((judge.unknown("tag", tag, scheme.tags), column,
                                      ("tag", tag)))
            elif what == "attribute":
                name = by_column[column]
                if isinstance(value, str) and value != value.strip():
                    known.setdefault("untrimmed columns", set()).add(column)
                said = judge.attribute_cell(scheme.attributes[name], value)
                if isinstance(said, judge.Finding):
                    found.append((said, column, value))
                else:
                    known.setdefault("values", {}).setdefault(name, {})[value] = said
            elif what == "ongoing":
                flag = judge.ongoing(str(value), value if isinstance(value, bool) else None)
                if isinstance(flag, judge.Finding):
                    found.append((flag, column, value))
            elif what == "date":
                # a timestamp is a day at midnight only, as the python reader reads it
                text = judge.cell_text(value) if isinstance(value, dt.date) else str(value)
                days = judge.date(text, source.period)
                if isinstance(days, judge.Finding):
                    found.append((days, column, value))
                    continue
                known["dates"][value] = days
                late = judge.past(text, *days, source.period)
                if late is not None:
                    known.setdefault("past", []).append((value, late))
    if unnamed:  # a score on no index: python says it of the row's index cell
        found.append((judge.no_index(), f["index"], ("where", unnamed_rows)))
    if empty and source.long:
        found.append((judge.no_score(), f["score"], None))
    elif empty:
        found.append((judge.no_score(), None, ("empty",)))
    if without_category:
        found.append((judge.no_category(), f.get("category"), ("empty category",)))
    # a required attribute without a column: said once, at the heading
    for name, count in lacking.items():
        a = scheme.attributes[name]
        example = a.choices[0] if not a.numeric else m.plain(a.low or 0)
        column = source.attribute_columns.get(name)
        if column is None:
            absent.append(_no_column(source, name, example))
        elif count:
            found.append((judge.no_value(name, example, cell=True), column, None))
    for value, late in known.get("past", []):
        ongoing = _ongoing(source)
        where = exp.and_(exp.EQ(this=_col(f["date"]), expression=_value(value)),
                         exp.Not(this=ongoing))
        found.append((late, f["date"], ("where", where)))
    problems = absent + (_locate(found[:50], source, runner, score_columns) if found else [])
    return known, problems


# --- what the python reader warns of what it read --------------------------------------------

def read_warnings(source: Source, scheme: m.Scheme, runner) -> list[Diagnostic]:
    """The warnings the python reader gives of the file, in its words and at its
    places: a column it ignores (B010), a row skipped as a comment that looks like
    an event's (B012), and the duplicates stage's event listed twice (B502)."""
    found = _ignored_columns(source, scheme, runner)
    if isinstance(runner, Spark):  # rows have no order in a distributed file: no line
        return found
    if source.kind == "csv":
        found += _skipped_rows(source, runner)
    return found + _listed_twice(source, runner)


def _ignored_columns(source: Source, scheme: m.Scheme, runner) -> list[Diagnostic]:
    """B010 at the heading of each column that is neither a field, nor an index or
    an attribute of the scheme, nor a misspelt index that holds a value."""
    exp = _exp()
    named = {name: index.title for name, index in scheme.indices.items()}
    for name, attribute in scheme.attributes.items():
        named.setdefault(name, attribute.title)
    judged = judge.Headings(named)  # as the python reader judges it, the long form read
    long = {"index", "score"} if source.long else set()
    ignored = [column for column, heading in source.headings.items()
               if judged.key(heading) and judged.key(heading) not in long
               and judged.target(heading) is None]
    if not ignored:
        return []
    misspelt = [c for c in ignored if c in source.misspelt]
    if misspelt:  # held anywhere, comments included: read as an index, and an error
        [held] = runner.rows(exp.select(*[exp.Count(this=_col(c)) for c in misspelt],
                                        copy=False).from_(_src(), copy=False))
        ignored = [c for c in ignored if c not in dict(zip(misspelt, held)) or
                   not dict(zip(misspelt, held))[c]]
    indices = {name: index.title for name, index in scheme.indices.items()}
    out = []
    for column in ignored:
        finding = judge.ignored_column(source.heading(column).strip(), indices,
                                       scheme.attributes)
        out.append(finding.at(_heading_span(source, column)))
    return out


def _numbered(source: Source):
    """The file's rows numbered in its order (`barometer_row`)."""
    exp = _exp()
    return exp.select(exp.Star(), exp.alias_(exp.Window(this=exp.RowNumber()), "barometer_row"),
                      copy=False).from_(_src(), copy=False)


def _row_places(source: Source, runner, places: dict) -> dict:
    """Each row's line in the file and the line's text: {row: breaks before it}
    -> {row: (line, text)}; a CSV's line is its heading's plus the row and the
    breaks, a JSON Lines file's its row-th line that is not blank, a Parquet row
    the line after the heading, quoted as the python reader quotes it."""
    out = {}
    if source.kind == "parquet" or not os.path.isfile(source.path):
        if source.kind == "parquet" and os.path.isfile(source.path) and places:
            exp = _exp()
            names = list(source.columns)
            query = exp.select(exp.column("barometer_row"), *[_col(c) for c in names],
                               copy=False).from_(_numbered(source).subquery(
                                   "numbered", copy=False), copy=False).where(exp.In(
                                       this=exp.column("barometer_row"), expressions=[
                                           exp.Literal.number(r) for r in places]), copy=False)
            for row, *cells in runner.rows(query):
                out[row] = (row + 1, tables.SEPARATOR.join(
                    judge.cell_text(v).replace("\n", " ") for v in cells))
        return {row: out.get(row, (row + 1, None)) for row in places}
    if source.kind == "csv":
        lines = {row: source.csv[0] + 1 + row + breaks for row, breaks in places.items()}
        wanted = set(lines.values())
        texts = {}
        with open(source.path, encoding="utf-8-sig", errors="replace") as f:
            for n, line in enumerate(f, start=1):
                if n in wanted:
                    texts[n] = line.rstrip("\r\n")
                    if len(texts) == len(wanted):
                        break
        return {row: (line, texts.get(line)) for row, line in lines.items()}
    with open(source.path, encoding="utf-8-sig", errors="replace") as f:  # JSON Lines
        seen = 0
        for n, line in enumerate(f, start=1):
            if line.strip():
                seen += 1
                if seen in places:
                    out[seen] = (n, line.rstrip("\r\n"))
                    if len(out) == len(places):
                        break
    return {row: out.get(row, (row, None)) for row in places}


def _skipped_rows(source: Source, runner) -> list[Diagnostic]:
    """B012 at each row of a CSV skipped as a comment that looks like an event's
    (`#MeToo`, alone in its row)."""
    exp = _exp()
    cells = [_col(c) for c in source.columns]
    first = cells[0]
    comment = exp.and_(exp.Like(this=exp.Trim(this=first), expression=exp.Literal.string("#%")),
                       *[exp.Is(this=c, expression=exp.null()) for c in cells[1:]])
    query = (exp.select(exp.column("barometer_row"), first, copy=False)
             .from_(_numbered(source).subquery("numbered", copy=False), copy=False)
             .where(comment, copy=False).order_by(exp.column("barometer_row"), copy=False))
    out = []
    skipped = [(row, judge.skipped_row(str(text).strip())) for row, text in runner.rows(query)]
    skipped = [(row, finding) for row, finding in skipped if finding is not None]
    breaks = _breaks_of(source, [row for row, _ in skipped], runner)
    for row, finding in skipped:
        line = source.csv[0] + 1 + row + breaks[row]
        span = _csv_cell(source, line, 0)
        text = _line_of(source.path, line)
        if text is not None:
            SOURCES.keep(source.path, line, text)
        out.append(finding.at(span or Span(source.path, line, 1, line, 2)))
    return out


def _norm_sql(column):
    """A text as the duplicates stage compares it (dsl/check_catalogue.py's
    `same_event`), coarser: lower case, without any space. Texts the stage finds the
    same have the same key (but where casefold is not lower); the stage's own
    comparison then decides among the rows of a key."""
    exp = _exp()
    text = exp.Lower(this=exp.cast(column, exp.DataType.build("VARCHAR")))
    for space in _SPACES:
        text = exp.func("replace", text, exp.Literal.string(space), exp.Literal.string(""))
    for one, other in (("ß", "ss"), ("ẞ", "ss"), ("ς", "σ")):  # where casefold is not lower
        text = exp.func("replace", text, exp.Literal.string(one), exp.Literal.string(other))
    return exp.func("coalesce", text, exp.Literal.string(""))


def _listed_twice(source: Source, runner) -> list[Diagnostic]:
    """B502 at each event listed again, the same date and text as one before it,
    as the duplicates stage says it of the python reader's events."""
    from ..dsl.check_catalogue import listed_again, same_event

    exp = _exp()
    f = source.fields
    date, event = _col(f["date"]), _col(f["event"])
    keyed = (exp.select(exp.column("barometer_row"), date, event,
                        exp.alias_(_norm_sql(date), "barometer_k1"),
                        exp.alias_(_norm_sql(event), "barometer_k2"), copy=False)
             .from_(_numbered(source).subquery("numbered", copy=False), copy=False)
             .where(_nonblank(source), copy=False))
    twice = (exp.select(exp.column("barometer_k1"), exp.column("barometer_k2"), copy=False)
             .from_(keyed.subquery("keyed", copy=False), copy=False)
             .group_by(exp.column("barometer_k1"), exp.column("barometer_k2"), copy=False)
             .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)),
                     copy=False))
    query = (exp.select(exp.column("barometer_row", table="keyed"),
                        *[exp.column(c, table="keyed", quoted=True)
                          for c in (f["date"], f["event"])], copy=False)
             .from_(keyed.subquery("keyed", copy=False), copy=False)
             .join(twice.subquery("twice", copy=False), using=["barometer_k1", "barometer_k2"],
                   copy=False)
             .order_by(exp.column("barometer_row", table="keyed"), copy=False))
    rows = runner.rows(query)
    if not rows:
        return []
    firsts: dict = {}
    again = []
    for row, when, text in rows:
        key = same_event(judge.cell_text(when), judge.cell_text(text))
        if firsts.setdefault(key, row) != row:
            again.append((row, firsts[key]))
    if not again:
        return []
    places = _row_places(source, runner, _breaks_of(source, [r for pair in again for r in pair],
                                                    runner))
    out = []
    for row, first in again:
        line, text = places[row]
        if text is not None:
            SOURCES.keep(source.path, line, text)
        end = len(text) + 1 if source.kind == "csv" and text is not None else 2
        out.append(listed_again(Span(source.path, places[first][0], 1, places[first][0], 2),
                                Span(source.path, line, 1, line, max(end, 2))))
    return out


def _csv_cells(text: str, delimiter: str) -> list[tuple[str, int, int]]:
    """A CSV line's cells: each one's text and its columns in the line (from, to),
    inside its quotes if quoted, as the python reader spans a cell."""
    starts, quoted = [0], False  # a delimiter inside quotes is text
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            starts.append(i + 1)
    cells = []
    for n, at in enumerate(starts):
        stop = starts[n + 1] - 1 if n + 1 < len(starts) else len(text)
        raw = text[at:stop]
        if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
            cells.append((raw[1:-1].replace('""', '"'), at + 2, stop))
        else:
            cells.append((raw, at + 1, stop + 1))
    return cells


def _heading_span(source: Source, column: str) -> Span:
    """A column's heading cell as the python reader spans it: in a CSV's heading
    line, else the heading's first place (line 1)."""
    if source.kind == "csv" and os.path.isfile(source.path):
        number = source.csv[0] + 1
        text = _line_of(source.path, number)
        if text is not None:
            SOURCES.keep(source.path, number, text)
            names = list(source.columns)
            at = names.index(column) if column in names else 0
            span = _csv_cell(source, number, at)  # read as the reader reads the heading
            if span is not None:
                return span
            cells = _csv_cells(text, source.csv[1])
            _, start, end = cells[min(at, len(cells) - 1)]
            return Span(source.path, number, start, number, max(end, start + 1))
    return Span(source.path, 1, 1, 1, 2)


def _no_column(source: Source, name: str, example: str) -> Diagnostic:
    """B115 at the heading, as the python reader says it."""
    what = "spreadsheet" if source.kind == "csv" else "catalogue"
    span = Span(source.path, 1, 1, 1, 2)
    if source.kind == "csv" and os.path.isfile(source.path):
        line = source.csv[0] + 1
        text = _line_of(source.path, line)
        if text is not None:
            SOURCES.keep(source.path, line, text)
            span = Span(source.path, line, 1, line, len(text) + 1)
    return judge.no_attribute_column(what, name, example).at(span)


def _ongoing(source: Source):
    exp = _exp()
    if "ongoing" not in source.fields:
        return exp.false()
    column = _col(source.fields["ongoing"])
    if source.columns[source.fields["ongoing"]] == BOOL:
        return exp.Coalesce(this=column, expressions=[exp.false()])
    return exp.Coalesce(this=exp.In(this=exp.Lower(this=exp.Trim(this=column)),
                                    expressions=[exp.Literal.string(v) for v in
                                                 ("yes", "y", "true", "1", "x", "ongoing")]),
                        expressions=[exp.false()])


def _value(value):
    from .sql import date_literal, literal

    exp = _exp()
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")),
                        exp.DataType.build("TIMESTAMP"))
    if isinstance(value, dt.date):
        return date_literal(value)
    if isinstance(value, float):
        # as a text the engine reads as a number: `nan` or `inf` is no numeral
        return exp.cast(exp.Literal.string(repr(value)), exp.DataType.build("DOUBLE"))
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[_value(v) for v in value])
    return literal(value)


def _locate(found, source: Source, runner, score_columns) -> list[Diagnostic]:
    """Each finding at the first row that holds its value: its line in the file
    (CSV, JSON Lines) or its row (Parquet, heading as line 1)."""
    exp = _exp()
    out = []
    for finding, column, value in found:
        if isinstance(value, tuple) and value and value[0] == "where":
            where = value[1]
        elif isinstance(value, tuple) and value and value[0] == "tag":
            where = _tag_holds(source, value[1])
        elif isinstance(value, tuple) and value == ("empty",):
            where = exp.and_(*[exp.Is(this=_col(c), expression=exp.null())
                               for c in score_columns]) if score_columns else exp.true()
        elif isinstance(value, tuple) and value == ("empty category",):
            where = exp.Is(this=_col(column), expression=exp.null()) if column else exp.true()
        elif value is None:
            where = exp.Is(this=_col(column), expression=exp.null())
        else:
            where = exp.EQ(this=_col(column), expression=_value(value))
        said = _diagnostic(finding, column, where, source, runner)
        if said is not None:  # no row holds it (a date run past the period, but ongoing)
            out.append(said)
    return out


def _diagnostic(finding, column, where, source: Source, runner) -> Diagnostic | None:
    """The finding at the first row `where` holds (None if none does); its
    `within`, the part of the cell's text it is about (a date's offsets)."""
    exp = _exp()
    code, message, hint, within = finding.code, finding.message, finding.hint, finding.within
    if isinstance(runner, Spark):  # rows have no order in a distributed file: no line
        query = exp.select(exp.Count(this=exp.Star()), copy=False).from_(_src(), copy=False).where(
            exp.and_(where, _nonblank(source)), copy=False)
        if not runner.rows(query)[0][0]:
            return None
        return error(code, f"{source.path}: {message}", None, hint)
    numbered = exp.select(exp.Star(), exp.alias_(
        exp.Window(this=exp.RowNumber()), "barometer_row"), copy=False).from_(_src(), copy=False)
    query = (exp.select(exp.column("barometer_row"), copy=False)
             .from_(numbered.subquery("numbered", copy=False), copy=False)
             .where(exp.and_(where, _nonblank(source)), copy=False)
             .order_by(exp.column("barometer_row"), copy=False).limit(1, copy=False))
    rows = runner.rows(query)
    if not rows:
        return None
    row = rows[0][0]
    names = list(source.columns)
    cell = names.index(column) if column in names else 0
    whole = code in _WHOLE_ROW  # said of the row, as the python reader says it
    if source.kind == "parquet" and os.path.isfile(source.path):
        # the row's cells separated by ` | `, as the python reader quotes a Parquet row
        [cells] = runner.rows(
            exp.select(exp.Star(), copy=False)
            .from_(numbered.subquery("numbered", copy=False), copy=False)
            .where(exp.EQ(this=exp.column("barometer_row"), expression=exp.Literal.number(row)),
                   copy=False))
        cells = _raw_blanks(source, row, list(cells[:len(names)]), runner)
        shown = [judge.cell_text(v).replace("\n", " ") for v in cells]
        col = 1 if whole else sum(len(t) + len(tables.SEPARATOR) for t in shown[:cell]) + 1
        end = col + 1 if whole else col + max(len(shown[cell]), 1)
        line, text = row + 1, tables.SEPARATOR.join(shown)
    else:
        breaks = _breaks_before(source, numbered, row, runner) if source.kind == "csv" else 0
        if source.kind == "csv" and not whole:  # the cell as the python reader spans it
            span = _csv_cell(source, source.csv[0] + 1 + row + breaks, cell)
            if span is not None:
                text = _line_of(source.path, span.line)
                if text is not None:
                    SOURCES.keep(source.path, span.line, text)
                if within is None or text is None:
                    return error(code, message, span, hint)
                value = text[span.column - 1:] if span.end_line > span.line else \
                    text[span.column - 1:span.end_column - 1]
                lead = len(value) - len(value.lstrip()) if value.strip() else 0
                col = span.column + lead + within[0]
                return error(code, message, Span(source.path, span.line, col, span.line, max(
                    span.column + lead + within[1], col + 1)), hint)
        line, col, end, text = _place(source, row, 0 if whole else cell, breaks, whole)
        if source.kind == "csv" and not whole and text is not None and end - col >= 2 \
                and text[col - 1] == '"' and text[end - 2] == '"':
            col, end = col + 1, end - 1  # a quoted cell: its text, as the reader spans it
        if whole:  # a CSV's row is its line; the reader's JSON Lines row, its first character
            end = len(text) + 1 if source.kind == "csv" and text is not None else col + 1
    if text is not None:
        SOURCES.keep(source.path, line, text)
    if within is not None and not whole and text is not None:
        cell_text = text[col - 1:end - 1]
        lead = len(cell_text) - len(cell_text.lstrip()) if cell_text.strip() else 0
        col, end = col + lead + within[0], col + lead + max(within[1], within[0] + 1)
    return error(code, message, Span(source.path, line, col, line, max(end, col + 1)), hint)


def _raw_blanks(source: Source, row: int, cells: list, runner) -> list:
    """A row's cells, a text of nothing but spaces as the file holds it (no value
    in `src`), as the python reader quotes it."""
    if not any(v is None for v in cells) or isinstance(runner, Spark):
        return cells
    exp = _exp()
    names = list(source.columns)
    raw = exp.Table(this=exp.to_identifier("barometer_file"), alias=exp.TableAlias(
        this=exp.to_identifier("f"), columns=[exp.to_identifier(c, quoted=True) for c in names]))
    numbered = exp.select(*[_col(c) for c in names], exp.alias_(
        exp.Window(this=exp.RowNumber()), "barometer_row"), copy=False).from_(raw, copy=False)
    found = runner.rows(exp.select(*[_col(c) for c in names], copy=False).from_(
        numbered.subquery("numbered", copy=False), copy=False).where(exp.EQ(
            this=exp.column("barometer_row"), expression=exp.Literal.number(row)), copy=False))
    if not found:
        return cells
    return [held if v is None and isinstance(held, str) and not held.strip() else v
            for v, held in zip(cells, found[0])]


# What the python reader says of a whole row: no score, no category, no value.
_WHOLE_ROW = {"B107", "B108", "B115"}


def _breaks_before(source: Source, numbered, row: int, runner) -> int:
    """The line breaks inside the cells of a CSV's rows before `row` (a note of two
    lines, say): each moves the rows after it one line down."""
    return _breaks_of(source, [row], runner)[row]


def _breaks_of(source: Source, rows, runner=None) -> dict:
    """{row: how many lines more than one each the CSV's records before it take}:
    the line breaks inside quoted cells (a note of two lines, or of nothing but a
    line break), and the empty lines DuckDB passes over, read from the file as
    DuckDB reads its records (a quote opens a quoted cell only at the cell's
    start; `""` inside one is a quote)."""
    rows = sorted(set(rows))
    if source.kind != "csv" or not rows or not os.path.isfile(source.path):
        return {row: 0 for row in rows}
    want, out = set(rows), {}
    heading, delimiter = source.csv[0] + 1, source.csv[1]
    record, quoted = -1, False  # the heading is record 0: it too may hold a line break
    with open(source.path, encoding="utf-8-sig", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if n < heading:
                continue
            text = line.rstrip("\r\n")
            if not quoted:
                if len(out) == len(want):
                    break
                if not text:  # an empty line is no record
                    continue
                record += 1
                if record in want:
                    out[record] = n - heading - record
            if '"' in text:
                quoted = _quoted_after(text, quoted, delimiter)
    return {row: out.get(row, 0) for row in rows}


def _quoted_after(text: str, quoted: bool, delimiter: str) -> bool:
    """Whether a CSV line ends inside a quoted cell, given whether it began in one."""
    start, i = not quoted, 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"':
                if text[i + 1:i + 2] == '"':
                    i += 2
                    continue
                quoted = False
        elif char == '"' and start:
            quoted = True
        start = not quoted and char == delimiter
        i += 1
    return quoted


def _csv_cell(source: Source, number: int, cell: int) -> Span | None:
    """The span of a CSV record's cell, read by the python reader from the
    record's first line (`number`) on: through line breaks in quoted cells."""
    lines, quotes = [], 0
    with open(source.path, encoding="utf-8-sig", errors="replace", newline="") as f:
        for n, line in enumerate(f, start=1):
            if n < number:
                continue
            lines.append(line)
            quotes += line.count('"')
            if quotes % 2 == 0 or len(lines) >= 1000:
                break
    found = csvfile.record(source.path, "".join(lines), source.csv[1], number) if lines \
        else None
    if found is None or not found.cells:
        return None
    return found.cells[min(cell, len(found.cells) - 1)].span


def _place(source: Source, row: int, cell: int, breaks: int = 0, whole: bool = False):
    """The line, column and text of a row's cell in the file, as far as it can be
    known without reading the file through: a CSV's line is its heading's plus the
    row and the line breaks in the cells before it, a JSON Lines file's is the row's
    own, and a Parquet row is a line after the heading."""
    if source.kind == "parquet" or not os.path.isfile(source.path):
        return row + 1, 1, 2, None
    if source.kind == "csv":
        number = source.csv[0] + 1 + row + breaks
        text = _line_of(source.path, number)
    else:  # the row-th line that is not blank, and its number in the file
        number, text = _record(source.path, row)
    if text is None:
        return number, 1, 2, None
    if source.kind == "jsonl":  # as the python reader places it
        if whole:  # said of the row: its first character
            return number, 1, 2, text
        start, end = tables.value_span(text, source.heading(list(source.columns)[cell]))
        return number, start, end, text
    delimiter = source.csv[1]
    starts, quoted = [0], False  # where each cell begins: a delimiter inside quotes is text
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            starts.append(i + 1)
    at = starts[min(cell, len(starts) - 1)]
    stop = starts[cell + 1] - 1 if cell + 1 < len(starts) else len(text)
    return number, at + 1, stop + 1, text


def _line_of(path: str, number: int) -> str | None:
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if n == number:
                return line.rstrip("\r\n")
    return None


def _record(path: str, row: int) -> tuple[int, str | None]:
    """A JSON Lines file's row-th record (blank lines are none): its line and text."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        seen = 0
        for n, line in enumerate(f, start=1):
            if line.strip():
                seen += 1
                if seen == row:
                    return n, line.rstrip("\r\n")
    return row, None


def _tag_holds(source: Source, tag: str):
    exp = _exp()
    column = _col(source.fields["tags"])
    if source.columns[source.fields["tags"]] == LIST:
        return exp.ArrayContains(this=column, expression=exp.Literal.string(tag))
    return exp.RegexpLike(this=column, expression=exp.Literal.string(
        r"(^|[;,])\s*" + re.escape(tag) + r"\s*([;,]|$)"))
