"""Catalogues kept in an Excel workbook (.xlsx), read with openpyxl.

The layout is the CSV's (see `csvfile.py`), on the workbook's first sheet: the
period in the first row's first cell (or in a defined name `period`), then the
heading row, then one row per event. Cells are read as the spreadsheet stored
them: a number in a score column is a score with its sign, and a date column
cell that the spreadsheet turned into a date is read back as `D Month` (the
report's form), with a warning saying so.

Where things stand. A workbook has no lines; a `Span` in it keeps the file's
path, the row as its line, and as its column the character where the cell
begins in a text made of the row's cells separated by ` | ` (that text is what
a diagnostic quotes, with a caret under the cell). Messages made here begin
with the cell's name, `Events!C12: ...`; `cell_name(span)` gives that name for
any span in a workbook read here, for the diagnostics layer to use.

openpyxl is an optional extra (`pip install 'barometer[xlsx]'`), imported only here.
"""

from __future__ import annotations

import datetime as dt
import re

from . import model as m
from .csvfile import Cell, Row, printed_date, read_rows
from .diagnostics import SOURCES, Diagnostic, InputError, Span, error, warning
from .syntax import RawEvent

NEEDS_OPENPYXL = "reading Excel workbooks (.xlsx) needs openpyxl: pip install 'barometer[xlsx]'"
_SEPARATOR = " | "
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# path -> (sheet name, {row: [(first column, end column, cell letters)]})
_CELLS: dict[str, tuple[str, dict[int, list[tuple[int, int, str]]]]] = {}
# path -> {(row, column in the row's text): the merged range covering the cell}, for the
# cells a merged cell covers (not its first): their value stands in the first cell only
MERGED: dict[str, dict[tuple[int, int], str]] = {}


def merged_range(span: Span) -> str | None:
    """`A4:A5` where `span` is a cell a merged cell covers (read as empty)."""
    return MERGED.get(span.file, {}).get((span.line, span.column))


def _merged_cells(path: str, sheet_path: str | None) -> dict[tuple[int, int], str]:
    """(row, column) of each cell covered by a merged cell of the sheet, and the
    merged range: read from the sheet's XML, which openpyxl's read-only mode skips."""
    import zipfile

    if not sheet_path:
        return {}
    with zipfile.ZipFile(path) as book:
        try:
            text = book.read(sheet_path.lstrip("/"))
        except KeyError:
            return {}
    found = {}
    for ref in re.findall(rb'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', text)[:10_000]:
        where = ref.decode()
        (c1, r1), (c2, r2) = (re.fullmatch(r"([A-Z]+)(\d+)", p).groups()
                              for p in where.split(":"))
        first_column, last_column = _column_number(c1), _column_number(c2)
        for r in range(int(r1), min(int(r2), int(r1) + 10_000) + 1):
            for c in range(first_column, min(last_column, first_column + 1000) + 1):
                if (r, c) != (int(r1), first_column):
                    found[(r, c)] = where
    return found


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def sheet_reference(sheet: str) -> str:
    """A sheet's name as a cell reference writes it: `Events`, `'My events'`."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def cell_name(span: Span) -> str | None:
    """`Events!C12` for a span in a workbook read here, else None."""
    known = _CELLS.get(span.file)
    if known is None:
        return None
    sheet, rows = known
    for first, end, letters in rows.get(span.line, []):
        if first <= span.column < max(end, first + 1):
            return f"{sheet_reference(sheet)}!{letters}{span.line}"
    return f"{sheet_reference(sheet)}!{span.line}:{span.line}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return printed_date(value.date())
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return printed_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# What a workbook may hold for barometer to read it, so that reading costs what
# the catalogue's size does (docs/language.md, "Excel workbooks"). Past them, an
# error (B018) names the place; a catalogue that large belongs in a CSV or Parquet
# file, which the DuckDB engine reads.
MAX_UNCOMPRESSED = 128 * 2**20  # bytes: the workbook's parts, uncompressed, together
MAX_COLUMNS = 256  # columns A to IV: a cell further right that holds something
MAX_CELLS = 500_000  # cells read: each row's cells in the XML, or up to its last one
# that holds something where that is further


class _Limit(Exception):
    """A workbook past one of the limits above: the diagnostic that says where."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def _unreadable(path: str) -> InputError:
    return InputError([error(
        "B015", f"{path} cannot be read as an Excel workbook (.xlsx)", None,
        "save it from the spreadsheet as 'Excel Workbook (.xlsx)', or export it as CSV")])


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{max(n / 2**20, 0.1):.1f} MB"


