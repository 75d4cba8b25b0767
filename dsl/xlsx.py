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
from .diagnostics import SOURCES, Diagnostic, InputError, Span, error
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


def _open(path: str):
    try:
        import openpyxl
    except ImportError:
        raise InputError([error("B014", NEEDS_OPENPYXL, None)]) from None
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError([error("B002", f"no such file: {path}", None)]) from None
    except IsADirectoryError:
        raise InputError([error("B002", f"{path} is a folder, not a file", None)]) from None
    except PermissionError as e:
        raise InputError([error("B002", f"cannot read {path}: {e.strerror}", None)]) from None
    except Exception:  # openpyxl says "not a zip file", "no such key", ... in its own words
        raise InputError([error(
            "B015", f"{path} cannot be read as an Excel workbook (.xlsx)", None,
            "save it from the spreadsheet as 'Excel Workbook (.xlsx)', or export it as CSV")]
        ) from None


def read_xlsx(path: str, period: m.Period | None = None,
              indices: dict[str, str] | None = None, attributes: dict[str, str] | None = None,
              required: dict[str, str] | None = None
              ) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    workbook = _open(path)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored size may be wrong: read every row there is
        stored_rows = list(sheet.iter_rows(values_only=True))
        name = sheet.title
        defined = _defined_period(workbook)
        formulas = _formulas_without_values(path, stored_rows)
        merged = _merged_cells(path, getattr(sheet, "_worksheet_path", None))
    except Exception:
        raise InputError([error(
            "B015", f"{path} cannot be read as an Excel workbook (.xlsx)", None,
            "save it from the spreadsheet as 'Excel Workbook (.xlsx)', or export it as CSV")]
        ) from None
    finally:
        workbook.close()
    rows: list[Row] = []
    lines: list[str] = []
    places: dict[int, list[tuple[int, int, str]]] = {}
    covered: dict[tuple[int, int], str] = {}
    reference = sheet_reference(name)
    for number, values in enumerate(stored_rows, start=1):
        values = list(values)
        while values and _text(values[-1]) == "":
            values.pop()
        while len(values) < max((c for r, c in merged if r == number), default=0):
            values.append(None)  # covered cells at the row's end: named as merged
        cells, parts, at = [], [], 1
        for k, value in enumerate(values, start=1):
            text = value if isinstance(value, str) else _text(value)
            shown = _BREAKS.sub(" ", text)
            letters = column_letters(k)
            span = Span(path, number, at, number, at + max(len(shown), 1))
            cells.append(Cell(text, span, False, value, f"{reference}!{letters}{number}"))
            places.setdefault(number, []).append((at, at + len(shown), letters))
            if (number, k) in merged:
                covered[(number, at)] = merged[(number, k)]
            parts.append(shown)
            at += len(shown) + len(_SEPARATOR)
        line = _SEPARATOR.join(parts)
        lines.append(line)
        if not cells:
            cells = [Cell("", Span(path, number, 1, number, 2), False, None,
                          f"{reference}!A{number}")]
        comment = cells[0].value
        rows.append(Row(cells, Span(path, number, 1, number, max(len(line), 1) + 1), comment))
    SOURCES.add(path, "\n".join(lines))
    _CELLS[path] = (name, places)
    MERGED[path] = covered
    unread = []
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
    return found[0], found[1], unread + found[2]


def _formulas_without_values(path: str, stored_rows: list) -> list[tuple[int, int, str]]:
    """(row, column, formula) of each cell that holds a formula whose value the
    workbook does not store: read as values, it would look empty."""
    import openpyxl

    if not _holds_formulas(path):
        return []  # the common case: no second reading of the workbook
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        found = []
        for number, (values, formulas) in enumerate(
                zip(stored_rows, sheet.iter_rows(values_only=True)), start=1):
            for k, (value, formula) in enumerate(zip(values, formulas), start=1):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    found.append((number, k, formula))
        return found
    finally:
        workbook.close()


def _holds_formulas(path: str) -> bool:
    """Whether any sheet of the workbook holds a formula cell (`<f>` in its XML):
    a look at the stored text, far cheaper than reading the workbook again."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        return any(re.search(rb"<f[ >/]", book.read(name))
                   for name in book.namelist() if name.startswith("xl/worksheets/"))


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
