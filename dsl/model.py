"""The checked model of a methodology (`Scheme`) and of a period (`Catalogue`).

These attrs classes are all the rest of barometer sees of the text: every node
carries the `Span` it came from, so that any later finding or explanation can
point at the line that caused it. Numbers are exact: `int`, or `Fraction` where a
rules file writes a decimal.
"""

from __future__ import annotations

import datetime as dt

from .diagnostics import Span
from .node import Node, evolve, factory, field, node
from .nodes import (Across, Grouping)  # noqa: F401 (issue 20: across issues, per-group sums)
from .nodes import (Action, AllOf, Always, AnyOf, Binary, Call, CategoryIn, Choose, Compare,
                    Condition, Constant, Current,
                    DateAfter, DateBefore, DateWithin, Direction, IndexIn, Negate, Not, Recorded,
                    RecordedCompare, Reference, Rule, Selection, Tagged, TextContains, ValueCompare,
                    ValueIn, Weight, parts)
from .numbers import Number, counted, plain, signed

# --- the methodology -------------------------------------------------------------


@node
class Index(Node):
    name: str
    title: str
    span: Span
    formula: object | None = None  # a derived index's expression over other indices

    @property
    def derived(self) -> bool:
        return self.formula is not None


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
class Attribute(Node):
    """A value each event records beside its category: one of a list of names
    (`one of [minister, official]`), or a number (`number from 0`)."""

    name: str
    title: str
    choices: tuple[str, ...] | None  # None: a number attribute
    low: Number | None  # a number attribute's bounds, both included; None: open
    high: Number | None
    default: object  # the value of an event that records none; None: it must record one
    span: Span

    @property
    def numeric(self) -> bool:
        return self.choices is None

    def admits(self, value) -> bool:
        if self.choices is not None:
            return value in self.choices
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))

    def describe(self) -> str:
        """The values it takes, as a rules file writes them."""
        if self.choices is not None:
            return "one of [" + ", ".join(self.choices) + "]"
        out = "number"
        if self.low is not None:
            out += f" from {plain(self.low)}"
        if self.high is not None:
            out += f" to {plain(self.high)}"
        return out


@node
class Rank(Node):
    """An attribute computed from the catalogue, not recorded: an event's rank
    among the events alike in `fields` (the index, category, text, tags or
    attributes) that began at most `days` days before it, itself included (1: the
    first of its kind in that window). `attribute repeat rank by [category] within 7 days`."""

    name: str
    title: str
    fields: tuple[str, ...]
    days: Number
    span: Span

    def describe(self) -> str:
        by = ("" if not self.fields else f" by {self.fields[0]}" if len(self.fields) == 1
              else " by [" + ", ".join(self.fields) + "]")
        return f"rank{by} within {plain(self.days)} days"


@node
class ScoreOf(Node):
    """An attribute computed from the catalogue, not recorded: the score the event
    records on another index (`attribute eu_score score of eu`), or `default`
    (0 unless written) where it records none there. Read by rules, as a number
    attribute is: a rule on Russia's entry may ask the same event's EU score."""

    name: str
    title: str
    index: str
    default: Number
    span: Span
    default_span: Span | None = None  # where `default N` is written, if it is
    index_span: Span | None = None  # where the index is named

    def describe(self) -> str:
        out = f"score of {self.index}"
        return out + (f" default {signed(self.default)}" if self.default_span is not None
                      else "")


# Fields a rank may tell events apart by, beside the scheme's attributes.
RANK_FIELDS = ("index", "category", "text", "tags")


# The attributes every event has without declaring them: days from its end to the
# period's end, and the days it lasts; the calendar: how many of its days fall in
# the period, the period's days and its months (these two the same for every event,
# and read by derived indices too). `days_in_month(k)`, the event's days in the
# period's k-th month, is read the same way (dsl/nodes.py).
BUILTIN_ATTRIBUTES = ("age", "days", "days_in_period", "period_days", "period_months")
PERIOD_NAMES = ("period_days", "period_months")


class PeriodEnd(dt.date):
    """The period's last day, as entries carry it (for `age`), knowing the first
    (for the calendar's built-ins)."""

    def __new__(cls, end: dt.date, start: dt.date):
        day = super().__new__(cls, end.year, end.month, end.day)
        day.start = start
        return day

    def __reduce__(self):
        return (PeriodEnd, (dt.date(self.year, self.month, self.day), self.start))


def period_end(period) -> PeriodEnd:
    return PeriodEnd(period.end, period.start)


