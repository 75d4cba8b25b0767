"""The nodes of the rules language, each with its meaning said once.

- A score expression computes its value in a number domain (`dsl/domains.py`):
  `evaluate(recorded, weight, domain)`. Exact evaluation, the checks' intervals and
  sensitivity's arrays all run this same code. A derived index's expression
  computes its figure from the other indices' figures: `figure(figures, domain)`,
  where `figures` answers for an index's aggregate, positive points, events, or
  the sum of its scores where a condition holds (engine/plan.py and
  engine/sensitivity.py answer from real scores, dsl/check_rules.py with intervals).
- A condition is tested by `holds(subject)`, where the subject answers everything
  a condition may ask of an event's entry (its index, category, recorded score,
  tags, text and dates) and combines the answers (`all_of`, `any_of`, `negate`).
  A real entry answers from the catalogue with booleans (engine/plan.py); the
  checks' abstract entries from the facts they assume (dsl/check_rules.py); the
  columnar engine's subject with SQL predicates (engine/sql.py).
- An action applies itself to a score in a domain: `apply(value, domain, range)`.
- Every node writes its canonical text: `text()`, with parentheses where the
  grammar needs them, so what explain and compare print reads back the same.
"""

from __future__ import annotations

import datetime as dt
import operator

from .diagnostics import Span
from .domains import EVERYTHING, FigureProblem
from .node import Node, evolve, node
from .numbers import Number, plain, signed

# --- score expressions -----------------------------------------------------------

# How tightly each kind of expression binds, for writing parentheses.
_SUM, _PRODUCT, _UNARY, _ATOM = 1, 2, 3, 4


@node
class Recorded(Node):
    """The score the catalogue records for the event on the index."""

    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return recorded

    def text(self, binding: int = 0) -> str:
        return "recorded"


@node
class Direction(Node):
    """The sign of the recorded score: -1, 0 or +1."""

    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return d.sign(recorded)

    def text(self, binding: int = 0) -> str:
        return "direction"


@node
class Weight(Node):
    """The weight of the event's category."""

    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return weight

    def text(self, binding: int = 0) -> str:
        return "weight"


@node
class Current(Node):
    """The score so far, in an action: `set to trunc(score / 2)`."""

    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return score

    def text(self, binding: int = 0) -> str:
        return "score"


@node
class Constant(Node):
    value: Number
    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return d.const(self.value)

    def figure(self, figures, d):
        return d.const(self.value)

    def text(self, binding: int = 0) -> str:
        return plain(self.value)


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_POWER = 3.5  # `^` binds tighter than `-x`: -2 ^ 2 is -(2 ^ 2)
_BINDING = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT, "^": _POWER}


def _combine(op: str, left, right, d, span):
    if op == "/":
        return d.divide(left, right, span)
    if op == "^":
        return d.power(left, right, span)
    return _OPERATORS[op](left, right)


@node
class Binary(Node):
    op: str  # + - * /
    left: object
    right: object
    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return _combine(self.op, self.left.evaluate(recorded, weight, d, score, values),
                        self.right.evaluate(recorded, weight, d, score, values), d, self.span)

    def figure(self, figures, d):
        return _combine(self.op, self.left.figure(figures, d), self.right.figure(figures, d), d,
                        self.span)

    def text(self, binding: int = 0) -> str:
        mine = _BINDING[self.op]
        if self.op == "^":  # from the right: an atom to the power of a factor
            out = f"{self.left.text(_ATOM)} ^ {self.right.text(_UNARY)}"
        else:
            out = f"{self.left.text(mine)} {self.op} {self.right.text(mine + 1)}"
        return f"({out})" if mine < binding else out


@node
class Negate(Node):
    operand: object
    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return -self.operand.evaluate(recorded, weight, d, score, values)

    def figure(self, figures, d):
        return -self.operand.figure(figures, d)

    def text(self, binding: int = 0) -> str:
        out = f"-{self.operand.text(_UNARY)}"
        return f"({out})" if _UNARY < binding else out


