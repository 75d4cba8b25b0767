"""Catalogues kept in a spreadsheet: CSV here, and the layout both CSV and Excel
workbooks (`xlsx.py`) share.

One row per event. Columns, by their heading (any case, any order):
    date      the date as printed ("4 January", "Early February", ...)
    event     the event's text
    INDEX     one column per index, headed by its name (`russia`, `EU`) or its
              title (`Relationship with Russia`), in any case: the event's
              score there, or empty where it has none
    category  optional; tags (separated by `;` or `,`), source, note, optional
    ongoing   optional: `yes` where the dates run past the period's edge
Any other column (`coder`, `id`, ...) is reported once as a warning and ignored.

The period is a comment row above the heading, as in an event file:
    # period "Minsk Barometer No 19" from 2021-01-01 to 2021-02-28
or given on the command line with `--period`.

Comments: every row above the heading whose first cell starts with `#`; below
the heading, a row whose first cell starts with `#` and whose other cells are
all empty. Any other row is data, even when its first cell starts with `#`
(`#MeToo rally in Minsk,4 January,+1`).

CSV is read as spreadsheets write it: the delimiter is whichever of `,` `;` and
tab makes sense of the heading row (Belarusian, Russian and German settings
export with `;`), a byte-order mark and CRLF line ends are accepted, and a cell
in quotes may hold the delimiter, quotes ("") and line breaks. Every position
reported is the cell's line and column in the file, counted through quoted
line breaks.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import datetime as dt
import re
from typing import NamedTuple

from . import judgements as judge, model as m
from .diagnostics import Diagnostic, InputError, Span, closest, error, warning
from .files import read_source
from .node import evolve
from .judgements import FIXED, FIELD_ORDER as _FIELD_ORDER, SCORE as _SCORE  # noqa: F401
from .judgements import signed_number as _signed_number  # noqa: F401
from .syntax import Num, RawEvent, _Item
_PERIOD = re.compile(
    r'#\s*period\s+(?:"([^"]*)"|“([^”]*)”)\s+from\s+(\S+)\s+to\s+(\S+)\s*$')
_DELIMITERS = (",", ";", "\t")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


class Cell(NamedTuple):
    """One cell: its text, where it stands, and for a workbook the value the
    spreadsheet stored (a number or a date) and the cell's name (`Sheet!C12`)."""

    value: str
    span: Span
    quoted: bool = False
    stored: object = None
    name: str | None = None


class Row(NamedTuple):
    cells: list[Cell]
    span: Span
    comment: str  # the row's text, read as a comment line (the period line); "" if none

    def blank(self) -> bool:
        return not any(c.value.strip() for c in self.cells)


# -- CSV text to rows -------------------------------------------------------------------

# Characters str.splitlines ends a line at, which are ordinary characters of a
# line here (docs/language.md "Line ends and files"): lines end at \n, \r\n, \r.
_NOT_LINE_ENDS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


def _lines(text: str) -> list[str]:
    """The text's lines with their ends, ended at \n, \r\n or \r alone, as the
    quoted lines of a diagnostic (dsl/diagnostics.py Sources) and the parser count
    them."""
    if _NOT_LINE_ENDS.search(text) is None:
        return text.splitlines(keepends=True)  # the same lines, faster
    return _LINE.findall(text)


class _Positions:
    """Offsets in a text to (line, column), with lines counted as the quoted
    lines of a diagnostic count them (`_lines`)."""

    def __init__(self, text: str):
        self.starts = [0]
        for line in _lines(text):
            self.starts.append(self.starts[-1] + len(line))
        self.last = max(len(self.starts) - 2, 0)
        self.line, self.begin, self.end = 0, 0, self.starts[1] if len(self.starts) > 1 else 0

    def at(self, offset: int) -> tuple[int, int]:
        if not self.begin <= offset < self.end:  # most lookups fall on the line before
            line = min(bisect.bisect_right(self.starts, offset) - 1, self.last)
            self.line, self.begin = line, self.starts[line]
            self.end = self.starts[line + 1] if line + 1 < len(self.starts) else self.begin
        return self.line + 1, offset - self.begin + 1


