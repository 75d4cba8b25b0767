"""Dates as reports print them, resolved to the days they cover.

    4 January                  that day
    9-10 February              those days
    Early / Mid- / Late January  days 1-10, 11-20, 21 to the month's end
    January                    the whole month
    January-February           from the first's start to the second's end
    25 January - mid-February  likewise, for any two of the above
    4 January 2021             a year may be written; otherwise it is the year
                               that puts the date inside the period
    2021-01-04                 that day, as an ISO date (machine-made catalogues)

Any dash will do (-, en dash, em dash), with or without spaces around it.
"""

from __future__ import annotations

import datetime as dt
import re

from .diagnostics import did_you_mean

# English names, whatever the machine's locale (the calendar module would follow it).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES) if name}
MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES) if name})
MONTHS["sept"] = 9


def month_length(year: int, month: int) -> int:
    # not calendar.monthrange: importing calendar (and locale) cost a cold eval 1 ms
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days

PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
DASHES = "-–—"

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # ASCII digits: `٥` is no day
def _digits(token: str) -> bool:
    """Digits 0-9 only: `٥` or `１２` is no number of a date."""
    return token.isascii() and token.isdigit()


_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+|[-–—]|\S")


class DateProblem(Exception):
    """A printed date that cannot be read; `start`/`end` are offsets in its text."""

    def __init__(self, message: str, start: int, end: int, hint: str | None = None):
        super().__init__(message)
        self.message, self.start, self.end, self.hint = message, start, end, hint


class _Point:
    """One side of a printed date: a month, optionally narrowed to days."""

    def __init__(self, month: int, first: int | None, last: int | None, year: int | None,
                 start: int, end: int, written: bool):
        self.month, self.first, self.last, self.year = month, first, last, year
        self.written = written  # days written out, not early/mid/late
        self.start, self.end = start, end  # offsets in the text

    def days(self, year: int) -> tuple[dt.date, dt.date]:
        length = month_length(year, self.month)
        if self.written:
            for day in (self.first, self.last):
                if day is not None and day > length:  # written: both are numbers
                    raise DateProblem(f"{MONTH_NAMES[self.month]} {year} has "
                                      f"{length} days, not {day}", self.start, self.end)
        first = self.first or 1
        last = min(self.last or length, length)  # "late" runs to the month's end
        return dt.date(year, self.month, first), dt.date(year, self.month, last)


def _day(tok) -> int:
    """A day number as written (a number too long to be one is said so at once)."""
    if len(tok[0]) > 4:
        raise DateProblem(f"{tok[0][:6]}... is not a day of a month", tok[1], tok[2])
    return int(tok[0])