@node
class Reference(Node):
    """A name: in a score expression, the event's value of a number attribute
    (`fatalities`, or the built-in `age` and `days`); in a derived index, another
    index's figure (`russia`)."""

    name: str
    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        return values(self.name)

    def figure(self, figures, d):
        return figures.aggregate(self.name, d)

    def text(self, binding: int = 0) -> str:
        return self.name


@node
class Selection(Node):
    """An index's entries where a condition holds: `us where category is statements`,
    as the argument of sum, count, mean, max or min."""

    index: str
    condition: object
    span: Span

    def text(self, binding: int = 0) -> str:
        return f"{self.index} where {self.condition.text()}"


@node
class Across(Node):
    """An index's figures in the issues before this one, as the argument of mean,
    min, max or sd: `russia over 8 issues` (in a series; published figures count)."""

    index: str
    issues: Number
    span: Span

    def figure_of(self, function: str, rest, figures, d, span):
        """mean, min, max or sd (the sample standard deviation, n - 1) of the index's
        figure in each of the issues before, read as previous(x, k) reads them."""
        n = int(self.issues)
        try:  # the farthest first: too short a history says how many it needs
            values = [figures.previous(self.index, n, d, self.span)]
            values += [figures.previous(self.index, k, d, self.span) for k in range(n - 1, 0, -1)]
        except Exception as e:
            if getattr(e, "what", None) is not None:  # engine.plan.HistoryShort: said as written
                e.what = f"{function}({self.text()})"
            raise
        if function in ("min", "max"):
            return values[0] if n == 1 else d.call(function, values, span)
        total = values[0]
        for v in values[1:]:
            total = total + v
        mean = d.divide(total, d.const(n), span)
        if function == "mean":
            return mean
        squares = (values[0] - mean) * (values[0] - mean)
        for v in values[1:]:
            squares = squares + (v - mean) * (v - mean)
        return d.call("sqrt", [d.divide(squares, d.const(n - 1), span)], span)

    def text(self, binding: int = 0) -> str:
        return f"{self.index} over {plain(self.issues)} issues"


# What may be read of an index's past: function -> fewest issues.
ACROSS_FUNCTIONS = {"mean": 1, "min": 1, "max": 1, "sd": 2}


@node
class Grouping(Node):
    """An index's scores summed per group of events (`us by category`, `us where C
    by [category, level]`), as the argument of clamp, count, max or min: the
    groups' sums, each clamped and added up (clamp), how many groups there are,
    the largest or smallest sum."""

    index: str
    condition: object  # None: every entry of the index
    fields: tuple[str, ...]  # category, or attributes
    span: Span

    def figure_of(self, function: str, rest, figures, d, span):
        sums = figures.groups(self.index, self.condition, self.fields, d, span)
        if sums is None:  # figures that cannot tell the groups apart (the checks')
            return EVERYTHING
        if function == "count":
            return d.const(len(sums))
        if function == "clamp":
            low, high = (a.figure(figures, d) for a in rest)
            total = d.const(0)
            for s in sums:
                total = total + d.call("clamp", [s, low, high], span)
            return total
        if not sums:
            raise FigureProblem(f"{function}() of {self.text()} with no events", span)
        return sums[0] if len(sums) == 1 else d.call(function, sums, span)

    def text(self, binding: int = 0) -> str:
        where = f" where {self.condition.text()}" if self.condition is not None else ""
        by = self.fields[0] if len(self.fields) == 1 else "[" + ", ".join(self.fields) + "]"
        return f"{self.index}{where} by {by}"


# What a grouping may be the argument of: function -> how many arguments in all.
GROUPING_FUNCTIONS = {"clamp": 3, "count": 1, "max": 1, "min": 1}


# Functions of numbers: name -> (fewest, most arguments); the domain computes them.
NUMBER_FUNCTIONS = {"min": (2, None), "max": (2, None), "abs": (1, 1), "round": (1, 1),
                    "trunc": (1, 1), "clamp": (3, 3), "log": (1, 1), "sqrt": (1, 1),
                    "exp": (1, 1), "geomean": (2, None)}