# A lone \r, which ends a line as \n does: `_scan_lines` looks for \n alone, so a
# text with one is scanned by `_scan` alone. (U+2028, U+0085, a form feed... are
# ordinary characters of a line, to every reader: `_lines`.)
_ODD_BREAKS = re.compile("\r(?!\n)")


def _scan_lines(text: str, delimiter: str, start: int, stop: int, path: str,
                where: _Positions, unclosed: list[Span] | None = None):
    """The records `_scan` returns, one by one, faster: a line without a quote
    is one record whose cells are the line split at the delimiter, and so is a
    line whose quotes only wrap whole cells; a line with another quote (which
    may open a cell running over several lines) is read by `_scan`, one record."""
    if stop != len(text) or _ODD_BREAKS.search(text, start) is not None:
        yield from _scan(text, delimiter, start, stop, path, where, unclosed)
        return
    new_cell = tuple.__new__  # Cell(value, span) without the namedtuple's Python __new__
    line = where.at(start)[0] if start < len(text) else 0
    i = start
    while i < stop:
        nl = text.find("\n", i)
        if nl == -1:
            nl = stop
        end = nl - 1 if nl > i and text[nl - 1] == "\r" else nl
        if '"' in text[i:end]:
            cells = _quoted_cells(text, delimiter, i, end, path, line)
            if cells is not None:
                yield cells, i, end
                i = nl + 1
                line += 1
                continue
            [(cells, begin, end)] = _scan(text, delimiter, i, stop, path, where, unclosed,
                                          one=True)
            yield cells, begin, end
            i = end  # where _scan goes on from
            if i < stop and text[i] == "\r":
                i += 1
            if i < stop and text[i] == "\n":
                i += 1
            if i == end and i < stop:
                i += 1
            if i < stop and text[i - 1] != "\n":  # not at a line's start: _scan goes on
                yield from _scan(text, delimiter, i, stop, path, where, unclosed)
                return
            line = where.at(i)[0] if i < stop else line
            continue
        cells = []
        column = 1
        for value in text[i:end].split(delimiter):
            width = len(value)
            cells.append(new_cell(Cell, (value, Span(path, line, column, line,
                                                     column + width if width else column + 1),
                                         False, None, None)))
            column += width + 1
        yield cells, i, end
        i = nl + 1
        line += 1


def _quoted_cells(text: str, delimiter: str, i: int, end: int, path: str,
                  line: int) -> list[Cell] | None:
    """The cells of the line text[i:end] when its quotes only wrap whole cells
    and none holds a quote (`"4 January","Talks, long",+1`): what `_scan` makes
    of it, without its scanning; None for any other line (then `_scan` reads it)."""
    new_cell = tuple.__new__
    cells = []
    at = i
    while True:
        if at < end and text[at] == '"':
            close = text.find('"', at + 1, end)
            if close < 0:
                return None
            after = close + 1
            if after < end and text[after] != delimiter:
                return None  # `"ab"cd` or `"a""b"`: scanned
            value = text[at + 1:close]
            column = at + 2 - i
            width = len(value)
            cells.append(new_cell(Cell, (value, Span(path, line, column, line,
                                                     column + width if width else column + 1),
                                         True, None, None)))
        else:
            after = text.find(delimiter, at, end)
            if after < 0:
                after = end
            value = text[at:after]
            if '"' in value:
                return None
            column = at + 1 - i
            width = len(value)
            cells.append(new_cell(Cell, (value, Span(path, line, column, line,
                                                     column + width if width else column + 1),
                                         False, None, None)))
        if after >= end:
            return cells
        at = after + 1


