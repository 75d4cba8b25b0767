"""What a catalogue file holds (`describe`): each column's heading and kind, and
which column holds the date, the text, the category, the tags, each index's
scores and each attribute's values, judged heading by heading as the python
reader judges them (dsl/judgements.py's Headings)."""

from __future__ import annotations

import os

import attrs

from ...dsl import csvfile, judgements as judge, model as m, tables
from ...dsl.diagnostics import SOURCES, InputError, Span, closest, error
from ...dsl.files import read_source

from .places import _csv_cells, _line_of, _record


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
            # as the python reader says of a file without rows (its first line quoted)
            first = _line_of(path, 1)
            if first is not None:
                SOURCES.keep(path, 1, first)
            raise InputError([judge.no_heading("catalogue").at(Span(path, 1, 1, 1, 2))])
    try:
        columns = runner.open(path, kind, csv)
    except InputError as e:
        if kind == "jsonl" and period is not None and os.path.isfile(path) and any(
                d.code == "B015" for d in e.diagnostics):
            # DuckDB refuses a file in its own words (keys that differ only in case):
            # its mistakes as the python reader says them, where it finds any
            from ...dsl.events import read_catalogue

            _, found = read_catalogue([path], scheme, period)
            errors = [d for d in found if d.severity == "error"]
            if errors:
                raise InputError(errors) from None
            from .runners import Refused  # none: the python engine reads it (B801)

            said = e.diagnostics[0].message.split(": ", 1)[-1]
            raise Refused(f"{path} (keys that differ only in case)" if "only in case" in said
                          else f"{path} ({said[:120]})") from None
        if kind == "parquet" and os.path.isfile(path) and any(
                d.code == "B015" for d in e.diagnostics):
            try:  # DuckDB refuses a file in its own words (no column): the python reader's
                tables.parquet_problems(path)
            except InputError as said:
                raise said from None
            except ImportError:
                pass
        raise
    if period is None:  # said at the heading, as the python reader says it
        if kind == "parquet" and os.path.isfile(path):
            SOURCES.keep(path, 1, tables.heading_line(h for h, _ in columns))
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
        SOURCES.keep(path, 1, tables.heading_line(headings.values()))
        cells = list(zip(headings.values(), tables.heading_spans(path, headings.values())))
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
        if os.path.isfile(path):
            # the rows' mistakes too, all in one run, as the python reader says them:
            # a second column for `event` was said alone, a row's B001 or B101 not
            from ...dsl.events import read_catalogue

            try:
                _, found = read_catalogue([path], scheme, period)
            except ImportError:  # a Parquet file without pyarrow: the headings' alone
                found = []
            errors = [d for d in found if d.severity == "error"]
            if errors:
                raise InputError(errors)
        raise InputError(problems)
    return source


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
