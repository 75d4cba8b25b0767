"""One reading: the judgement of one cell or token of a catalogue, in one place.

Every reader asks here what a score, a date as printed, a category, a tag, an
attribute's value, an `ongoing` flag or a heading is: the `.events` readers (the
fast path and the LALR path), CSV, XLSX, Parquet and JSON Lines, and the columnar
engines, which judge each distinct value of a column here rather than again in
SQL. A judgement is a value, or a `Finding`: a code, its message and its hint,
with no place. The reader that holds the cell gives it its place (`at`), so each
message is written once, here, whatever read the cell.

    found = score("+1")            # 1
    found = score("٥")             # Finding B001: expected a score such as +1, found `٥`
    found.at(span)                 # the Diagnostic, located
"""

from __future__ import annotations

import datetime as dt
import re

from . import model as m
from .dates import DateProblem, resolve
from .diagnostics import Diagnostic, Span, closest, did_you_mean, error, warning
from .node import Node, node

# the columns barometer reads besides the indices and attributes
FIXED = frozenset({"date", "event", "category", "tags", "source", "note", "ongoing"})
FIELD_ORDER = ["date", "event", "category", "tags", "source", "note", "ongoing"]

# a score as written: a sign (or none), then ASCII digits; `٥` or `１２` is no score
SCORE = re.compile(r"\s*([+\-−–]?)\s*([0-9]+(?:\.[0-9]+)?)\s*$")
MAX_DIGITS = 15  # before and after the point: far beyond any score or weight
ONGOING = ("yes", "y", "true", "1", "x", "ongoing")


def once(function):
    """`function` of texts (and other hashable values), each distinct argument
    judged once: a catalogue writes the same score, date or category on
    thousands of rows, and every reader asks here. A judgement is a value or a
    frozen Finding, so one may be shared; the table is emptied when it grows
    past `ONCE` entries (a long-lived language server reads many documents)."""
    import functools

    seen: dict = {}

    @functools.wraps(function)
    def judged(*key):
        try:
            return seen[key]
        except KeyError:
            if len(seen) >= ONCE:
                seen.clear()
            value = seen[key] = function(*key)
            return value

    judged.forget = seen.clear  # type: ignore[attr-defined]
    return judged


ONCE = 1 << 16


@node
class Finding(Node):
    """What is wrong with a cell or token, before anyone says where it is.
    `within`: the part of the token it is about (offsets from its first
    non-blank character), where not all of it."""

    code: str
    message: str
    hint: str | None = None
    severity: str = "error"
    within: tuple[int, int] | None = None

    def at(self, span: Span | None) -> Diagnostic:
        """The finding at its place; `within` narrows a one-line span."""
        if span is not None and self.within is not None:
            start, end = self.within
            span = Span(span.file, span.line, span.column + start, span.line,
                        span.column + max(end, start + 1))
        make = error if self.severity == "error" else warning
        return make(self.code, self.message, span, self.hint)


# --- numbers and scores ----------------------------------------------------------------------

class NumberTooLong(ValueError):
    """A number with more digits than barometer takes (B206)."""


def number(text: str):
    """The value of ASCII digits with an optional point: an int, or a Fraction.
    NumberTooLong past MAX_DIGITS on either side of the point."""
    from fractions import Fraction

    whole, _, part = text.partition(".")
    if len(whole.lstrip("0")) > MAX_DIGITS or len(part) > MAX_DIGITS:
        raise NumberTooLong(text)
    if "." in text:
        return Fraction(text)
    return int(text)


def too_long(text: str) -> Finding:
    shown = text if len(text) <= 24 else f"{text[:10]}...{text[-6:]} ({len(text)} characters)"
    return Finding("B206", f"the number {shown} has more digits than barometer takes "
                   f"({MAX_DIGITS} before and {MAX_DIGITS} after the point)",
                   "scores, weights and bounds are small numbers; check the number")