def _month(start: dt.date, k: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the k-th month of a period beginning on `start`."""
    import calendar

    n = start.month - 1 + k - 1
    year, month = start.year + n // 12, n % 12 + 1
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _overlap(a: dt.date, b: dt.date, c: dt.date, d: dt.date) -> int:
    """How many days [a, b] and [c, d] share."""
    return max((min(b, d) - max(a, c)).days + 1, 0)


def calendar_value(name: str, start: dt.date, end: dt.date, when=None):
    """A calendar built-in over the period `start`..`end` (and an event's days
    `when`, for those of an event); None where it does not know the name."""
    if name == "period_days":
        return (end - start).days + 1
    if name == "period_months":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    if when is None:
        return None
    if name == "days_in_period":
        return _overlap(when.start, when.end, start, end)
    if name.startswith("days_in_month("):
        first, last = _month(start, int(name[len("days_in_month("):-1]))
        return _overlap(when.start, when.end, max(first, start), min(last, end))
    return None


@node
class Bound(Node):
    value: Number
    inclusive: bool
    percentile: bool = False  # `p20`: the value is a percentile of the index's history
    stood_for: Number | None = None  # made absolute for an issue: the percentile it was (20)

    def text(self) -> str:
        return f"p{plain(self.value)}" if self.percentile else signed(self.value)


@node
class Band(Node):
    """A named stretch of an index's values, e.g. yellow = -12..-7."""

    name: str
    lower: Bound | None  # None: open downwards
    upper: Bound | None  # None: open upwards
    interpretation: str
    span: Span
    title: str = ""  # `unusually_good "Unusually good" >= 10`: the name as shown, if given
    condition: object = None  # `when C`: the band holds a value only where C holds

    def shown(self) -> str:
        """The band as tables and reports show it: its title where the rules file
        writes one (`unusually_good "Unusually good" >= 10`), else its name exactly
        as declared (one spelling in every format: docs/shell.md, "Colours")."""
        return self.title or self.name

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
            return f"{lo.text()} to {hi.text()}"
        parts = []
        if lo:
            parts.append(f"{'>=' if lo.inclusive else '>'} {lo.text()}")
        if hi:
            parts.append(f"{'<=' if hi.inclusive else '<'} {hi.text()}")
        return " and ".join(parts) or "any value"


@node
class BandSet(Node):
    index: str
    bands: tuple[Band, ...]
    span: Span
    empty: Declared | None = None  # the band of an index with no events, if the scheme says
    relative: int | None = None  # `relative to history over N issues`: bounds are percentiles
    scale: Declared | None = None  # `bands x scale NAME`: the shared scale's bands, once resolved

    def against(self, past) -> BandSet:
        """The bands with each percentile bound made the value it stands for among
        `past`, the index's figures in the issues before (see `percentile`)."""
        def bound(b):
            if b is None or not b.percentile:
                return b
            return Bound(percentile(past, b.value), b.inclusive, stood_for=b.value)

        return evolve(self, relative=None, bands=tuple(
            evolve(band, lower=bound(band.lower), upper=bound(band.upper))
            for band in self.bands))

    def shown(self, name: str | None) -> str:
        """A band's name as shown (its title where written), "" for no colour."""
        for band in self.bands:
            if band.name == name:
                return band.shown()
        return name or ""

    def colour(self, value: Number, figures=None) -> str | None:
        """The first band, in declared order, that holds the value (a band with a
        condition, `when national_security < 0`, only where the condition holds on
        `figures`, the indices' figures; without them, it holds nothing)."""
        for band in self.bands:
            if band.contains(value) and (band.condition is None or (
                    figures is not None and band_holds(band, figures))):
                return band.name
        return None

    def colour_of(self, value: Number, events: int, figures=None) -> str | None:
        """The colour of an index's aggregate; an index with no events has none,
        unless the scheme names the band it takes (`empty NAME`)."""
        if events == 0:
            return self.empty.name if self.empty is not None else None
        return self.colour(value, figures)

    def percentiles(self) -> dict:
        """Where relative bands were made absolute for an issue: each percentile
        (`p20`) and the value it stood for."""
        return {f"p{plain(b.stood_for)}": b.value for band in self.bands
                for b in (band.lower, band.upper) if b is not None and b.stood_for is not None}

    @property
    def conditional(self) -> bool:
        """Whether a band is chosen by other figures too (`when ...`)."""
        return any(b.condition is not None for b in self.bands)


def band_holds(band: Band, figures) -> bool:
    """Whether a band's condition holds on the figures (exactly)."""
    from .domains import EXACT
    from .nodes import Numbers

    return bool(band.condition.holds(Numbers(EXACT, lambda e: e.figure(figures, EXACT))))


def percentile(values, p) -> Number:
    """The `p`th percentile of `values` by linear interpolation between the
    closest ranks (Hyndman and Fan's definition 7, as numpy's default and Excel's
    PERCENTILE.INC): sorted x[0] <= ... <= x[n-1], h = (n - 1) * p / 100, then
    x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). Exact on whole
    numbers and fractions: p50 of 1 and 2 is 3/2."""
    import math
    from fractions import Fraction

    ordered = sorted(values)
    h = (len(ordered) - 1) * Fraction(p) / 100
    low = math.floor(h)
    if low + 1 >= len(ordered):
        return ordered[-1]
    value = ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])
    return int(value) if getattr(value, "denominator", 1) == 1 else value


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
    """What a sensitivity analysis perturbs: category weights, band boundaries
    (of the names given, or all) or a rule's numbers, uniformly within +-by; or
    the score expression, one of `options` per sample."""

    kind: str  # "weights", "bands", "rule" (names: the rule's) or "score"
    names: tuple[str, ...] | None
    by: Number
    span: Span
    relative: bool = False  # `by 20%`: a share of each weight, not points
    options: tuple = ()  # `vary score among [...]`: the score expressions sampled


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
    attributes: tuple[Attribute, ...] = ()
    scales: tuple[BandSet, ...] = ()  # `scale NAME { ... }`: index is the scale's name
    dropped_bands: tuple[Declared, ...] = ()
    dropped_indices: tuple[Declared, ...] = ()  # `drop index NAME`
    ranks: tuple[Rank, ...] = ()  # `attribute NAME rank by [...] within N days`
    scores_of: tuple[ScoreOf, ...] = ()  # `attribute NAME score of INDEX`


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
    groups: dict[str, Group] = factory(dict)
    varies: tuple[Vary, ...] = ()
    attributes: dict[str, Attribute] = factory(dict)
    scales: dict[str, BandSet] = factory(dict)  # `scale NAME {...}`, by name
    ranks: dict[str, Rank] = factory(dict)  # attributes computed as ranks, by name
    scores_of: dict[str, ScoreOf] = factory(dict)  # `score of INDEX` attributes, by name

    def shown(self, index: str, colour: str | None) -> str:
        """An index's colour as tables and reports show it: the band's title where
        the scheme gives one, else its name as declared; "" for none."""
        bands = self.bands.get(index)
        return bands.shown(colour) if bands is not None else (colour or "")

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        name = self.name if len(self.name) <= 60 else self.name[:57] + "..."
        path = self.path if len(self.path) <= 60 else "..." + self.path[-57:]
        return (f"<Scheme {name!r} ({path}): {counted(len(self.indices), 'index', 'indices')}, "
                f"{counted(len(self.categories), 'category', 'categories')}, "
                f"{counted(len(self.rules), 'rule')}>")


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
class Value(Node):
    """An event's value of an attribute: `level minister`, `fatalities 12`."""

    name: str
    value: object  # a choice's name, or a number
    span: Span | None  # None: the attribute's default, not written


