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
from fractions import Fraction


def _sign(x):
    return (x > 0) - (x < 0)


class FigureProblem(Exception):
    """A figure that cannot be computed (a division by zero, the log of 0), said
    where the expression that asks for it is written."""

    def __init__(self, message: str, span, event=None):
        super().__init__(message)
        # `event`: for a score expression or a rule's action, the event and index
        # being scored (an Entry), so that the message can name the event
        self.message, self.span, self.event = message, span, event


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
        raise FigureProblem("a number too large to compute with", span) from None
    if not math.isfinite(result):
        raise FigureProblem("a number too large to compute with", span)
    return result


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
                                    "bound first", span)
            return min(max(x, low), high)
        if function == "log":
            if values[0] <= 0:
                raise FigureProblem(f"the log of {values[0]}: log takes numbers above 0", span)
            return _float(math.log, values[0], span)
        if values[0] < 0:  # sqrt
            raise FigureProblem(f"the square root of {values[0]}: sqrt takes 0 or more", span)
        return _float(math.sqrt, values[0], span)

    @staticmethod
    def const(value):
        return value

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
        f = math.log if function == "log" else math.sqrt
        floor = 0 if function == "sqrt" else -math.inf
        lo = f(x.lo) if x.lo > 0 and math.isfinite(x.lo) else (floor if x.lo <= 0 else math.inf)
        hi = f(x.hi) if x.hi > 0 and math.isfinite(x.hi) else (floor if x.hi <= 0 else math.inf)
        return Interval(lo, hi)

    @staticmethod
    def const(value):
        return Interval(value, value)

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
            return {"abs": np.abs, "trunc": np.trunc, "log": np.log, "sqrt": np.sqrt}[function](x)

    @staticmethod
    def const(value):
        return float(value)

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
        if function in ("log", "sqrt"):
            return NOT_WHOLE.join(Whole.of(values[0]))
        out = WHOLE
        for v in values:  # min, max, abs, clamp: one of their arguments
            out = out.join(Whole.of(v))
        return out

    @staticmethod
    def const(value):
        return Whole.of(value)

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