def signed_number(value) -> str:
    """A number a spreadsheet or a typed column stored (the `+` typed before it is
    gone), as a score is written."""
    if float(value).is_integer():
        value = int(value)
        return f"{value:+d}" if value else "0"
    return f"{value:+}"


def cell_text(value) -> str:
    """A typed value (Parquet, JSON, a spreadsheet's cell) as the text it stands
    for: a day as YYYY-MM-DD (a timestamp with a time zone: its day in UTC), true as
    `yes`, a list joined by `;`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # a moment with its zone: its day in UTC, as the
            value = value.astimezone(dt.timezone.utc)  # SQL engines read it
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(cell_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def score_text(value) -> str:
    """A score cell's text: a stored number as a score is written, else its text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return signed_number(value)
    return cell_text(value)


@once
def score(text: str):
    """A score as written (`+1`, `-2`, `0`, `1.5`): its value (an int or a
    Fraction), or the Finding that it is none (B001, B206)."""
    match = SCORE.match(text)
    if match is None:
        return Finding("B001", f"expected a score such as +1, found `{text.strip()}`",
                       "a score is a whole number with its sign")
    sign, digits = match.groups()
    try:
        points = number(digits)
    except NumberTooLong:
        return too_long(digits)
    return -points if sign and sign != "+" else points


def in_range(points, text: str, scheme_range) -> Finding | None:
    """A score's value against the scheme: whole (B205), within its range (B204)."""
    if getattr(points, "denominator", 1) != 1:
        return Finding("B205", f"scores are whole points, not {text.strip()}")
    low, high = scheme_range.low, scheme_range.high
    if not low <= points <= high:
        return Finding("B204", f"the score {text.strip()} is outside the scheme's range "
                       f"{m.signed(low)} to {m.signed(high)}",
                       f"scores run from {m.signed(low)} to {m.signed(high)}")
    return None


# A score cell that marks an event on an index without a score: for schemes whose
# score reads neither `recorded` nor `direction` (`score weight`), as a bare
# `russia` line does in an event file.
MARK = "x"


def reads_recorded(scheme: m.Scheme) -> bool:
    """Whether the scheme reads an event's recorded score anywhere: `recorded`
    or `direction` in its score expression, a rule's condition or action, a
    `vary score` option or a derived index's selection (`recorded > 0`)."""
    from .nodes import Direction, Recorded, RecordedCompare

    stack: list = [scheme.score, *scheme.rules, *scheme.varies,
                   *[i.formula for i in scheme.indices.values() if i.derived]]
    while stack:
        x = stack.pop()
        if isinstance(x, (Recorded, Direction, RecordedCompare)):
            return True
        if isinstance(x, (tuple, list)):
            stack.extend(x)
        elif isinstance(x, Node) and not isinstance(x, Span):
            stack.extend(getattr(x, name) for name in type(x).__node_fields__)
    return False


def unscored(name: str | None = None) -> Finding:
    """B001: an index named without a score (`russia` alone on a line; the cell
    `x` where `name` is None) where the scheme reads the recorded score."""
    written = f"`{name}` without a score marks an event on {name}" if name else \
        f"the cell `{MARK}` marks an event on an index without a score"
    return Finding("B001", f"{written}, but the scheme reads the recorded score (`recorded` or "
                   "`direction`)", f"write the event's score, e.g. {name + ' ' if name else ''}+1; an "
                   "index without a score is for schemes whose score reads neither (score weight)")


def whole_score(text: str, scheme: m.Scheme):
    """A score cell read through: its whole value in the scheme's range, or the
    Finding (B001, B206, B205, B204). The cell `x` (MARK) is 0 where the scheme
    reads no recorded score (`reads_recorded`), else B001."""
    if text.strip().lower() == MARK:
        return unscored() if reads_recorded(scheme) else 0
    points = score(text)
    if isinstance(points, Finding):
        return points
    return in_range(points, text, scheme.range) or int(points)


# --- names -----------------------------------------------------------------------------------

