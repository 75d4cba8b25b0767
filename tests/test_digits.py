"""Numbers are written with the digits 0-9: a digit of another script (`٥`) or a
full-width one (`１２`) is refused where it stands, in a score, an attribute's
value, a date or a bound, by every reader, not read as the number it looks like."""

from __future__ import annotations

import pytest

from .conftest import RULES
from .helpers import run, write

PERIOD = 'period "P" from 2021-01-01 to 2021-01-31\n'
ATTRIBUTE = 'scheme "D" version "1"\nrange -3 to +3\nscore recorded\nindex a "A"\n' \
    'attribute fatalities "Fatalities" number from 0 to 20 default 0\n'


@pytest.mark.parametrize("digit", ["٥", "１", "५"])
def test_a_score_of_other_digits_is_refused_in_an_event_file(tmp_path, digit):
    path = write(tmp_path, "u.events", PERIOD + f"\n[4 January] A\n    russia +{digit}\n"
                 "    category contacts\n")
    out = run("eval", RULES, path)
    assert out.exit_code == 2
    assert out.output.startswith(f"{path}:4:13: error[B001]: expected a number, found "
                                 f"`{digit}`\n")
    assert "= hint: numbers are written with the digits 0-9" in out.output


def test_an_attribute_value_of_other_digits_is_refused(tmp_path):
    rules = write(tmp_path, "d.rules", ATTRIBUTE)
    path = write(tmp_path, "u.events", PERIOD + "\n[4 January] A\n    a +1\n"
                 "    fatalities ١٢\n")
    out = run("eval", rules, path)
    assert out.exit_code == 2
    assert out.output.startswith(f"{path}:5:16: error[B001]: expected the end of the "
                                 "line, a name, a number")
    assert "found `١٢`\n" in out.output


def test_a_score_of_other_digits_is_refused_in_a_spreadsheet(tmp_path):
    path = write(tmp_path, "u.csv", "# " + PERIOD + "date,event,russia,category\n"
                 "4 January,A,+٥,contacts\n")
    out = run("eval", RULES, path)
    assert out.exit_code == 2
    assert out.output.startswith(f"{path}:3:13: error[B001]: expected a score such as +1, "
                                 "found `+٥`\n")


def test_a_date_of_other_digits_is_no_day(tmp_path):
    path = write(tmp_path, "u.events", PERIOD + "\n[٥ January] A\n    russia +1\n"
                 "    category contacts\n")
    out = run("eval", RULES, path)
    assert out.output.startswith(f"{path}:3:2: error[B301]: cannot read the date `٥ January`")


def test_a_bound_of_other_digits_is_refused_in_a_rules_file(tmp_path):
    path = write(tmp_path, "u.rules", 'scheme "S"\nrange -3 to +３\nindex a\n')
    out = run("check", path)
    assert out.exit_code == 1  # check's status for errors
    assert out.output.startswith(f"{path}:2:14: error[B001]: expected a number, found `３`\n")
