"""Numbers as barometer computes and writes them.

Exact evaluation uses `int`, and `Fraction` where a rules file writes a decimal,
so that published figures are reproduced to the last point on any machine.
"""

from __future__ import annotations

from numbers import Rational

Number = Rational  # int or Fraction


def plain(value) -> str:
    """A number as a methodologist writes it: 2, 1.5, 0.333333. A value too small
    for six decimals is written with its significant digits (-1e-07), never as
    a misleading `-0`."""
    if getattr(value, "denominator", 1) == 1:
        return str(int(value))
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    if text in ("0", "-0") and value != 0:
        return f"{float(value):.3g}"
    return text


def signed(value) -> str:
    text = plain(value)
    return text if text.startswith("-") or value == 0 else f"+{text}"
