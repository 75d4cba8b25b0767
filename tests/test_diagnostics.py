"""Mistakes in input files: located, worded for a methodologist, all at once,
exit status 2 and never a traceback."""

import textwrap

import pytest
from click.testing import CliRunner

from barometer.main import main

from .conftest import RULES


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def test_every_mistake_in_an_event_file_in_one_run(tmp_path):
    events = write(tmp_path, "bad.events", """
        period "P" from 2021-01-01 to 2021-02-28

        [4 Januray] Something happened
            russia +1

        [5 January] Wrong index and category
            rusia +1
            category contcts

        [6 January] Too strong
            russia +5

        [31 February] No such day
            russia +1

        [1 March] After the period
            russia +1

        [2 January] Missing score
            russia
    """)
    result = run("eval", str(RULES), events)
    assert result.exit_code == 2
    f = events
    assert result.output == textwrap.dedent(f"""\
        {f}:3:4: error[B301]: cannot read the date `4 Januray`: expected a month name, found `Januray`
         3 | [4 Januray] Something happened
           |    ^^^^^^^
           = hint: did you mean `January`?
        {f}:7:5: error[B101]: unknown index `rusia`
         7 |     rusia +1
           |     ^^^^^
           = hint: did you mean `russia`?
        {f}:8:14: error[B101]: unknown category `contcts`
         8 |     category contcts
           |              ^^^^^^^
           = hint: did you mean `contacts`?
        {f}:11:12: error[B204]: the score +5 is outside the scheme's range -3 to +3
         11 |     russia +5
            |            ^^
            = hint: scores run from -3 to +3
        {f}:13:2: error[B301]: cannot read the date `31 February`: February 2021 has 28 days, not 31
         13 | [31 February] No such day
            |  ^^^^^^^^^^^
        {f}:16:2: error[B302]: the date `1 March` (2021-03-01) is outside the period 2021-01-01 to 2021-02-28
         16 | [1 March] After the period
            |  ^^^^^^^
            = hint: check the date, or the period at the top of the file
        {f}:20:5: error[B001]: `russia` without a score marks an event on russia, but the scheme reads the recorded score (`recorded` or `direction`)
         20 |     russia
            |     ^^^^^^
            = hint: write the event's score, e.g. russia +1; an index without a score is for schemes whose score reads neither (score weight)
        7 errors
        """)


def test_rules_file_mistakes(tmp_path):
    rules = write(tmp_path, "bad.rules", """
        scheme "Bad" version "1"
        range -3 to +3
        index russia "Relationship with Russia"
        catgory foo "x"
        bands russia {
            white >= -1  "calm"
            green -2 to -6  "watch"
        }
        rule r1 when index is rusia then multiply by 2
        rule r2 when tagged x then explode
    """)
    result = run("eval", rules, "whatever.events")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "error[" in line]
    assert lines == [
        f"{rules}:4:1: error[B001]: expected `attribute`, `bands`, `category`, `description`, "
        "`drop`, `extends`, `group`, `index` or another declaration, found `catgory`",
        # the bands are checked as `check` checks them, whatever else is wrong
        f"{rules}:5:7: error[B201]: russia: values of -2 and below fall in no band (white is >= -1)",
        f"{rules}:7:5: error[B203]: band `green` holds no value: it is written -2 to -6",
        f"{rules}:9:14: error[B101]: unknown index `rusia`",
        f"{rules}:10:28: error[B001]: expected `add`, `beyond`, `clamp`, `exclude`, `multiply`, `round`, `set` or `trunc`, "
        "found `explode`",
    ]
    assert "= hint: did you mean `category`?" in result.output
    assert "= hint: write it low to high: -6 to -2" in result.output
    assert "= hint: did you mean `exclude`?" in result.output


def test_a_text_in_quotes_where_none_goes_is_not_called_unclosed(tmp_path):
    """A closed text in the wrong place (a second title, a weight in quotes) was said to be
    "not closed on its line", which sent the reader looking for a missing quote."""
    rules = write(tmp_path, "q.rules", """
        scheme "Q" version "1"
        range -3 to +3
        score recorded
        category x "X" weight "2"
        index a "A
    """)
    result = run("check", rules)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error[" in line]
    assert lines == [
        f"{rules}:4:23: error[B001]: expected a number or a sign (+ or -), found `\"2\"`",
        f"{rules}:5:9: error[B001]: this text in quotes is not closed on its line",
    ]


def test_extends_missing_parent_and_cycle(tmp_path):
    child = write(tmp_path, "child.rules", 'scheme "c"\nextends "nowhere.rules"\n')
    result = run("eval", child, "x.events")
    assert result.exit_code == 2
    assert f"{child}:2:9: error[B105]: the scheme this extends is missing: " in result.output
    a = write(tmp_path, "a.rules", 'scheme "a"\nextends "b.rules"\nrange -1 to 1\n')
    write(tmp_path, "b.rules", 'scheme "b"\nextends "a.rules"\n')
    result = run("eval", a, "x.events")
    assert result.exit_code == 2
    assert "error[B106]: `extends` goes round in a circle" in result.output


def test_missing_and_unreadable_files(tmp_path):
    result = run("eval", str(tmp_path / "none.rules"), "x.events")
    assert result.exit_code == 2
    assert result.output == f"error[B002]: no such file: {tmp_path / 'none.rules'}\n"
    events = tmp_path / "latin1.events"
    events.write_bytes('period "P" from 2021-01-01 to 2021-01-31\n[1 January] caf\xe9\n'.encode(
        "latin-1"))
    result = run("eval", str(RULES), str(events))
    assert result.exit_code == 2
    assert f"{events}:2:16: error[B003]: the file is not UTF-8 text" in result.output


def test_event_running_past_the_period_must_say_so(tmp_path):
    text = """
        period "P" from 2021-01-01 to 2021-02-28
        [15 February -12 March] Camp assembly
            national_security +1  regional_tension 0
    """
    result = run("eval", str(RULES), write(tmp_path, "a.events", text))
    assert result.exit_code == 2
    assert ("error[B303]: the date `15 February -12 March` (2021-02-15 to 2021-03-12) runs past "
            "the period 2021-01-01 to 2021-02-28") in result.output
    fixed = write(tmp_path, "b.events", text + "    ongoing\n")
    assert run("eval", str(RULES), fixed).exit_code == 0


def test_csv_mistakes_are_located(tmp_path):
    csv = write(tmp_path, "c.csv", """
        # period "P" from 2021-01-01 to 2021-02-28
        date,event,russia,rusia,category
        4 January,Call,+1,,contacts
        5 January,Other,two,,contacts
        6 January,More,,+1,contacts
    """)
    result = run("eval", str(RULES), csv)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if "error[" in line]
    assert errors == [
        f"{csv}:2:19: error[B101]: unknown index `rusia`",
        f"{csv}:4:17: error[B001]: expected a score such as +1, found `two`",
    ]


def test_csv_without_a_period_needs_one(tmp_path):
    csv = write(tmp_path, "c.csv", "date,event,russia\n4 January,Call,+1\n")
    result = run("eval", str(RULES), csv)
    assert result.exit_code == 2
    assert "error[B304]: the spreadsheet does not say which period it covers" in result.output
    result = run("eval", str(RULES), csv, "--period", "2021-01-01:2021-02-28", "--format", "csv")
    assert result.exit_code == 0
    assert "russia,Relationship with Russia,1,1,0,1," in result.output


@pytest.mark.parametrize("args", [["eval"], ["eval", str(RULES)], ["eval", "--format", "xml"],
                                  ["nonsense"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2
