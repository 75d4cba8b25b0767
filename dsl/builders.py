"""The parser's builders: the reduction callbacks that turn each grammar rule's
children into a model node with its `Span` (rules files, event files,
methodology tests). Parse trees never leave dsl/syntax.py and this module."""

from __future__ import annotations

from typing import NamedTuple

from . import judgements, model as m
from .judgements import NumberTooLong, number
from .diagnostics import Diagnostic, Span, error
from .lalr import Meta, Token


# --- shared pieces ---------------------------------------------------------------


class Num(NamedTuple):
    """A number as written, with its span and whether it carried a sign."""

    value: object  # int or Fraction
    text: str
    signed: bool
    span: Span


class Percent(NamedTuple):
    """A percentile bound as written (`p20`), in bands relative to history."""

    value: object  # int or Fraction, 0 to 100
    text: str
    span: Span


def too_long(text: str, span: Span) -> Diagnostic:
    return judgements.too_long(text).at(span)


def _overlong(bound) -> bool:
    """Whether a band's bound was too long to read (B206, said where it was read):
    the band is then open on that side for every later check, rather than bounded
    at the 0 read in its place (`-1000000000000000 to -18` was said to be written
    backwards, `0 to -18`, and to leave -18 and below in no band)."""
    if not isinstance(bound, Num):
        return False
    try:
        number(bound.text.lstrip("+-−"))
    except NumberTooLong:
        return True
    except (ValueError, ArithmeticError):
        return False
    return False


class _Builder:
    def __init__(self, file: str):
        self.file = file

    def span(self, where: Meta | Token | None) -> Span:
        if where is None:
            return Span(self.file, 1, 1, 1, 1)
        return Span(self.file, where.line, where.column, where.end_line, where.end_column)

    def signed(self, meta, children):
        sign = children[0].value if len(children) == 2 else ""
        try:
            value = number(children[-1].value)
        except NumberTooLong:
            self.problems.append(too_long(children[-1].value, self.span(children[-1])))
            value = 0
        if sign and sign != "+":
            value = -value
        text = "".join(c.value for c in children)
        return Num(value, text, bool(sign), self.span(meta))


def _string(token: Token) -> str:
    return token.value[1:-1]


def _titled(children) -> tuple:
    """A declaration's name, its title (the name where none is written) and the
    children after them."""
    name, rest = children[0], children[1:]
    if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
        return name, _string(rest[0]), rest[1:]
    return name, name.value, rest


# --- rules files -----------------------------------------------------------------


def _across(first: Span, last: Span) -> Span:
    """From the start of one node to the end of another."""
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


def _constant(e):
    """The number an expression writes (`2`, `-3`, `+1.5`), else None."""
    if isinstance(e, m.Constant):
        return e.value
    if isinstance(e, m.Negate) and isinstance(e.operand, m.Constant):
        return -e.operand.value
    return None


def event_condition(condition):
    """A rule's (or a selection's) condition, with each comparison of `recorded` or
    of a name with a number read as what the catalogue records: RecordedCompare,
    ValueCompare. Any other comparison is left as it is, for the resolver to say
    that a rule's condition does not compute."""
    import attrs

    if not any(isinstance(c, m.Compare) for c in m.parts(condition)):
        return condition
    deepest, stack = 0, [(condition, 1)]
    while stack:
        c, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(c, m.Not):
            stack.append((c.operand, d + 1))
        elif isinstance(c, (m.AllOf, m.AnyOf)):
            stack.extend((o, d + 1) for o in c.operands)
    if deepest > 100:
        return condition  # too deep (B109 says so): not read further
    if isinstance(condition, m.Compare):
        value = _constant(condition.right)
        if value is not None and isinstance(condition.left, m.Recorded):
            return m.RecordedCompare(condition.op, value, condition.span)
        if value is not None and isinstance(condition.left, m.Reference):
            return m.ValueCompare(condition.left.name, condition.op, value, condition.span)
        return condition
    if isinstance(condition, m.Not):
        return attrs.evolve(condition, operand=event_condition(condition.operand))
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        return attrs.evolve(condition, operands=tuple(event_condition(o)
                                                      for o in condition.operands))
    return condition


class _Item(NamedTuple):
    kind: str
    value: object


