"""Catalogues as spreadsheets write them: CSV with `;`, quotes everywhere, a BOM,
CRLF and line breaks in cells; Excel workbooks in and out."""

import csv
import io
import textwrap

import pytest
from click.testing import CliRunner

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl import InputError, render
from barometer.main import main

from .conftest import CSV, PUBLISHED, RULES


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def figures(path, scheme=None):
    scheme = scheme or load_scheme(str(RULES))
    result = evaluate(scheme, load_catalogue([str(path)], scheme))
    return ({name: (r.aggregate, r.positive, r.negative) for name, r in result.indices.items()},
            result.indices["regional_tension"].colour)


def shipped_rows() -> list[list[str]]:
    """The shipped CSV as cells, the period line a cell of its own."""
    return list(csv.reader(io.StringIO(CSV.read_text(encoding="utf-8"))))


def problems(path, scheme=None):
    scheme = scheme or load_scheme(str(RULES))
    from barometer.dsl.events import read_catalogue

    _, found = read_catalogue([str(path)], scheme)
    return found


def write(tmp_path, name, text, **kw):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8", **kw)
    return path


def rows_of(text: str) -> list[list[str]]:
    return [line.split(",") for line in textwrap.dedent(text).strip("\n").splitlines()]


PERIOD = '# period "P" from 2021-01-01 to 2021-02-28'


# -- CSV as spreadsheets write it ----------------------------------------------------------

@pytest.mark.parametrize("delimiter", [";", ","], ids=["semicolon", "comma"])
def test_libreoffice_saved_copy_gives_the_published_figures(tmp_path, delimiter):
    """LibreOffice quotes every cell, the period line too, and pads it with empty cells."""
    rows = shipped_rows()
    width = len(rows[1])
    lines = []
    for row in rows:
        row = row + [""] * (width - len(row))
        lines.append(delimiter.join('"' + c.replace('"', '""') + '"' if c else "" for c in row))
    path = tmp_path / "no19.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    assert lines[0].startswith('"# period ""Minsk Barometer No 19')
    assert figures(path) == (PUBLISHED, "yellow")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["excel", "semicolon", "tab"])
def test_round_trip_through_the_csv_module(tmp_path, delimiter):
    path = tmp_path / "no19.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, dialect="excel", delimiter=delimiter)
        writer.writerows(shipped_rows())
    assert figures(path) == figures(CSV) == (PUBLISHED, "yellow")


def test_semicolon_csv_with_commas_in_cells(tmp_path):
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        date;event;russia;category;tags
        4 January;Call, long and warm;+1;contacts;
        5 January;Visit;+2;visits;
    """)
    scheme = load_scheme(str(RULES))
    catalogue = load_catalogue([str(path)], scheme)
    assert [e.text for e in catalogue.events] == ["Call, long and warm", "Visit"]
    assert evaluate(scheme, catalogue).indices["russia"].aggregate == 3


def test_bom_and_crlf(tmp_path):
    """As Excel saves "CSV UTF-8" in a Belarusian, Russian or German setting."""
    path = tmp_path / "c.csv"
    text = (f'"{PERIOD.replace(chr(34), chr(34) * 2)}";;;\r\n'
            "date;event;russia;category\r\n4 January;Call;+1;contacts\r\n;;;\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    scheme = load_scheme(str(RULES))
    catalogue = load_catalogue([str(path)], scheme)
    assert catalogue.period.title == "P"
    assert evaluate(scheme, catalogue).indices["russia"].aggregate == 1


def test_line_breaks_in_a_quoted_note_keep_later_lines_right(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes((f'{PERIOD}\r\n'
                      'date,event,note,russia,category\r\n'
                      '4 January,Call,"first line\r\nsecond, line\r\nthird",+1,contacts\r\n'
                      '5 January,Visit,"one\ntwo",two,visits\r\n').encode("utf-8"))
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert f"{path}:7:6: error[B001]: expected a score such as +1, found `two`" in result.output
    assert ' 7 | two",two,visits' in result.output
    scheme = load_scheme(str(RULES))
    fixed = tmp_path / "d.csv"
    fixed.write_bytes(path.read_bytes().replace(b",two,", b",+2,"))
    events = load_catalogue([str(fixed)], scheme).events
    assert events[0].notes == ("first line\nsecond, line\nthird",)
    assert [e.span.line for e in events] == [3, 6]


def test_unknown_column_is_reported_once_and_ignored(tmp_path):
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        id,date,event,coder,russia,actor_level,category
        1,4 January,Call,AB,+1,2,contacts
        2,5 January,Visit,CD,+2,3,visits
    """)
    found = problems(path)
    assert [(p.code, p.severity, p.span.line, p.span.column) for p in found] == [
        ("B010", "warning", 2, 1), ("B010", "warning", 2, 15), ("B010", "warning", 2, 28)]
    assert "the column `coder` is ignored" in found[1].message
    scheme = load_scheme(str(RULES))
    assert evaluate(scheme, load_catalogue([str(path)], scheme)).indices["russia"].aggregate == 3