# Functions of an event's days: days_in_month(2), how many of its days fall in the
# period's second month (read like a built-in attribute, `days_in_month(2)`).
CALENDAR_FUNCTIONS = ("days_in_month",)
# Functions of an index's scored entries: one argument, an index (or a selection).
INDEX_FUNCTIONS = ("positive", "negative", "events", "sum", "count", "mean", "max", "min")
SELECTING = ("sum", "count", "mean", "max", "min")  # those that take `x where C`
# Functions of an index's past: previous(russia), previous(russia, 2), its figure in
# the issue before, or two before (in a series: engine/series.py).
HISTORY_FUNCTIONS = ("previous",)


@node
class Call(Node):
    function: str
    arguments: tuple
    span: Span

    def over_index(self) -> bool:
        """positive(us), sum(us where ...), max(us): a function of an index's entries."""
        return (self.function in INDEX_FUNCTIONS and len(self.arguments) == 1
                and isinstance(self.arguments[0], (Reference, Selection)))

    def evaluate(self, recorded, weight, d, score=None, values=None):
        if self.function in CALENDAR_FUNCTIONS:
            return values(self.text())
        return d.call(self.function, [a.evaluate(recorded, weight, d, score, values)
                                      for a in self.arguments],
                      self.span)

    def issues_back(self) -> int:
        """How many issues back `previous(x, n)` looks (1 for `previous(x)`)."""
        return self.arguments[1].value if len(self.arguments) > 1 else 1

    def figure(self, figures, d):
        if self.arguments and isinstance(self.arguments[0], (Across, Grouping)):
            return self.arguments[0].figure_of(self.function, self.arguments[1:], figures, d,
                                               self.span)
        if self.function == "previous":
            return figures.previous(self.arguments[0].name, self.issues_back(), d, self.span)
        if self.over_index():
            arg = self.arguments[0]
            if isinstance(arg, Selection):
                return figures.entries(self.function, arg.index, arg.condition, d, self.span)
            return figures.entries(self.function, arg.name, None, d, self.span)
        return d.call(self.function, [a.figure(figures, d) for a in self.arguments], self.span)

    def text(self, binding: int = 0) -> str:
        return f"{self.function}({', '.join(a.text() for a in self.arguments)})"


@node
class Choose(Node):
    """`if C then A else B`: A where the condition holds, else B. The condition
    compares numbers (`age > 30`, `positive(us) > 2 * events(us)`), combined with
    and, or, not; in a derived index, its names are indices' figures."""

    condition: object
    then: object
    otherwise: object
    span: Span

    def evaluate(self, recorded, weight, d, score=None, values=None):
        def of(e):
            return e.evaluate(recorded, weight, d, score, values)

        return d.choose(self.condition.holds(Numbers(d, of)), lambda: of(self.then),
                        lambda: of(self.otherwise))

    def figure(self, figures, d):
        def of(e):
            return e.figure(figures, d)

        return d.choose(self.condition.holds(Numbers(d, of)), lambda: of(self.then),
                        lambda: of(self.otherwise))

    def text(self, binding: int = 0) -> str:
        out = (f"if {self.condition.text()} then {self.then.text()} "
               f"else {self.otherwise.text()}")
        return f"({out})" if binding > 0 else out


class Numbers:
    """What a condition inside an expression may ask, answered in a number domain:
    `of(e)` is an expression's value where the condition stands (an event's, or
    the figures'). The domain combines the answers (Python's booleans for exact
    figures, maybe-booleans for intervals, arrays, SQL predicates)."""

    __slots__ = ("d", "of")

    def __init__(self, d, of):
        self.d, self.of = d, of

    def always(self):
        return True

    def all_of(self, values):
        return self.d.all_of(values)

    def any_of(self, values):
        return self.d.any_of(values)

    def negate(self, value):
        return self.d.negate(value)

    def compares(self, op, left, right):
        return self.d.compare(op, self.of(left), self.of(right))