def _scan(text: str, delimiter: str, start: int, stop: int, path: str,
          where: _Positions, unclosed: list[Span] | None = None, one: bool = False
          ) -> list[tuple[list[Cell], int, int]]:
    """The records of text[start:stop], each as its cells and its start and end
    offsets, read as the csv module's Excel dialect reads them. Where a quote
    opens a cell and is never closed, its place is added to `unclosed`. With
    `one`, only the first record."""
    unquoted = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    quoted = re.compile(r'"((?:[^"]|"")*)("?)')
    records = []
    i = start
    while i < stop and not (one and records):
        cells: list[Cell] = []
        begin = i
        while True:
            if i < stop and text[i] == '"':
                match = quoted.match(text, i, stop)
                value = match.group(1).replace('""', '"')
                value = value.replace("\r\n", "\n").replace("\r", "\n")
                first, last = i + 1, match.end(1)
                if not match.group(2) and unclosed is not None:
                    unclosed.append(Span(path, *where.at(i), *where.at(i + 1)))
                i = match.end()
                rest = unquoted.match(text, i, stop)  # after the closing quote: kept as is
                if rest.end() > i:
                    value += text[i:rest.end()]
                    last = i = rest.end()
                is_quoted = True
            else:
                match = unquoted.match(text, i, stop)
                value, first, last = match.group(), i, match.end()
                i = match.end()
                is_quoted = False
            line, column = where.at(first)
            end_line, end_column = where.at(last) if last > first else (line, column + 1)
            cells.append(Cell(value, Span(path, line, column, end_line, end_column), is_quoted))
            if i < stop and text[i] == delimiter:
                i += 1
                continue
            break
        end = i
        if i < stop and text[i] == "\r":
            i += 1
        if i < stop and text[i] == "\n":
            i += 1
        records.append((cells, begin, end))
        if i == end and i < stop:  # a stray character the patterns cannot take: step over it
            i += 1
    return records


def _looks_like_comment(line: str) -> bool:
    return bool(re.match(r'\s*"?\s*#', line))


def _is_blank_line(line: str) -> bool:
    """Nothing but spaces, delimiters and quotes, whatever line end it keeps (the
    lines are read with their ends: a blank line above the heading is no heading)."""
    return not line.strip(" \t;,\"\r\n")


def csv_head(path: str, source=None):
    """A CSV's first lines, read without reading the rest (a columnar engine's
    catalogue may be large): the period its lines above the heading state (or
    None), how many lines stand above the heading, the heading line, whether a
    heading was found, and the text read. `source`: the file open as text, read
    from where it stands, instead of opening `path` (the tally reads one open file)."""
    with open(path, encoding="utf-8-sig", newline="") if source is None else \
            contextlib.nullcontext(source) as f:
        head, headed = [], False
        for line in f:
            head.append(line)
            if not (_is_blank_line(line) or _looks_like_comment(line)) or len(head) > 1000:
                headed = True
                break
    period = None
    for n, line in enumerate(head[:-1], start=1):
        text = line.strip().rstrip(",;\t").strip()
        if text.startswith('"') and text.endswith('"'):
            text = text[1:-1].replace('""', '"')
        if _PERIOD.match(text.strip()):
            span = Span(path, n, 1, n, len(line.rstrip()) + 1)
            period = period or _period(Row([Cell(text, span, True)], span, text), None)
    heading = head[-1].rstrip("\r\n") if head else ""
    return period, len(head) - 1, heading, headed, "".join(head)


def sniff(heading: str, known: set[str]) -> str:
    return _sniff(heading, known)


def _sniff(heading: str, known: set[str]) -> str:
    """The delimiter that splits the heading row into the most known headings
    (then into the most cells); a comma when nothing tells."""
    def score(delimiter: str):
        cells = [c.strip().strip('"').strip().lower() for c in heading.split(delimiter)]
        return (sum(1 for c in cells if c in known), len(cells), delimiter == ",")

    return max(_DELIMITERS, key=score)


def csv_rows(path: str, text: str, known: set[str]) -> list[Row]:
    """The rows of a CSV text: the lines above the heading one by one (comments
    and blank lines), then the records from the heading on."""
    return list(csv_stream(path, text, known))


