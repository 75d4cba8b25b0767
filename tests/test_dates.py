"""Dates as the report prints them."""

import datetime as dt

import pytest

from barometer.dsl.dates import DateProblem, resolve

from .conftest import RULES
from .helpers import run, write

JAN1, FEB28 = dt.date(2021, 1, 1), dt.date(2021, 2, 28)
D = dt.date


@pytest.mark.parametrize("printed, start, end", [
    ("4 January", D(2021, 1, 4), D(2021, 1, 4)),
    ("9-10 February", D(2021, 2, 9), D(2021, 2, 10)),
    ("13–14 January", D(2021, 1, 13), D(2021, 1, 14)),
    ("Early January", D(2021, 1, 1), D(2021, 1, 10)),
    ("Mid-February", D(2021, 2, 11), D(2021, 2, 20)),
    ("mid February", D(2021, 2, 11), D(2021, 2, 20)),
    ("Late January", D(2021, 1, 21), D(2021, 1, 31)),
    ("Late February", D(2021, 2, 21), D(2021, 2, 28)),
    ("January", D(2021, 1, 1), D(2021, 1, 31)),
    ("January-February", D(2021, 1, 1), D(2021, 2, 28)),
    ("January–February", D(2021, 1, 1), D(2021, 2, 28)),
    ("January– February", D(2021, 1, 1), D(2021, 2, 28)),
    ("25 January - mid-February", D(2021, 1, 25), D(2021, 2, 20)),
    ("25 January– mid-February", D(2021, 1, 25), D(2021, 2, 20)),
    ("15 February -12 March", D(2021, 2, 15), D(2021, 3, 12)),
    ("4 January 2021", D(2021, 1, 4), D(2021, 1, 4)),
    ("4 Jan", D(2021, 1, 4), D(2021, 1, 4)),
])
def test_printed_dates(printed, start, end):
    assert resolve(printed, JAN1, FEB28) == (start, end)


def test_year_is_the_one_that_puts_the_date_in_the_period():
    assert resolve("30 December", D(2020, 12, 1), D(2021, 1, 31)) == (D(2020, 12, 30),) * 2
    assert resolve("2 January", D(2020, 12, 1), D(2021, 1, 31)) == (D(2021, 1, 2),) * 2
    assert resolve("December-January", D(2020, 12, 1), D(2021, 1, 31)) == (
        D(2020, 12, 1), D(2021, 1, 31))
    assert resolve("29 February", D(2024, 1, 1), D(2024, 2, 29)) == (D(2024, 2, 29),) * 2


@pytest.mark.parametrize("printed, message, start, end, hint", [
    ("4 Januray", "expected a month name, found `Januray`", 2, 9, "did you mean `January`?"),
    ("31 February", "February 2021 has 28 days, not 31", 0, 11, None),
    ("10-9 February", "the days run backwards (10 to 9)", 0, 4, "write 9-10"),
    ("Erly January", "`Erly` is not a day, a month, or early, mid or late", 0, 4,
     "did you mean `Early`?"),
    ("4", "expected a month name", 1, 2, "write e.g. 4 January"),
    ("4 January soon", "unexpected `soon` after the date", 10, 14, None),
    ("", "the date is empty", 0, 1, "write the date as printed, e.g. 4 January"),
    ("40 January", "40 is not a day of a month", 0, 2, None),
    # machine-made dates, which said `2021 is not a day of a month` without a hint
    ("2021-01-05 13:00", "a day and a time: a date is a day", 11, 16,
     "write the day alone: 2021-01-05"),
    ("2021-01-05T13:00:00+00:00", "a day and a time: a date is a day", 10, 25,
     "write the day alone: 2021-01-05"),
    ("2021-01-04 – 2021-01-06", "an ISO date is one day, alone", 10, 23,
     "write several days as printed (4-6 January), or one ISO day"),
    ("2021-1-5", "an ISO date has two digits for the month and for the day", 0, 8,
     "write 2021-01-05"),
    ("05/01/2021", "a date in numbers is read only as an ISO date, YYYY-MM-DD", 0, 10,
     "write it as printed (4 January) or as YYYY-MM-DD: numbers alone do not say which "
     "is the day and which the month"),
])
def test_unreadable_dates(printed, message, start, end, hint):
    with pytest.raises(DateProblem) as caught:
        resolve(printed, JAN1, FEB28)
    e = caught.value
    assert (e.message, e.start, e.end) == (message, start, end)
    if hint is not None:
        assert e.hint == hint


def test_dates_and_calendars_are_said_plainly(tmp_path):
    leap = write(tmp_path, "l.events", 'period "P" from 2021-01-01 to 2021-02-28\n'
                 "[29 February] x\n    russia +1\n")
    assert "February 2021 has 28 days, not 29" in run("eval", RULES, leap).output
    for period, date in (("0001-01-01 to 0001-02-28", "[29 February]"),
                         ("9999-12-01 to 9999-12-31", "[December-January]")):
        edge = write(tmp_path, "e.events", f'period "P" from {period}\n{date} x\n    russia +1\n')
        result = run("eval", RULES, edge)
        assert result.exit_code == 2 and "error[B301]" in result.output


def test_month_lengths_are_the_calendars():
    import calendar

    from barometer.dsl.dates import month_length

    for year in [*range(1, 10000, 37), 1900, 2000, 2020, 2021, 2100, 9999]:
        for month in range(1, 13):
            assert month_length(year, month) == calendar.monthrange(year, month)[1]