@node
class CategoryName(Declared):
    """An event's category: its name where it is written. Two are the same category
    when their names are (grouping events by category groups by name, not by where
    each is written); it equals its name as a text too (`event.category == "visits"`)."""

    def __eq__(self, other):
        if isinstance(other, Declared):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"CategoryName({self.name!r})"


def _category(value):
    if value is None or isinstance(value, CategoryName):
        return value
    return CategoryName(value.name, value.span)


@node
class Event(Node):
    number: int  # 1-based, in catalogue order across files
    when: When
    text: str
    scores: tuple[Score, ...]
    category: Declared | None = field(converter=_category)
    tags: tuple[Declared, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    ongoing: bool
    span: Span
    values: tuple[Value, ...] = ()  # every declared attribute's, defaults included

    def has_tag(self, name: str) -> bool:
        return any(t.name == name for t in self.tags)

    def value(self, name: str, period_end: dt.date | None = None):
        """The event's value of an attribute (None if it has none); the built-in
        `age` counts the days from its end to `period_end` (0 if it ends on or
        after it), `days` the days it lasts, both included."""
        for v in self.values:
            if v.name == name:
                return v.value
        if name == "age" and period_end is not None:
            return max((period_end - self.when.end).days, 0)
        if name == "days":
            return (self.when.end - self.when.start).days + 1
        start = getattr(period_end, "start", None)
        if start is not None:
            return calendar_value(name, start, period_end, self.when)
        return None


@node
class Published(Node):
    """A total the report states, to be compared with the computed one; and the
    colour it states, if any (then the total may be left out)."""

    index: str
    value: int | None
    span: Span
    colour: Declared | None = None


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

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        p = self.period
        title = p.title if len(p.title) <= 80 else p.title[:77] + "..."
        n = len(self.events)
        return f"<Catalogue {title!r} {p.start} to {p.end}: {n} event{'' if n == 1 else 's'}>"


