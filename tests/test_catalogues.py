"""Catalogues given together and what each must hold: the same catalogue twice is an
error, not double figures; an event in two files is a warning `eval` shows; one issue
given twice to a series is one finding; a spreadsheet without a required attribute's
column, or without a period, is told once and with what the verb takes."""

from .conftest import CSV, EVENTS, RULES
from .helpers import run, write

SCHEME = ('scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
          'attribute fatalities "F" number from 0 default 0\n')


def test_the_same_catalogue_twice_is_an_error_not_double_figures():
    result = run("eval", RULES, EVENTS, CSV)
    assert result.exit_code == 2
    assert "error[B507]" in result.output and "every figure would count them twice" in result.output
    assert "+40" not in result.output


def test_an_event_in_two_files_is_a_warning_that_eval_shows(tmp_path):
    head = 'period "P" from 2021-01-01 to 2021-01-31\n'
    a = write(tmp_path, "a.events", head + "[4 January] Call\n    russia +1\n"
              "[5 January] Visit\n    russia +2\n")
    b = write(tmp_path, "b.events", head + "[4 January] Call\n    russia +1\n"
              "[6 January] Other\n    eu -1\n")
    result = run("eval", RULES, a, b, "--format", "json")
    assert result.exit_code == 0
    assert f"{b}:2:1: warning[B506]: this event is also listed at {a}:2:1: it counts twice" \
        in result.output


def test_one_issue_given_twice_is_one_finding_that_says_so(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n')
    one = write(tmp_path, "one.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                "[4 January] x\n    russia +1\n")
    result = run("series", rules, one, one)
    assert result.exit_code == 2 and "B702" not in result.output
    assert "error[B701]: the period of 'No 1' (2021-01-01 to 2021-01-31) overlaps" in result.output
    again = write(tmp_path, "again.events", 'period "No 1" from 2021-02-01 to 2021-02-28\n'
                  "[4 February] x\n    russia +1\n")
    result = run("series", rules, one, again)
    assert (f"{again}:1:1: error[B702]: 'No 1' (2021-02-01 to 2021-02-28) is numbered 1, as is "
            "'No 1' (2021-01-01 to 2021-01-31), which comes before it") in result.output


def test_a_spreadsheet_without_a_required_attributes_column_is_told_once_at_the_heading(tmp_path):
    # every row said "add a line such as: level head_of_state", as if an event file
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  "attribute level \"L\" one of [minister, official]\n"
                  "attribute n \"N\" number from 0\n")
    sheet = write(tmp_path, "e.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                  "date,event,russia,n\n4 January,X,+1,\n5 January,Y,+1,3\n6 January,Z,+1,2\n")
    result = run("check", rules, sheet)
    assert result.exit_code == 1
    assert result.output == (
        f"{sheet}:2:1: error[B115]: the spreadsheet has no `level` column, which the scheme's "
        "attribute asks of every event\n"
        " 2 | date,event,russia,n\n"
        "   | ^^^^^^^^^^^^^^^^^^^\n"
        "   = hint: add a column headed `level` with each event's value (minister), or give the "
        "attribute a default (attribute level ... default ...)\n"
        f"{sheet}:3:1: error[B115]: the event records no `n`, which the scheme's attribute asks "
        "of every event\n"
        " 3 | 4 January,X,+1,\n"
        "   | ^^^^^^^^^^^^^^^\n"
        "   = hint: fill in the row's `n` cell (0), or give the attribute a default "
        "(attribute n ... default ...)\n"
        "2 errors, 0 warnings in 2 files\n")


def test_a_series_does_not_advise_an_option_it_does_not_take(tmp_path):
    # "... or give --period 2021-01-01:2021-02-28", and series has no --period
    rules = write(tmp_path, "s.rules", SCHEME)
    sheet = write(tmp_path, "e.csv", "date,event,russia\n4 January,x,+1\n")
    result = run("series", rules, sheet)
    assert result.exit_code == 2 and "error[B304]" in result.output
    assert "--period" not in result.output


def test_a_cell_under_no_heading_is_said_where_it_stands_by_every_engine(tmp_path):
    # a cell past the heading's last, or under a blank heading, was dropped without a
    # word by the python reader and by DuckDB's
    head = '# period "P" from 2021-01-01 to 2021-02-28\ndate,event,russia,eu,category\n'
    path = write(tmp_path, "c.csv", head + "5 January,More,+1,,contacts,+3\n"
                 "6 January,Less,-1,,contacts\n7 January,Same,-1,,contacts,,  \n")
    said = []
    for engine in ("python", "duckdb"):
        result = run("eval", str(RULES), path, "--engine", engine, "--format", "csv")
        assert result.exit_code == 0, result.output
        said.append([line for line in result.output.splitlines() if "warning[" in line])
        assert "russia,Relationship with Russia,-1,1,-2,3," in result.output
    assert said[0] == [f"{path}:3:29: warning[B019]: the cell `+3` stands under no heading: "
                       "it is not read"]
    assert said[1][0].startswith(f"warning[B801]: {path} has cells past its heading's last")
    assert said[1][1:] == said[0]
    blank = write(tmp_path, "b.csv", head.replace(",eu,", ",,") + "6 January,Less,-1,7,contacts\n")
    result = run("eval", str(RULES), blank, "--engine", "python")
    assert f"{blank}:3:19: warning[B019]: the cell `7` stands under no heading" in result.output
