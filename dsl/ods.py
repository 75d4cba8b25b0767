"""Catalogues kept in an OpenDocument spreadsheet (.ods: LibreOffice, Google
Sheets, Excel's "Save as ODS"), read with the standard library alone.

An .ods file is a zip holding `content.xml`; its first table is read with the
layout of the CSV and of an Excel workbook (`csvfile.py`, `xlsx.py`): the period
in the first row's first cell, the heading row, one row per event. Cells are read
as stored: a number as a number (a score with its sign), a date as a date (read
back as printed, with the warning B013 the workbook reader gives), text as
typed. Places and cell names are the workbook reader's (`Events!C12`, a row as
its line), so messages read the same; a cell covered by a merged cell is named
as such where an empty date is reported.

What is read is bounded as for workbooks: at most `MAX_CONTENT` bytes of
`content.xml` (and a compression ratio a real spreadsheet does not exceed), and
at most `MAX_CELLS` cells, counting the repeated rows and columns a file
declares, so that a small file cannot ask for a billion empty cells.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from . import model as m
from .csvfile import Row, printed_date, read_rows
from .diagnostics import SOURCES, Diagnostic, InputError, error
from .syntax import RawEvent
from .xlsx import _CELLS, MERGED, column_letters, sheet_reference, sheet_row

MAX_CONTENT = 256 * 1024 * 1024  # bytes of content.xml, uncompressed
MAX_RATIO = 200  # uncompressed / compressed: beyond it, a zip bomb rather than a sheet
MAX_CELLS = 5_000_000

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_T = "{%s}" % _NS["table"]
_O = "{%s}" % _NS["office"]
_X = "{%s}" % _NS["text"]

UNREADABLE = "save it from the spreadsheet as 'ODF Spreadsheet (.ods)', or export it as CSV"


def _unreadable(path: str, why: str = "") -> InputError:
    return InputError([error("B015", f"{path} cannot be read as an OpenDocument spreadsheet "
                             f"(.ods){why}", None, UNREADABLE)])


def _content(path: str) -> bytes:
    try:
        book = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError([error("B002", f"no such file: {path}", None)]) from None
    except IsADirectoryError:
        raise InputError([error("B002", f"{path} is a folder, not a file", None)]) from None
    except PermissionError as e:
        raise InputError([error("B002", f"cannot read {path}: {e.strerror}", None)]) from None
    except (zipfile.BadZipFile, OSError):
        raise _unreadable(path) from None
    with book:
        try:
            info = book.getinfo("content.xml")
        except KeyError:
            raise _unreadable(path, ": it holds no content.xml") from None
        if info.file_size > MAX_CONTENT or (
                info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                and info.file_size > 1024 * 1024):
            raise InputError([error(
                "B015", f"{path}: its sheet is {info.file_size:,} bytes unpacked, more than "
                f"barometer reads from a spreadsheet ({MAX_CONTENT:,} bytes, or {MAX_RATIO} "
                "times its packed size)", None,
                "export the catalogue as CSV, which is read in any size")])
        try:
            return book.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise _unreadable(path) from None


def _cell_text(cell) -> str:
    """The text a cell shows: its paragraphs joined by line breaks, with `text:s`
    (runs of spaces), tabs and line breaks as typed."""
    paragraphs = []
    for p in cell.iter():
        if p.tag in (_X + "p", _X + "h") and p is not cell:
            paragraphs.append("".join(_inline(p)))
    return "\n".join(paragraphs)


def _inline(element):
    if element.text:
        yield element.text
    for child in element:
        if child.tag == _X + "s":
            yield " " * int(child.get(_X + "c", "1") or 1)
        elif child.tag == _X + "tab":
            yield "\t"
        elif child.tag == _X + "line-break":
            yield "\n"
        elif child.tag not in (_X + "p", _X + "h", "{%s}annotation" % _NS["office"]):
            yield from _inline(child)
        if child.tail:
            yield child.tail


def _value(cell):
    """What the cell stores: a number, a date, a truth value, or its text."""
    kind = cell.get(_O + "value-type")
    text = _cell_text(cell)
    if kind in ("float", "percentage", "currency"):
        try:
            number = float(cell.get(_O + "value"))
        except (TypeError, ValueError):
            return text, None
        return (str(int(number)) if number.is_integer() else repr(number)), number
    if kind == "date":
        stored = cell.get(_O + "date-value", "")
        try:
            day = dt.date.fromisoformat(stored[:10])
        except ValueError:
            return text, None
        if len(stored) > 10 and stored[10:].strip("T0:.") != "":
            return text, None  # a moment in a day: kept as the text shown
        return printed_date(day), day
    if kind == "boolean":
        truth = cell.get(_O + "boolean-value") == "true"
        return ("yes" if truth else ""), truth
    return text, None


def _table_rows(path: str, content: bytes):
    """The first table's rows, each a list of (text, stored, merged range or None),
    with the repeats the file declares expanded up to the last cell that holds
    something."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        raise _unreadable(path) from None
    table = root.find(f"{_O}body/{_O}spreadsheet/{_T}table")
    if table is None:
        raise _unreadable(path, ": it holds no sheet")
    name = table.get(_T + "name", "Sheet1")
    rows: list[list] = []
    pending_blank = 0
    spans: dict[tuple[int, int], str] = {}  # covered cell -> the merged range
    counted = 0

    def row_elements(parent):
        for child in parent:
            if child.tag == _T + "table-row":
                yield child
            elif child.tag in (_T + "table-row-group", _T + "table-header-rows", _T + "table-rows"):
                yield from row_elements(child)

    for element in row_elements(table):
        repeat = int(element.get(_T + "number-rows-repeated", "1") or 1)
        cells: list = []
        pending = 0
        for cell in element:
            if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                continue
            times = int(cell.get(_T + "number-columns-repeated", "1") or 1)
            text, stored = _value(cell)
            covered = cell.tag == _T + "covered-table-cell"
            if not text and stored is None and not covered:
                pending += times
                continue
            counted += (pending + times) * repeat
            if counted > MAX_CELLS:
                raise InputError([error(
                    "B015", f"{path}: the sheet holds more than {MAX_CELLS:,} cells, more than "
                    "barometer reads from a spreadsheet", None,
                    "export the catalogue as CSV, which is read in any size")])
            cells += [("", None, covered)] * pending
            pending = 0
            cells += [(text, stored, covered)] * times
            row_span = int(cell.get(_T + "number-rows-spanned", "1") or 1)
            column_span = int(cell.get(_T + "number-columns-spanned", "1") or 1)
            if row_span > 1 or column_span > 1:
                first = (len(rows) + pending_blank + 1, len(cells))
                spans[first] = (f"{column_letters(first[1])}{first[0]}:"
                                f"{column_letters(first[1] + column_span - 1)}"
                                f"{first[0] + row_span - 1}")
        if not cells:
            pending_blank += repeat
            continue
        counted += pending_blank + repeat
        if counted > MAX_CELLS:
            raise InputError([error(
                "B015", f"{path}: the sheet holds more than {MAX_CELLS:,} cells, more than "
                "barometer reads from a spreadsheet", None,
                "export the catalogue as CSV, which is read in any size")])
        rows += [[]] * pending_blank
        pending_blank = 0
        rows += [list(cells)] * repeat
    return name, rows, spans


