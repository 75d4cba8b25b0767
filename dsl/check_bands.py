"""Check stage `bands`: every value an index can take falls in exactly one band,
and the bands are written in order (B201, B202, B207)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from . import model as m
from .diagnostics import error, warning
from .wholes import non_whole


def _word(bandset: m.BandSet):
    """How a bound is written: a signed number, or a percentile in bands
    relative to history (whose gaps and overlaps are found among percentiles:
    a value's percentile rises with the value)."""
    return (lambda v: f"p{m.plain(v)}") if bandset.relative else m.signed


def _points(bandset: m.BandSet, whole: bool) -> list[tuple[Fraction, str]]:
    """Values to test, with how to speak of each: the whole numbers next to each
    bound (a run of equal findings between two of them holds for every whole
    number in between), or every bound and a value between each two. Their number
    follows the number of bounds, not their size."""
    bounds = sorted({b.value for band in bandset.bands for b in (band.lower, band.upper) if b})
    if not bounds:
        return []
    signed = _word(bandset)
    if whole:
        near = sorted({v for b in bounds for v in (math.floor(b) - 1, math.floor(b),
                                                   math.ceil(b), math.ceil(b) + 1)})
        return [(Fraction(v), signed(v)) for v in near]
    points = [(Fraction(bounds[0]) - 1, f"below {signed(bounds[0])}")]
    for a, b in zip(bounds, bounds[1:] + [None]):
        points.append((Fraction(a), signed(a)))
        if b is not None:
            points.append(((Fraction(a) + Fraction(b)) / 2,
                           f"between {signed(a)} and {signed(b)}"))
    points.append((Fraction(bounds[-1]) + 1, f"above {signed(bounds[-1])}"))
    return points


def _runs(items: list) -> list[list]:
    """Consecutive items with the same key, as lists."""
    return [list(g) for _, g in itertools.groupby(items, key=lambda x: x[0])]


def _speak(run: list, whole: bool, first: bool, last: bool) -> str:
    """Which values a run of test points stands for, with its verb."""
    texts = [t for _, t, _ in run]
    if whole and first:
        return f"values of {texts[-1]} and below fall"
    if whole and last:
        return f"values of {texts[0]} and above fall"
    if whole and len(texts) == 1:
        return f"the value {texts[0]} falls"
    if whole:
        return f"the values {texts[0]} to {texts[-1]} fall"
    if len(texts) == 1:
        return f"values {texts[0]} fall"
    return f"values {texts[0]} to {texts[-1]} fall"


def _band_list(bands) -> str:
    return ", ".join(f"{b.name} is {b.describe()}" for b in bands)


def _because(index: str, sources) -> str:
    """Why totals of `index` can fall between whole numbers, naming what does it."""
    named = [f"{what} ({span.file}:{span.line})" for what, span in sources[:3]]
    more = f" and {len(sources) - 3} more" if len(sources) > 3 else ""
    return f"; totals of {index} can be non-whole because of " + ", ".join(named) + more


def coverage(bandset: m.BandSet, whole: bool, bands: list | None = None
             ) -> tuple[list, list]:
    """The values tested (`_points`) and the runs of them alike: each run a list of
    ((kind, names of the bands holding them), text, bands holding them), kind
    "gap", "overlap" or "ok". `bands`: those that can hold a value (default: every
    band that is not empty); a band with a condition (`when ...`) comes before the
    ones after it, so it may overlap them."""
    if bands is None:
        bands = [b for b in bandset.bands if not _empty(b)]
    points = _points(bandset, whole)
    status = []
    for value, text in points:
        holding = tuple(b for b in bands if b.contains(value))
        plain = tuple(b for b in holding if b.condition is None)
        kind = ("gap" if not holding else "ok" if holding[0].condition is not None
                else "overlap" if len(plain) > 1 else "ok")
        status.append(((kind, tuple(b.name for b in holding)), text, holding))
    return points, _runs(status)


def covers_once(bandset: m.BandSet, whole: bool) -> bool:
    """Whether every value (every whole one, where `whole`) falls in exactly one
    band: what B201 and B202 check, asked by sensitivity before it moves the
    boundaries between bands."""
    points, runs = coverage(bandset, whole)
    if not points:
        return len([b for b in bandset.bands if not _empty(b)]) == 1
    return all(run[0][0][0] == "ok" for run in runs)


def bands(scheme: m.Scheme):
    """Every value an index can take falls in exactly one band, and the bands
    are written in order. Only whole values are tried for an index whose totals
    are whole (dsl/wholes.py)."""
    causes = non_whole(scheme)
    for bandset in scheme.bands.values():
        sources = causes.get(bandset.index, ())
        whole = not sources and not bandset.relative  # percentiles are rarely whole
        every = [b for b in bandset.bands if not _empty(b)]
        said = set()
        for chosen, world in _worlds(every):
            for finding in _coverage(bandset, chosen, whole, sources, world):
                if finding.message not in said:
                    said.add(finding.message)
                    yield finding
        yield from _band_order(bandset, [b for b in every if b.condition is None])


def _worlds(bands: list):
    """The bands as they stand where each band's condition (`when ...`) holds or
    not: every combination, as (the bands that can hold a value, the words for
    it). A band with a condition is tried before those after it, so it may
    overlap them; only where its condition fails must the others cover."""
    chosen = [b for b in bands if b.condition is not None]
    if not chosen:
        yield bands, ""
        return
    for bits in itertools.product((True, False), repeat=min(len(chosen), 8)):
        on = {b.name for b, bit in zip(chosen, bits) if bit} | {b.name for b in chosen[8:]}
        off = [b for b, bit in zip(chosen, bits) if not bit]
        words = (" where " + " and ".join(f"`{b.condition.text()}` does not hold"
                                          for b in off)) if off else ""
        yield [b for b in bands if b.condition is None or b.name in on], words


def _coverage(bandset: m.BandSet, bands: list, whole: bool, sources, world: str):
    """Gaps (B201) and overlaps (B202) among `bands`; a band with a condition
    overlaps the later ones by design."""
    points, runs = coverage(bandset, whole, bands)
    for n, run in enumerate(runs):
        (kind, names), holding = run[0][0], run[0][2]
        where = _speak(run, whole, n == 0, n == len(runs) - 1)
        if kind == "gap":
            near = [b for b in bands if any(b.contains(v) for v, _ in _neighbours(
                points, run[0][1], run[-1][1]))]
            between = any(t.startswith("between") for _, t, _ in run)
            why = _because(bandset.index, sources) if sources and between else ""
            yield error("B201", f"{bandset.index}: {where} in no band{world}"
                        + (f" ({_band_list(near)})" if near else "") + why, bandset.span,
                        "widen a band so that the bands meet" + (
                            ", or make the totals whole" if why else ""))
        elif kind == "overlap":
            yield error("B202", f"{bandset.index}: {where} in more than one band "
                        f"({_band_list(holding)}); the first written, {names[0]}, wins",
                        bandset.span, "make the bands meet without overlapping")


def _empty(band: m.Band) -> bool:
    lo, hi = band.lower, band.upper
    return bool(lo and hi and (lo.value > hi.value or (
        lo.value == hi.value and not (lo.inclusive and hi.inclusive))))


def _neighbours(points, first_text, last_text):
    texts = [t for _, t in points]
    i, j = texts.index(first_text), texts.index(last_text)
    return [p for p in (points[i - 1] if i > 0 else None,
                        points[j + 1] if j + 1 < len(points) else None) if p]


def _band_order(bandset: m.BandSet, bands: list[m.Band]):
    inf = float("inf")
    keys = [((b.lower.value if b.lower else -inf), (b.upper.value if b.upper else inf))
            for b in bands]
    if keys == sorted(keys) or keys == sorted(keys, reverse=True):
        return
    up = keys[1:2] > keys[0:1]
    for i in range(1, len(keys)):
        if (keys[i] < keys[i - 1]) if up else (keys[i] > keys[i - 1]):
            band = bands[i]
            yield warning("B207", f"band `{band.name}` ({band.describe()}) is out of order: the "
                          f"bands of {bandset.index} run neither from low to high nor from "
                          "high to low", band.span, "write the bands in the order of the scale")
            return