def _declared_sizes(path: str) -> None:
    """Refuse, before anything is decompressed, a workbook whose parts say they are
    larger than `MAX_UNCOMPRESSED` (a small file can unpack into gigabytes). The
    sizes are the zip's own: Python's zipfile never gives more than a part
    declares, so what is read stays within them."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            parts = [(info.file_size, info.filename) for info in book.infolist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _unreadable(path) from None
    except OSError:
        return  # said by openpyxl's own opening, in `_open`
    total = sum(size for size, _ in parts)
    if total > MAX_UNCOMPRESSED:
        size, largest = max(parts)
        raise InputError([error(
            "B018", f"{path} unpacks into {_size(total)} ({largest} alone {_size(size)}): "
            f"barometer reads workbooks up to {_size(MAX_UNCOMPRESSED)} unpacked",
            Span(path, 1, 1, 1, 2),
            "export the catalogue as CSV (a large one is read by the DuckDB engine)")])


def _open(path: str, data_only: bool = True):
    try:
        import openpyxl
    except ImportError:
        raise InputError([error("B014", NEEDS_OPENPYXL, None)]) from None
    if data_only:
        _declared_sizes(path)
    try:
        return _load_workbook(path, data_only)
    except FileNotFoundError:
        raise InputError([error("B002", f"no such file: {path}", None)]) from None
    except IsADirectoryError:
        raise InputError([error("B002", f"{path} is a folder, not a file", None)]) from None
    except PermissionError as e:
        raise InputError([error("B002", f"cannot read {path}: {e.strerror}", None)]) from None
    except Exception:  # openpyxl says "not a zip file", "no such key", ... in its own words
        raise _unreadable(path) from None


class _Chunked:
    """A part of the workbook read in large pieces, whatever size the XML parser
    asks for. Python's expat (before 2.6) reads an unfinished token (a tag, a
    comment) again from its start at every piece that comes: in openpyxl's 16 KB
    pieces, a 10 MB comment took seconds and a 100 MB one hours; in 8 MB pieces,
    a token of the largest size admitted is read again a few times at most."""

    PIECE = 8 * 2**20

    def __init__(self, source):
        self.source = source

    def read(self, n: int = -1) -> bytes:
        return self.source.read(max(n, self.PIECE) if n is not None and n >= 0 else -1)

    def __getattr__(self, name):
        return getattr(self.source, name)


def _load_workbook(path: str, data_only: bool):
    """openpyxl's `load_workbook(path, read_only=True)`, its shared strings read in
    large pieces (see `_Chunked`)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):
        def read_strings(self):
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as source:
                    self.shared_strings = read_string_table(_Chunked(source))

    reader = Reader(path, read_only=True, data_only=data_only)
    reader.read()
    return reader.wb


def _sheet(workbook):
    """The sheet a person sees on opening the workbook: the active one, unless it
    is hidden or not a worksheet (then the first visible worksheet); and why."""
    sheets = workbook.worksheets
    try:
        active = workbook.active
    except (IndexError, AttributeError):
        active = None
    if active in sheets and active.sheet_state == "visible":
        return active, "the sheet the workbook opens on"
    visible = [s for s in sheets if s.sheet_state == "visible"]
    if visible:
        return visible[0], "its first visible sheet"
    return sheets[0], "its first sheet (every sheet is hidden)"