def test_an_index_by_its_name_in_any_case_or_by_its_title(tmp_path):
    rules = write(tmp_path, "s.rules", """
        scheme "S"
        range -3 to +3
        index EU "Relationship with the EU"
        index russia "Relationship with Russia"
    """)
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        date,event,EU,relationship with RUSSIA
        4 January,Call,+1,-1
    """)
    scheme = load_scheme(str(rules))
    result = evaluate(scheme, load_catalogue([str(path)], scheme))
    assert (result.indices["EU"].aggregate, result.indices["russia"].aggregate) == (1, -1)
    lower = write(tmp_path, "d.csv", f"""
        {PERIOD}
        date,event,eu
        4 January,Call,+2
    """)
    assert evaluate(scheme, load_catalogue([str(lower)], scheme)).indices["EU"].aggregate == 2


def test_two_columns_for_one_index_is_a_located_error(tmp_path):
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        date,event,russia,Relationship with Russia
        4 January,Call,+1,
    """)
    found = problems(path)
    assert [(p.code, p.span.line, p.span.column) for p in found] == [("B011", 2, 19)]
    assert found[0].message == "a second column for `russia`"


def test_a_quote_never_closed_is_named(tmp_path):
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        date,event,russia
        4 January,"Call,+1
        5 January,Visit,+1
    """)
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert f"{path}:3:11: error[B001]: this quote opens a cell that is never closed" in \
        result.output


def test_a_quote_never_closed_is_all_that_is_said_of_its_file(tmp_path):
    # rows are read one by one into the checks: those read before the quote is found
    # open say nothing, as when the file was read whole first
    other = write(tmp_path, "a.csv", f"""
        {PERIOD}
        date,event,russia
        4 January,Call,+1
    """)
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        date,event,russia,eu
        32 January,Call,+9,zz
        5 January,Visit,,
        6 January,"Talk,+1
    """)
    from barometer.dsl.events import read_catalogue

    catalogue, found = read_catalogue([str(other), str(path)], load_scheme(str(RULES)))
    assert [(p.code, p.span.file, p.span.line, p.span.column) for p in found] == [
        ("B001", str(path), 5, 11)]
    assert len(catalogue.events) == 1 and catalogue.files == (str(other), str(path))


def test_a_row_without_a_score_beside_a_cell_that_cannot_be_read_is_said_once(tmp_path):
    # "no score" would only mislead where the row's ongoing cell cannot be read: said
    # once the whole file is read, the reader's problems known
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        date,event,russia,ongoing
        4 January,Call,,maybe
        5 January,Visit,,
    """)
    assert [(p.code, p.span.line) for p in problems(path)] == [("B001", 3), ("B108", 4)]


def test_a_row_starting_with_a_hashtag_is_data(tmp_path):
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        event,date,russia,category
        #MeToo rally in Minsk,4 January,+1,contacts
        # a comment row: the other cells are empty
        #Skipped,,,
    """)
    scheme = load_scheme(str(RULES))
    catalogue = load_catalogue([str(path)], scheme)
    assert [e.text for e in catalogue.events] == ["#MeToo rally in Minsk"]
    found = problems(path)
    assert [(p.code, p.span.line) for p in found] == [("B012", 5)]


