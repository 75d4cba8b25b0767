"""Where a row or a cell stands in the file, as the python reader places it:
a CSV record's line (after line breaks inside quoted cells and empty lines), a
cell's columns in its line, a JSON Lines file's row-th record, a heading's cell."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ...dsl import csvfile, judgements as judge, tables
from ...dsl.diagnostics import SOURCES, Span

from .terms import _col, _exp, _numbered

if TYPE_CHECKING:  # a Source's annotation only: layout.py reads the file's places
    from .layout import Source


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


def _heading_cells(path: str, csv) -> list[str] | None:
    """A CSV's heading cells as the csv module splits them, if each is a distinct name
    or blank (a column under no heading: see runners.py's `_read_names`)."""
    import csv as csv_module

    text = _line_of(path, csv[0] + 1) if os.path.isfile(path) else None
    if text is None or _quoted_after(text, False, csv[1]):  # a heading of several lines
        return None
    cells = next(csv_module.reader([text], delimiter=csv[1]), [])
    headed = [c for c in cells if c.strip()]
    if not headed or len(set(headed)) < len(headed):
        return None
    return cells


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
    if source.kind == "parquet" and os.path.isfile(source.path):  # its place in the
        from ...dsl.tables import heading_spans  # heading line, as the reader places it

        names = list(source.columns)
        if column in names:
            return heading_spans(source.path, [source.heading(c) for c in names])[
                names.index(column)]
    return Span(source.path, 1, 1, 1, 2)


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
            # the rows up to the last one asked for: DuckDB stops reading there
            top = (exp.select(exp.Star(), copy=False).from_(_numbered(source).subquery(
                "numbered", copy=False), copy=False).limit(max(places), copy=False))
            query = exp.select(exp.column("barometer_row"), *[_col(c) for c in names],
                               copy=False).from_(top.subquery(
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