def _which_sheet(path: str, workbook, sheet, why: str) -> list[Diagnostic]:
    """A warning (B017) saying which sheet was read, where the workbook has several."""
    names = workbook.sheetnames
    if len(names) < 2:
        return []
    others = [n for n in names if n != sheet.title]
    hidden = [s.title for s in workbook.worksheets
              if s.title in others and s.sheet_state != "visible"]
    unread = ", ".join(f"`{n}`" + (" (hidden)" if n in hidden else "") for n in others[:5])
    more = f" and {len(others) - 5} more" if len(others) > 5 else ""
    return [warning(
        "B017", f"{sheet_reference(sheet.title)}: the workbook has {len(names)} sheets; the "
        f"catalogue is read from `{sheet.title}`, {why}, and not from {unread}{more}",
        Span(path, 1, 1, 1, 2),
        "keep the catalogue alone in its workbook, or make its sheet the one the workbook "
        "opens on (select it and save)")]


class _Raw(str):
    """A cell's stored text that is no value a workbook can hold (`NaN` in a number
    cell, a number past a float's range): read as that text, so that a message
    says what the cell holds."""


# A number cell with an empty value: how a program that writes workbooks (openpyxl)
# stores NaN and the infinities, which a workbook cannot hold. Not an empty cell.
_NO_NUMBER = _Raw("")


def _parser(workbook, sheet, source, data_only: bool):
    """openpyxl's parser of a sheet's XML, row by row, except that a cell whose
    stored value it cannot read gives that value as `_Raw` text rather than an
    exception for the whole workbook, or nothing at all."""
    import math

    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            try:
                cell = super().parse_cell(element)
            except Exception:
                reference = element.get("r")
                row, column = coordinate_to_tuple(reference) if reference else \
                    (self.row_counter, self.col_counter)
                return {"row": row, "column": column, "data_type": "s", "style_id": 0,
                        "value": _Raw(element.findtext(VALUE_TAG) or "")}
            value = cell["value"]
            if isinstance(value, float) and not math.isfinite(value):
                cell["value"] = _Raw(element.findtext(VALUE_TAG) or "")
            elif value is None and cell["data_type"] == "n" and \
                    element.find(VALUE_TAG) is not None and element.find(FORMULA_TAG) is None:
                cell["value"] = _NO_NUMBER
            return cell

    return Parser(_Chunked(source), sheet._shared_strings, data_only=data_only,
                  epoch=workbook.epoch,
                  date_formats=workbook._date_formats,
                  timedelta_formats=workbook._timedelta_formats)


def _rows(path: str, workbook, sheet, reference: str, blanks: bool = False):
    """The sheet's rows that hold something, as (row number, values up to the last
    cell that holds something), read as the file streams by: the XML is parsed once,
    row by row, and an empty cell, however far away, costs nothing. With `blanks`,
    up to the last cell with any value at all (a formula's empty text), so that a
    formula whose value is missing is told from one whose value is empty. `_Limit`
    past `MAX_COLUMNS` or `MAX_CELLS`."""
    cells_read = 0
    with sheet._get_source() as source:
        for number, found in _parser(workbook, sheet, source, workbook.data_only).parse():
            held = {c["column"]: c["value"] for c in found if c["value"] is not None}
            written = [k for k, value in held.items()
                       if _text(value) != "" or value is _NO_NUMBER]
            if not written:
                cells_read += len(found)  # empty cells cost their parsing, and count
                if cells_read > MAX_CELLS:
                    raise _Limit(_too_many(path, reference, number))
                continue
            last = max(written)
            if last > MAX_COLUMNS:
                value = _BREAKS.sub(" ", _text(held[last]))
                shown = value if len(value) <= 40 else value[:37] + "..."
                raise _Limit(error(
                    "B018", f"{reference}!{column_letters(last)}{number}: the cell holds "
                    f"`{shown}`, beyond column {column_letters(MAX_COLUMNS)}: barometer reads "
                    f"the first {MAX_COLUMNS} columns of a workbook",
                    Span(path, number, 1, number, 2),
                    "move the cell, or delete it if it is not part of the catalogue"))
            if blanks:
                last = max(k for k in held if k <= MAX_COLUMNS)
            cells_read += max(last, len(found))
            if cells_read > MAX_CELLS:
                raise _Limit(_too_many(path, reference, number))
            yield number, [held.get(k) for k in range(1, last + 1)]


