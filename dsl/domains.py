"""Number domains: what the language's arithmetic computes in.

Every node of the language computes its value once, in `dsl/nodes.py`, using
`+`, `-`, `*`, unary minus and the few operations below. Which numbers flow
through that code is the domain's choice:

- `EXACT`: ints and Fractions, for `eval` (the published figures);
- `INTERVALS`: the lowest and highest value something can take, for the static
  checks (which scores a rule can produce);
- `ARRAYS`: numpy arrays, one value per sample and entry, for `sensitivity`;
- `WHOLES`: whether a value is surely a whole number, and if not, what can make it
  non-whole, for the checks of bands (dsl/wholes.py).

Property tests tie them together: an exact value lies inside the interval the
checks compute, the arrays at zero perturbation equal the exact values, and a
value the wholes domain calls whole is whole when computed exactly.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from numbers import Rational

from .numbers import plain


def _sign(x):
    return (x > 0) - (x < 0)


class FigureProblem(Exception):
    """A figure that cannot be computed (a division by zero, the log of 0), said
    where the expression that asks for it is written."""

    def __init__(self, message: str, span, event=None, fatal: bool = False):
        super().__init__(message)
        # `event`: for a score expression or a rule's action, the event and index
        # being scored (an Entry), so that the message can name the event
        self.message, self.span, self.event = message, span, event
        # `fatal`: a mistake of the scheme (clamp bounds reversed, a number too large),
        # an error; else a figure this catalogue does not give (a division by zero,
        # the mean of no events), which leaves a derived index without a figure
        self.fatal = fatal


def _round(x):
    """Half away from zero, as a methodologist rounds (2.5 -> 3, -2.5 -> -3)."""
    if isinstance(x, float):
        return math.copysign(math.floor(abs(x) + 0.5), x)
    return int(_sign(x) * math.floor(abs(x) + Fraction(1, 2)))


def _float(f, x, span):
    """A function into floats, where a number too large for them is a finding."""
    try:
        result = f(x)
    except OverflowError:
        raise FigureProblem("a number too large to compute with", span, fatal=True) from None
    if not math.isfinite(result):
        raise FigureProblem("a number too large to compute with", span, fatal=True)
    return result


_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
            "=": operator.eq, "!=": operator.ne}

MAX_BITS = 100_000  # an exact power larger than this many bits is "too large"


def _root(n: int, q: int):
    """The whole q-th root of n >= 0, if there is one; else None."""
    if n < 2:
        return n
    if n.bit_length() > 4000:
        return None
    guess = round(n ** (1.0 / q)) if n.bit_length() < 1000 else round(
        2 ** (math.log2(n) / q))
    for r in (guess - 1, guess, guess + 1):
        if r >= 0 and r ** q == n:
            return r
    return None


def _power(a, b, span):
    """a to the power b. Exact where the result is a fraction: a whole exponent
    (0.5 ^ 2 is 1/4), or a root that comes out exact (4 ^ 0.5 is 2); else a
    float (0.5 ^ 1.5), which marks the figure as no longer exact."""
    exact = isinstance(a, Rational) and isinstance(b, Rational)
    if a == 0 and b < 0:
        raise FigureProblem(f"0 to the power {plain_number(b)}: a division by zero", span)
    if exact and getattr(b, "denominator", 1) == 1:
        k, base = int(b), Fraction(a)
        size = max(abs(base.numerator), base.denominator).bit_length()
        if abs(k) * size > MAX_BITS:
            raise FigureProblem("a number too large to compute with", span, fatal=True)
        result = base ** k
        return int(result) if result.denominator == 1 else result
    if a < 0:
        # a float below 0 to a whole power has one (-1.5 ^ 2, as -2 ^ 2 above)
        whole = b.is_integer() if isinstance(b, float) else Fraction(b).denominator == 1
        if not whole:
            raise FigureProblem(f"{plain_number(a)} to the power {plain_number(b)}: a negative "
                                "number to a power that is not whole has no value", span)
    if a == 0:
        return 0
    if exact and Fraction(b).denominator <= 64:
        f, q = Fraction(a), Fraction(b).denominator
        num, den = _root(f.numerator, q), _root(f.denominator, q)
        if num is not None and den is not None:
            return _power(Fraction(num, den), Fraction(b).numerator, span)
    return _float(lambda _: float(a) ** float(b), None, span)


def _geomean(values, span):
    """The geometric mean of numbers 0 or above: the n-th root of their product
    (0 where one of them is 0); exact where the root is."""
    for v in values:
        if v < 0:
            raise FigureProblem(f"geomean() of {plain_number(v)}: a geometric mean takes "
                                "numbers 0 or above", span)
    if any(v == 0 for v in values):
        return 0
    product = 1
    for v in values:
        product = product * v
    if isinstance(product, float) or not all(isinstance(v, (int, Fraction)) for v in values):
        return _float(lambda _: math.exp(sum(math.log(float(v)) for v in values)
                                         / len(values)), None, span)
    if max(abs(Fraction(product).numerator), Fraction(product).denominator).bit_length() \
            > MAX_BITS:
        raise FigureProblem("a number too large to compute with", span, fatal=True)
    return _power(product, Fraction(1, len(values)), span)


def plain_number(x) -> str:
    return plain(x)


class Exact:
    """Exact arithmetic: ints and Fractions; a function such as `log` gives a float,
    which marks the figure as no longer exact."""

    name = "exact"

    @staticmethod
    def divide(a, b, span=None):
        if b == 0:
            raise FigureProblem("division by zero", span)
        if isinstance(a, float) or isinstance(b, float):
            return _float(lambda _: a / b, None, span)
        result = Fraction(a) / b
        return int(result) if result.denominator == 1 else result

    @staticmethod
    def call(function: str, values: list, span=None):
        if function == "min":
            return min(values)
        if function == "max":
            return max(values)
        if function == "abs":
            return abs(values[0])
        if function == "round":
            return _round(values[0])
        if function == "trunc":
            return math.trunc(values[0])
        if function == "clamp":
            x, low, high = values
            if low > high:
                raise FigureProblem(f"clamp from {low} down to {high}: write the lower "
                                    "bound first", span, fatal=True)
            return min(max(x, low), high)
        if function == "log":
            if values[0] <= 0:
                raise FigureProblem(f"the log of {values[0]}: log takes numbers above 0", span)
            return _float(math.log, values[0], span)
        if function == "exp":
            return 1 if values[0] == 0 else _float(math.exp, values[0], span)
        if function == "geomean":
            return _geomean(values, span)
        if values[0] < 0:  # sqrt
            raise FigureProblem(f"the square root of {values[0]}: sqrt takes 0 or more", span)
        return _float(math.sqrt, values[0], span)

    @staticmethod
    def const(value):
        return value

    @staticmethod
    def power(a, b, span=None):
        return _power(a, b, span)

    # conditions inside expressions (`if C then A else B`): Python's booleans,
    # short-circuiting, and only the branch taken is computed
    all_of = staticmethod(all)
    any_of = staticmethod(any)
    negate = staticmethod(operator.not_)

    @staticmethod
    def compare(op: str, a, b):
        return _COMPARE[op](a, b)

    @staticmethod
    def choose(condition, then, otherwise):
        return then() if condition else otherwise()

    @staticmethod
    def sign(x):
        return _sign(x)

    @staticmethod
    def clamp(x, low, high):
        return min(max(x, low), high)

    @staticmethod
    def replace(x, value):
        return value


class Interval:
    """A closed interval [lo, hi] of exact numbers, with interval arithmetic."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi=None):
        self.lo = lo
        self.hi = lo if hi is None else hi

    @staticmethod
    def of(x) -> "Interval":
        return x if isinstance(x, Interval) else Interval(x, x)

    def __add__(self, other):
        o = Interval.of(other)
        return Interval(self.lo + o.lo, self.hi + o.hi)

    __radd__ = __add__

    def __sub__(self, other):
        o = Interval.of(other)
        return Interval(self.lo - o.hi, self.hi - o.lo)

    def __rsub__(self, other):
        return Interval.of(other) - self

    def __mul__(self, other):
        o = Interval.of(other)
        products = (_times(self.lo, o.lo), _times(self.lo, o.hi), _times(self.hi, o.lo),
                    _times(self.hi, o.hi))
        return Interval(min(products), max(products))

    __rmul__ = __mul__

    def __neg__(self):
        return Interval(-self.hi, -self.lo)

    def __contains__(self, value) -> bool:
        return self.lo <= value <= self.hi

    def __eq__(self, other):
        return isinstance(other, Interval) and (self.lo, self.hi) == (other.lo, other.hi)

    def __hash__(self):
        return hash((self.lo, self.hi))

    def __repr__(self):
        return f"Interval({self.lo!r}, {self.hi!r})"

    def join(self, other: "Interval") -> "Interval":
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi))


