"""Number domains: what the language's arithmetic computes in.

Every node of the language computes its value once, in `dsl/nodes.py`, using
`+`, `-`, `*`, unary minus and the few operations below. Which numbers flow
through that code is the domain's choice:

- `EXACT`: ints and Fractions, for `eval` (the published figures);
- `INTERVALS`: the lowest and highest value something can take, for the static
  checks (which scores a rule can produce);
- `ARRAYS`: numpy arrays, one value per sample and entry, for `sensitivity`.

Property tests tie them together: an exact value lies inside the interval the
checks compute, and the arrays at zero perturbation equal the exact values.
"""

from __future__ import annotations

from fractions import Fraction


def _sign(x):
    return (x > 0) - (x < 0)


class Exact:
    """Exact arithmetic: ints and Fractions."""

    name = "exact"

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
        products = (self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi)
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


class Intervals:
    """Interval arithmetic: what a value can be, at the lowest and highest."""

    name = "intervals"

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
        return Interval(value, value)


class Arrays:
    """numpy arrays of floats: many samples of the same entries at once."""

    name = "arrays"

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

        return np.full_like(x, float(value), dtype=float)


EXACT, INTERVALS, ARRAYS = Exact(), Intervals(), Arrays()

__all__ = ["EXACT", "INTERVALS", "ARRAYS", "Interval", "Fraction"]
