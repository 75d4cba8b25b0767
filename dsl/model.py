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

from .node import Node, node

from .diagnostics import Span

Number = Rational  # int or Fraction

# The nodes of rules and score expressions live in dsl/nodes.py and are loaded
# the first time a scheme uses them, since most runs of a scheme without rules
# would otherwise pay for creating their classes.
_NODES = {"Always", "IndexIn", "CategoryIn", "Tagged", "TextContains", "DateBefore", "DateAfter",
          "DateWithin", "RecordedCompare", "Not", "AllOf", "AnyOf", "Condition", "Action",
          "Rule", "Constant", "Direction", "Weight", "Binary", "Negate"}


def __getattr__(name: str):
    if name in _NODES:
        from . import nodes

        return getattr(nodes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the methodology -------------------------------------------------------------


@node
class Index(Node):
    name: str
    title: str
    span: Span


@node
class Category(Node):
    name: str
    title: str
    weight: Number | None
    span: Span


@node
class Tag(Node):
    name: str
    title: str
    span: Span


@node
class Bound(Node):
    value: Number
    inclusive: bool


@node
class Band(Node):
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


@node
class BandSet(Node):
    index: str
    bands: tuple[Band, ...]
    span: Span

    def colour(self, value: Number) -> str | None:
        """The first band, in declared order, that holds the value."""
        for band in self.bands:
            if band.contains(value):
                return band.name
        return None


@node
class Recorded(Node):
    """The score the catalogue records for the event on the index."""

    span: Span


@node
class ScoreRange(Node):
    low: int
    high: int
    span: Span


@node
class Declared(Node):
    """A name with where it was declared, for the pieces of a rules file."""

    name: str
    span: Span


@node
class Group(Node):
    """Indices ranked against each other (the relationships, say)."""

    name: str
    title: str
    indices: tuple[str, ...]
    span: Span


@node
class Vary(Node):
    """What a sensitivity analysis perturbs: category weights or band
    boundaries (of the names given, or all), uniformly within +-by."""

    kind: str  # "weights" or "bands"
    names: tuple[str, ...] | None
    by: Number
    span: Span


@node
class RulesFile(Node):
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
    groups: tuple[Group, ...] = ()
    varies: tuple[Vary, ...] = ()


@node
class Scheme(Node):
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
    groups: dict[str, Group] = attrs.Factory(dict)
    varies: tuple[Vary, ...] = ()


# --- the period ------------------------------------------------------------------


@node
class When(Node):
    """An event's date as printed, and the days it resolves to."""

    text: str
    start: dt.date
    end: dt.date
    span: Span


@node
class Score(Node):
    index: str
    value: int
    span: Span
    signed: bool = True  # written with its sign (or zero)


@node
class Event(Node):
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


@node
class Published(Node):
    """A total the report states, to be compared with the computed one."""

    index: str
    value: int
    span: Span


@node
class Period(Node):
    title: str
    start: dt.date
    end: dt.date
    span: Span | None
    published: tuple[Published, ...] = ()


@node
class Catalogue(Node):
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
