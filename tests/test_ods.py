"""OpenDocument spreadsheets (.ods), as LibreOffice saves them: the same figures as
the CSV, cells named in messages, merged cells named as merged, a title row above
the heading, and bounds on what a small file may ask to be read. Also the same
layout questions for Excel workbooks."""

import csv
import io
import json
import zipfile
from xml.sax.saxutils import escape

import pytest

from .conftest import CSV, PUBLISHED, RULES
from .helpers import run

MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')


def cell(value, span=None) -> str:
    """A cell as LibreOffice stores it: a number as a float (its `+` gone), a
    datetime.date as a date, a covered cell as covered, text as paragraphs."""
    import datetime as dt

    spanned = ""
    if span:
        spanned = (f' table:number-rows-spanned="{span[0]}" '
                   f'table:number-columns-spanned="{span[1]}"')
    if value == "<covered>":
        return "<table:covered-table-cell/>"
    if value is None or value == "":
        return f"<table:table-cell{spanned}/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value}"'
                f'{spanned}><text:p>{value:%d.%m.%y}</text:p></table:table-cell>')
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{spanned}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string"{spanned}>{paragraphs}</table:table-cell>'


def ods(path, rows, spans=None, sheet="Events", tail=""):
    """An .ods file of `rows` (lists of values); `spans`: {(row, col): (rows, cols)}."""
    spans = spans or {}
    body = "".join(
        "<table:table-row>" + "".join(cell(v, spans.get((r, c))) for c, v in enumerate(row))
        + "</table:table-row>" for r, row in enumerate(rows)) + tail
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", MANIFEST)
        book.writestr("content.xml", content)
    return path


def no19_rows():
    rows = list(csv.reader(io.StringIO(CSV.read_text(encoding="utf-8-sig"))))
    out = [rows[0][:1]]
    for row in rows[1:]:
        out.append([int(v) if v.lstrip("+-").isdigit() and k > 1 else v
                    for k, v in enumerate(row)])
    return out


def figures(result):
    indices = json.loads(result.stdout)["indices"]
    return {k: (v["aggregate"], v["positive"], v["negative"]) for k, v in indices.items()}


def test_no19_from_ods_gives_the_published_figures(tmp_path):
    path = ods(tmp_path / "no19.ods", no19_rows())
    result = run("eval", RULES, path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert figures(result) == PUBLISHED
    assert run("check", RULES, path).exit_code == 0


def test_a_mistake_in_an_ods_names_its_cell(tmp_path):
    rows = no19_rows()
    rows[3][2] = "two"
    result = run("eval", RULES, ods(tmp_path / "no19.ods", rows))
    assert result.exit_code == 2
    assert result.output.startswith(
        f"{tmp_path / 'no19.ods'}:4:"), result.output
    assert "error[B001]: Events!C4: expected a score such as +1, found `two`" in result.output


def test_merged_date_cells_are_named_as_merged(tmp_path):
    rows = no19_rows()
    rows[4][0] = "<covered>"  # A5 under A4, merged
    path = ods(tmp_path / "m.ods", rows, {(3, 0): (2, 1)})
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert ("m.ods:5:1: error[B301]: cannot read the date ``: the date is empty: Events!A5 is "
            "covered by the merged cell A4:A5, whose value only A4 holds") in result.output
    assert "hint: unmerge the date cells and write each row's date in its own cell" in result.output


def test_merged_date_cells_in_a_workbook_too(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Events"
    for row in no19_rows():
        sheet.append(row)
    sheet["A5"] = None
    sheet.merge_cells("A4:A5")
    book.save(tmp_path / "m.xlsx")
    result = run("eval", RULES, tmp_path / "m.xlsx")
    assert result.exit_code == 2
    assert ("m.xlsx:5:1: error[B301]: cannot read the date ``: the date is empty: Events!A5 is "
            "covered by the merged cell A4:A5, whose value only A4 holds") in result.output


@pytest.mark.parametrize("kind", ["ods", "xlsx"])
def test_a_title_row_above_the_heading(tmp_path, kind):
    rows = no19_rows()
    rows.insert(1, ["Minsk Barometer No 19: the catalogue"])
    if kind == "ods":
        path = ods(tmp_path / "t.ods", rows, {(1, 0): (1, 8)})
    else:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.active.merge_cells("A2:H2")
        path = tmp_path / "t.xlsx"
        book.save(path)
    result = run("eval", RULES, path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert figures(result) == PUBLISHED


def test_where_the_heading_must_be_is_said(tmp_path):
    rows = no19_rows()
    rows.insert(1, ["Minsk Barometer No 19", "the catalogue"])  # two cells: not a title
    result = run("eval", RULES, ods(tmp_path / "h.ods", rows))
    assert result.exit_code == 2
    assert ("hint: the heading row, the first row under the period (row 2 here) or under a "
            "title of one cell, must name: date, event, and the indices") in result.output


def test_repeats_are_expanded_and_bounded(tmp_path):
    rows = no19_rows()
    # LibreOffice ends a sheet with its unused rows and columns, repeated
    tail = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')
    path = ods(tmp_path / "r.ods", rows, tail=tail)
    result = run("eval", RULES, path, "--format", "json")
    assert result.exit_code == 0 and figures(result) == PUBLISHED
    many = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="100" office:value-type="string"><text:p>x</text:p>'
            "</table:table-cell></table:table-row>")
    result = run("eval", RULES, ods(tmp_path / "big.ods", rows, tail=many))
    assert result.exit_code == 2
    assert "the sheet holds more than 5,000,000 cells" in result.output


def test_what_is_not_an_ods_is_said_in_one_line(tmp_path):
    bad = tmp_path / "bad.ods"
    bad.write_bytes(b"PK\x03\x04 not really")
    result = run("eval", RULES, bad)
    assert result.exit_code == 2
    assert "cannot be read as an OpenDocument spreadsheet (.ods)" in result.output
    assert "UTF-8" not in result.output and "\\x" not in result.output


def test_a_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("content.xml", "<a>" + " " * (5 * 1024 * 1024) + "</a>")  # packs 1000 to 1
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert "more than barometer reads from a spreadsheet" in result.output


def test_the_about_sheet_keeps_the_rules_path_as_given(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    from .conftest import ROOT

    monkeypatch.chdir(ROOT)
    out = tmp_path / "o.xlsx"
    assert run("eval", "rules/minsk-barometer.rules", "examples/minsk-barometer-19.events",
               "--format", "xlsx", "-o", out).exit_code == 0
    about = dict(r[:2] for r in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True))
    assert about["Rules file"] == "rules/minsk-barometer.rules"
    assert about["Catalogue"] == "examples/minsk-barometer-19.events"
