"""The checked model of a methodology (`Scheme`) and of a period (`Catalogue`).

These attrs classes are all the rest of barometer sees of the text: every node
carries the `Span` it came from, so that any later finding or explanation can
point at the line that caused it. Numbers are exact: `int`, or `Fraction` where a
rules file writes a decimal.
"""

from __future__ import annotations

import datetime as dt
from numbers import Rational

import attrs

from .diagnostics import Span

Number = Rational  # int or Fraction


# --- the methodology -------------------------------------------------------------


@attrs.frozen
class Index:
    name: str
    title: str
    span: Span


@attrs.frozen
class Category:
    name: str
    title: str
    weight: Number | None
    span: Span


@attrs.frozen
class Tag:
    name: str
    title: str
    span: Span


@attrs.frozen
class Bound:
    value: Number
    inclusive: bool


@attrs.frozen
class Band:
    """A named stretch of an index's values, e.g. yellow = -12..-7."""

    name: str
    lower: Bound | None  # None: open downwards
    upper: Bound | None  # None: open upwards
    interpretation: str
    span: Span

    def contains(self, value: Number) -> bool:
        lo, hi = self.lower, self.upper
        if lo is not None and (value < lo.value or (value == lo.value and not lo.inclusive)):
            return False
        if hi is not None and (value > hi.value or (value == hi.value and not hi.inclusive)):
            return False
        return True

    def describe(self) -> str:
        """The bounds as a rules file writes them."""
        lo, hi = self.lower, self.upper
        if lo and hi and lo.inclusive and hi.inclusive:
            return f"{signed(lo.value)} to {signed(hi.value)}"
        parts = []
        if lo:
            parts.append(f"{'>=' if lo.inclusive else '>'} {signed(lo.value)}")
        if hi:
            parts.append(f"{'<=' if hi.inclusive else '<'} {signed(hi.value)}")
        return " and ".join(parts) or "any value"


@attrs.frozen
class BandSet:
    index: str
    bands: tuple[Band, ...]
    span: Span

    def colour(self, value: Number) -> str | None:
        """The first band, in declared order, that holds the value."""
        for band in self.bands:
            if band.contains(value):
                return band.name
        return None


# Conditions over an event's entry on one index. Matching is engine/match.py's job.


@attrs.frozen
class Always:
    span: Span


@attrs.frozen
class IndexIn:
    names: tuple[str, ...]
    span: Span


@attrs.frozen
class CategoryIn:
    names: tuple[str, ...]
    span: Span


@attrs.frozen
class Tagged:
    tag: str
    span: Span


@attrs.frozen
class TextContains:
    text: str
    span: Span


@attrs.frozen
class DateBefore:
    """The event ended before this day."""

    date: dt.date
    span: Span


@attrs.frozen
class DateAfter:
    """The event began after this day."""

    date: dt.date
    span: Span


@attrs.frozen
class DateWithin:
    """The event lies wholly within these days (both included)."""

    start: dt.date
    end: dt.date
    span: Span


@attrs.frozen
class RecordedCompare:
    op: str  # one of > >= < <= (written ≥ ≤ too)
    value: Number
    span: Span


@attrs.frozen
class Not:
    operand: object
    span: Span


@attrs.frozen
class AllOf:
    operands: tuple
    span: Span


@attrs.frozen
class AnyOf:
    operands: tuple
    span: Span


Condition = (Always | IndexIn | CategoryIn | Tagged | TextContains | DateBefore | DateAfter
             | DateWithin | RecordedCompare | Not | AllOf | AnyOf)


@attrs.frozen
class Action:
    kind: str  # set, add, multiply, clamp, exclude
    value: Number | None
    span: Span

    def describe(self) -> str:
        return {
            "set": f"set to {signed(self.value)}",
            "add": f"add {signed(self.value)}",
            "multiply": f"multiply by {plain(self.value)}",
            "clamp": "clamp to the range",
            "exclude": "exclude the event",
        }[self.kind]


@attrs.frozen
class Rule:
    name: str
    title: str
    condition: Condition
    actions: tuple[Action, ...]
    span: Span


# Score expressions: how an entry's score is computed before the rules act.


@attrs.frozen
class Constant:
    value: Number
    span: Span


@attrs.frozen
class Recorded:
    """The score the catalogue records for the event on the index."""

    span: Span


@attrs.frozen
class Direction:
    """The sign of the recorded score: -1, 0 or +1."""

    span: Span


@attrs.frozen
class Weight:
    """The weight of the event's category."""

    span: Span


@attrs.frozen
class Binary:
    op: str  # + - *
    left: object
    right: object
    span: Span


@attrs.frozen
class Negate:
    operand: object
    span: Span


@attrs.frozen
class ScoreRange:
    low: int
    high: int
    span: Span


@attrs.frozen
class Declared:
    """A name with where it was declared, for the pieces of a rules file."""

    name: str
    span: Span


@attrs.frozen
class RulesFile:
    """One rules file as written, before `extends` is resolved."""

    path: str
    name: Declared | None  # scheme name
    version: str
    description: str
    extends: Declared | None  # the parent's path as written
    range: ScoreRange | None
    score: object | None  # expression
    score_span: Span | None
    indices: tuple[Index, ...]
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    bands: tuple[BandSet, ...]
    rules: tuple[Rule, ...]
    drops: tuple[Declared, ...]


@attrs.frozen
class Scheme:
    """A methodology ready to evaluate: `extends` resolved, names checked."""

    name: str
    version: str
    description: str
    path: str
    files: tuple[str, ...]  # the file and its ancestors, the file first
    range: ScoreRange
    score: object
    indices: dict[str, Index]
    categories: dict[str, Category]
    tags: dict[str, Tag]
    bands: dict[str, BandSet]
    rules: tuple[Rule, ...]


# --- the period ------------------------------------------------------------------


@attrs.frozen
class When:
    """An event's date as printed, and the days it resolves to."""

    text: str
    start: dt.date
    end: dt.date
    span: Span


@attrs.frozen
class Score:
    index: str
    value: int
    span: Span


@attrs.frozen
class Event:
    number: int  # 1-based, in catalogue order across files
    when: When
    text: str
    scores: tuple[Score, ...]
    category: Declared | None
    tags: tuple[Declared, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    ongoing: bool
    span: Span

    def has_tag(self, name: str) -> bool:
        return any(t.name == name for t in self.tags)


@attrs.frozen
class Published:
    """A total the report states, to be compared with the computed one."""

    index: str
    value: int
    span: Span


@attrs.frozen
class Period:
    title: str
    start: dt.date
    end: dt.date
    span: Span | None
    published: tuple[Published, ...] = ()


@attrs.frozen
class Catalogue:
    period: Period
    events: tuple[Event, ...]
    files: tuple[str, ...]


def plain(value: Number) -> str:
    """A number as a methodologist writes it: 2, 1.5, 0.333333."""
    if getattr(value, "denominator", 1) == 1:
        return str(int(value))
    text = f"{float(value):.6f}".rstrip("0")
    return text


def signed(value: Number) -> str:
    text = plain(value)
    return text if text.startswith("-") or value == 0 else f"+{text}"
