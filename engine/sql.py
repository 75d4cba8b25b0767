"""The SQL domain: the language's nodes computing SQL instead of numbers.

The columnar engine (engine/columnar.py) runs the same node code as `eval`
(dsl/nodes.py), in a domain whose values are SQL expressions, built as SQLGlot
trees and written out per engine (DuckDB, Spark) by SQLGlot's transpiler:

- a number is `Scaled`: an integer SQL expression over a whole denominator
  known when the query is built (`score * 1.5` is `score * 3` over 2), so every
  sum the engine makes is of integers and the figures come back as the same
  exact Fractions the python engine computes. Plain Python numbers are
  constants, folded as the exact domain folds them;
- a condition's subject (`SqlSubject`) answers with SQL predicates, and combines
  them with AND, OR and NOT, where a real entry answers with booleans.

What cannot be computed exactly this way (a division by something that is not a
constant, `log`, `sqrt`, clamp bounds that are not constants) raises
`NotCompilable`, naming the construct and where it is written; the scheme then
runs on the python engine.
"""

from __future__ import annotations

import math
from fractions import Fraction

from sqlglot import exp


class NotCompilable(Exception):
    """A construct the SQL domain cannot compute exactly, with where it is written."""

    def __init__(self, message: str, span=None):
        super().__init__(message)
        self.message, self.span = message, span


def literal(value) -> exp.Expression:
    """A whole number, a text or a boolean as a SQL literal."""
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, str):
        return exp.Literal.string(value)
    value = int(value)
    return exp.Literal.number(value) if value >= 0 else exp.Neg(this=exp.Literal.number(-value))


def date_literal(value) -> exp.Expression:
    return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))


def _paren(e: exp.Expression) -> exp.Expression:
    return e if isinstance(e, (exp.Column, exp.Literal, exp.Paren, exp.Func)) else exp.Paren(this=e)


def _times(e: exp.Expression, k: int) -> exp.Expression:
    return e if k == 1 else exp.Mul(this=_paren(e), expression=literal(k))


def _exact(value) -> Fraction | int:
    if isinstance(value, float):
        raise NotCompilable("a number that is not exact")
    return value