def _times(a, b):
    return 0 if a == 0 or b == 0 else a * b  # 0 times an unbounded side is 0


EVERYTHING = Interval(-math.inf, math.inf)


def _bounded(f, x):
    """f(x), with a result too large for floats as infinity, for interval ends."""
    try:
        return f(x)
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError, FigureProblem):
        return math.inf


class Intervals:
    """Interval arithmetic: what a value can be, at the lowest and highest."""

    name = "intervals"

    @staticmethod
    def divide(a, b, span=None):
        a, b = Interval.of(a), Interval.of(b)
        if b.lo <= 0 <= b.hi:
            return EVERYTHING
        inverse = Interval(*sorted((1 / Fraction(b.hi) if math.isfinite(b.hi) else 0,
                                    1 / Fraction(b.lo) if math.isfinite(b.lo) else 0)))
        return a * inverse

    @staticmethod
    def call(function: str, values: list, span=None):
        values = [Interval.of(v) for v in values]
        x = values[0]
        if function in ("min", "max"):
            pick = min if function == "min" else max
            return Interval(pick(v.lo for v in values), pick(v.hi for v in values))
        if function == "abs":
            if x.lo >= 0:
                return x
            if x.hi <= 0:
                return -x
            return Interval(0, max(-x.lo, x.hi))
        if function == "clamp":
            low, high = values[1], values[2]
            return Interval(min(max(x.lo, low.lo), high.lo), min(max(x.hi, low.hi), high.hi))
        if function in ("round", "trunc"):  # never decreasing: the ends give the ends
            ends = [Exact.call(function, [v]) if math.isfinite(v) else v for v in (x.lo, x.hi)]
            return Interval(*ends)
        if function == "exp":  # never decreasing
            return Interval(*(_bounded(lambda v: Exact.call("exp", [v]), v)
                              for v in (x.lo, x.hi)))
        if function == "geomean":  # never decreasing in each, where all are 0 or above
            if any(v.lo < 0 for v in values):
                return EVERYTHING
            return Interval(*(_bounded(lambda ends: Exact.call("geomean", ends),
                                       [getattr(v, end) for v in values])
                              for end in ("lo", "hi")))
        f = math.log if function == "log" else math.sqrt
        floor = 0 if function == "sqrt" else -math.inf
        lo = f(x.lo) if x.lo > 0 and math.isfinite(x.lo) else (floor if x.lo <= 0 else math.inf)
        hi = f(x.hi) if x.hi > 0 and math.isfinite(x.hi) else (floor if x.hi <= 0 else math.inf)
        return Interval(lo, hi)

    @staticmethod
    def const(value):
        return Interval(value, value)

    @staticmethod
    def power(a, b, span=None):
        a, b = Interval.of(a), Interval.of(b)
        if b.lo == b.hi and math.isfinite(b.lo) and b.lo == int(b.lo) and abs(b.lo) <= 64:
            k, result = int(b.lo), Interval(1, 1)
            for _ in range(abs(k)):
                result = result * a
            return result if k >= 0 else Intervals.divide(1, result)
        if a.lo < 0:
            return EVERYTHING
        # x ^ y for x >= 0 is monotone in each: the corners give the ends
        corners = []
        for x in (a.lo, a.hi):
            for y in (b.lo, b.hi):
                if x == 0 and y <= 0:
                    return Interval(0, math.inf)  # 0 ^ 0 is 1, 0 ^ -1 has none
                corners.append(_bounded(lambda xy: _power(xy[0], xy[1], None), (x, y)))
        return Interval(min(corners), max(corners))

    # a condition inside an expression: True, False, or None where it may go either way
    @staticmethod
    def compare(op: str, a, b):
        a, b = Interval.of(a), Interval.of(b)
        if op in ("=", "!="):
            if a.hi < b.lo or b.hi < a.lo:
                same = False
            elif a.lo == a.hi == b.lo == b.hi:
                same = True
            else:
                return None
            return same if op == "=" else not same
        if op in ("<", "<="):
            a, b, op = b, a, ">" if op == "<" else ">="
        strict = op == ">"
        if a.lo > b.hi or (not strict and a.lo >= b.hi):
            return True
        if a.hi < b.lo or (strict and a.hi <= b.lo):
            return False
        return None

    @staticmethod
    def all_of(values):
        values = list(values)
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else None

    @staticmethod
    def any_of(values):
        values = list(values)
        if any(v is True for v in values):
            return True
        return False if all(v is False for v in values) else None

    @staticmethod
    def negate(value):
        return None if value is None else not value

    @staticmethod
    def choose(condition, then, otherwise):
        if condition is True:
            return then()
        if condition is False:
            return otherwise()
        return Interval.of(then()).join(Interval.of(otherwise()))

    @staticmethod
    def sign(x):
        x = Interval.of(x)
        return Interval(_sign(x.lo), _sign(x.hi))  # the sign never decreases

    @staticmethod
    def clamp(x, low, high):
        x = Interval.of(x)
        return Interval(min(max(x.lo, low), high), min(max(x.hi, low), high))

    @staticmethod
    def replace(x, value):
        return Interval.of(value)