def csv_stream(path: str, text: str, known: set[str]):
    """`csv_rows`, one row at a time: a large catalogue is never held as rows
    (an unclosed quote is said when the rows run out, as nothing is read then)."""
    where = _Positions(text)
    lines = _lines(text)
    offset, heading_at = 0, None
    for n, line in enumerate(lines):
        if not (_is_blank_line(line) or _looks_like_comment(line)):
            heading_at = n
            break
        offset += len(line)
    delimiter = _sniff(lines[heading_at].rstrip("\r\n"), known) if heading_at is not None else ","
    start = 0
    for line in lines[:heading_at] if heading_at is not None else lines:
        stop = start + len(line.rstrip("\r\n"))
        yield from _rows(_scan(text, delimiter, start, stop, path, where) or
                      [([Cell("", Span(path, *where.at(start), *where.at(start)))], start, stop)],
                      text, where, path, delimiter)
        start += len(line)
    del lines
    if heading_at is not None:
        unclosed: list[Span] = []
        yield from _rows(_scan_lines(text, delimiter, offset, len(text), path, where, unclosed), text,
                      where, path, delimiter)
        if unclosed:
            raise InputError([error(
                "B001", "this quote opens a cell that is never closed: the rest of the file "
                "would be read as one cell", unclosed[0],
                'close the cell with a quote ("), or write a quote inside a cell as ""')])


def record(path: str, text: str, delimiter: str, first_line: int) -> Row | None:
    """The first record of `text`, a CSV's lines from a record's first line on,
    read as csv_rows reads it: its cells with their spans in the file, where the
    text begins at line `first_line` (a columnar engine places a finding so)."""
    where = _Positions(text)
    rows = list(_rows(_scan_lines(text, delimiter, 0, len(text), path, where, []), text, where,
                      path, delimiter))
    if not rows:
        return None
    shift = first_line - 1

    def moved(span: Span) -> Span:
        return Span(span.file, span.line + shift, span.column, span.end_line + shift,
                    span.end_column)

    row = rows[0]
    return Row([c._replace(span=moved(c.span)) for c in row.cells], moved(row.span), row.comment)


def _rows(records, text: str, where: _Positions, path: str, delimiter: str):
    for cells, begin, end in records:
        line, column = where.at(begin)
        end_line, end_column = where.at(end) if end > begin else (line, column + 1)
        first = cells[0] if cells else None
        if first is not None and first.quoted:
            comment = first.value
        elif first is None or first.value.lstrip().startswith("#"):
            comment = text[begin:end].rstrip(" \t" + delimiter)
        else:
            comment = ""  # no comment: the line is not copied for one
        yield Row(cells, Span(path, line, column, end_line, end_column), comment)


# -- rows to raw events: what CSV and workbooks share -------------------------------------

def known_headings(indices: dict[str, str] | None) -> set[str]:
    known = set(FIXED)
    for name, title in (indices or {}).items():
        known |= {name.lower(), title.lower()}
    return known


def _said(cell: Cell, message: str) -> str:
    """A message about a workbook's cell names the cell: `Sheet!C12: ...`."""
    return f"{cell.name}: {message}" if cell.name else message


def found(cell: Cell, finding: judge.Finding, span: Span | None = None) -> Diagnostic:
    """A judgement of a cell (dsl/judgements.py) at the cell (or `span`), named
    as a workbook's cell is."""
    return evolve(finding, message=_said(cell, finding.message)).at(
        cell.span if span is None else span)