def _too_many(path: str, reference: str, number: int) -> Diagnostic:
    return error("B018", f"{reference}!{number}:{number}: the sheet holds more than "
                 f"{MAX_CELLS:,} cells up to here: barometer reads workbooks up to that",
                 Span(path, number, 1, number, 2),
                 "export the catalogue as CSV (a large one is read by the DuckDB engine)")


def sheet_row(path: str, reference: str, number: int, cells, merged, places, covered
              ) -> tuple[Row, str]:
    """A sheet's row `number` as the readers see it, and its line as the messages
    quote it: each cell (its text, the value stored) laid out after the one before,
    with the sheet's cell reference (`Events!C4`). Records each cell's columns in
    `places` and, for a cell a merged cell covers, the merged range in `covered`.
    Both workbook readers (.xlsx, .ods) lay their rows out through it."""
    made, parts, at = [], [], 1
    for k, (text, value) in enumerate(cells, start=1):
        shown = _BREAKS.sub(" ", text)
        letters = column_letters(k)
        span = Span(path, number, at, number, at + max(len(shown), 1))
        made.append(Cell(text, span, False, value, f"{reference}!{letters}{number}"))
        places.setdefault(number, []).append((at, at + len(shown), letters))
        if (number, k) in merged:
            covered[(number, at)] = merged[(number, k)]
        parts.append(shown)
        at += len(shown) + len(_SEPARATOR)
    line = _SEPARATOR.join(parts)
    if not made:
        made = [Cell("", Span(path, number, 1, number, 2), False, None, f"{reference}!A{number}")]
    return Row(made, Span(path, number, 1, number, max(len(line), 1) + 1), made[0].value), line