class Arrays:
    """numpy arrays of floats: many samples of the same entries at once."""

    # numpy is imported in the methods: importing it costs more than a whole `eval`
    # of No 19, and only sensitivity and calibration compute in this domain
    name = "arrays"

    @staticmethod
    def divide(a, b, span=None):
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(a, b)

    @staticmethod
    def call(function: str, values: list, span=None):
        import numpy as np

        x = values[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            if function == "min":
                return np.minimum.reduce(np.broadcast_arrays(*values))
            if function == "max":
                return np.maximum.reduce(np.broadcast_arrays(*values))
            if function == "round":
                return np.sign(x) * np.floor(np.abs(x) + 0.5)
            if function == "clamp":
                return np.minimum(np.maximum(x, values[1]), values[2])
            if function == "geomean":  # nan where one is below 0, as the exact domain refuses
                both = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
                return np.where(np.any(np.stack(both) < 0, axis=0), np.nan,
                                np.prod(np.stack(both), axis=0) ** (1 / len(values)))
            return {"abs": np.abs, "trunc": np.trunc, "log": np.log, "sqrt": np.sqrt,
                    "exp": np.exp}[function](x)

    @staticmethod
    def const(value):
        return float(value)

    @staticmethod
    def power(a, b, span=None):
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.power(np.asarray(a, dtype=float), b)

    @staticmethod
    def compare(op: str, a, b):
        return _COMPARE[op](a, b)

    @staticmethod
    def all_of(values):
        import numpy as np

        return np.logical_and.reduce(np.broadcast_arrays(*list(values)))

    @staticmethod
    def any_of(values):
        import numpy as np

        return np.logical_or.reduce(np.broadcast_arrays(*list(values)))

    @staticmethod
    def negate(value):
        import numpy as np

        return np.logical_not(value)

    @staticmethod
    def choose(condition, then, otherwise):
        import numpy as np

        return np.where(condition, then(), otherwise())

    @staticmethod
    def sign(x):
        import numpy as np

        return np.sign(x)

    @staticmethod
    def clamp(x, low, high):
        import numpy as np

        return np.clip(x, low, high)

    @staticmethod
    def replace(x, value):
        import numpy as np

        return np.broadcast_to(np.asarray(value, dtype=float), np.shape(x)).copy()


class Whole:
    """What a value can be, as far as whole numbers go: surely whole where
    `causes` is empty, else possibly non-whole because of each cause in it. A
    cause is what the caller names it (a rule's action, a category's weight);
    `HERE` stands for a number or operation in the expression being computed,
    which the caller names once the expression is known."""

    __slots__ = ("causes",)

    def __init__(self, causes=frozenset()):
        self.causes = causes

    @staticmethod
    def of(x) -> "Whole":
        if isinstance(x, Whole):
            return x
        return WHOLE if getattr(x, "denominator", 1) == 1 and (
            not isinstance(x, float) or x.is_integer()) else NOT_WHOLE

    @property
    def whole(self) -> bool:
        return not self.causes

    def join(self, other) -> "Whole":
        o = Whole.of(other)
        if not o.causes or o.causes <= self.causes:
            return self
        if not self.causes:
            return o
        return Whole(self.causes | o.causes)

    # a sum, difference or product is whole where both sides are
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = join

    def __neg__(self):
        return self

    def __eq__(self, other):
        return isinstance(other, Whole) and self.causes == other.causes

    def __hash__(self):
        return hash(self.causes)

    def __repr__(self):
        return "Whole()" if self.whole else f"Whole({set(self.causes)!r})"


HERE = "here"
WHOLE, NOT_WHOLE = Whole(), Whole(frozenset({HERE}))


class Wholes:
    """Whole numbers: whether a value is surely whole (sums, differences and
    products of whole numbers, `round`, `trunc`, a sign), and what can make it not
    (a decimal, a division, a log)."""

    name = "wholes"

    @staticmethod
    def divide(a, b, span=None):
        return Whole.of(a).join(Whole.of(b)).join(NOT_WHOLE)

    @staticmethod
    def call(function: str, values: list, span=None):
        if function in ("round", "trunc"):
            return WHOLE
        if function in ("log", "sqrt", "exp", "geomean"):
            out = NOT_WHOLE
            for v in values:
                out = out.join(Whole.of(v))
            return out
        out = WHOLE
        for v in values:  # min, max, abs, clamp: one of their arguments
            out = out.join(Whole.of(v))
        return out

    @staticmethod
    def const(value):
        return Whole.of(value)

    @staticmethod
    def power(a, b, span=None):  # 2 ^ -1 is a half: whether the exponent is >= 0 is unknown here
        return NOT_WHOLE.join(Whole.of(a)).join(Whole.of(b))

    # a condition inside an expression (`if C then A else B`): either branch may be taken
    @staticmethod
    def compare(op: str, a, b):
        return None

    @staticmethod
    def all_of(values):
        return None

    @staticmethod
    def any_of(values):
        return None

    @staticmethod
    def negate(value):
        return None

    @staticmethod
    def choose(condition, then, otherwise):
        return Whole.of(then()).join(Whole.of(otherwise()))

    @staticmethod
    def sign(x):
        return WHOLE

    @staticmethod
    def clamp(x, low, high):
        return Whole.of(x).join(Whole.of(low)).join(Whole.of(high))

    @staticmethod
    def replace(x, value):
        return Whole.of(value)


EXACT, INTERVALS, ARRAYS, WHOLES = Exact(), Intervals(), Arrays(), Wholes()

__all__ = ["EXACT", "INTERVALS", "ARRAYS", "WHOLES", "Interval", "Whole", "Fraction"]