def read_csv(path: str, period: m.Period | None = None,
             indices: dict[str, str] | None = None, attributes: dict[str, str] | None = None,
             required: dict[str, str] | None = None
             ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    """The period and raw events of a CSV catalogue. `indices` (name: title)
    are the scheme's: then a column headed by neither a known field nor an
    index is ignored with a warning; without them, every other column is read
    as an index. `attributes` (name: title) are the scheme's attributes: their
    columns hold each event's value (`minister`, `12`); `required` (name: an
    example value), those without a default, whose column must be there."""
    from .tables import widened  # the long form: an `index` and a `score` column

    text = read_source(path)
    both = {**(indices or {}), **(attributes or {})} if indices is not None else None
    problems: list[Diagnostic] = []
    rows = widened(path, csv_stream(path, text, known_headings(both)), indices, problems)
    del text
    found_period, raw, found = read_rows(path, rows, period, indices, attributes=attributes,
                                         required=required, lazily=True)
    return found_period, *after(raw, problems, found)


def after(raw, *lists: list[Diagnostic]):
    """The raw events, one by one, and the list of problems that holds those of
    `lists` (in that order) once they have all been read."""
    out: list[Diagnostic] = []

    def events():
        yield from raw
        for problems in lists:
            out.extend(problems)

    return events(), out


def _names_fields(row: Row) -> bool:
    found = {" ".join(c.value.lower().split()) for c in row.cells}
    return {"date", "event"} <= found


def _below_a_title(rows: list[Row], at: int) -> int:
    """The heading row: the first row under the period, or where that row is a
    title (one cell, often merged across the sheet) and a row a little further
    down names `date` and `event`, that row."""
    if _names_fields(rows[at]):
        return at
    for k in range(at, min(at + 6, len(rows))):
        if _names_fields(rows[k]):
            return k
        if sum(1 for c in rows[k].cells if c.value.strip()) > 1:
            break  # not a title: the heading is missing, and said so
    return at


def read_rows(path: str, rows: list[Row], period: m.Period | None,
              indices: dict[str, str] | None, period_row: Row | None = None,
              what: str = "spreadsheet", attributes: dict[str, str] | None = None,
              required: dict[str, str] | None = None, lazily: bool = False
              ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    """The period, the raw events and the problems of a table's rows (any
    iterable). `lazily`: the raw events come one by one as the rows are read,
    and the problems are all in their list once the last has been taken."""
    problems: list[Diagnostic] = []
    heading_at = None
    if period_row is not None:
        period = _period(period_row, period)
    rest = iter(rows)
    rows = []  # up to the heading
    for n, row in enumerate(rest):
        rows.append(row)
        if row.blank():
            continue
        if row.cells[0].value.strip().startswith("#"):
            period = _period(row, period)
            continue
        heading_at = n
        break
    if period is None:
        sidecar = os.path.basename(path) + ".period" if what == "catalogue" else None
        raise InputError([judge.no_period(what, sidecar).at(
            rows[0].span if rows else Span(path, 1, 1, 1, 2))])
    if heading_at is None:
        last = next((r for r in reversed(rows) if not r.blank()), rows[-1] if rows else None)
        raise InputError([judge.no_heading(what).at(
            last.span if last is not None else Span(path, 1, 1, 1, 2))])
    if what == "workbook":  # a sheet may have a title above its heading row
        rows += rest
        rest = iter(())
        heading_at = _below_a_title(rows, heading_at)
    heading = rows[heading_at]
    named = {**(indices or {}), **(attributes or {})} if indices is not None else None
    columns, index_columns, unknown = _heading(heading, named, problems)
    data = itertools.chain(rows[heading_at + 1:], rest)
    del rows
    missing = [needed for needed in ("date", "event") if needed not in columns]
    for needed in missing:
        finding = judge.no_column(what, needed)
        if what == "workbook":  # a sheet may have a title above its heading row
            finding = evolve(finding, hint=(
                f"the heading row, the first row under the period (row {heading.span.line} "
                "here) or under a title of one cell, must name: date, event, and the indices"))
        problems.append(found(heading.cells[0], finding, heading.span))
    for j, cell in unknown:
        name = cell.value.strip()
        near = closest(name, indices or {})
        if near is not None and not isinstance(data, list):
            data = list(data)  # whether the column holds anything
        used = near is not None and any(j < len(r.cells) and r.cells[j].value.strip()
                                        for r in data)
        if near is not None and used:
            # a misspelt index: read as one, so that checking says `unknown index` (once,
            # at the heading) rather than losing its scores without a word
            index_columns.append((j, m.Declared(" ".join(name.lower().split()).replace(" ", "_"),
                                                cell.span)))
        else:
            problems.append(found(cell, judge.ignored_column(name, indices or {},
                                                             attributes or {})))
    if missing:
        for _ in data:  # read through: a CSV's unclosed quote is said then
            pass
        return period, [], problems
    there = {declared.name for _, declared in index_columns}
    for name, example in (required or {}).items():
        if name not in there:  # said once here, not on every row
            problems.append(found(heading.cells[0], judge.no_attribute_column(
                what, name, example), heading.span))
    headings = judge.Headings(named)  # the columns under no heading: past the last, or blank
    unheaded = (len(heading.cells),
                frozenset(j for j, c in enumerate(heading.cells) if not headings.key(c.value)))
    raw = _events(path, data, columns, index_columns, problems, set(attributes or ()), unheaded)
    return period, raw if lazily else list(raw), problems


def _events(path: str, data, columns: dict[str, int], index_columns: list,
            problems: list[Diagnostic], attributes: set[str], unheaded=(None, frozenset())):
    """The raw events of the rows below the heading, one by one; B019 at a cell
    holding something under no heading (`unheaded`: the heading's width, and the
    columns whose heading is blank)."""
    width, blank = unheaded
    layout = tuple(columns.get(key) for key in ("date", "event", "category", "tags", "source",
                                                "note", "ongoing"))
    words: dict[str, str] = {}  # one copy of each text the events keep (dates, categories...)
    for row in data:
        if row.blank():
            continue
        first = row.cells[0].value.strip()
        if first.startswith("#") and not any(c.value.strip() for c in row.cells[1:]):
            skipped = judge.skipped_row(first)
            if skipped is not None:
                problems.append(found(row.cells[0], skipped))
            continue
        if width is not None and (len(row.cells) > width or blank):
            for j, cell in enumerate(row.cells):
                if (j >= width or j in blank) and cell.value.strip():
                    problems.append(found(cell, judge.unheaded_cell(cell.value)))
        yield _event(path, row, layout, index_columns, problems, attributes, words)


def _period(row: Row, period: m.Period | None) -> m.Period | None:
    text = row.comment.strip()
    match = _PERIOD.match(text)
    if match is None or period is not None:
        return period
    title = match.group(1) if match.group(1) is not None else match.group(2)
    cell = row.cells[0]
    span = cell.span if cell.quoted or cell.name else row.span
    try:
        start, end = (dt.date.fromisoformat(match.group(i)) for i in (3, 4))
    except ValueError:
        raise InputError([error("B301", _said(cell, "the period's days are not dates in the "
                                              "calendar"), span,
                                "write them as YYYY-MM-DD")]) from None
    if end < start:
        raise InputError([error("B305", _said(cell, f"the period ends ({end}) before it starts "
                                              f"({start})"), span,
                                f"write from {end} to {start}")])
    return m.Period(title, start, end, span)


def _heading(heading: Row, indices: dict[str, str] | None, problems: list[Diagnostic]):
    """Which column holds what: fields by name, indices by name or title (any
    case), and the columns that are neither."""
    headings = judge.Headings(indices)
    columns: dict[str, int] = {}
    index_columns: list[tuple[int, m.Declared]] = []
    seen: dict[str, Cell] = {}
    unknown: list[tuple[int, Cell]] = []
    for j, cell in enumerate(heading.cells):
        key = headings.key(cell.value)
        if not key:
            continue
        target = headings.target(cell.value)
        if target is None:
            unknown.append((j, cell))
            continue
        if target in seen:
            problems.append(found(cell, judge.second_column(target, seen[target].value)))
            continue
        seen[target] = cell
        if key in FIXED:
            columns[key] = j
        else:
            index_columns.append((j, m.Declared(target, cell.span)))
    return columns, index_columns, unknown


def printed_date(value: dt.date) -> str:
    """A date as the report prints it: `4 January`."""
    return f"{value.day} {MONTHS[value.month - 1]}"


@judge.once
def _score_cell(value: str):
    """A score cell's text judged: its points (or the Finding), as stripped, and
    whether it is written with its sign."""
    points = judge.score(value)
    if isinstance(points, judge.Finding):
        return points, None, False
    return points, value.strip(), bool(_SCORE.match(value).group(1))


def _missing(path: str, row: Row) -> Cell:
    """An empty cell past the row's end: where a missing date or text is said."""
    end = row.span
    return Cell("", Span(path, end.end_line, end.end_column, end.end_line, end.end_column + 1))


WORDS = 1 << 16  # distinct texts kept once per table (past them, each as read)


def _kept(words: dict[str, str], text: str) -> str:
    """The one copy of `text` the events of a table share (a catalogue of a
    million rows names a few dozen categories and dates)."""
    word = words.get(text)
    if word is None:
        if len(words) < WORDS:
            words[text] = text
        return text
    return word


def _event(path: str, row: Row, layout: tuple, index_columns: list[tuple[int, m.Declared]],
           problems: list[Diagnostic], attributes: set[str] = frozenset(),
           words: dict[str, str] | None = None) -> RawEvent:
    """A row's raw event. `layout`: the columns of the date, the text, the
    category, tags, source, note and `ongoing` (None where there is none);
    `words`: the texts already kept (`_kept`)."""
    if words is None:
        words = {}
    cells = row.cells
    count = len(cells)
    at_date, at_text, at_category, at_tags, at_source, at_note, at_ongoing = layout
    date = cells[at_date] if at_date is not None and at_date < count else _missing(path, row)
    when = date.value
    if isinstance(date.stored, dt.date):
        when = printed_date(date.stored)
        problems.append(warning(
            "B013", _said(date, f"the spreadsheet turned the printed date into the date "
                          f"{date.stored:%Y-%m-%d}; it is read as `{when}`"), date.span,
            "to keep a date as printed, format the date column as text (or type an apostrophe "
            "before the date: '4 January)"))
    text = (cells[at_text] if at_text is not None and at_text < count
            else _missing(path, row)).value
    details: list = []
    scores = []
    unreadable = 0  # scores written that are none: the event carries one, if not readable
    for i, index in index_columns:
        score = cells[i] if i < count else _missing(path, row)
        value = score.value
        stored = score.stored
        if stored is not None and isinstance(stored, (int, float)) and \
                not isinstance(stored, bool):
            value = _signed_number(stored)
        if not value or not value.strip():
            continue
        if value.strip().lower() == judge.MARK and index.name not in attributes:
            # on the index, without a score
            details.append(_Item("mark", (m.Declared(index.name, score.span), True)))
            continue
        points, written, signed = _score_cell(value)
        if written is None and points.code == "B001" and \
                index.name in attributes:  # level: minister
            details.append(_Item("value", (index, m.Declared(_kept(words, value.strip()),
                                                             score.span))))
            continue
        if written is None:
            problems.append(found(score, points))
            unreadable += 1
            continue
        scores.append((index, Num(points, written, signed, score.span)))
    if scores:
        details.append(_Item("scores", scores))
    if unreadable:
        details.append(_Item("unreadable", unreadable))
    # the optional columns: a missing column or cell reads as an empty cell would
    category = cells[at_category] if at_category is not None and at_category < count else None
    if category is not None and category.value.strip():
        details.append(_Item("category", m.Declared(_kept(words, category.value.strip()),
                                                    category.span)))
    tags = cells[at_tags] if at_tags is not None and at_tags < count else None
    if tags is not None and tags.value.strip():
        details.append(_Item("tags", [m.Declared(_kept(words, t), tags.span)
                                      for t in judge.tags(tags.value)]))
    source = cells[at_source] if at_source is not None and at_source < count else None
    if source is not None:
        for one in source.value.split():
            details.append(_Item("source", one))
    note = cells[at_note] if at_note is not None and at_note < count else None
    if note is not None and note.value.strip():
        details.append(_Item("note", note.value.strip()))
    ongoing = cells[at_ongoing] if at_ongoing is not None and at_ongoing < count else None
    if ongoing is not None:
        flag = judge.ongoing(ongoing.value, ongoing.stored)
        if flag is True:
            details.append(_Item("ongoing", True))
        elif isinstance(flag, judge.Finding):
            problems.append(found(ongoing, flag))
    return RawEvent(_kept(words, when), date.span, _kept(words, text.strip()), details, row.span)
