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
import unicodedata
from fractions import Fraction

from sqlglot import exp

from ..dsl.domains import EXACT
from ..dsl.nodes import compare


class NotCompilable(Exception):
    """A construct the SQL domain cannot compute exactly, with where it is written."""

    def __init__(self, message: str, span=None):
        super().__init__(message)
        self.message, self.span = message, span


def _folding() -> list[tuple[str, str]]:
    """The characters SQL's lower() cannot case-fold as Python's casefold() does (ß
    to ss, İ to i and a dot above, final ς to σ, ligatures, ...), with their folds:
    those whose casefold() is not their lower(), or whose lower() is not one letter
    (listed once from Unicode, so as not to scan it at each run)."""
    return [(c, c.casefold()) for c in _UNFOLDED]


_UNFOLDED = (
    "\u00b5\u00df\u0130\u0149\u017f\u01f0\u0345\u0390\u03b0\u03c2\u03d0\u03d1\u03d5\u03d6"
    "\u03f0\u03f1\u03f5\u0587\u13a0\u13a1\u13a2\u13a3\u13a4\u13a5\u13a6\u13a7\u13a8\u13a9"
    "\u13aa\u13ab\u13ac\u13ad\u13ae\u13af\u13b0\u13b1\u13b2\u13b3\u13b4\u13b5\u13b6\u13b7"
    "\u13b8\u13b9\u13ba\u13bb\u13bc\u13bd\u13be\u13bf\u13c0\u13c1\u13c2\u13c3\u13c4\u13c5"
    "\u13c6\u13c7\u13c8\u13c9\u13ca\u13cb\u13cc\u13cd\u13ce\u13cf\u13d0\u13d1\u13d2\u13d3"
    "\u13d4\u13d5\u13d6\u13d7\u13d8\u13d9\u13da\u13db\u13dc\u13dd\u13de\u13df\u13e0\u13e1"
    "\u13e2\u13e3\u13e4\u13e5\u13e6\u13e7\u13e8\u13e9\u13ea\u13eb\u13ec\u13ed\u13ee\u13ef"
    "\u13f0\u13f1\u13f2\u13f3\u13f4\u13f5\u13f8\u13f9\u13fa\u13fb\u13fc\u13fd\u1c80\u1c81"
    "\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9b\u1e9e"
    "\u1f50\u1f52\u1f54\u1f56\u1f80\u1f81\u1f82\u1f83\u1f84\u1f85\u1f86\u1f87\u1f88\u1f89"
    "\u1f8a\u1f8b\u1f8c\u1f8d\u1f8e\u1f8f\u1f90\u1f91\u1f92\u1f93\u1f94\u1f95\u1f96\u1f97"
    "\u1f98\u1f99\u1f9a\u1f9b\u1f9c\u1f9d\u1f9e\u1f9f\u1fa0\u1fa1\u1fa2\u1fa3\u1fa4\u1fa5"
    "\u1fa6\u1fa7\u1fa8\u1fa9\u1faa\u1fab\u1fac\u1fad\u1fae\u1faf\u1fb2\u1fb3\u1fb4\u1fb6"
    "\u1fb7\u1fbc\u1fbe\u1fc2\u1fc3\u1fc4\u1fc6\u1fc7\u1fcc\u1fd2\u1fd3\u1fd6\u1fd7\u1fe2"
    "\u1fe3\u1fe4\u1fe6\u1fe7\u1ff2\u1ff3\u1ff4\u1ff6\u1ff7\u1ffc\uab70\uab71\uab72\uab73"
    "\uab74\uab75\uab76\uab77\uab78\uab79\uab7a\uab7b\uab7c\uab7d\uab7e\uab7f\uab80\uab81"
    "\uab82\uab83\uab84\uab85\uab86\uab87\uab88\uab89\uab8a\uab8b\uab8c\uab8d\uab8e\uab8f"
    "\uab90\uab91\uab92\uab93\uab94\uab95\uab96\uab97\uab98\uab99\uab9a\uab9b\uab9c\uab9d"
    "\uab9e\uab9f\uaba0\uaba1\uaba2\uaba3\uaba4\uaba5\uaba6\uaba7\uaba8\uaba9\uabaa\uabab"
    "\uabac\uabad\uabae\uabaf\uabb0\uabb1\uabb2\uabb3\uabb4\uabb5\uabb6\uabb7\uabb8\uabb9"
    "\uabba\uabbb\uabbc\uabbd\uabbe\uabbf\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06\ufb13"
    "\ufb14\ufb15\ufb16\ufb17")