class RulesBuilder(_Builder):
    def start(self, meta, children):
        out = []  # `bands [a, b] scale s` declares several: one item each
        for child in children:
            out.extend(child) if isinstance(child, list) else out.append(child)
        return out

    def scheme(self, meta, children):
        name = children[0]
        version = _string(children[1]) if len(children) > 1 else ""
        return _Item("scheme", (m.Declared(_string(name), self.span(name)), version))

    def description(self, meta, children):
        return _Item("description", " ".join(_string(c).strip() for c in children))

    def extends(self, meta, children):
        return _Item("extends", m.Declared(_string(children[0]), self.span(children[0])))

    def range(self, meta, children):
        low, high = children
        return _Item("range", (low, high, self.span(meta)))

    def score(self, meta, children):
        return _Item("score", (children[0], self.span(meta)))

    def index(self, meta, children):
        name = children[0]
        title = name.value
        formula = None
        for child in children[1:]:
            if isinstance(child, Token) and child.type == "STRING":
                title = _string(child)
            else:
                formula = child
        return _Item("index", m.Index(name.value, title, self.span(name), formula))

    def category(self, meta, children):
        name = children[0]
        title, weight = name.value, None
        for child in children[1:]:
            if isinstance(child, Num):
                weight = child.value
            else:
                title = _string(child)
        return _Item("category", m.Category(name.value, title, weight, self.span(name)))

    def tag(self, meta, children):
        name = children[0]
        title = _string(children[1]) if len(children) > 1 else name.value
        return _Item("tag", m.Tag(name.value, title, self.span(name)))

    def attribute(self, meta, children):
        name, title, rest = _titled(children)
        (kind, domain), default = rest[0], (rest[1] if len(rest) > 1 else None)
        if kind == "ranking":
            fields, days = domain
            if default is not None:
                self.problems.append(error("B209", f"`{name.value}` is computed as a rank: it "
                                           "has no default", self.span(meta),
                                           "remove `default ...`"))
            return _Item("rank", m.Rank(name.value, title, fields, days.value, self.span(name)))
        if kind == "reading":  # `score of INDEX`: 0 where the event has no score there
            value, where = 0, None
            if isinstance(default, Num):
                value, where = default.value, default.span
            elif isinstance(default, Token):
                self.problems.append(error("B209", f"`{name.value}` is a score: its default is "
                                           f"a number, not `{default.value}`",
                                           self.span(default), "e.g. default 0"))
            return _Item("score_of", m.ScoreOf(name.value, title, domain.name, value,
                                               self.span(name), where, domain.span))
        if isinstance(default, Token):
            default = (default.value, self.span(default))
        elif isinstance(default, Num):
            default = (default.value, default.span)
        if kind == "choices":
            return _Item("attribute", (m.Attribute(name.value, title, domain, None, None, None,
                                                   self.span(name)), default))
        low, high = domain
        if low is not None and high is not None and low.value > high.value:
            self.problems.append(error("B203", f"`number from {low.text} to {high.text}` runs "
                                       "from high to low", self.span(meta),
                                       f"write from {high.text} to {low.text}"))
        return _Item("attribute", (m.Attribute(
            name.value, title, None, low.value if low is not None else None,
            high.value if high is not None else None, None, self.span(name)), default))

    def choices(self, meta, children):
        seen = set()
        for t in children[0]:
            if t.value in seen:  # `one of [a, a, b]`: a slip, or a value meant otherwise
                self.problems.append(error("B102", f"the value `{t.value}` is listed twice",
                                           self.span(t), "list each value once"))
            seen.add(t.value)
        return ("choices", tuple(dict.fromkeys(t.value for t in children[0])))

    def numeric(self, meta, children):
        low = high = None
        for marker, num in zip(children[::2], children[1::2]):
            if marker == "from":
                low = num
            else:
                high = num
        return ("numeric", (low, high))

    def ranking(self, meta, children):
        *fields, days = children
        fields = fields[0] if fields and isinstance(fields[0], list) else fields
        count = Num(0, days.value, False, self.span(days))
        try:
            count = Num(number(days.value), days.value, False, self.span(days))
        except NumberTooLong:
            self.problems.append(too_long(days.value, self.span(days)))
        if count.value != int(count.value):
            self.problems.append(error("B209", f"a rank counts whole days, not {days.value}",
                                       self.span(days), "e.g. within 7 days"))
        return ("ranking", (tuple(t.value for t in fields), count))

    def reading(self, meta, children):
        return ("reading", m.Declared(children[0].value, self.span(children[0])))

    def from_(self, meta, children):
        return "from"

    def to_(self, meta, children):
        return "to"

    def bands(self, meta, children):
        index = children[0]
        bands = tuple(c for c in children[1:] if isinstance(c, m.Band))
        empty = [c for c in children[1:] if isinstance(c, m.Declared)]
        relative = next((c for c in children[1:] if isinstance(c, Num)), None)
        for extra in empty[1:]:
            self.problems.append(error("B102", f"`empty` is given twice in the bands of "
                                       f"`{index.value}`", extra.span, "keep one"))
        self._percentiles(index.value, bands, relative)
        return _Item("bands", m.BandSet(index.value, bands, self.span(index),
                                        empty[0] if empty else None,
                                        relative.value if relative is not None else None))

    def bands_scale(self, meta, children):
        *targets, scale = children
        names = targets[0] if isinstance(targets[0], list) else targets
        used = m.Declared(scale.value, self.span(scale))
        return [_Item("bands", m.BandSet(t.value, (), self.span(t), None, None, used))
                for t in names]

    def scale(self, meta, children):
        name = children[0]
        rest = [c for c in children[1:] if not (isinstance(c, Token) and c.type == "STRING")]
        bands = tuple(c for c in rest if isinstance(c, m.Band))
        empty = [c for c in rest if isinstance(c, m.Declared)]
        for extra in empty[1:]:
            self.problems.append(error("B102", f"`empty` is given twice in scale "
                                       f"`{name.value}`", extra.span, "keep one"))
        return _Item("scale", m.BandSet(name.value, bands, self.span(name),
                                        empty[0] if empty else None))

    def drop_bands(self, meta, children):
        return _Item("drop_bands", m.Declared(children[0].value, self.span(children[0])))

    def drop_index(self, meta, children):
        return _Item("drop_index", m.Declared(children[0].value, self.span(children[0])))

    def relative(self, meta, children):
        token = children[0]
        try:
            value = number(token.value)
        except NumberTooLong:
            value = 0
        if value != int(value) or value < 1:
            self.problems.append(error("B706", f"bands relative to history need a whole number "
                                       f"of past issues, at least 1, not {token.value}",
                                       self.span(token), "e.g. relative to history over 8 issues"))
            value = 1
        return Num(int(value), token.value, False, self.span(token))

    def percentile(self, meta, children):
        token = children[0]
        try:
            value = number(token.value[1:])
        except NumberTooLong:
            self.problems.append(too_long(token.value, self.span(token)))
            value = 0
        if value > 100:
            self.problems.append(error("B706", f"`{token.value}` is past the 100th percentile",
                                       self.span(token), "percentiles run from p0 to p100"))
            value = 100
        return Percent(value, token.value, self.span(token))

    def _percentiles(self, index: str, bands, relative) -> None:
        """Percentile bounds in relative bands, numbers in the others (B706)."""
        for band in bands:
            for bound in (band.lower, band.upper):
                if bound is None or bound.percentile == (relative is not None):
                    continue
                if relative is None:
                    self.problems.append(error(
                        "B706", f"band `{band.name}` of {index} is bounded by a percentile, but "
                        "the bands are not relative to history", band.span,
                        f"write: bands {index} relative to history over 8 issues {{ ... }}, "
                        "or bound it by a number"))
                else:
                    self.problems.append(error(
                        "B706", f"band `{band.name}` of {index} is bounded by the number "
                        f"{m.signed(bound.value)}, but the bands are relative to history",
                        band.span, "bound every band of relative bands by percentiles: "
                        "low < p20, usual p20 to p80, high > p80"))
                break

    def empty(self, meta, children):
        return m.Declared(children[0].value, self.span(children[0]))

    def band(self, meta, children):
        name, (lower, upper) = children[0], children[1]
        rest = children[2:]
        condition = None
        if rest and not isinstance(rest[0], Token):  # `red <= -18 when national_security < 0`
            condition, rest = rest[0], rest[1:]
        text = " ".join(_string(c).strip() for c in rest)
        return m.Band(name.value, lower, upper, text, self.span(meta), condition=condition)

    def titled_band(self, meta, children):
        import attrs

        band = self.band(meta, [children[0]] + children[2:])
        return attrs.evolve(band, title=_string(children[1]).strip())

    def closed(self, meta, children):
        low, high = children
        return (None if _overlong(low) else m.Bound(low.value, True, isinstance(low, Percent)),
                None if _overlong(high) else m.Bound(high.value, True, isinstance(high, Percent)))

    def compared(self, meta, children):
        lower = upper = None
        for op, num in zip(children[::2], children[1::2]):
            op = {"≥": ">=", "≤": "<="}.get(op.value, op.value)
            if _overlong(num):
                continue
            if op.startswith(">"):
                lower = m.Bound(num.value, op == ">=", isinstance(num, Percent))
            else:
                upper = m.Bound(num.value, op == "<=", isinstance(num, Percent))
        return (lower, upper)

    def rule(self, meta, children):
        name, title, rest = _titled(children)
        condition, actions = event_condition(rest[0]), tuple(rest[1:])
        return _Item("rule", m.Rule(name.value, title, condition, actions, self.span(name)))

    def group(self, meta, children):
        name = children[0]
        title = _string(children[1]) if len(children) > 2 else name.value
        members = tuple(t.value for t in children[-1])
        return _Item("group", m.Group(name.value, title, members, self.span(name)))

    def _vary(self, kind, meta, children):
        names = tuple(t.value for t in children[0]) if len(children) > 1 else None
        by = children[-1]
        if isinstance(by, tuple) and by and by[0] == "%":
            return _Item("vary", m.Vary(kind, names, by[1].value, self.span(meta), True))
        return _Item("vary", m.Vary(kind, names, by.value, self.span(meta)))

    def percent(self, meta, children):
        return ("%", children[0])

    def vary_weights(self, meta, children):
        return self._vary("weights", meta, children)

    def vary_bands(self, meta, children):
        return self._vary("bands", meta, children)

    def vary_rule(self, meta, children):
        name, by = children
        return _Item("vary", m.Vary("rule", (name.value,), by.value, self.span(meta)))

    def vary_score(self, meta, children):
        return _Item("vary", m.Vary("score", None, 0, self.span(meta), options=tuple(children)))

    def drop(self, meta, children):
        return _Item("drop", m.Declared(children[0].value, self.span(children[0])))

    # conditions
    def either(self, meta, children):
        return m.AnyOf(tuple(children), self.span(meta))

    def both(self, meta, children):
        return m.AllOf(tuple(children), self.span(meta))

    def negation(self, meta, children):
        return m.Not(children[0], self.span(meta))

    def always(self, meta, children):
        return m.Always(self.span(meta))

    def _names(self, children) -> tuple[str, ...]:
        names = children[0] if isinstance(children[0], list) else children
        return tuple(t.value for t in names)

    def names(self, meta, children):
        return children

    def index_in(self, meta, children):
        return m.IndexIn(self._names(children), self.span(meta))

    def category_in(self, meta, children):
        return m.CategoryIn(self._names(children), self.span(meta))

    def tagged(self, meta, children):
        return m.Tagged(children[0].value, self.span(meta))

    def text_contains(self, meta, children):
        return m.TextContains(_string(children[0]), self.span(meta))

    def _date(self, token: Token):
        import datetime as dt

        try:
            return dt.date.fromisoformat(token.value)
        except ValueError:
            self.problems.append(error(
                "B301", f"`{token.value}` is not a date in the calendar", self.span(token),
                "write dates as YYYY-MM-DD, e.g. 2021-02-28"))
            return dt.date(1, 1, 1)

    def date_before(self, meta, children):
        return m.DateBefore(self._date(children[0]), self.span(meta))

    def date_after(self, meta, children):
        return m.DateAfter(self._date(children[0]), self.span(meta))

    def date_within(self, meta, children):
        return m.DateWithin(self._date(children[0]), self._date(children[1]), self.span(meta))

    def comparison(self, meta, children):
        left, op, right = children
        op = {"≥": ">=", "≤": "<=", "≠": "!=", "==": "="}.get(op.value, op.value)
        return m.Compare(left, op, right, _across(left.span, right.span))

    def value_in(self, meta, children):
        return m.ValueIn(children[0].value, self._names(children[1:]), self.span(meta))


    # actions
    def set(self, meta, children):
        return m.Action("set", children[0], self.span(meta))

    def add(self, meta, children):
        return m.Action("add", children[0], self.span(meta))

    def multiply(self, meta, children):
        return m.Action("multiply", children[0], self.span(meta))

    def clamp(self, meta, children):
        bounds = (children[0].value, children[1].value) if children else None
        if bounds is not None and bounds[0] > bounds[1]:
            self.problems.append(error("B203", f"`clamp {children[0].text} to "
                                       f"{children[1].text}` runs from high to low",
                                       self.span(meta), f"write clamp {children[1].text} to "
                                       f"{children[0].text}"))
        return m.Action("clamp", bounds, self.span(meta))

    def round(self, meta, children):
        return m.Action("round", None, self.span(meta))

    def trunc(self, meta, children):
        return m.Action("trunc", None, self.span(meta))

    def exclude(self, meta, children):
        return m.Action("exclude", None, self.span(meta))

    def beyond(self, meta, children):
        return m.Action("beyond", None, self.span(meta))

    # score expressions
    def _binary(op):
        def build(self, meta, children):
            return m.Binary(op, children[0], children[1], self.span(meta))
        return build

    plus, minus, times, divide = _binary("+"), _binary("-"), _binary("*"), _binary("/")

    def reference(self, meta, children):
        return m.Reference(children[0].value, self.span(children[0]))

    def call(self, meta, children):
        name, arguments = children[0], children[1]
        return m.Call(name.value, tuple(arguments), self.span(meta))

    def arguments(self, meta, children):
        return children

    def selection(self, meta, children):
        return m.Selection(children[0].value, event_condition(children[1]), self.span(meta))

    def choose(self, meta, children):
        return m.Choose(children[0], children[1], children[2], self.span(meta))

    def power(self, meta, children):
        return m.Binary("^", children[0], children[1],
                        _across(children[0].span, children[1].span))

    def across(self, meta, children):
        name, count = children
        try:
            issues = number(count.value)
        except NumberTooLong:
            issues = 0
        return m.Across(name.value, issues, self.span(meta))

    def grouping(self, meta, children):
        name, rest = children[0], children[1:]
        condition = event_condition(rest[0]) if len(rest) > 1 else None
        fields = rest[-1] if isinstance(rest[-1], list) else [rest[-1]]
        return m.Grouping(name.value, condition, tuple(t.value for t in fields), self.span(meta))

    def number(self, meta, children):
        try:
            value = number(children[0].value)
        except NumberTooLong:
            self.problems.append(too_long(children[0].value, self.span(meta)))
            value = 0
        return m.Constant(value, self.span(meta))

    def negate(self, meta, children):
        return m.Negate(children[0], self.span(meta))

    def recorded(self, meta, children):
        return m.Recorded(self.span(meta))

    def direction(self, meta, children):
        return m.Direction(self.span(meta))

    def weight(self, meta, children):
        return m.Weight(self.span(meta))

    def current(self, meta, children):
        return m.Current(self.span(meta))


