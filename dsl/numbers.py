"""Numbers as barometer computes and writes them.

Exact evaluation uses `int`, and `Fraction` where a rules file writes a decimal,
so that published figures are reproduced to the last point on any machine.
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the numeric tower is no type to a checker: say what it holds
    Number = int | Fraction
else:
    Number = Rational  # int or Fraction


def plain(value) -> str:
    """A number as a methodologist writes it (2, 1.5, 0.333333), never a non-zero
    value that looks whole: -1/10**7 is -0.0000001, not -0 or 0. None: an index
    without a figure in this issue (see IndexResult.missing)."""
    if value is None:
        return "no figure"
    if isinstance(value, float):  # no longer exact (a log, a square root)
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
    elif getattr(value, "denominator", 1) == 1:
        return str(int(value))
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    if "." in text or value == 0:
        return text
    return _decimals(Fraction(value))


def _decimals(value: Fraction) -> str:
    """As many decimals as it takes for a non-whole value not to look whole
    (at least seven, as six looked whole), and two more to say how far off."""
    for places in range(7, 41):
        if round(value * 10 ** places) % 10 ** places:
            places += 2
            scaled = round(abs(value) * 10 ** places)
            whole, part = divmod(scaled, 10 ** places)
            sign = "-" if value < 0 else ""
            return f"{sign}{whole}.{str(part).zfill(places).rstrip('0')}"
    return str(value)  # closer to whole than 40 decimals show: the exact fraction


def counted(n, one: str, many: str | None = None) -> str:
    """`1 event`, `121 events`; `many` where the plural is not `one` + s (indices)."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def signed(value) -> str:
    text = plain(value)
    return text if value is None or text.startswith("-") or value == 0 else f"+{text}"