@node
class Compare(Node):
    """Two numbers compared: `age > 30`, `recorded = 2`, `russia <= -18`. In a
    rule's condition, `recorded` or a number attribute against a number (read as
    RecordedCompare and ValueCompare, which the checks reason about); inside an
    `if`, any two expressions."""

    left: object
    op: str  # > >= < <= = !=
    right: object
    span: Span

    def holds(self, s):
        return s.compares(self.op, self.left, self.right)

    def text(self, binding: int = 0) -> str:
        return f"{self.left.text(_SUM)} {self.op} {self.right.text(_SUM)}"


def condition_expressions(condition):
    """The expressions a condition inside an expression compares."""
    for c in parts(condition):
        if isinstance(c, Compare):
            yield c.left
            yield c.right


def subexpressions(expr):
    """Every expression inside `expr`, itself included, without recursion."""
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        if isinstance(e, Binary):
            stack += [e.right, e.left]
        elif isinstance(e, Negate):
            stack.append(e.operand)
        elif isinstance(e, Call):
            stack.extend(reversed(e.arguments))
        elif isinstance(e, Choose):
            stack += [e.otherwise, e.then]
            stack.extend(reversed(list(condition_expressions(e.condition))))


def rewritten(expr, swap):
    """`expr` with each subexpression `swap` answers for (not None) put in its
    place; the rest rebuilt around them."""
    found = swap(expr)
    if found is not None:
        return found
    if isinstance(expr, Binary):
        return evolve(expr, left=rewritten(expr.left, swap),
                      right=rewritten(expr.right, swap))
    if isinstance(expr, Negate):
        return evolve(expr, operand=rewritten(expr.operand, swap))
    if isinstance(expr, Call):
        return evolve(expr, arguments=tuple(rewritten(a, swap) for a in expr.arguments))
    if isinstance(expr, Choose):
        return evolve(expr, condition=_rewritten_condition(expr.condition, swap),
                      then=rewritten(expr.then, swap),
                      otherwise=rewritten(expr.otherwise, swap))
    return expr


def _rewritten_condition(c, swap):
    if isinstance(c, Compare):
        return evolve(c, left=rewritten(c.left, swap), right=rewritten(c.right, swap))
    if isinstance(c, Not):
        return evolve(c, operand=_rewritten_condition(c.operand, swap))
    if isinstance(c, (AllOf, AnyOf)):
        return evolve(c, operands=tuple(_rewritten_condition(o, swap) for o in c.operands))
    return c


def expression_depth(expr) -> int:
    """How deeply an expression or a condition nests, counted without recursion: a
    selection's condition (`sum(us where not not ...)`) nests inside the
    expression, as it is computed. The one measure of the depth limit (B109)."""
    deepest, stack = 0, [(expr, 1)]
    while stack:
        e, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(e, Binary):
            stack += [(e.left, d + 1), (e.right, d + 1)]
        elif isinstance(e, (Negate, Not)):
            stack.append((e.operand, d + 1))
        elif isinstance(e, Call):
            stack.extend((a, d + 1) for a in e.arguments)
        elif isinstance(e, Selection):
            stack.append((e.condition, d + 1))
        elif isinstance(e, (AllOf, AnyOf)):
            stack.extend((o, d + 1) for o in e.operands)
        elif isinstance(e, Choose):
            stack += [(e.then, d + 1), (e.otherwise, d + 1), (e.condition, d + 1)]
        elif isinstance(e, Compare):
            stack += [(e.left, d + 1), (e.right, d + 1)]
    return deepest


# --- conditions over an event's entry on one index ----------------------------------

# How tightly each kind of condition binds, for writing parentheses.
_OR, _AND, _NOT = 1, 2, 3