def read(text: str) -> tuple[_Point, _Point | None]:
    """The one or two points a printed date names."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if not tokens:
        raise DateProblem("the date is empty", 0, max(len(text), 1),
                          "write the date as printed, e.g. 4 January")
    pos = 0

    def peek(k: int = 0):
        return tokens[pos + k] if pos + k < len(tokens) else None

    def is_dash(tok) -> bool:
        return tok is not None and tok[0] in DASHES

    def month_at(tok) -> int:
        if tok is None:
            raise DateProblem("expected a month name", len(text), len(text) + 1,
                              "write e.g. 4 January")
        word = tok[0].lower()
        if word in MONTHS:
            return MONTHS[word]
        raise DateProblem(f"expected a month name, found `{tok[0]}`", tok[1], tok[2],
                          did_you_mean(tok[0], [MONTH_NAMES[i] for i in range(1, 13)]))

    def point() -> _Point:
        nonlocal pos
        tok = peek()
        if tok is None:
            raise DateProblem("expected a day or a month after the dash", len(text),
                              len(text) + 1)
        start = tok[1]
        first = last = None
        if _digits(tok[0]):
            first = last = _day(tok)
            pos += 1
            if is_dash(peek()) and peek(1) is not None and _digits(peek(1)[0]):
                last = _day(peek(1))
                pos += 2
            for day, where in ((first, tok), (last, tokens[pos - 1])):
                if not 1 <= day <= 31:
                    raise DateProblem(f"{day} is not a day of a month", where[1], where[2])
            if last < first:
                raise DateProblem(f"the days run backwards ({first} to {last})", start,
                                  tokens[pos - 1][2], f"write {last}-{first}")
        elif tok[0].lower() in PARTS:
            first, last = PARTS[tok[0].lower()]
            pos += 1
            if is_dash(peek()):
                pos += 1
        elif tok[0].lower() not in MONTHS:
            words = [MONTH_NAMES[i] for i in range(1, 13)] + ["Early", "Mid", "Late"]
            raise DateProblem(f"`{tok[0]}` is not a day, a month, or early, mid or late",
                              tok[1], tok[2], did_you_mean(tok[0], words))
        month = month_at(peek())
        pos += 1
        year = None
        if peek() is not None and _digits(peek()[0]) and len(peek()[0]) == 4:
            year = int(peek()[0])
            pos += 1
        written = bool(_digits(tok[0]))
        return _Point(month, first, last, year, start, tokens[pos - 1][2], written)

    one = point()
    two = None
    if is_dash(peek()):
        pos += 1
        two = point()
    if peek() is not None:
        tok = peek()
        raise DateProblem(f"unexpected `{tok[0]}` after the date", tok[1], tokens[-1][2],
                          "a date is one day, a few days, a month or part of one, or "
                          "two of these joined by a dash")
    return one, two


_ISO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T| +)[0-9]{1,2}:[0-9]{2}")
_ISO_MORE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\s*\S")
_ISO_SHORT = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_SLASHED = re.compile(r"[0-9]{1,4}[/.][0-9]{1,2}[/.][0-9]{1,4}")


def _machine_made(text: str) -> None:
    """DateProblem, with its hint, for a date a program wrote otherwise than barometer
    reads it: a day with a time (`2021-01-05 13:00`), an ISO day without its zeros
    (`2021-1-5`), a day in numbers and slashes (`05/01/2021`); their reading as printed
    said only `2021 is not a day of a month`."""
    timed = _ISO_TIME.match(text)
    if timed is not None:
        at = timed.start(1) if timed.group(1) == "T" else timed.end(1)  # the time
        raise DateProblem("a day and a time: a date is a day", at, len(text),
                          f"write the day alone: {text[:10]}")
    if _ISO_MORE.match(text):
        raise DateProblem("an ISO date is one day, alone", 10, len(text),
                          "write several days as printed (4-6 January), or one ISO day")
    short = _ISO_SHORT.fullmatch(text)
    if short is not None:
        year, month, day = short.groups()
        raise DateProblem("an ISO date has two digits for the month and for the day", 0,
                          len(text), f"write {year}-{int(month):02d}-{int(day):02d}")
    if _SLASHED.fullmatch(text):
        raise DateProblem("a date in numbers is read only as an ISO date, YYYY-MM-DD", 0,
                          len(text), "write it as printed (4 January) or as YYYY-MM-DD: "
                          "numbers alone do not say which is the day and which the month")


def resolve(text: str, period_start: dt.date, period_end: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a printed date covers. Without a year, a point takes
    the year that puts it inside the period (or nearest to it)."""
    iso = _ISO.fullmatch(text)
    if iso is not None:
        try:
            day = dt.date(*(int(part) for part in iso.groups()))
        except ValueError:
            raise DateProblem(f"{text} is not a day in the calendar", 0, len(text)) from None
        return day, day
    _machine_made(text)
    one, two = read(text)

    def place(point: _Point, not_before: dt.date | None) -> tuple[dt.date, dt.date]:
        if point.year is not None:
            return point.days(point.year)
        best = problem = None
        years = list(range(period_start.year, period_end.year + 1))
        for year in years + [period_start.year - 1, period_end.year + 1]:
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                continue  # the calendar ends there
            try:
                first, last = point.days(year)
            except DateProblem as e:  # 29 February outside a leap year
                if year in years:
                    problem = problem or e
                continue
            if not_before is not None and last < not_before:
                continue
            gap = max((period_start - last).days, (first - period_end).days, 0)
            if best is None or gap < best[0]:
                best = (gap, first, last)
        if best is None or (best[0] > 0 and problem is not None):
            # `29 February` in 2021: the period's own year has no such day
            raise problem or DateProblem("the date cannot be placed", point.start, point.end)
        return best[1], best[2]

    first, last = place(one, None)
    if two is not None:
        first2, last = place(two, first)
        if last < first:
            raise DateProblem("the date runs backwards", one.start, two.end)
    return first, last