def _folded(text, phrase: str):
    """`text` with those characters replaced by their folds where the fold, the
    lowercase or the letters of the character could meet the phrase: lower() of it
    is then the text's casefold() as far as finding the phrase goes."""
    letters = set(phrase)
    for c, fold in _folding():
        near = set(fold) | set(c.lower()) | set(unicodedata.normalize("NFKD", c).lower())
        if near & letters:
            text = exp.func("replace", text, exp.Literal.string(c), exp.Literal.string(fold))
    return text


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


_COMPARISONS = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE, "=": exp.EQ,
                "!=": exp.NEQ}
_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "!=": "!="}


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

        return EXACT.divide(a, b, span)

    @staticmethod
    def call(function: str, values: list, span=None):
        if not any(isinstance(v, Scaled) for v in values):
            if function in ("log", "sqrt"):
                raise NotCompilable(f"{function}() is not exact", span)
            result = EXACT.call(function, [_exact(v) for v in values], span)
            if isinstance(result, float):  # exp(), geomean() that is not exact
                raise NotCompilable(f"{function}() is not exact", span)
            return result
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
    def power(a, b, span=None):
        """A whole power of up to 8 as that many products, exactly; a power of
        constants where it is exact; nothing else (a float is not exact)."""
        if isinstance(b, Scaled):
            raise NotCompilable("a power whose exponent is not a constant", span)
        if not isinstance(a, Scaled):
            result = EXACT.power(_exact(a), _exact(b), span)
            if isinstance(result, float):
                raise NotCompilable("a power that is not exact", span)
            return result
        b = Fraction(_exact(b))
        if b.denominator != 1 or not 0 <= b <= 8:
            raise NotCompilable("a power other than 0 to 8 of a figure", span)
        result = 1
        for _ in range(int(b)):
            result = a * result if isinstance(result, Scaled) else a
        return result

    # conditions inside expressions: SQL predicates (or constants decided here)
    @staticmethod
    def compare(op: str, a, b):
        if isinstance(a, Scaled):
            return a.compared(op, b)
        if isinstance(b, Scaled):
            return b.compared(_FLIPPED[op], a)

        return compare(op, _exact(a), _exact(b))

    @staticmethod
    def all_of(values):
        return _combined(list(values), False, exp.and_)

    @staticmethod
    def any_of(values):
        return _combined(list(values), True, exp.or_)

    @staticmethod
    def negate(value):
        return SqlSubject.negate(value)

    @staticmethod
    def choose(condition, then, otherwise):
        if isinstance(condition, bool):
            return then() if condition else otherwise()
        a, b = then(), otherwise()
        (x, y), den = _common([a, b])
        return Scaled(exp.Paren(this=exp.Case(ifs=[exp.If(this=false_if_null(condition),
                                                          true=x)], default=y)), den)

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


def _combined(values, absorbing: bool, join):
    """`and` (absorbing False) or `or` (absorbing True) of predicates, where a
    constant decided in Python absorbs the rest or drops out."""
    parts = []
    for v in values:
        if v is absorbing:
            return absorbing
        if v is not (not absorbing):
            parts.append(v)
    return join(*parts) if parts else not absorbing


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
        return _combined(values, False, exp.and_)

    @staticmethod
    def any_of(values):
        return _combined(values, True, exp.or_)

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

        return compare(op, mine, value)

    def mentions(self, phrase: str):
        position = exp.StrPosition(this=exp.Lower(this=_folded(self.c.text, phrase.casefold())),
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