def unknown(kind: str, name: str, names) -> Finding:
    """B101: a category, tag, ... the scheme does not declare."""
    return Finding("B101", f"unknown {kind} `{name}`",
                   did_you_mean(name, names) or f"the scheme declares no {kind} of that name")


def unknown_index(name: str, names) -> Finding:
    """B101: a long-form `index` cell naming no index of the scheme."""
    near = closest(name, names)
    return Finding("B101", f"unknown index `{name}`", f"did you mean `{near}`?" if near
                   else "the indices are " + ", ".join(names))


def derived(name: str) -> Finding:
    return Finding("B113", f"`{name}` is a derived index: it is computed from other indices' "
                   "figures, so events cannot score it", "score the indices it is computed from")


def no_index() -> Finding:
    return Finding("B001", "the row gives a score but no index", "name the index the score is on")


def no_score() -> Finding:
    return Finding("B108", "the event carries no score", "add a line such as: russia +1")


def no_category() -> Finding:
    return Finding("B107", "the event has no category, but the scheme scores events by their "
                   "category's weight", "add a line such as: category contacts")


def no_value(name: str, example: str, cell: bool = False) -> Finding:
    """B115: an event without a value of an attribute that has no default;
    `cell`: the event is a table's row (fill in its cell) rather than an event
    file's (add a line)."""
    told = (f"fill in the row's `{name}` cell ({example}), or " if cell
            else f"add a line such as: {name} {example}; or ")
    return Finding("B115", f"the event records no `{name}`, which the scheme's attribute asks "
                   "of every event", told + f"give the attribute a default (attribute {name} "
                   "... default ...)")


def tags(text: str) -> list[str]:
    """A tags cell's tags: split at `;` and `,`."""
    return list(_tags(text))


@once
def _tags(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in re.split(r"[;,]", text) if t.strip())


def index_named(value: str, indices: dict[str, str]) -> str | None:
    """The index a long form's `index` cell names (`russia`, `Russia`, its title
    `U.S.` in any case), or None. `indices`: name -> title."""
    key = " ".join(value.lower().split())
    for name, title in indices.items():
        if key in (name.lower(), " ".join(title.lower().split())) or \
                key.replace(" ", "_") == name.lower():
            return name
    return None


class Headings:
    """What a column's heading names: a field barometer reads (`date`, ...), or an
    index or attribute of the scheme, by its name or its title, in any case, with
    spaces for `_`. `named`: name -> title of the indices and attributes; None
    reads every other heading as an index."""

    def __init__(self, named: dict[str, str] | None, fields=FIXED):
        self.named, self.fields = named, fields
        self.by_name: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        for name, title in (named or {}).items():
            self.by_name.setdefault(name.lower(), name)
            self.by_title.setdefault(" ".join(title.lower().split()), name)

    @staticmethod
    def key(heading: str) -> str:
        return " ".join(heading.lower().split())

    def target(self, heading: str) -> str | None:
        """The field, index or attribute the heading names; None for one it does
        not (or a blank heading)."""
        key = self.key(heading)
        if not key:
            return None
        if key in self.fields:
            return key
        if self.named is None:
            return key.replace(" ", "_")
        return self.by_name.get(key) or self.by_name.get(key.replace(" ", "_")) or \
            self.by_title.get(key)


def second_column(target: str, first: str) -> Finding:
    return Finding("B011", f"a second column for `{target}`",
                   f"the column headed `{first.strip()}` already holds it: remove or rename one "
                   "of the two")


def no_column(what: str, needed: str) -> Finding:
    return Finding("B001", f"the {what} has no `{needed}` column",
                   "the heading row must name: date, event, and the indices")


def no_period(what: str, sidecar: str | None = None) -> Finding:
    """B304: a catalogue that does not say which period it covers. `sidecar`: the
    file beside it that may say it (a Parquet or JSON Lines catalogue has no row
    of its own for it)."""
    if sidecar is None:
        hint = ('add a first row: # period "Title" from 2021-01-01 to 2021-02-28, or give '
                "--period 2021-01-01:2021-02-28")
    else:
        hint = ("give --period 2021-01-01:2021-12-31, or write the period line of an event "
                f'file into a file beside it, {sidecar}: period "Title" from 2021-01-01 to '
                "2021-12-31")
    return Finding("B304", f"the {what} does not say which period it covers", hint)


