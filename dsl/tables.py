"""Catalogues that programs write: Parquet and JSON Lines, and the long form of
any table, read into the spreadsheet layout (`csvfile.py`) so that every check a
CSV's rows go through, theirs go through too.

- A **Parquet** file (read with pyarrow, an optional extra) has one column per
  field, as a CSV has: `date`, `event`, one column per index, `category`,
  `tags` (a list, or text separated by `;` or `,`), `source`, `note`,
  `ongoing`. Row N is line N + 1 in messages (the heading is line 1), and the
  line quoted is the row's cells separated by ` | `, as for a workbook.
- A **JSON Lines** file (`.jsonl`, `.ndjson`) holds one JSON object per line,
  with the same keys; messages give the line and the column of the key.
- The **long form**: instead of a column per index, an `index` column naming it
  and a `score` column; each row is then one score of one event (an event that
  scores three indices is three rows). The figures are the same: each row is
  read as an event scoring that one index.

Dates may be ISO days (`2021-01-04`, or a Parquet date) or dates as printed.
Neither format has a place for the period as a CSV has: it comes from
`--period`, or from a **sidecar file** beside the catalogue, named after it with
`.period` added (`gdelt.parquet.period`), holding the period line of an event
file: `period "GDELT-style, synthetic" from 2015-01-01 to 2019-12-31`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re

from . import judgements as judge, model as m
from .csvfile import FIXED, Cell, Row, after, found, read_rows
from .diagnostics import SOURCES, Diagnostic, InputError, Span, error
from .judgements import cell_text as _text  # noqa: F401
from .syntax import RawEvent

NEEDS_PYARROW = ("reading Parquet catalogues needs pyarrow: "
                 "pip install 'barometer[columnar]'")
TABLE_SUFFIXES = (".parquet", ".jsonl", ".ndjson")
SEPARATOR = " | "  # between a Parquet row's cells, as its line is quoted
_SEPARATOR = SEPARATOR


def heading_line(names) -> str:
    """A Parquet file's column names as its heading line is quoted: a name of several
    lines shown on one, as a cell's is, so that each row keeps its own line."""
    return SEPARATOR.join(name.replace("\n", " ") for name in names)


def heading_spans(path: str, names) -> list:
    """Each column name's place in a Parquet file's heading line (`heading_line`), as
    a row's cells are placed in its line."""
    out, at = [], 1
    for name in names:
        shown = name.replace("\n", " ")
        out.append(Span(path, 1, at, 1, at + max(len(shown), 1)))
        at += len(shown) + len(SEPARATOR)
    return out
_PERIOD_LINE = re.compile(
    r'\s*#?\s*period\s+(?:"([^"]*)"|“([^”]*)”)\s+from\s+(\S+)\s+to\s+(\S+)\s*$')


def is_table(path: str) -> bool:
    return path.lower().endswith(TABLE_SUFFIXES)


def sidecar_period(path: str) -> m.Period | None:
    """The period a sidecar file `PATH.period` states, if there is one; a sidecar
    that does not read as a period line is a located error."""
    side = path + ".period"
    if path == "-" or not os.path.isfile(side):
        return None
    from .files import read_source

    text = read_source(side)
    lines = [line for line in text.split("\n") if line.strip() and
             not line.lstrip().startswith("# ")]
    number = text.split("\n").index(lines[0]) + 1 if lines else 1
    match = _PERIOD_LINE.match(lines[0]) if lines else None
    span = Span(side, number, 1, number, max(len(lines[0]) if lines else 1, 1) + 1)
    hint = 'write: period "Title" from 2021-01-01 to 2021-12-31'
    if match is None:
        raise InputError([error("B304", "the sidecar file does not state a period", span, hint)])
    try:
        start, end = (dt.date.fromisoformat(match.group(i)) for i in (3, 4))
    except ValueError:
        raise InputError([error("B301", "the period's days are not dates in the calendar",
                                span, "write them as YYYY-MM-DD")]) from None
    if end < start:
        raise InputError([error("B305", f"the period ends ({end}) before it starts ({start})",
                                span, f"write from {end} to {start}")])
    title = match.group(1) if match.group(1) is not None else match.group(2)
    return m.Period(title, start, end, span)