# --- event files -----------------------------------------------------------------


class RawEvent(NamedTuple):
    when: str
    when_span: Span
    text: str
    details: list
    span: Span


class EventsBuilder(_Builder):
    def start(self, meta, children):
        return children[0], children[1:]

    def header(self, meta, children):
        return children[0], tuple(children[1:])

    def period(self, meta, children):
        import datetime as dt

        title, start, end = children
        dates = []
        for token in (start, end):
            try:
                dates.append(dt.date.fromisoformat(token.value))
            except ValueError:
                self.problems.append(error(
                    "B301", f"`{token.value}` is not a date in the calendar", self.span(token),
                    "write the period's days as YYYY-MM-DD, e.g. 2021-02-28"))
                dates.append(None)
        return (_string(title), dates[0], dates[1], self.span(meta))

    def published(self, meta, children):
        name, rest = children[0], children[1:]
        value = rest[0].value if isinstance(rest[0], Num) else None
        colour = rest[-1] if isinstance(rest[-1], Token) else None
        return m.Published(name.value, value, self.span(name),
                           m.Declared(colour.value, self.span(colour)) if colour else None)

    def event(self, meta, children):
        when, text = children[0], children[1]
        return RawEvent(when.value, self.span(when), text.value.rstrip(),
                        children[2:], self.span(meta))

    def scores(self, meta, children):
        return _Item("scores", [
            (m.Declared(name.value, self.span(name)), num)
            for name, num in zip(children[::2], children[1::2])
        ])

    def category(self, meta, children):
        return _Item("category", m.Declared(children[0].value, self.span(children[0])))

    def mark(self, meta, children):
        return _Item("mark", (m.Declared(children[0].value, self.span(children[0])), False))

    def value(self, meta, children):
        name, value = children
        return _Item("value", (m.Declared(name.value, self.span(name)),
                               m.Declared(value.value, self.span(value))))

    def tags(self, meta, children):
        return _Item("tags", [m.Declared(c.value, self.span(c)) for c in children])

    def source(self, meta, children):
        return _Item("source", children[0].value.rstrip())

    def note(self, meta, children):
        return _Item("note", children[0].value.rstrip())

    def ongoing(self, meta, children):
        return _Item("ongoing", True)