def no_heading(what: str) -> Finding:
    if what == "catalogue":  # a JSON Lines file without a line (it has no heading row)
        return Finding("B001", "the catalogue holds no events: it has no line",
                       'one JSON object per line, an event\'s: {"date": "4 January", "event": '
                       '"...", "russia": 1}')
    return Finding("B001", f"the {what} has no heading row: it holds no events",
                   "below the period, a row names the columns: date, event, and the indices "
                   "(e.g. date,event,russia,eu), then one row per event")


def ignored_column(name: str, indices, attributes) -> Finding:
    """B010: a column headed by neither a field barometer reads, nor an index or
    an attribute of the scheme (`indices`, `attributes`: their names)."""
    guess = closest(name, list(indices) + list(attributes) + FIELD_ORDER)
    return Finding("B010", f"the column `{name}` is ignored: it is neither an index nor an "
                   "attribute of the scheme, nor a column barometer reads",
                   f"did you mean `{guess}`?" if guess else "the columns read are " + ", ".join(
                       ["date", "event"] + list(indices) + list(attributes) + FIELD_ORDER[2:]),
                   severity="warning")


HASHTAG = re.compile(r"#\w")  # `#MeToo`, not `# a comment`


def skipped_row(first: str) -> Finding | None:
    """B012 for a row skipped as a comment (its first cell `first`, stripped,
    starts with `#` and the others are empty) that looks like an event's
    (`#MeToo`); None for a comment (`# a note`)."""
    if not HASHTAG.match(first):
        return None
    short = " ".join(first.split())
    short = short if len(short) <= 40 else short[:40] + "..."
    return Finding("B012", f"the row `{short}` is skipped as a comment: its first cell starts "
                   "with `#` and the others are empty",
                   "if it is an event, fill in its date and scores; for a comment, write `# ` "
                   "with a space", severity="warning")


def unheaded_cell(text: str) -> Finding:
    """B019: a cell that holds something in a column without a heading (past the
    heading's last cell, or under an empty one): no reader reads it."""
    short = " ".join(text.split())
    short = short if len(short) <= 40 else short[:40] + "..."
    return Finding("B019", f"the cell `{short}` stands under no heading: it is not read",
                   "give its column a heading (an index, an attribute or a field), or take "
                   "the cell out; a text holding the delimiter must be quoted", severity="warning")


def no_attribute_column(what: str, name: str, example: str) -> Finding:
    return Finding("B115", f"the {what} has no `{name}` column, which the scheme's attribute "
                   "asks of every event", f"add a column headed `{name}` with each event's "
                   f"value ({example}), or give the attribute a default (attribute {name} ... "
                   "default ...)")


# --- dates -----------------------------------------------------------------------------------

def days(start: dt.date, end: dt.date) -> str:
    return str(start) if start == end else f"{start} to {end}"


# Printed dates already resolved, by (text, period start, period end): a catalogue
# prints the same few hundred dates again and again, and resolving one is pure.
_RESOLVED: dict = {}


def resolved(printed: str, start: dt.date, end: dt.date):
    """The days `printed` covers in the period, or the DateProblem it raises."""
    key = (printed, start, end)
    found = _RESOLVED.get(key)
    if found is None:
        try:
            found = resolve(printed, start, end)
        except DateProblem as e:
            e.__traceback__ = None  # kept: hold no frames
            found = e
        if len(_RESOLVED) >= 4096:
            _RESOLVED.clear()
        _RESOLVED[key] = found
    return found


def date(text: str, period: m.Period):
    """A date as printed (`4 January`, `Early March`, `2021-01-04`) in the period:
    its first and last day, or the Finding (B301, B302), about the part of the
    text (stripped) it names. Whether it runs past the period is `past`."""
    return _date(text, period.start, period.end)