def read_table(path: str, period: m.Period | None = None,
               indices: dict[str, str] | None = None, attributes: dict[str, str] | None = None,
               required: dict[str, str] | None = None
               ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    """The period and raw events of a Parquet or JSON Lines catalogue; `attributes`
    (name: title) are the scheme's, whose columns hold each event's value, and
    `required` (name: an example value) those without a default."""
    if period is None:
        period = sidecar_period(path)
    if path.lower().endswith(".parquet"):
        names, records = _parquet(path)
    else:
        names, records = json_lines(path)
    rows = _rows(path, names, records)
    problems: list[Diagnostic] = []
    rows = widened(path, rows, indices, problems)
    found_period, raw, found = read_rows(path, rows, period, indices, what="catalogue",
                                         attributes=attributes, required=required, lazily=True)
    return found_period, *after(raw, problems, found)


# -- Parquet and JSON Lines to cells --------------------------------------------------------

BATCH = 16_384  # Parquet rows converted at a time: the python reader holds one batch


def _parquet(path: str):
    """The column names and the rows, each as (line, [(value, column)]), read a
    batch at a time (a large file is never held whole)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError([error("B014", NEEDS_PYARROW, None)]) from None
    from .files import _read_bytes  # the same refusals as any file: folders, pipes, ...

    if os.path.isdir(path):
        raise InputError([error("B002", f"{path} is a folder, not a file", None)])

    def unreadable():
        _read_bytes(path)  # says what is wrong with a path that is not a readable file
        return InputError([error("B015", f"{path} cannot be read as a Parquet file", None,
                                 "write it with pyarrow, pandas, polars, DuckDB or Spark")])

    try:
        table = pq.ParquetFile(path)
        names = list(table.schema_arrow.names)
    except FileNotFoundError:
        raise InputError([error("B002", f"no such file: {path}", None)]) from None
    except Exception:
        raise unreadable() from None
    if not names:  # a table of no column: said as such, not as a JSON Lines file's empty line
        table.close()
        raise InputError([error("B015", f"{path} cannot be read as a Parquet file: it has no "
                                "column", None, "write it with pyarrow, pandas, polars, "
                                "DuckDB or Spark, with a column for the date and one for the "
                                "event at least")])

    def records():
        number = 2
        try:
            batches = table.iter_batches(batch_size=BATCH)
            for batch in batches:
                columns = [column.to_pylist() for column in batch.columns]
                for values in zip(*columns):
                    yield number, [(value, 0) for value in values]
                    number += 1
        except InputError:
            raise
        except Exception:
            raise unreadable() from None
        finally:
            table.close()

    return names, records()


def parquet_problems(path: str) -> None:
    """InputError where the python reader refuses a Parquet file as it opens it (a file
    of no column, one pyarrow cannot read), said in its words where DuckDB's differ."""
    _parquet(path)[1].close()


def json_lines(path: str):
    """A JSON Lines file's keys (in the order first met) and its records, each as
    (line, [(value, column)]); InputError for the lines that are no JSON object."""
    from .files import read_source

    text = read_source(path)
    names: dict[str, int] = {}
    records = []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, object_pairs_hook=once_each)
        except KeyTwice as e:
            at = line.find(json.dumps(e.key, ensure_ascii=False))
            at = line.find(json.dumps(e.key, ensure_ascii=False), at + 1) + 1 if at >= 0 else 1
            problems.append(error("B001", f"the key {json.dumps(e.key, ensure_ascii=False)} is "
                                  "written twice in this object: which value is meant is not "
                                  "said", Span(path, number, max(at, 1), number,
                                               max(at, 1) + len(json.dumps(e.key))),
                                  "give each key once per line"))
            continue
        except ValueError as e:
            column = getattr(e, "colno", 1)
            problems.append(error("B001", f"not a JSON object: {getattr(e, 'msg', e)}",
                                  Span(path, number, column, number, column + 1),
                                  "write one JSON object per line"))
            continue
        if not isinstance(value, dict):
            problems.append(error("B001", "expected a JSON object, such as "
                                  '{"date": "2021-01-04", "event": "...", "russia": 1}',
                                  Span(path, number, 1, number, len(line) + 1)))
            continue
        cells = []
        for key, item in value.items():
            names.setdefault(key, len(names))
            cells.append((names[key], item, value_span(line, key)))
        records.append((number, cells))
    if problems:
        raise InputError(problems)
    width = len(names)
    out = []
    for number, cells in records:
        row: list = [(None, 0)] * width
        for j, item, column in cells:
            row[j] = (item, column)
        out.append((number, row))
    return list(names), out


class KeyTwice(ValueError):
    """A key written twice in one JSON object (`once_each`)."""

    def __init__(self, key: str):
        self.key = key


