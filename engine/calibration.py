"""Calibration: the values of what a scheme declares uncertain (`vary`) that best
reproduce figures and colours already known, such as the ones past issues
published, and how firmly those figures pin them down.

Each issue is a catalogue with `published` lines (its totals, its colours). The
parameters are drawn as `sensitivity` draws them (uniformly within +-amount,
the same seed giving the same draws), every issue is scored with each draw in
the arrays domain, and the draws are ranked: fewest published colours missed
first, then the smallest sum of squared differences from the published totals.
From the best draw, each parameter is then moved alone along a fine grid within
its range while that improves the fit (coordinate descent), which is reported as
the best fit.

How unique it is: among the draws, those that fit about as well as the best
(root mean square difference within `NEAR` points of it, no more colours
missed), their share, and for each parameter the range they span: a parameter
whose near-best values cover most of its range is not determined by these
figures.
"""

from __future__ import annotations

from typing import NamedTuple

from ..dsl import model as m
from .problems import NothingToVary, SensitivityProblem
from .sensitivity import _Arrays, _colour_positions, _draw, parameters, scales

NEAR = 0.5  # points of root mean square difference within which a draw fits about as well
GRID = 41  # values per parameter in each round of the descent
ROUNDS = 4


class Target(NamedTuple):
    issue: int  # which catalogue
    index: str
    total: m.Number | None  # the published total, if stated
    colour: str | None  # the published colour, if stated


class Fitted(NamedTuple):
    issue: str
    index: str
    published: object | None
    computed: float
    published_colour: str | None
    colour: str | None


class Spread(NamedTuple):
    label: str
    low: float  # the parameter's range as declared
    high: float
    best: float
    near_low: float  # the range of the near-best draws
    near_high: float


class Calibration(NamedTuple):
    samples: int
    seed: int
    rmse: float  # root mean square difference from the published totals, at the best fit
    colours_missed: int
    colours: int  # published colours compared
    totals: int  # published totals compared
    fitted: tuple[Fitted, ...]
    spreads: tuple[Spread, ...]
    near: int  # draws about as good as the best
    nominal_rmse: float  # the scheme as declared
    nominal_missed: int


def targets(evaluations) -> list[Target]:
    found = []
    for k, ev in enumerate(evaluations):
        for stated in ev.catalogue.period.published:
            if stated.index in ev.indices:
                found.append(Target(k, stated.index, stated.value,
                                    stated.colour.name if stated.colour is not None else None))
    return found


def calibrate(evaluations, varies: list[m.Vary], samples: int = 10_000, seed: int = 0
              ) -> Calibration:
    """The best fit of the varied parameters to the published figures of the
    evaluated catalogues (each one issue, under one scheme)."""
    import numpy as np  # as in engine/sensitivity.py: not needed before the draws

    scheme = evaluations[0].scheme
    params = parameters(scheme, varies)
    if not params:
        raise NothingToVary("fit")
    wanted = targets(evaluations)
    if not wanted:
        raise SensitivityProblem("nothing to fit to: the catalogues publish no figure "
                                 "(`published russia +20`, `published regional_tension yellow`)")
    arrays = [_Arrays(ev, varies) for ev in evaluations]
    all_scales = scales(scheme)
    options = len(arrays[0].options)
    rng = np.random.default_rng(seed)
    by = np.array([0.0 if p.kind == "score" else p.by for p in params])
    shifts = rng.uniform(-1.0, 1.0, size=(samples, len(params))) * by
    choices = rng.integers(0, options, size=samples) if options else None
    shifts[0] = 0.0  # the first draw is the scheme as declared
    if choices is not None:
        choices[0] = 0

    def fit(moved, chosen):
        """Per draw: colours missed, squared differences, and the figures."""
        missed = np.zeros(moved.shape[0], dtype=int)
        squared = np.zeros(moved.shape[0])
        figures = []
        for k, a in enumerate(arrays):
            weights, starts, extra = _draw(a, params, all_scales, moved, chosen)
            with np.errstate(divide="ignore", invalid="ignore"):
                totals = a.totals(weights, extra)
            figures.append((totals, starts))
            for t in (t for t in wanted if t.issue == k):
                col = a.index_names.index(t.index)
                if t.total is not None:
                    diff = totals[:, col] - float(t.total)
                    squared += np.where(np.isfinite(diff), diff * diff, np.inf)
                if t.colour is not None and t.index in all_scales:
                    scale = all_scales[t.index]
                    position = _colour_positions(totals[:, col], scale, starts[t.index])
                    missed += position != scale.names.index(t.colour)
        return missed, squared, figures

    missed, squared, _ = fit(shifts, choices)
    order = np.lexsort((squared, missed))
    best = order[0]
    count = max(sum(t.total is not None for t in wanted), 1)
    rmse = np.sqrt(squared / count)
    near = (missed <= missed[best]) & (rmse <= rmse[best] + NEAR)
    spreads_near = shifts[near]
    # then each parameter alone along a grid, from the best draw
    current = shifts[best].copy()
    chosen = np.array([choices[best]]) if choices is not None else None
    for _ in range(ROUNDS):
        for j, p in enumerate(params):
            if p.kind == "score":
                continue
            grid = np.tile(current, (GRID, 1))
            grid[:, j] = np.linspace(-p.by, p.by, GRID)
            g_missed, g_squared, _ = fit(grid, np.repeat(chosen, GRID) if chosen is not None
                                         else None)
            k = np.lexsort((g_squared, g_missed))[0]
            here = fit(current[None, :], chosen)
            if (g_missed[k], g_squared[k]) < (here[0][0], here[1][0]):
                current = grid[k]
    final_missed, final_squared, figures = fit(current[None, :], chosen)
    fitted = []
    for t in wanted:
        totals, starts = figures[t.issue]
        col = arrays[t.issue].index_names.index(t.index)
        value = float(totals[0, col])
        colour = None
        if t.index in all_scales:
            scale = all_scales[t.index]
            colour = scale.names[int(_colour_positions(totals[:, col], scale,
                                                       starts[t.index])[0])]
        fitted.append(Fitted(evaluations[t.issue].catalogue.period.title, t.index, t.total,
                             value, t.colour, colour))
    spreads = tuple(Spread(p.label if p.kind != "score" else "score", p.nominal - p.by,
                           p.nominal + p.by, float(p.nominal + current[j]) if p.kind != "score"
                           else float(chosen[0]),
                           float(p.nominal + spreads_near[:, j].min()),
                           float(p.nominal + spreads_near[:, j].max()))
                    for j, p in enumerate(params))
    return Calibration(samples, seed, float(np.sqrt(final_squared[0] / count)),
                       int(final_missed[0]), sum(t.colour is not None for t in wanted),
                       sum(t.total is not None for t in wanted), tuple(fitted), spreads,
                       int(near.sum()), float(rmse[0]), int(missed[0]))