@once
def _date(text: str, first: dt.date, last: dt.date):
    printed = text.strip()
    found = resolved(printed, first, last)
    if isinstance(found, DateProblem):
        return Finding("B301", f"cannot read the date `{printed}`: {found.message}", found.hint,
                       within=(found.start, found.end))
    start, end = found
    if end < first or start > last:
        return Finding("B302", f"the date `{printed}` ({days(start, end)}) is outside the period "
                       f"{first} to {last}",
                       "check the date, or the period at the top of the file",
                       within=(0, len(printed)))
    return start, end


def past(text: str, start: dt.date, end: dt.date, period: m.Period) -> Finding | None:
    """B303 where the days run past the period's edge (unless the event is ongoing)."""
    if start >= period.start and end <= period.end:
        return None
    printed = text.strip()
    return Finding("B303", f"the date `{printed}` ({days(start, end)}) runs past the period "
                   f"{period.start} to {period.end}",
                   "if the event really spans the period's edge, add a line `ongoing` below it",
                   within=(0, len(printed)))


# --- flags and attributes --------------------------------------------------------------------

def ongoing(text: str, stored=None):
    """An `ongoing` cell: True, False, or the Finding (B001). `stored`: the typed
    value behind the text (True or False in a workbook, Parquet or JSON)."""
    flag = text.strip().lower()
    if stored is True or flag in ONGOING:
        return True
    if not flag or stored is False or flag == "false":
        return False
    return Finding("B001", f"`ongoing` is `yes` or empty, not `{text.strip()}`")


def attribute_value(attribute, value, text: str):
    """An attribute's value as an event gives it: a number (`12`) or a word
    (`minister`). `value` is what the reader made of it (a number where it is
    written as one, else the text): it, or the Finding (B209)."""
    name = attribute.name
    if attribute.numeric and isinstance(value, str):
        return Finding("B209", f"`{name}` is a number ({attribute.describe()}), not `{text}`",
                       f"write it as a number: {name} 3")
    if not attribute.numeric and not isinstance(value, str):
        return Finding("B209", f"`{name}` is {attribute.describe()}, not {text}",
                       f"write one of its values: {name} {attribute.choices[0]}")
    if not attribute.admits(value):
        return Finding("B209", f"`{text}` is not a value of `{name}`: it is "
                       f"{attribute.describe()}",
                       (did_you_mean(value, attribute.choices) if not attribute.numeric else None)
                       or (f"its values are {', '.join(attribute.choices)}"
                           if not attribute.numeric else None))
    return value


def attribute_cell(attribute, cell) -> object:
    """An attribute's cell (a text, or a typed value): as `attribute_value` reads
    it, a number where it is written as one (a number too long is a word)."""
    text = score_text(cell) if isinstance(cell, (int, float)) and not isinstance(
        cell, bool) else str(cell).strip()
    match = SCORE.match(text)
    value = text
    if match is not None:
        sign, digits = match.groups()
        try:
            value = number(digits)
            value = -value if sign and sign != "+" else value
        except NumberTooLong:
            if attribute.numeric:
                return Finding("B209", f"`{text}` is not a value of `{attribute.name}`: it is "
                               f"{attribute.describe()}")
    return attribute_value(attribute, value, text)


__all__ = ["Finding", "FIXED", "FIELD_ORDER", "SCORE", "MAX_DIGITS", "NumberTooLong", "number",
           "too_long", "signed_number", "cell_text", "score_text", "score", "in_range",
           "whole_score", "reads_recorded", "unscored", "MARK", "unknown", "unknown_index", "derived", "no_index", "no_score",
           "no_category", "no_value", "tags", "index_named", "Headings", "second_column", "no_column", "no_period", "no_heading",
           "no_attribute_column", "ignored_column", "HASHTAG", "skipped_row",
           "days", "resolved", "date", "past", "ongoing",
           "attribute_value", "attribute_cell"]