def test_a_row_starting_with_a_hashtag_is_data_in_the_long_form_too(tmp_path):
    # the long form passed it on as a comment, unwidened: its cells were read a column
    # to the left (the category as the index, the score as `contacts`)
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        event,date,index,score,category
        #MeToo rally in Minsk,4 January,russia,+1,contacts
         #Belarus talks,5 January,eu,-2,contacts
        # a comment row: the other cells are empty
    """)
    scheme = load_scheme(str(RULES))
    catalogue = load_catalogue([str(path)], scheme)
    assert [(e.text, [(s.index, s.value) for s in e.scores]) for e in catalogue.events] == [
        ("#MeToo rally in Minsk", [("russia", 1)]), ("#Belarus talks", [("eu", -2)])]


def test_a_hashtag_row_that_cannot_be_read_is_a_located_error(tmp_path):
    path = write(tmp_path, "c.csv", f"""
        {PERIOD}
        event,date,russia
        #MeToo rally in Minsk,4 Jnuary,+1
    """)
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert f"{path}:3:" in result.output and "error[B301]" in result.output


def test_a_csv_with_only_its_period_is_a_located_error(tmp_path):
    path = write(tmp_path, "c.csv", PERIOD + "\n")
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert f"{path}:1:1: error[B001]: the spreadsheet has no heading row" in result.output


# -- Excel workbooks -----------------------------------------------------------------------

def workbook_from(rows, path, title="Events"):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([_typed(c) for c in row])
    book.save(path)
    return path


def _typed(cell: str):
    """What Excel makes of a typed cell: `+1` becomes the number 1."""
    try:
        return int(cell)
    except ValueError:
        return cell or None


def test_workbook_written_from_the_shipped_csv_gives_the_published_figures(tmp_path):
    path = workbook_from(shipped_rows(), tmp_path / "no19.xlsx")
    assert figures(path) == (PUBLISHED, "yellow")
    assert not [p for p in problems(path) if p.code == "B505"]  # Excel drops the `+`


def test_workbook_period_in_a_defined_name_and_dates_excel_converted(tmp_path):
    import datetime as dt

    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "event", "russia", "category"])
    sheet.append([dt.datetime(2026, 1, 4), "Call", 1, "contacts"])
    book.defined_names["period"] = DefinedName(
        "period", attr_text='"period ""P"" from 2021-01-01 to 2021-02-28"')
    path = tmp_path / "b.xlsx"
    book.save(path)
    scheme = load_scheme(str(RULES))
    catalogue = load_catalogue([str(path)], scheme)
    assert catalogue.events[0].when.text == "4 January"
    assert catalogue.period.title == "P"
    warned = [p for p in problems(path) if p.code == "B013"]
    assert len(warned) == 1
    assert warned[0].message == ("Sheet!A2: the spreadsheet turned the printed date into the "
                                 "date 2026-01-04; it is read as `4 January`")


def test_workbook_mistakes_name_the_cell(tmp_path):
    path = workbook_from([[PERIOD], ["date", "event", "russia", "category"],
                          ["4 January", "Call", "+1", "contacts"],
                          ["5 January", "Visit", "two", "visits"]], tmp_path / "b.xlsx")
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert (f"{path}:4:21: error[B001]: Events!C4: expected a score such as +1, found `two`"
            in result.output)
    assert " 4 | 5 January | Visit | two | visits" in result.output
    assert "                    ^^^" in result.output
    from barometer.dsl.xlsx import cell_name

    with pytest.raises(InputError) as e:
        load_catalogue([str(path)], load_scheme(str(RULES)))
    assert [cell_name(d.span) for d in e.value.diagnostics] == ["Events!C4"]
    assert "Events!C4" in render(e.value.diagnostics[0])


def test_a_file_that_is_not_a_workbook(tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "b.xlsx"
    path.write_text("date,event\n", encoding="utf-8")
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert "error[B015]: " in result.output and "cannot be read as an Excel workbook" in \
        result.output


def test_format_xlsx_has_numbers_as_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out.xlsx"
    result = run("eval", RULES, CSV, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Indices"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Index", "Name", "Aggregate", "Positive", "Negative", "Events", "Colour")
    got = {r[0]: (r[2], r[3], r[4]) for r in rows[1:]}
    assert got == PUBLISHED
    assert all(isinstance(v, int) for r in rows[1:] for v in r[2:6])
    assert rows[-1][6] == "yellow"


def test_compare_format_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "cmp.xlsx"
    other = RULES.parent / "minsk-direction-only.rules"
    result = run("compare", RULES, other, CSV, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Indices", "Rankings", "Events", "About"]
    first = list(book["Indices"].iter_rows(values_only=True))[1]
    assert first[0] == "russia" and first[2] == 20


def test_a_text_like_a_formula_is_written_to_a_workbook_as_text(tmp_path):
    """A title or event text opening with `=` was written as a formula: Excel then ran
    `=HYPERLINK(...)` from a rules file, and the cell showed no text at all."""
    openpyxl = pytest.importorskip("openpyxl")
    rules = write(tmp_path, "f.rules", """
        scheme "=S()" version "1"
        range -3 to +3
        score recorded
        index a "=HYPERLINK('x')"
        """)
    other = write(tmp_path, "g.rules", """
        scheme "=T()" version "1"
        range -3 to +3
        score direction
        index a "=HYPERLINK('x')"
        """)
    events = write(tmp_path, "f.events", """
        period "=P()" from 2021-01-01 to 2021-01-31

        [2 January] =1+1
            a -2
        """)
    out = tmp_path / "e.xlsx"
    assert run("eval", rules, events, "--format", "xlsx", "-o", out).exit_code == 0
    assert run("compare", rules, other, events, "--format", "xlsx", "-o", tmp_path / "c.xlsx"
               ).exit_code == 0
    for path in (out, tmp_path / "c.xlsx"):
        book = openpyxl.load_workbook(path)
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
        texts = {c.value for c in cells}
        assert {"=HYPERLINK('x')", "=S()"} <= texts
    assert "=P()" in texts or "=1+1" in texts


def test_format_xlsx_needs_a_file(tmp_path):
    pytest.importorskip("openpyxl")
    result = run("eval", RULES, CSV, "--format", "xlsx")
    assert result.exit_code == 2
    assert "name the file with -o FILE.xlsx" in result.output


def test_without_openpyxl_one_line_says_what_to_install(tmp_path, monkeypatch):
    path = tmp_path / "b.xlsx"
    path.write_bytes(b"PK")
    monkeypatch.setitem(__import__("sys").modules, "openpyxl", None)
    result = run("eval", RULES, path)
    assert result.exit_code == 2
    assert result.output.strip() == ("error[B014]: reading Excel workbooks (.xlsx) needs "
                                     "openpyxl: pip install 'barometer[xlsx]'")
    result = run("eval", RULES, CSV, "--format", "xlsx", "-o", tmp_path / "o.xlsx")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: writing Excel workbooks (.xlsx) needs openpyxl: "
                                     "pip install 'barometer[xlsx]'")


def test_a_formula_without_its_value_is_a_located_error_not_an_empty_cell(tmp_path):
    rows = [['# period "P" from 2021-01-01 to 2021-02-28'], ["date", "event", "russia", "category"],
            ["4 January", "Call", "+1", "contacts"], ["5 January", "Visit", "=C3*2", "contacts"]]
    path = workbook_from(rows, tmp_path / "f.xlsx")  # openpyxl stores formulas without values
    found = [(p.code, p.span.line, p.message) for p in problems(path) if p.code == "B016"]
    assert found == [("B016", 4, "Events!C4: the cell holds the formula `=C3*2` but no value for "
                                 "it (the program that wrote the workbook did not compute it), so "
                                 "nothing can be read there")]
    assert run("eval", RULES, path).exit_code == 2


def test_a_csv_on_standard_input_is_read_as_a_csv(tmp_path):
    from click.testing import CliRunner

    from barometer.main import main

    result = CliRunner().invoke(main, ["eval", str(RULES), "-", "--format", "json"],
                                input=CSV.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    import json

    got = json.loads(result.stdout)["indices"]
    assert {k: (v["aggregate"], v["positive"], v["negative"]) for k, v in got.items()} == PUBLISHED
    events = CliRunner().invoke(main, ["eval", str(RULES), "-", "--format", "json"],
                                input=(CSV.parent / "minsk-barometer-19.events").read_text(
                                    encoding="utf-8"))
    assert json.loads(events.stdout)["indices"]["russia"]["aggregate"] == 20