def _names(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"


def _is_in(names: tuple[str, ...]) -> str:
    return "is" if len(names) == 1 else "in"


class Answers:
    """What a subject that answers with booleans shares (a real entry, the checks'
    abstract ones): the combinations are Python's own, short-circuiting as before.
    A subject answering otherwise (SQL predicates) defines these itself."""

    __slots__ = ()
    all_of = staticmethod(all)
    any_of = staticmethod(any)
    negate = staticmethod(operator.not_)

    @staticmethod
    def always() -> bool:
        return True

    def index_in(self, names) -> bool:
        return self.index in names

    def category_in(self, names) -> bool:
        return self.category in names

    def compare_recorded(self, op: str, value) -> bool:
        return compare(op, self.recorded, value)


@node
class Always(Node):
    span: Span

    def holds(self, s) -> bool:
        return s.always()

    def text(self, binding: int = 0) -> str:
        return "always"


@node
class IndexIn(Node):
    names: tuple[str, ...]
    span: Span

    def holds(self, s) -> bool:
        return s.index_in(self.names)

    def text(self, binding: int = 0) -> str:
        return f"index {_is_in(self.names)} {_names(self.names)}"


@node
class CategoryIn(Node):
    names: tuple[str, ...]
    span: Span

    def holds(self, s) -> bool:
        return s.category_in(self.names)

    def text(self, binding: int = 0) -> str:
        return f"category {_is_in(self.names)} {_names(self.names)}"


@node
class Tagged(Node):
    tag: str
    span: Span

    def holds(self, s) -> bool:
        return s.tagged(self.tag)

    def text(self, binding: int = 0) -> str:
        return f"tagged {self.tag}"


@node
class TextContains(Node):
    phrase: str
    span: Span

    def holds(self, s) -> bool:
        return s.mentions(self.phrase)

    def text(self, binding: int = 0) -> str:
        return f'text contains "{self.phrase}"'


@node
class DateBefore(Node):
    """The event ended before this day."""

    date: dt.date
    span: Span

    def holds(self, s) -> bool:
        return s.ended_before(self.date)

    def text(self, binding: int = 0) -> str:
        return f"date before {self.date}"


@node
class DateAfter(Node):
    """The event began after this day."""

    date: dt.date
    span: Span

    def holds(self, s) -> bool:
        return s.began_after(self.date)

    def text(self, binding: int = 0) -> str:
        return f"date after {self.date}"


@node
class DateWithin(Node):
    """The event lies wholly within these days (both included)."""

    start: dt.date
    end: dt.date
    span: Span

    def holds(self, s) -> bool:
        return s.lies_within(self.start, self.end)

    def text(self, binding: int = 0) -> str:
        return f"date from {self.start} to {self.end}"


_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
            "=": operator.eq, "!=": operator.ne}


@node
class ValueIn(Node):
    """The event's value of a choice attribute is one of these: `level is minister`."""

    name: str
    names: tuple[str, ...]
    span: Span

    def holds(self, s) -> bool:
        return s.value_in(self.name, self.names)

    def text(self, binding: int = 0) -> str:
        return f"{self.name} {_is_in(self.names)} {_names(self.names)}"


@node
class ValueCompare(Node):
    """The event's value of a number attribute compared: `fatalities > 10`, `age <= 30`."""

    name: str
    op: str
    value: Number
    span: Span

    def holds(self, s) -> bool:
        return s.value_compares(self.name, self.op, self.value)

    def text(self, binding: int = 0) -> str:
        return f"{self.name} {self.op} {signed(self.value)}"


def compare(op: str, a, b) -> bool:
    return _COMPARE[op](a, b)


@node
class RecordedCompare(Node):
    op: str  # one of > >= < <= (written ≥ ≤ too)
    value: Number
    span: Span

    def holds(self, s) -> bool:
        return s.compare_recorded(self.op, self.value)

    def text(self, binding: int = 0) -> str:
        return f"recorded {self.op} {signed(self.value)}"


@node
class Not(Node):
    operand: object
    span: Span

    def holds(self, s) -> bool:
        return s.negate(self.operand.holds(s))

    def text(self, binding: int = 0) -> str:
        return f"not {self.operand.text(_NOT)}"


