"""The engines that read a catalogue where it lies and run the queries: DuckDB,
embedded, and Spark (local or a cluster); how a refusal of theirs is said
(EngineFailure, Overflow) and when one cannot run here (Unavailable)."""

from __future__ import annotations

import os
import re
import sys
import threading
import time

from ...dsl.diagnostics import Diagnostic, InputError, error

from ..choice import NEEDS
from .layout import internal, json_problems, kind_of, _unclosed_quote
from .places import _heading_cells
from .terms import _SPACES, _blank_as_null, _col, _exp, bound


class Unavailable(Exception):
    """An engine that cannot run here (a library or Java is missing)."""


class EngineFailure(Exception):
    """The engine refused a query: a problem of the engine or the data's types,
    said in its words (not an input mistake barometer can locate)."""


class Refused(EngineFailure):
    """The engine's reader refuses a file the python reader reads without an error
    (JSON Lines keys that differ only in case, which DuckDB cannot hold apart)."""


class Overflow(EngineFailure):
    """The query's whole numbers outgrew the engine's integers (decimal weights and
    factors with many digits, over many events): the python engine computes."""


class DuckDB:
    """DuckDB, embedded: the file is read where it lies, in parallel, never loaded
    whole into memory.

    One connection reads one file. It is opened through DuckDB's Python API (the
    path never enters a query), and once the file is open the connection may
    reach no other file: external access is off except for that file, and the
    configuration is locked, so that no query, whatever it says, reads or writes
    anything else."""

    dialect = "duckdb"

    # what DuckDB may hold in memory before it spills to a folder of its own (a
    # grouping of 10^8 distinct texts, say): at most this, or a quarter of the
    # address space the process may take (RLIMIT_AS), where that is less
    MEMORY = 1 << 30

    def __init__(self, progress: bool = False):
        try:
            import duckdb  # noqa: F401
        except ImportError:
            raise Unavailable(NEEDS["duckdb"]) from None
        self.progress = progress
        self.opened = None  # (path, kind, csv) once a file is open: opened again if closed
        self.onepass = None  # the one reading of the file, once made (onepass.py)
        self.con = self._connect()

    @classmethod
    def memory(cls) -> int:
        """The memory limit given to DuckDB, in bytes."""
        import resource

        limit = cls.MEMORY
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            limit = min(limit, soft // 4)
        return max(limit, 64 << 20)

    def _connect(self):
        import duckdb
        import tempfile

        # spilled blocks go to a folder DuckDB makes, and removes when closed, inside
        # a folder of this process's own (mode 0700)
        self._spill = tempfile.mkdtemp(prefix="barometer-duckdb-")
        try:
            con = duckdb.connect(config={
                "preserve_insertion_order": "true", "memory_limit": f"{self.memory()}B",
                "temp_directory": os.path.join(self._spill, "spill")})
        except duckdb.Error as e:  # no memory for a database, say: the engine's words
            self._remove_spill()
            raise EngineFailure(str(e)) from None
        try:  # a timestamp's day is its day in UTC, as pyarrow gives it to the python reader
            con.execute("SET TimeZone = 'UTC'")
        except duckdb.Error:  # a DuckDB without time zones: its timestamps have none
            pass
        try:  # a join's hash table on the side the query names (the scheme's weights, a
            # few rows), not on the side DuckDB guesses smaller: it guesses a CSV of 10^7
            # rows holds 8, and built its table from the file (1.4 GiB at 10^7 rows)
            con.execute("SET disabled_optimizers = 'build_side_probe_side'")
        except duckdb.Error:  # a DuckDB without that optimizer: nothing to turn off
            pass
        if self.progress:  # tracked for query_progress(), shown by _with_progress, not by DuckDB
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
        else:  # DuckDB's own bar, drawn on a long query, is none of ours to print
            con.execute("SET enable_progress_bar = false")
        return con

    def _remove_spill(self) -> None:
        import shutil

        if getattr(self, "_spill", None):
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None

    def close(self) -> None:
        """The database closed: its memory, threads and spilled blocks given back (an
        evaluation's result, or an exception a notebook or a test keeps, held a
        database of about 9 threads and 7 MiB each). A query after this opens the
        file again."""
        if self.con is not None:
            self.con.close()
            self.con = None
        self.onepass = None  # its table went with the database
        self._remove_spill()

    def _live(self):
        """The connection, opened again (the file too) if it was closed."""
        if self.con is None:
            self.con = self._connect()
            if self.opened is not None:
                self.open(*self.opened)
        return self.con

    def __del__(self):
        try:
            self.close()
        except Exception:  # at interpreter exit, say: nothing left to give back
            pass

    def _file(self, path: str, kind: str, csv, named: list[str] | None = None,
              parallel: bool = True):
        """The file as a DuckDB relation, its path given as a value."""
        if kind == "parquet":
            return self.con.read_parquet(path)
        if kind == "jsonl":
            return self.con.read_json(path, format="newline_delimited")
        skip, delimiter = csv
        # as the python reader reads it: a heading line ended otherwise than the rows,
        # a cell holding a line break. In parallel, DuckDB holds a fraction of what
        # one reader does (230 MiB against 685 at 10^7 rows), but gives up on some
        # cells of line breaks: a query it refuses so runs again on one reader (rows)
        options = dict(header=True, skiprows=skip, sep=delimiter, all_varchar=True,
                       quotechar='"', escapechar='"', null_padding=True, strict_mode=False,
                       parallel=parallel)
        if named is not None:  # the heading's cells named, nothing sniffed
            options.update(auto_detect=False, columns={name: "VARCHAR" for name in named})
        return self.con.read_csv(path, **options)

    def open(self, path: str, kind: str, csv) -> list[tuple[str, str]]:
        """Each column's heading and kind; the file is then the view `src`, its
        columns named by place (see `internal`)."""
        import duckdb

        self.opened = (path, kind, csv)
        self.onepass = None  # the groups of another file's reading, if any, are not this one's
        used = None  # the heading's cells, where named rather than sniffed
        fast = self._named_at_once(path, csv) if kind == "csv" else None
        if fast is not None:
            return self._viewed(path, kind, csv, *fast)
        try:
            file = self._file(path, kind, csv)
            if kind == "csv":  # DuckDB's sniffer may take a short row (`# a note`) for
                named = _heading_cells(path, csv)  # the heading: the heading's cells named
                # (and a blank one, which it names `column2`, read as no heading)
                if named and [h.strip() for h in file.columns] != [h.strip() for h in named]:
                    try:
                        file, used = self._file(path, kind, csv, _read_names(named)), named
                    except duckdb.Error:
                        pass
            described = list(zip(used or file.columns, map(str, file.types)))
            if kind == "parquet" and os.path.isfile(path):
                described = _parquet_names(self.con, path, described)
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
                file, used = self._file(path, kind, csv, _read_names(named)), named
                described = list(zip(named, map(str, file.types)))
            except duckdb.Error:
                raise InputError([_unreadable(path, kind, e)]) from None
        self.past = False  # whether the view holds `barometer_past` (see `past_heading`)
        if kind == "csv":
            # read with PAST columns more than the heading's, so that the checks' pass
            # sees a row that holds something past the heading's last cell (which the
            # reader would drop without a word), rather than a pass of its own
            heading = used or _heading_cells(path, csv)
            if heading and len(heading) == len(described):
                try:
                    wide = self._file(path, kind, csv, _read_names(heading) + self._extra())
                    wide.limit(1).fetchall()
                    file, used, self.past = wide, heading, True
                except duckdb.Error:
                    pass
            names = used and _read_names(used) + (self._extra() if self.past else [])
            self._serial = (path, kind, csv, names)  # no closure: a cycle would keep the
            # connection open until the collector runs
        if kind == "jsonl" and len(described) == 1 and described[0][1].startswith("MAP("):
            file, described = self._keyed(file, described[0][0])
        return self._viewed(path, kind, csv, file, described)

    # what DuckDB's sniffer is asked of a CSV: the file, the lines above the heading, the
    # delimiter and the quote, each a value (never text of the query)
    _SNIFF = ("SELECT Columns FROM sniff_csv($path, header := true, skip := $skip, "
              "delim := $delim, quote := $quote, escape := $quote, all_varchar := true, "
              "null_padding := true, strict_mode := false)")

    def _named_at_once(self, path: str, csv):
        """A CSV opened by its heading's cells and PAST columns more, as `open` would
        open it after its sniffed reading, with DuckDB's sniffer asked once (the sniffed
        reading bound the file four times over, 0.07 s of a CSV of 10^6 rows): (the
        relation, each column's sniffed name and type). None wherever `open`'s own
        steps could end otherwise (the sniffer refuses the file, its names are not the
        heading's cells, a path DuckDB would read as a pattern...): `open` then takes
        them, to the same diagnostics."""
        import duckdb

        if any(c in path for c in "*?[{") or "://" in path or not os.path.isfile(path):
            return None
        named = _heading_cells(path, csv)
        if not named:
            return None
        try:
            [(columns,)] = self.con.execute(self._SNIFF, {
                "path": path, "skip": csv[0], "delim": csv[1], "quote": '"'}).fetchall()
        except (duckdb.Error, ValueError):
            return None
        sniffed = [(str(c["name"]), str(c["type"])) for c in columns]
        if len(sniffed) != len(named) or any(t != "VARCHAR" for _, t in sniffed) or \
                [n.strip() for n, _ in sniffed] != [h.strip() for h in named]:
            return None
        try:
            wide = self._file(path, "csv", csv, _read_names(named) + self._extra())
            wide.limit(1).fetchall()
        except duckdb.Error:
            return None
        self.past = True
        self._serial = (path, "csv", csv, _read_names(named) + self._extra())
        return wide, sniffed

    def _viewed(self, path: str, kind: str, csv, file, described) -> list[tuple[str, str]]:
        """The file as the view `src` (see `open`)."""
        import duckdb

        exp = _exp()
        from ..sql import literal

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
            elif t.startswith("JSON"):  # true as `yes`, false as no value (`cell_text`)
                column, t = exp.Case(ifs=[
                    exp.If(this=exp.EQ(this=exp.func("json_type", column),
                                       expression=literal("BOOLEAN")),
                           true=exp.Case(ifs=[exp.If(this=exp.cast(column, exp.DataType.build(
                               "BOOLEAN")), true=literal("yes"))])),
                    exp.If(this=exp.In(this=exp.func("json_type", column), expressions=[
                        literal("UBIGINT"), literal("BIGINT"), literal("DOUBLE")]),
                           true=_json_number(column, _scored(heading)))],
                    default=exp.func("json_extract_string", column, literal("$"))), "VARCHAR"
            elif t == "BOOLEAN":  # as the python reader reads it (judgements.cell_text)
                column, t = exp.Case(ifs=[exp.If(this=column, true=literal("yes"))]), "VARCHAR"
            elif t.endswith("[]") and heading.strip().lower() != "tags":
                # a list where one value stands: its values joined by `;`, as python reads it
                column, t = exp.func("array_to_string", column, literal(";")), "VARCHAR"
            elif t.startswith(("STRUCT", "MAP")):  # {'k': 1}, as python prints a dict
                column, t = exp.cast(column, exp.DataType.build("VARCHAR")), "VARCHAR"
            if t == "VARCHAR":
                column = _blank_as_null(column)
            typed.append(exp.alias_(column, internal(n), quoted=True))
        if self.past:  # whether a row holds something past the heading's last cell
            typed.append(exp.alias_(exp.or_(*[exp.and_(
                exp.Not(this=exp.Is(this=exp.column(name), expression=exp.null())),
                exp.NEQ(this=exp.Trim(this=exp.column(name)), expression=literal("")))
                for name in self._extra()]), "barometer_past"))
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

    # how many cells past the heading's last a row is looked at for (`past_heading`):
    # a row with more has something in these, or is a row no one meant
    PAST = 16

    def _extra(self) -> list[str]:
        return [f"barometer_past_{n}" for n in range(self.PAST)]

    def past_heading(self, path: str, csv) -> bool:
        """Whether a row of the CSV holds something past the heading's last cell,
        which DuckDB's reader drops without a word (the python reader warns, B019,
        at each such cell). Read by extra columns of our own naming: no text of the
        file reaches the query."""
        import duckdb

        named = _heading_cells(path, csv)
        if not named:
            return False
        self._live()
        named = _read_names(named)
        extra = [f"barometer_past_{n}" for n in range(self.PAST)]
        held = None
        for name in extra:
            cell = duckdb.FunctionExpression("trim", duckdb.ColumnExpression(name))
            test = duckdb.ColumnExpression(name).isnotnull() & (
                cell != duckdb.ConstantExpression(""))
            held = test if held is None else held | test
        for parallel in (True, False):  # in parallel, or on one reader where that gives up
            try:
                wide = self._file(path, "csv", csv, named + extra, parallel=parallel)
                return bool(wide.filter(held).limit(1).fetchall())
            except duckdb.Error:
                continue
        return False  # a file neither reading takes: the engine's own reading says why

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

    _serial = None  # how a CSV was opened: read again by one reader, for a query the
    # parallel one refuses

    def rows(self, query) -> list[tuple]:
        import duckdb

        sql, values = bound(query, self.dialect)
        self._live()
        try:
            return self._rows(sql, values)
        except duckdb.Error as e:
            said = str(e).splitlines()[0]
        if self._serial is not None and "CSV Error" in said:
            serial, self._serial = self._serial, None
            try:
                self._file(*serial, parallel=False).create_view("barometer_file", replace=True)
                return self._rows(sql, values)
            except duckdb.Error as e:
                said = str(e).splitlines()[0]
        raise _failure(said)

    def _rows(self, sql: str, values: dict) -> list[tuple]:
        if not self.progress:
            return self.con.execute(sql, values).fetchall()
        return _with_progress(lambda: self.con.execute(sql, values).fetchall(),
                              self.con.query_progress)


def _scored(heading: str) -> bool:
    """Whether a column's cells are read as scores or an attribute's values (an
    index's, an attribute's, the long form's `score`): the python reader writes a
    stored number there as a score is written (`score_text`: `+4`), elsewhere as
    its text (`cell_text`: `4`)."""
    from ...dsl import judgements as judge

    key = judge.Headings.key(heading)
    return key == "score" or (key not in judge.FIXED and key != "index")


def _json_number(column, signed: bool):
    """A JSON number as the python reader's text of the number json.loads makes of
    it: an integer's digits, a float that is whole as an integer (`4.0` as `4`),
    another float as Python prints it; with its sign where `signed`."""
    exp = _exp()
    from ..sql import literal

    text = exp.func("json_extract_string", column, literal("$"))
    double = exp.cast(text, exp.DataType.build("DOUBLE"))
    whole = exp.and_(exp.EQ(this=double, expression=exp.func("trunc", double)),
                     exp.LT(this=exp.Abs(this=double), expression=exp.Literal.number("1e38")))
    number = exp.Case(ifs=[
        exp.If(this=exp.func("regexp_full_match", text, literal("-?[0-9]+")), true=text),
        exp.If(this=whole, true=exp.cast(exp.cast(double, exp.DataType.build("HUGEINT")),
                                         exp.DataType.build("VARCHAR")))],
        default=exp.cast(double, exp.DataType.build("VARCHAR")))
    if not signed:
        return number
    return exp.Case(ifs=[exp.If(this=exp.func("regexp_full_match", number,
                                              literal("-.*|0")), true=number)],
                    default=exp.DPipe(this=literal("+"), expression=number))


def _read_names(cells: list[str]) -> list[str]:
    """The names a CSV's columns are read by, given its heading's cells: each cell,
    and for a blank one (a column under no heading, whose cells the python reader
    says are not read, B019) a name of ours."""
    return [cell if cell.strip() else f"barometer_unheaded_{n}" for n, cell in enumerate(cells)]


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
            if master.startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
                # the executors' Python, which scores many signatures (engine/executors.py),
                # is this one: in local mode they run on this machine (PySpark's default
                # is whatever `python3` is on the PATH)
                cls._sessions[master].sparkContext.pythonExec = sys.executable
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
            elif t == "boolean":  # true as `yes`, false as no value, as DuckDB.open
                column, t = F.when(column, "yes"), "string"
            elif t == "string" and kind == "jsonl" and heading.strip().lower() == "tags":
                # a list on some lines and a text on others: Spark gives the lists as
                # their JSON text (`["t1"]`), read as the list's names, as DuckDB reads them
                listed = F.from_json(column, "array<string>")
                column = F.when(column.rlike(r"^\s*\[.*\]\s*$") & listed.isNotNull(),
                                F.array_join(listed, ";")).otherwise(column)
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


def _parquet_names(con, path: str, described: list) -> list:
    """Each column's name as the Parquet file writes it: DuckDB names a second column
    `a` as `a_1`, which the checks then took for a column of no use (B010), where the
    python reader says B011 of the two. Read from the file's schema by DuckDB's own
    `parquet_schema` (pyarrow's import cost 0.15 s of CPU, numpy's included), which
    lists the schema depth first: the root, then each column with its nested parts."""
    import duckdb

    try:
        schema = con.execute("SELECT name, num_children FROM parquet_schema($path)",
                             {"path": path}).fetchall()
    except duckdb.Error:  # DuckDB read it: its names stand
        return described
    names, at = [], 1

    def past(k: int) -> int:  # the place after the element at k and its nested parts
        children, k = schema[k][1] or 0, k + 1
        for _ in range(children):
            k = past(k)
        return k

    while schema and at < len(schema) and len(names) < (schema[0][1] or 0):
        names.append(schema[at][0])
        at = past(at)
    if len(names) != len(described):
        return described
    return [(name, t) for name, (_, t) in zip(names, described)]


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
    from importlib.util import find_spec

    try:
        import sqlglot  # noqa: F401
    except ImportError:
        raise Unavailable(NEEDS[engine]) from None
    if find_spec("pyarrow") is None:  # asked for, not imported: 40 MiB the queries never use
        raise Unavailable(NEEDS[engine])


def runner_for(engine: str, master: str | None = None, progress: bool = False):
    require(engine)
    if engine == "spark":
        return Spark(master or "local[*]", progress)
    return DuckDB(progress)