def read_xlsx(path: str, period: m.Period | None = None,
              indices: dict[str, str] | None = None, attributes: dict[str, str] | None = None,
              required: dict[str, str] | None = None
              ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    workbook = _open(path)
    stored_rows: list[tuple[int, list]] = []
    try:
        sheet, why = _sheet(workbook)
        name = sheet.title
        reference = sheet_reference(name)
        which = _which_sheet(path, workbook, sheet, why)
        holds_formulas = _holds_formulas(path, sheet)
        stored_rows = list(_rows(path, workbook, sheet, reference, blanks=holds_formulas))
        defined = _defined_period(workbook)
        formulas = _formulas_without_values(path, stored_rows) if holds_formulas else []
        merged = _merged_cells(path, getattr(sheet, "_worksheet_path", None))
    except _Limit as e:
        SOURCES.add(path, "\n".join(_lines(stored_rows)))
        raise InputError([e.diagnostic]) from None
    except InputError:
        raise
    except Exception:
        raise _unreadable(path) from None
    finally:
        workbook.close()
    rows: list[Row] = []
    places: dict[int, list[tuple[int, int, str]]] = {}
    covered: dict[tuple[int, int], str] = {}
    widest: dict[int, int] = {}  # row -> the last column a merged cell covers there
    for r, c in merged:
        widest[r] = max(widest.get(r, 0), c)
    for number, values in stored_rows:
        values = list(values)
        while values and _text(values[-1]) == "" and values[-1] is not _NO_NUMBER:
            values.pop()
        while len(values) < widest.get(number, 0):
            values.append(None)  # covered cells at the row's end: named as merged
        if not values:
            continue
        cells = [(value if isinstance(value, str) else _text(value), value) for value in values]
        rows.append(sheet_row(path, reference, number, cells, merged, places, covered)[0])
    SOURCES.add(path, "\n".join(_lines(stored_rows)))
    _CELLS[path] = (name, places)
    MERGED[path] = covered
    unread = [error(
        "B016", f"{reference}!{column_letters(k)}{number}: the cell is marked as a number but "
        "holds none: that is how a program writes NaN or an infinity, which a workbook "
        "cannot hold, so nothing can be read there",
        Span(path, number, first, number, first + 1),
        "write the number the cell should hold, or leave the cell empty")
        for number, values in stored_rows for k, value in enumerate(values, start=1)
        if value is _NO_NUMBER
        for first in [next((a for a, _, c in places.get(number, [])
                            if c == column_letters(k)), 1)]]
    for number, k, formula in formulas:  # said where the cell stands, as every finding
        letters = column_letters(k)
        first = next((a for a, _, c in places.get(number, []) if c == letters), 1)
        unread.append(error(
            "B016", f"{reference}!{letters}{number}: the cell holds the formula `{formula}` but "
            "no value for it (the program that wrote the workbook did not compute it), so "
            "nothing can be read there", Span(path, number, first, number, first + 1),
            "open the workbook in Excel or LibreOffice and save it again, so that the values "
            "are stored, or type the values"))
    period_row = None
    if defined is not None:
        text = defined if defined.lstrip().startswith("#") else "# " + defined.lstrip()
        cell = Cell(text, Span(path, 1, 1, 1, 2), True, None, "the name `period`")
        period_row = Row([cell], cell.span, text)
    found = read_rows(path, rows, period, indices, period_row, what="workbook",
                      attributes=attributes, required=required)
    return found[0], found[1], which + unread + found[2]


def _lines(stored_rows: list[tuple[int, list]]) -> list[str]:
    """The text a diagnostic quotes: each row's cells separated by ` | `, an empty
    line for each row that holds nothing."""
    lines: list[str] = []
    for number, values in stored_rows:
        lines += [""] * (number - 1 - len(lines))
        if len(lines) < number:
            lines.append(_SEPARATOR.join(_BREAKS.sub(" ", v if isinstance(v, str) else _text(v))
                                         for v in values))
    return lines


def _formulas_without_values(path: str, stored_rows: list[tuple[int, list]]
                             ) -> list[tuple[int, int, str]]:
    """(row, column, formula) of each cell that holds a formula whose value the
    workbook does not store: read as values (`stored_rows`, with `blanks`), it
    would look empty."""
    stored = dict(stored_rows)
    workbook = _open(path, data_only=False)
    try:
        sheet, _ = _sheet(workbook)
        found = []
        with sheet._get_source() as source:
            for number, cells in _parser(workbook, sheet, source, False).parse():
                values = stored.get(number, ())
                for c in cells:
                    formula, k = c["value"], c["column"]
                    if isinstance(formula, str) and formula.startswith("=") and \
                            k <= MAX_COLUMNS and (k > len(values) or values[k - 1] is None):
                        found.append((number, k, formula))
        return found
    finally:
        workbook.close()


def _holds_formulas(path: str, sheet) -> bool:
    """Whether the sheet read holds a formula cell (`<f>` in its XML): a look at
    the stored text as it streams by, far cheaper than reading the workbook again."""
    import zipfile

    name = getattr(sheet, "_worksheet_path", None)
    with zipfile.ZipFile(path) as book:
        names = [name] if name in book.namelist() else \
            [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        for part in names:
            with book.open(part) as xml:
                tail = b""
                while chunk := xml.read(1 << 20):
                    if re.search(rb"<f[ >/]", tail + chunk):
                        return True
                    tail = chunk[-3:]
    return False


def _defined_period(workbook) -> str | None:
    """The text of a defined name `period`: a text constant, or the cell it refers to."""
    names = workbook.defined_names
    found = None
    for key in names:
        if key.lower() == "period":
            found = names[key]
            break
    if found is None:
        return None
    value = (found.attr_text or "").strip()
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return value[1:-1].replace('""', '"')
    try:
        for title, coordinate in found.destinations:
            cell = workbook[title][coordinate.replace("$", "").split(":")[0]]
            return _text(cell.value)
    except Exception:
        return None
    return None