@node
class AllOf(Node):
    operands: tuple
    span: Span

    def holds(self, s) -> bool:
        return s.all_of(o.holds(s) for o in self.operands)

    def text(self, binding: int = 0) -> str:
        out = " and ".join(o.text(_AND + 1) for o in self.operands)
        return f"({out})" if _AND < binding else out


@node
class AnyOf(Node):
    operands: tuple
    span: Span

    def holds(self, s) -> bool:
        return s.any_of(o.holds(s) for o in self.operands)

    def text(self, binding: int = 0) -> str:
        out = " or ".join(o.text(_OR + 1) for o in self.operands)
        return f"({out})" if _OR < binding else out


Condition = (Always | IndexIn | CategoryIn | Tagged | TextContains | DateBefore | DateAfter
             | DateWithin | RecordedCompare | ValueIn | ValueCompare | Not | AllOf | AnyOf
             | Compare)


def parts(condition):
    """Every condition inside `condition`, itself included, without recursion."""
    stack = [condition]
    while stack:
        c = stack.pop()
        yield c
        if isinstance(c, Not):
            stack.append(c.operand)
        elif isinstance(c, (AllOf, AnyOf)):
            stack.extend(reversed(c.operands))


# --- actions on an entry's score ---------------------------------------------------

EXCLUDED = None  # what `exclude` makes of a score: it counts nowhere


@node
class Action(Node):
    kind: str  # set, add, multiply, clamp, round, trunc, exclude, beyond (range)
    value: object  # set, add, multiply: an expression; clamp: None or (low, high)
    span: Span

    def apply(self, score, d, low, high, recorded=None, weight=None, values=None):
        """The score after this action, in domain `d`; `low`..`high` is the
        scheme's range, which a bare `clamp` keeps the score to; `recorded`,
        `weight` and `values` (the event's attribute values, by name) are the
        entry's, for expressions such as `add direction`. EXCLUDED for `exclude`."""
        kind = self.kind
        if kind in ("set", "add", "multiply"):
            amount = self.value.evaluate(recorded, weight, d, score, values)
            if kind == "set":
                return d.replace(score, amount)
            return score + amount if kind == "add" else score * amount
        if kind == "clamp":
            bounds = self.value or (low, high)
            return d.clamp(score, bounds[0], bounds[1])
        if kind in ("round", "trunc"):
            return d.call(kind, [score], self.span)
        if kind == "beyond":  # says what the rule means; the score is as it was
            return score
        return EXCLUDED

    def number(self):
        """The action's number where it is one (`add +1`, `add -1`), else None."""
        if isinstance(self.value, Constant):
            return self.value.value
        if isinstance(self.value, Negate) and isinstance(self.value.operand, Constant):
            return -self.value.operand.value
        return None

    def changes_nothing(self) -> bool:
        return (self.kind == "multiply" and self.number() == 1) or (
            self.kind == "add" and self.number() == 0) or self.kind == "beyond"

    def text(self) -> str:
        n = self.number()
        if self.kind == "set":
            return f"set to {signed(n) if n is not None else self.value.text()}"
        if self.kind == "add":
            return f"add {signed(n) if n is not None else self.value.text()}"
        if self.kind == "multiply":
            return f"multiply by {plain(n) if n is not None else self.value.text()}"
        if self.kind == "clamp" and self.value is not None:
            return f"clamp {signed(self.value[0])} to {signed(self.value[1])}"
        if self.kind == "beyond":
            return "beyond range"
        return self.kind

    def describe(self) -> str:
        """The action in words, for explanations."""
        if self.kind == "clamp" and self.value is None:
            return "clamp to the range"
        return {"exclude": "exclude the event"}.get(self.kind, self.text())


@node
class Rule(Node):
    name: str
    title: str
    condition: Condition
    actions: tuple[Action, ...]
    span: Span

    def excludes(self) -> bool:
        return any(a.kind == "exclude" for a in self.actions)