def read_ods(path: str, period: m.Period | None = None,
             indices: dict[str, str] | None = None, attributes: dict[str, str] | None = None,
             required: dict[str, str] | None = None
             ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    name, stored_rows, spans = _table_rows(path, _content(path))
    reference = sheet_reference(name)
    merged: dict[tuple[int, int], str] = {}
    for (row, column), where in spans.items():
        last = where.split(":")[1]
        end_row = int(re.sub(r"[A-Z]+", "", last))
        end_column = _letters_to_number(re.sub(r"\d+", "", last))
        for r in range(row, min(end_row, len(stored_rows)) + 1):
            for c in range(column, min(end_column, column + 1000) + 1):
                if (r, c) != (row, column):
                    merged[(r, c)] = where
    rows: list[Row] = []
    lines: list[str] = []
    places: dict[int, list[tuple[int, int, str]]] = {}
    covered_at: dict[tuple[int, int], str] = {}
    for number, values in enumerate(stored_rows, start=1):
        row, line = sheet_row(path, reference, number,
                              [(text, stored) for text, stored, _ in values],
                              merged, places, covered_at)
        rows.append(row)
        lines.append(line)
    SOURCES.add(path, "\n".join(lines))
    _CELLS[path] = (name, places)
    MERGED[path] = covered_at
    return read_rows(path, rows, period, indices, what="workbook", attributes=attributes,
                     required=required)


def _letters_to_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n