def once_each(pairs: list) -> dict:
    """A JSON object's keys and values, each key once (json keeps the last of a key
    written twice, silently: here it is a mistake, said where the second stands)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise KeyTwice(key)
            seen.add(key)
    return out


def value_span(line: str, key: str) -> tuple[int, int]:
    """Where the value of `key` stands on its line, for messages (1-based, the end
    excluded): a text from its opening quote, as wide as it is written between
    its quotes; a number, a list or a literal as written. Every engine places a
    JSON Lines cell so."""
    start = value_column(line, key)
    i = start - 1
    if line[i:i + 1] == '"':
        j = i + 1
        while j < len(line) and line[j] != '"':
            j += 2 if line[j] == "\\" else 1
        return start, start + max(min(j, len(line)) - i - 1, 1)
    if line[i:i + 1] in ("[", "{"):
        depth, j, inside = 0, i, False
        while j < len(line):
            char = line[j]
            if inside:
                if char == "\\":
                    j += 2
                    continue
                inside = char != '"'
            elif char == '"':
                inside = True
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        return start, start + max(min(j, len(line) - 1) - i + 1, 1)
    stop = min([k for k in (line.find(",", i), line.find("}", i)) if k >= 0], default=len(line))
    return start, start + max(len(line[i:stop].rstrip()), 1)


def value_column(line: str, key: str) -> int:
    """Where the value of `key` begins on its line (1-based), for messages."""
    at = line.find(json.dumps(key, ensure_ascii=False))
    if at < 0:
        return 1
    colon = line.find(":", at)
    at = colon + 1 if colon >= 0 else at
    while at < len(line) and line[at] in " \t":
        at += 1
    return at + 1


def _rows(path: str, names: list[str], records):
    """The heading and one Row per record, one by one, with spans in the file
    (JSON Lines) or in a text of the row's cells (Parquet, quoted as a workbook's
    row is, each line kept for messages as its row is read)."""
    json_lines = not path.lower().endswith(".parquet")
    heading_cells = [Cell(name, Span(path, 1, 1, 1, 2) if json_lines else span)
                     for name, span in zip(names, heading_spans(path, names))]
    if not json_lines:
        SOURCES.add(path, "")
        SOURCES.keep(path, 1, heading_line(names))
    yield Row(heading_cells, Span(path, 1, 1, 1, 2), "")
    for number, values in records:
        cells, parts, at = [], [], 1
        for value, column in values:
            text = _text(value)
            stored = value if isinstance(value, (int, float)) and not isinstance(value, bool) \
                else (True if value is True else None)
            if json_lines:
                start, end = column if isinstance(column, tuple) else (1, 2)
            else:
                start = at
                shown = text.replace("\n", " ")
                parts.append(shown)
                at += len(shown) + len(_SEPARATOR)
                end = start + max(len(text), 1)
            cells.append(Cell(text, Span(path, number, start, number, end), False, stored, None))
        if not json_lines:
            SOURCES.keep(path, number, _SEPARATOR.join(parts))
        yield Row(cells, Span(path, number, 1, number, 2), "")


# -- the long form -------------------------------------------------------------------------

def long_form(heading: Row) -> tuple[int, int] | None:
    """Where the `index` and `score` columns stand, if the table is in the long form."""
    at = {" ".join(c.value.lower().split()): j for j, c in enumerate(heading.cells)}
    if "index" in at and "score" in at:
        return at["index"], at["score"]
    return None


def widened(path: str, rows, indices: dict[str, str] | None, problems: list[Diagnostic]):
    """Rows (any iterable) in the long form turned into the usual one (a column
    per index), each row scoring the one index it names; other rows unchanged. An
    index the scheme does not declare is an error at its cell (its row is left
    out). The rows come one by one, as they are read."""
    rest = iter(rows)
    rows = []  # up to the heading
    for row in rest:
        rows.append(row)
        if not row.blank() and not row.cells[0].value.strip().startswith("#"):
            break
    else:
        return rows
    if indices is None:
        return itertools.chain(rows, rest)
    heading = rows[-1]
    where = long_form(heading)
    if where is None:
        return itertools.chain(rows, rest)
    return _widened(rows, rest, where, indices, problems)


def _widened(rows: list[Row], rest, where: tuple[int, int], indices: dict[str, str],
             problems: list[Diagnostic]):
    heading = rows[-1]
    index_at, score_at = where
    names = list(indices)
    keep = [j for j in range(len(heading.cells)) if j not in where]
    span = heading.cells[score_at].span
    new_heading = Row([heading.cells[j] for j in keep] + [Cell(n, span) for n in names],
                      heading.span, heading.comment)
    yield from rows[:-1]
    yield new_heading
    width = len(heading.cells)
    named: dict[str, str | None] = {}  # each index cell's text judged once
    for row in rest:
        cells = row.cells
        if len(cells) < width:
            cells = cells + [Cell("", row.span)] * (width - len(cells))
        if row.blank() or cells[0].value.strip().startswith("#") and not any(
                c.value.strip() for c in cells[1:]):  # a comment, as the reader reads
            yield row  # it: a first cell `#MeToo rally` beside others is data
            continue
        said = cells[index_at]
        key = " ".join(said.value.lower().split())
        try:
            name = named[said.value]
        except KeyError:
            name = named[said.value] = judge.index_named(said.value, indices)
        if name is None:
            if key:
                problems.append(found(said, judge.unknown_index(said.value.strip(), names)))
            elif cells[score_at].value.strip():
                problems.append(found(said, judge.no_index()))
            if key or cells[score_at].value.strip():
                continue
        empty = Cell("", cells[score_at].span)
        scores = [empty] * len(names)
        if name is not None:
            scores[names.index(name)] = cells[score_at]
        # cells past the heading's last stay past the new heading's (B019 says them)
        yield Row([cells[j] for j in keep] + scores + cells[width:], row.span, row.comment)


__all__ = ["once_each", "KeyTwice", "read_table", "is_table", "sidecar_period", "widened", "long_form", "FIXED",
           "SEPARATOR", "json_lines", "value_column", "value_span"]
