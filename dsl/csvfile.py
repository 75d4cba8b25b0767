"""Catalogues exported from a spreadsheet, as CSV.

One row per event. Columns, by their heading (any case, any order):
    date      the date as printed ("4 January", "Early February", ...)
    event     the event's text
    INDEX     one column per index (its name, e.g. `russia`, or its title): the
              event's score there, or empty where it has none
    category  optional; tags (separated by `;` or `,`), source, note, optional
    ongoing   optional: `yes` where the dates run past the period's edge
Rows whose first cell starts with `#` are comments. The period is a comment
line above the headings, as in an event file:
    # period "Minsk Barometer No 19" from 2021-01-01 to 2021-02-28
or given on the command line with `--period`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from . import model as m
from .diagnostics import Diagnostic, InputError, Span, error
from .files import read_source
from .syntax import Num, RawEvent, _Item, number

FIXED = {"date", "event", "category", "tags", "source", "note", "ongoing"}
_PERIOD = re.compile(
    r'#\s*period\s+(?:"([^"]*)"|“([^”]*)”)\s+from\s+(\S+)\s+to\s+(\S+)\s*$')
_SCORE = re.compile(r"\s*([+\-−–]?)\s*(\d+(?:\.\d+)?)\s*$")


def _cells(line: str) -> list[int]:
    """The 1-based column where each cell of a CSV line begins."""
    starts, quoted, i = [1], False, 0
    while i < len(line):
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            starts.append(i + 2)
        i += 1
    return starts


def read_csv(path: str, period: m.Period | None = None
             ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    text = read_source(path)
    lines = text.splitlines()
    problems: list[Diagnostic] = []
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        match = _PERIOD.match(lines[first].strip())
        if match and period is None:
            title = match.group(1) if match.group(1) is not None else match.group(2)
            span = Span(path, first + 1, 1, first + 1, len(lines[first]) + 1)
            try:
                start, end = (dt.date.fromisoformat(match.group(i)) for i in (3, 4))
            except ValueError:
                raise InputError([error("B301", "the period's days are not dates in the "
                                        "calendar", span, "write them as YYYY-MM-DD")]) from None
            period = m.Period(title, start, end, span)
        first += 1
    if period is None:
        raise InputError([error(
            "B304", "the spreadsheet does not say which period it covers",
            Span(path, 1, 1, 1, 2),
            'add a first line: # period "Title" from 2021-01-01 to 2021-02-28, '
            "or give --period 2021-01-01:2021-02-28")])
    reader = csv.reader(io.StringIO("\n".join(lines[first:]) + "\n"))
    try:
        heading = next(reader)
    except StopIteration:
        raise InputError([error("B001", "the spreadsheet has no heading row",
                                Span(path, first + 1, 1, first + 1, 2),
                                "the first row names the columns: date,event,russia,...")])
    head_line = first + 1
    starts = _cells(lines[first]) if first < len(lines) else [1]
    columns: dict[str, int] = {}
    index_columns: list[tuple[int, m.Declared]] = []
    for i, name in enumerate(heading):
        key = name.strip().lower()
        col = starts[i] if i < len(starts) else 1
        span = Span(path, head_line, col, head_line, col + max(len(name), 1))
        if key in FIXED:
            columns[key] = i
        elif key:
            index_columns.append((i, m.Declared(key.replace(" ", "_"), span)))
    for needed in ("date", "event"):
        if needed not in columns:
            problems.append(error("B001", f"the spreadsheet has no `{needed}` column",
                                  Span(path, head_line, 1, head_line, len(lines[first]) + 1),
                                  "the heading row must name: date, event, and the indices"))
    if problems:
        return period, [], problems
    raw: list[RawEvent] = []
    previous = reader.line_num
    for row in reader:
        line = first + previous + 1
        previous = reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue  # blank rows, and comment rows (a first cell starting with #)
        starts = _cells(lines[line - 1]) if line - 1 < len(lines) else [1]

        def cell(key_or_index) -> tuple[str, Span]:
            i = columns.get(key_or_index) if isinstance(key_or_index, str) else key_or_index
            value = row[i] if i is not None and i < len(row) else ""
            col = starts[i] if i is not None and i < len(starts) else 1
            return value, Span(path, line, col, line, col + max(len(value), 1))

        when, when_span = cell("date")
        text, _ = cell("event")
        details: list = []
        scores = []
        for i, index in index_columns:
            value, span = cell(i)
            if not value.strip():
                continue
            match = _SCORE.match(value)
            if match is None:
                problems.append(error("B001", f"expected a score such as +1, found `{value}`",
                                      span, "a score is a whole number with its sign"))
                continue
            sign, digits = match.groups()
            score = number(digits)
            scores.append((index, Num(-score if sign and sign != "+" else score,
                                      value.strip(), bool(sign), span)))
        if scores:
            details.append(_Item("scores", scores))
        category, span = cell("category")
        if category.strip():
            details.append(_Item("category", m.Declared(category.strip(), span)))
        tags, span = cell("tags")
        if tags.strip():
            details.append(_Item("tags", [m.Declared(t.strip(), span)
                                          for t in re.split(r"[;,]", tags) if t.strip()]))
        sources, _ = cell("source")
        for source in sources.split():
            details.append(_Item("source", source))
        note, _ = cell("note")
        if note.strip():
            details.append(_Item("note", note.strip()))
        ongoing, span = cell("ongoing")
        if ongoing.strip().lower() in ("yes", "y", "true", "1", "x", "ongoing"):
            details.append(_Item("ongoing", True))
        elif ongoing.strip():
            problems.append(error("B001", f"`ongoing` is `yes` or empty, not `{ongoing}`", span))
        row_span = Span(path, line, 1, line, len(lines[line - 1]) + 1 if line - 1 < len(lines) else 2)
        raw.append(RawEvent(when, when_span, text.strip(), details, row_span))
    return period, raw, problems
