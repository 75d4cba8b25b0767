"""Results as an Excel workbook (.xlsx): one sheet per table, numbers as numbers,
written with openpyxl (an optional extra: pip install 'barometer[xlsx]').

Each function returns the workbook's bytes; the command line writes them to
the file named with `-o` with the one safe writer every format goes through
(`cli/writing.py`)."""

from __future__ import annotations

from ..dsl.xlsx import column_letters
from .json import number

NEEDS_OPENPYXL = "writing Excel workbooks (.xlsx) needs openpyxl: pip install 'barometer[xlsx]'"


def _workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, headings, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # openpyxl reads a text opening with = as a formula
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for k, heading in enumerate(headings):
            width = max([len(str(heading))] + [len(str(r[k])) for r in rows if r[k] is not None])
            sheet.column_dimensions[column_letters(k + 1)].width = min(max(width + 2, 8), 80)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about(ev) -> tuple[str, list[str], list[list]]:
    scheme, period = ev.scheme, ev.catalogue.period
    return ("About", ["What", "Value"], [
        ["Period", period.title],
        ["Start", period.start],
        ["End", period.end],
        ["Scheme", scheme.name],
        ["Version", scheme.version or ""],
        ["Rules file", scheme.path],
        ["Catalogue", ", ".join(ev.catalogue.files)],
    ])


def evaluation(ev) -> bytes:
    """Sheet `Indices` (one row per index) and sheet `About` (period and scheme)."""
    rows = [[r.index.name, r.index.title, number(r.aggregate), number(r.positive),
             number(r.negative), r.events, ev.scheme.shown(r.index.name, r.colour) or None]
            for r in ev.indices.values()]
    return _workbook([
        ("Indices", ["Index", "Name", "Aggregate", "Positive", "Negative", "Events", "Colour"],
         rows),
        _about(ev)])


def comparison(c) -> bytes:
    """Sheets `Indices` (each scheme's value and colour, and the differences from
    the first), `Rankings` and `Events` (every event scored differently)."""
    letters = [chr(65 + k) for k in range(len(c.schemes))]
    headings = (["Index", "Name"] + [f"{x}: {s.name}" for x, s in zip(letters, c.schemes)]
                + [f"Colour {x}" for x in letters] + [f"{x}-A" for x in letters[1:]])
    indices = [[i.name, i.title] + [None if v is None else number(v) for v in i.values]
               + [col or None for col in i.colours]
               + [None if d is None else number(d) for d in i.differences()[1:]]
               for i in c.indices]
    rankings = [[group, f"{x}: {s.name}", k + 1, name]
                for group, ranks in c.rankings.items()
                for x, s, ranked in zip(letters, c.schemes, ranks)
                for k, name in enumerate(ranked)]
    events = [[d.event.number, d.event.when.text, d.event.text, d.index]
              + [None if s is None else number(s) for s in d.scores] + list(d.how)
              for d in c.events]
    files = [["Scheme " + x, s.name, s.path] for x, s in zip(letters, c.schemes)]
    return _workbook([
        ("Indices", headings, indices),
        ("Rankings", ["Group", "Scheme", "Rank", "Index"], rankings),
        ("Events", ["Event", "Date", "Text", "Index"] + [f"Score {x}" for x in letters]
         + [f"How {x}" for x in letters], events),
        ("About", ["What", "Name", "File"], files),
    ])