# --- methodology tests -----------------------------------------------------------


class RawTest(NamedTuple):
    """A `test` block as written: its name, and its statements as `_Item`s
    (`rules`, `events`, `expect`, `ranking`); dsl/methodtests.py checks them."""

    name: str
    name_span: Span
    statements: list
    span: Span


class RawExpect(NamedTuple):
    index: m.Declared
    facts: list  # (kind, value, span): aggregate, split, positive, negative, count, colour, no_colour
    span: Span


class RawRanking(NamedTuple):
    group: m.Declared
    tiers: list  # lists of m.Declared, highest first; a tier holds equal aggregates
    span: Span


class TestsBuilder(_Builder):
    def start(self, meta, children):
        return children

    def test(self, meta, children):
        name = children[0]
        return RawTest(_string(name), self.span(name), children[1:], self.span(meta))

    def rules(self, meta, children):
        return _Item("rules", (_string(children[0]), self.span(children[0])))

    def events(self, meta, children):
        return _Item("events", [(_string(c), self.span(c)) for c in children])

    def history(self, meta, children):
        return _Item("history", [(_string(c), self.span(c)) for c in children])

    def expect(self, meta, children):
        index = children[0]
        return _Item("expect", RawExpect(m.Declared(index.value, self.span(index)),
                                         children[1:], self._line(meta)))

    def _line(self, meta) -> Span:
        """Where a statement stands: its first word, `expect`."""
        return Span(self.file, meta.line, meta.column, meta.line, meta.column + len("expect"))

    def aggregate(self, meta, children):
        return ("aggregate", children[0], children[0].span)

    def split(self, meta, children):
        return ("split", (children[0], children[1]), self.span(meta))

    def _points(self, kind, meta, num):
        """`positive +22`: from the word to the end of the number."""
        return (kind, num, Span(self.file, meta.line, meta.column, num.span.end_line,
                                num.span.end_column))

    def positive(self, meta, children):
        return self._points("positive", meta, children[0])

    def negative(self, meta, children):
        return self._points("negative", meta, children[0])

    def count(self, meta, children):
        token = children[0]
        try:
            value = number(token.value)
        except NumberTooLong:
            self.problems.append(too_long(token.value, self.span(token)))
            value = 0
        return ("count", value, self.span(meta))

    def colour(self, meta, children):
        return ("colour", children[0].value, self.span(meta))

    def no_colour(self, meta, children):
        return ("no_colour", None, self.span(meta))

    def ranking(self, meta, children):
        group = children[0]
        tiers = [[m.Declared(children[1].value, self.span(children[1]))]]
        for order, name in zip(children[2::2], children[3::2]):
            if order.value == ">":
                tiers.append([])
            tiers[-1].append(m.Declared(name.value, self.span(name)))
        return _Item("ranking", RawRanking(m.Declared(group.value, self.span(group)), tiers,
                                           self._line(meta)))