class Scaled:
    """num / den, with `num` an integer SQL expression and `den` a whole number
    above 0, fixed when the query is built."""

    __slots__ = ("num", "den")

    def __init__(self, num: exp.Expression, den: int = 1):
        self.num, self.den = num, den

    def at(self, den: int) -> exp.Expression:
        """The numerator over `den`, a multiple of this one's denominator."""
        return _times(self.num, den // self.den)

    # arithmetic with another Scaled or an exact constant
    def __add__(self, other):
        if isinstance(other, Scaled):
            den = math.lcm(self.den, other.den)
            return Scaled(exp.Add(this=self.at(den), expression=other.at(den)), den)
        other = Fraction(_exact(other))
        if other == 0:
            return self
        den = math.lcm(self.den, other.denominator)
        return Scaled(exp.Add(this=self.at(den), expression=literal(other * den)), den)

    __radd__ = __add__

    def __neg__(self):
        return Scaled(exp.Neg(this=_paren(self.num)), self.den)

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if isinstance(other, Scaled):
            return Scaled(exp.Mul(this=_paren(self.num), expression=_paren(other.num)),
                          self.den * other.den)
        other = Fraction(_exact(other))
        if other == 0:
            return 0
        p, q = other.numerator, other.denominator
        common = math.gcd(p, self.den)
        return Scaled(_times(self.num, p // common), self.den // common * q)

    __rmul__ = __mul__

    def compared(self, op: str, value) -> exp.Expression:
        """num/den OP value, exactly: both sides over one denominator."""
        if isinstance(value, Scaled):
            den = math.lcm(self.den, value.den)
            right = value.at(den)
        else:
            value = Fraction(_exact(value))
            den = math.lcm(self.den, value.denominator)
            right = literal(value * den)
        return _COMPARISONS[op](this=self.at(den), expression=right)


_COMPARISONS = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}


def _common(values: list) -> tuple[list[exp.Expression], int]:
    """Numbers (Scaled or constants) as numerators over one denominator."""
    den = 1
    for v in values:
        den = math.lcm(den, v.den if isinstance(v, Scaled) else Fraction(_exact(v)).denominator)
    return [v.at(den) if isinstance(v, Scaled) else literal(Fraction(v) * den)
            for v in values], den


class Sql:
    """The number domain of SQL expressions (see dsl/domains.py for the others)."""

    name = "sql"

    @staticmethod
    def divide(a, b, span=None):
        if isinstance(b, Scaled):
            raise NotCompilable("a division by a figure that is not a constant", span)
        if _exact(b) == 0:
            raise NotCompilable("a division by zero", span)
        if isinstance(a, Scaled):
            return a * (1 / Fraction(b))
        from ..dsl.domains import EXACT

        return EXACT.divide(a, b, span)

    @staticmethod
    def call(function: str, values: list, span=None):
        from ..dsl.domains import EXACT

        if not any(isinstance(v, Scaled) for v in values):
            if function in ("log", "sqrt"):
                raise NotCompilable(f"{function}() is not exact", span)
            return EXACT.call(function, [_exact(v) for v in values], span)
        x = values[0]
        if function in ("min", "max"):
            nums, den = _common(values)
            kind = exp.Least if function == "min" else exp.Greatest
            return Scaled(kind(this=nums[0], expressions=nums[1:], ignore_nulls=True), den)
        if function == "abs":
            return Scaled(exp.Abs(this=x.num), x.den)
        if function in ("trunc", "round"):
            if x.den == 1:
                return x
            if function == "trunc":  # toward zero, as DuckDB's // and Spark's DIV divide
                return Scaled(exp.Paren(this=exp.IntDiv(this=_paren(x.num),
                                                        expression=literal(x.den))), 1)
            # round: half away from zero, (2|num| + den) div 2den, with num's sign
            size = exp.Abs(this=x.num)
            whole = exp.Paren(this=exp.IntDiv(
                this=exp.Paren(this=exp.Add(this=_times(size, 2), expression=literal(x.den))),
                expression=literal(2 * x.den)))
            return Scaled(exp.Mul(this=_sign(x.num), expression=whole), 1)
        if function == "clamp":
            low, high = values[1], values[2]
            if isinstance(low, Scaled) or isinstance(high, Scaled):
                raise NotCompilable("clamp() with bounds that are not constants", span)
            if low > high:
                raise NotCompilable("clamp() with its bounds reversed", span)
            return Sql.clamp(x, low, high)
        raise NotCompilable(f"{function}() is not exact", span)

    @staticmethod
    def const(value):
        return value

    @staticmethod
    def sign(x):
        if isinstance(x, Scaled):
            return Scaled(_sign(x.num), 1)
        return (x > 0) - (x < 0)

    @staticmethod
    def clamp(x, low, high):
        if not isinstance(x, Scaled):
            return min(max(x, low), high)
        nums, den = _common([x, low, high])
        return Scaled(exp.Least(this=exp.Greatest(this=nums[0], expressions=[nums[1]],
                                                  ignore_nulls=True),
                                expressions=[nums[2]], ignore_nulls=True), den)

    @staticmethod
    def replace(x, value):
        return value


SQL = Sql()


def _sign(num: exp.Expression) -> exp.Expression:
    """-1, 0 or 1 as a whole number (Spark's SIGN gives a double)."""
    return exp.cast(exp.Sign(this=num), exp.DataType.build("BIGINT"))


def false_if_null(predicate: exp.Expression) -> exp.Expression:
    """A predicate that is false, never NULL, where a value is missing: `category
    is x` on an event without a category does not hold, and `not` of it does,
    as in the python engine. (Where a predicate picks rows, NULL already counts
    as false: only `not` and the exclusion flags need it.)"""
    return exp.Coalesce(this=predicate, expressions=[exp.false()])


class SqlSubject:
    """What a condition may ask of an entry, answered with SQL predicates over the
    columns of the entries' relation (see engine/columnar.py). `index` is a
    column, or a name where every entry of the relation is on one index."""

    def __init__(self, columns):
        self.c = columns

    @staticmethod
    def always():
        return True

    @staticmethod
    def all_of(values):
        parts = []
        for v in values:
            if v is False:
                return False
            if v is not True:
                parts.append(v)
        return exp.and_(*parts) if parts else True

    @staticmethod
    def any_of(values):
        parts = []
        for v in values:
            if v is True:
                return True
            if v is not False:
                parts.append(v)
        return exp.or_(*parts) if parts else False

    @staticmethod
    def negate(value):
        if isinstance(value, bool):
            return not value
        return exp.Not(this=false_if_null(value))

    def index_in(self, names):
        index = self.c.index
        if isinstance(index, str):
            return index in names
        return exp.In(this=index, expressions=[literal(n) for n in names])

    def category_in(self, names):
        return exp.In(this=self.c.category, expressions=[literal(n) for n in names])

    def compare_recorded(self, op: str, value):
        return Scaled(self.c.recorded).compared(op, value)

    def tagged(self, tag: str):
        return self.c.tagged(tag)

    def value_in(self, name: str, names):
        value = self.c.value(name)
        if isinstance(value, str) or value is None:  # no column: the default
            return value in names
        return exp.In(this=value, expressions=[literal(n) for n in names])

    def value_compares(self, name: str, op: str, value):
        mine = self.c.value(name)
        if isinstance(mine, Scaled):
            return mine.compared(op, value)
        from ..dsl.nodes import compare

        return compare(op, mine, value)

    def mentions(self, phrase: str):
        position = exp.StrPosition(this=exp.Lower(this=self.c.text),
                                   substr=literal(phrase.casefold()))
        return exp.GT(this=position, expression=literal(0))

    def ended_before(self, date):
        return exp.LT(this=self.c.end, expression=date_literal(date))

    def began_after(self, date):
        return exp.GT(this=self.c.start, expression=date_literal(date))

    def lies_within(self, start, end):
        return exp.and_(exp.GTE(this=self.c.start, expression=date_literal(start)),
                        exp.LTE(this=self.c.end, expression=date_literal(end)))


def predicate(value) -> exp.Expression:
    """A condition's answer (a predicate, or a constant) as SQL."""
    return literal(value) if isinstance(value, bool) else value
