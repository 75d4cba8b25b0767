"""How robust a published picture is to the scheme's choices.

The scheme's `vary` declarations (or `--vary`) name what is uncertain: category
weights and band boundaries, each moved uniformly within +-amount. Matching was
done once by `evaluate`; here the recorded trace of each entry (its category,
its recorded score, the actions of the rules that fired) is turned into arrays,
and every sample is scored at once with numpy.

Band boundaries: an index's bands, taken from low to high, meet at boundaries,
each the value where a band begins. Moving a boundary moves the end of the band
below it too, so the bands stay a partition of the values.
"""

from __future__ import annotations

import math
from fractions import Fraction

import attrs

from ..dsl.node import Node, node

from ..dsl import model as m
from ..dsl.check_bands import bands as check_bands, covers_once
from ..dsl.wholes import whole
from ..dsl.domains import ARRAYS, FigureProblem
from ..dsl.nodes import rewritten
from ..dsl.resolve import derived_order, rule_numbers
from .plan import (Evaluation, Figures, Plan, calendar_figure, expression_reads, field_value,
                   view_of)
from .problems import NotAScale, NothingToVary, SensitivityProblem
from .records import Tabular, bounded, number, short

# numpy is imported in the functions that compute with it: importing it costs more
# than a whole `eval` of No 19, and nothing here needs it before sampling begins


@node
class Parameter(Node):
    kind: str  # "weight" or "boundary"
    key: str  # category name, or "index:band"
    label: str
    nominal: float
    by: float


@node
class Scale(Node):
    """An index's bands from low to high, as boundaries."""

    index: str
    names: tuple[str, ...]  # band names, lowest first
    starts: tuple[float, ...]  # where bands 1.. begin
    inclusive: tuple[bool, ...]


@node
class IndexSensitivity(Node):
    name: str
    nominal: float
    median: float
    p5: float
    p95: float
    colour: str | None
    colour_probability: dict  # colour -> share of samples
    colour_changes: float  # share of samples whose colour differs from the nominal one
    rank: int | None  # nominal rank in its group (1: highest)
    rank_shift: float | None  # mean absolute change of rank


@node
class Effect(Node):
    """One parameter moved by `delta`, the others as declared."""

    parameter: Parameter
    delta: float
    changes: dict  # index -> change of its aggregate
    flips: dict  # index -> (colour before, colour after)


@node
class Flip(Node):
    """The smallest move of one parameter that changes an index's colour."""

    index: str
    parameter: Parameter
    delta: float
    before: str | None
    after: str | None
    past: bool = False  # the colour changes for any move beyond `delta`, not at it
    ties: tuple = ()  # other (parameter, delta, past, direction) exactly as small
    direction: int = 0  # +1 up, -1 down (says which way when `delta` is 0)


@node
class Sensitivity(Tabular, Node):
    samples: int
    seed: int
    parameters: tuple[Parameter, ...]
    indices: tuple[IndexSensitivity, ...]
    ranking_kept: dict  # group -> share of samples with the nominal ranking
    one_at_a_time: tuple[Effect, ...]  # most influential first
    smallest_flips: dict  # index -> Flip or None

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        parts = [f"{short(i.name, 30)} {short(i.colour, 20)} changes in {i.colour_changes:.1%}"
                 for i in self.indices if i.colour is not None]
        parts += [f"ranking of {short(g, 30)} kept in {kept:.1%}"
                  for g, kept in self.ranking_kept.items()]
        return bounded(f"<Sensitivity of {m.counted(len(self.indices), 'index', 'indices')} to "
                       f"{m.counted(len(self.parameters), 'parameter')}, "
                       f"{m.counted(self.samples, 'sample')} "
                       f"(seed {self.seed}): ", parts, sep="; ")

    columns = ("index", "nominal", "median", "p5", "p95", "colour", "colours",
               "colour_changes", "rank", "rank_shift")

    def to_records(self) -> list[dict]:
        """One record per index: the nominal aggregate, the sampled median and 5th
        and 95th percentiles, the nominal colour, each colour's share of samples
        (`colours`, highest band first), the share whose colour differs, the
        nominal rank in its group and the mean absolute change of rank."""
        return [{"index": i.name, "nominal": number(i.nominal), "median": number(i.median),
                 "p5": number(i.p5), "p95": number(i.p95), "colour": i.colour,
                 "colours": dict(i.colour_probability),
                 "colour_changes": number(i.colour_changes) if i.colour is not None else None,
                 "rank": i.rank, "rank_shift": number(i.rank_shift)} for i in self.indices]

    def _html_table(self):
        def share(v):
            return "" if v is None else f"{v:.1%}"

        rows = [[r["index"], r["nominal"], r["median"], r["p5"], r["p95"],
                 ", ".join(f"{k} {share(v)}" for k, v in r["colours"].items()),
                 share(r["colour_changes"]), r["rank"], r["rank_shift"]]
                for r in self.to_records()]
        return (repr(self).strip("<>"),
                ["Index", "Nominal", "Median", "5%", "95%", "Colours", "Colour changes", "Rank",
                 "Rank shift"], rows, {1, 2, 3, 4, 6, 7, 8})


def scales(scheme: m.Scheme) -> dict[str, Scale]:
    out = {}
    for name, bandset in scheme.bands.items():
        if bandset.conditional:  # chosen by other figures too: no scale of one figure
            continue
        bands = sorted(bandset.bands, key=lambda b: (
            b.lower is not None, b.lower.value if b.lower else 0,
            not b.lower.inclusive if b.lower else False))  # [1, ...) before (1, ...)
        # the question `check` asks of them (B201, B202), over the values the index takes
        if bandset.relative or not covers_once(bandset, whole(scheme, name)):
            raise NotAScale(name)
        out[name] = Scale(name, tuple(b.name for b in bands),
                          tuple(float(b.lower.value) for b in bands[1:]),
                          tuple(b.lower.inclusive for b in bands[1:]))
    return out


def parameters(scheme: m.Scheme, varies: list[m.Vary]) -> list[Parameter]:
    found: dict[str, Parameter] = {}
    all_scales = scales(scheme) if any(v.kind == "bands" for v in varies) else {}
    for vary in varies:
        if vary.kind == "weights":
            for name in vary.names or list(scheme.categories):
                category = scheme.categories[name]
                if category.weight is None:
                    raise SensitivityProblem(f"category {name} has no weight to vary")
                by = float(vary.by) * (abs(float(category.weight)) / 100 if vary.relative else 1)
                found[f"weight:{name}"] = Parameter(
                    "weight", name, f"weight of {name}", float(category.weight), by)
        elif vary.kind == "rule":
            rule = next(r for r in scheme.rules if r.name == vary.names[0])
            numbers = rule_numbers(rule)
            for k, constant in enumerate(numbers):
                which = f", its number {k + 1} of {len(numbers)}" if len(numbers) > 1 else ""
                found[f"rule:{rule.name}#{k}"] = Parameter(
                    "rule", f"{rule.name}#{k}",
                    f"rule {rule.name}: {m.plain(constant.value)}{which}",
                    float(constant.value), float(vary.by))
        elif vary.kind == "score":
            found["score"] = Parameter(
                "score", "score", "score among [" + ", ".join(o.text() for o in vary.options)
                + "]", -1.0, float(len(vary.options)))
        else:
            for index in vary.names or [n for n in scheme.bands if n in all_scales]:
                if index not in all_scales:
                    raise SensitivityProblem(
                        f"the bands of {index} are chosen by other figures too (`when`): "
                        "their boundaries cannot be moved")
                scale = all_scales[index]
                for band, start in zip(scale.names[1:], scale.starts):
                    key = f"{index}:{band}"
                    found[f"boundary:{key}"] = Parameter(
                        "boundary", key, f"{index}: start of {band} ({m.signed(start)})",
                        start, float(vary.by))
    return list(found.values())


class _Arrays:
    """The catalogue as arrays: one column per entry that counts."""

    def __init__(self, evaluation: Evaluation, varies=()):
        import numpy as np

        scheme = evaluation.scheme
        self.scheme, self.history = scheme, evaluation.history
        self.period = evaluation.catalogue.period
        self.index_names = list(scheme.indices)
        self.categories = list(scheme.categories)
        kept = [s for s in evaluation.scored if s.score is not None]  # exclusion is fixed
        self.kept = [s.entry for s in kept]
        self.derived = [n for n in derived_order(scheme)]
        self._masks: dict = {}
        self.recorded = np.array([s.entry.recorded for s in kept], dtype=float)
        self.category = np.array([
            self.categories.index(s.entry.event.category.name) if s.entry.event.category else -1
            for s in kept], dtype=int)
        self.membership = np.zeros((len(kept), len(self.index_names)))
        for col, s in enumerate(kept):
            self.membership[col, self.index_names.index(s.entry.index)] = 1.0
        self.options = ()  # `vary score among [...]`: the score expressions
        varied: dict = {}  # a varied rule's name -> its numbers' keys
        for vary in varies:
            if vary.kind == "score":
                self.options = vary.options
            elif vary.kind == "rule":
                varied[vary.names[0]] = True
        groups: dict[tuple, list[int]] = {}
        for col, s in enumerate(kept):
            actions = tuple(a for r in s.entry.rules
                            for a in (_sampled_actions(r) if r.name in varied else r.actions))
            groups.setdefault(actions, []).append(col)
        self.action_groups = [(actions, np.array(cols)) for actions, cols in groups.items()
                              if actions]
        self.weights = np.array([float(scheme.categories[c].weight or 0) for c in self.categories])
        # the attributes the score expression, the actions and the score expressions
        # sampled (`vary score among [recorded, age]`) read: one row of values each
        names = dict.fromkeys(evaluation.plan.reads + expression_reads(self.options))
        self.values = {name: np.array([float(e.values(name)) for e in self.kept])[None, :]
                       for name in names}

    def totals(self, weights, extra=None):
        """Aggregates per sample (rows) and index (columns) for these weights (and,
        in `extra`, the sampled numbers of varied rules, `#rule#k`, and the score
        expression chosen, `score`): the scheme's own expression and actions, in
        the arrays domain."""
        import numpy as np

        extra = extra or {}
        n = weights.shape[0]
        with_weight = np.concatenate([weights, np.zeros((n, 1))], axis=1)
        sampled = with_weight[:, self.category]
        shape = (n, len(self.recorded))

        def values(name, cols=slice(None)):
            if name.startswith("#"):
                return extra[name]  # a varied rule's number: one per sample
            return self.values[name][:, cols]

        if self.options and "score" in extra:
            bases = [np.broadcast_to(o.evaluate(self.recorded[None, :], sampled, ARRAYS, None,
                                                values), shape) for o in self.options]
            base = np.choose(extra["score"][:, None], bases).astype(float)
        else:
            base = self.scheme.score.evaluate(self.recorded[None, :], sampled, ARRAYS, None,
                                              values)
            base = np.broadcast_to(base, shape).astype(float)
        low, high = self.scheme.range.low, self.scheme.range.high
        for actions, cols in self.action_groups:
            block = base[:, cols]
            recorded, weight = self.recorded[None, cols], sampled[:, cols]

            def some(name, cols=cols):
                return values(name, cols)

            for action in actions:
                block = action.apply(block, ARRAYS, low, high, recorded, weight, some)
            base[:, cols] = block
        totals = base @ self.membership
        if self.derived:
            figures = _ArrayFigures(self, base, totals)
            for name in self.derived:
                column = self.scheme.indices[name].formula.figure(figures, ARRAYS)
                totals[:, self.index_names.index(name)] = column
        return totals

    def mask(self, name: str, condition):
        """Which kept entries are on index `name` (and meet `condition`): decided
        once, as matching is."""
        import numpy as np

        key = (name, condition.text() if condition is not None else None)
        if key not in self._masks:
            chosen = []
            for entry in self.kept:
                ok = entry.index == name
                if ok and condition is not None:
                    ok = condition.holds(view_of(entry))
                chosen.append(ok)
            self._masks[key] = np.array(chosen, dtype=bool)
        return self._masks[key]


def _sampled_actions(rule: m.Rule) -> tuple:
    """A varied rule's actions with each number written in them standing for its
    sampled value, `#RULE#k` (read like an attribute, one value per sample)."""
    keys = {id(c): f"#{rule.name}#{k}" for k, c in enumerate(rule_numbers(rule))}
    return _actions_rewritten(rule, lambda e: m.Reference(keys[id(e)], e.span)
                              if id(e) in keys else None)


def _actions_rewritten(rule: m.Rule, swap) -> tuple:
    return tuple(attrs.evolve(a, value=rewritten(a.value, swap))
                 if a.kind in ("set", "add", "multiply") else a for a in rule.actions)


class _ArrayFigures:
    """What a derived index's expression may ask, answered per sample from the
    sampled scores (the arrays counterpart of engine/plan.py's Figures)."""

    def __init__(self, arrays: _Arrays, base, totals):
        self.arrays, self.base, self.totals = arrays, base, totals

    def aggregate(self, name: str, d):
        if name in m.PERIOD_NAMES and name not in self.arrays.index_names:
            return float(calendar_figure(name, self.arrays.period))
        return self.totals[:, self.arrays.index_names.index(name)]

    def previous(self, name: str, n: int, d, span):
        """An earlier issue's figure: history is not sampled, so it is the same in
        every sample."""
        import numpy as np

        value = Figures({}, [], [], self.arrays.history).previous(name, n, d, span)
        return np.full(self.base.shape[0], float(value))

    def groups(self, name: str, condition, fields, d, span) -> list:
        """Per group of entries alike in `fields`, the sum of their sampled scores."""
        mask = self.arrays.mask(name, condition)
        columns: dict = {}
        for col, entry in enumerate(self.arrays.kept):
            if mask[col]:
                columns.setdefault(tuple(field_value(entry, f) for f in fields), []).append(col)
        return [self.base[:, cols].sum(axis=1) for cols in columns.values()]

    def entries(self, function: str, name: str, condition, d, span):
        import numpy as np

        mask = self.arrays.mask(name, condition)
        values = self.base[:, mask]
        count = int(mask.sum())
        if function == "positive":
            return np.where(values > 0, values, 0).sum(axis=1)
        if function == "negative":
            return np.where(values < 0, values, 0).sum(axis=1)
        if function in ("events", "count"):
            return np.full(self.base.shape[0], float(count))
        if function == "sum":
            return values.sum(axis=1)
        if not count:
            return np.full(self.base.shape[0], np.nan)
        if function == "mean":
            return values.mean(axis=1)
        return values.max(axis=1) if function == "max" else values.min(axis=1)


def _colour_positions(values, scale: Scale, starts):
    """Each value's band, counted from the lowest (0), given per-sample starts."""
    import numpy as np

    position = np.zeros(values.shape, dtype=int)
    for i, inclusive in enumerate(scale.inclusive):
        start = starts[:, i] if starts.ndim == 2 else starts[i]
        position += (values >= start) if inclusive else (values > start)
    return position


def _ranks(totals, columns):
    """Competition ranks, 1 for the highest, per sample (rows)."""
    sub = totals[:, columns]
    return 1 + (sub[:, None, :] > sub[:, :, None]).sum(axis=2)


def analyse(evaluation: Evaluation, varies: list[m.Vary], samples: int = 10_000,
            seed: int = 0, progress=None, keep: dict | None = None) -> Sensitivity:
    """The analysis; `keep`, where given, receives every sample (see
    `sample_rows`)."""
    import numpy as np

    scheme = evaluation.scheme
    params = parameters(scheme, varies)
    if not params:
        chosen = [n for n, b in scheme.bands.items() if b.conditional]
        if any(v.kind == "bands" for v in varies) and chosen:
            raise SensitivityProblem(
                f"nothing to vary: the bands of {', '.join(chosen)} are chosen by other "
                "figures too (`when`), so their boundaries cannot be moved, and no other "
                "index has bands")
        raise NothingToVary("vary")
    missing = [n for n, r in evaluation.indices.items() if r.aggregate is None]
    if missing:
        raise SensitivityProblem(f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'}"
                                 " no figure on this catalogue (see B210): nothing to perturb "
                                 "around")
    arrays = _Arrays(evaluation, varies)
    all_scales = scales(scheme)
    rng = np.random.default_rng(seed)
    shifts = rng.uniform(-1.0, 1.0, size=(samples, len(params))) * np.array(
        [0.0 if p.kind == "score" else p.by for p in params])
    choices = (rng.integers(0, len(arrays.options), size=samples) if arrays.options
               else None)

    def draw(rows):
        return _draw(arrays, params, all_scales, shifts[rows], choices[rows]
                     if choices is not None else None)

    totals = np.empty((samples, len(arrays.index_names)))
    positions = {name: np.empty(samples, dtype=int) for name in all_scales}
    chunk = 2000
    for first in range(0, samples, chunk):
        rows = np.arange(first, min(first + chunk, samples))
        weights, starts, extra = draw(rows)
        block = arrays.totals(weights, extra)
        totals[rows] = block
        for name, scale in all_scales.items():
            col = arrays.index_names.index(name)
            positions[name][rows] = _colour_positions(block[:, col], scale, starts[name])
        if progress is not None:
            progress(len(rows))

    group_ranks = {}
    for group in scheme.groups.values():
        columns = [arrays.index_names.index(n) for n in group.indices]
        nominal = _ranks(np.array([[float(evaluation.indices[n].aggregate)
                                    for n in arrays.index_names]]), columns)[0]
        group_ranks[group.name] = (group.indices, nominal, _ranks(totals, columns))

    indices = []
    for col, name in enumerate(arrays.index_names):
        result = evaluation.indices[name]
        values = totals[:, col]
        p5, median, p95 = np.percentile(values, [5, 50, 95])
        probability, changes = {}, 0.0
        if name in all_scales and (result.events or result.index.derived):  # none: no colour
            scale = all_scales[name]
            counts = np.bincount(positions[name], minlength=len(scale.names))
            probability = {scale.names[i]: float(counts[i] / samples)
                           for i in reversed(range(len(scale.names))) if counts[i]}
            nominal_position = scale.names.index(result.colour)
            changes = float((positions[name] != nominal_position).mean())
        rank = shift = None
        for members, nominal, ranks in group_ranks.values():
            if name in members:
                k = list(members).index(name)
                rank, shift = int(nominal[k]), float(np.abs(ranks[:, k] - nominal[k]).mean())
        indices.append(IndexSensitivity(name, float(result.aggregate), float(median), float(p5),
                                        float(p95), result.colour, probability, changes, rank,
                                        shift))
    kept = {g: float((ranks == nominal[None, :]).all(axis=1).mean())
            for g, (_, nominal, ranks) in group_ranks.items()}
    if keep is not None:
        keep.update(parameters=params, shifts=shifts, choices=choices, options=arrays.options,
                    indices=arrays.index_names, totals=totals, positions=positions,
                    scales=all_scales, coloured={
                        n for n in all_scales if evaluation.indices[n].events
                        or evaluation.indices[n].index.derived})
    effects = one_at_a_time(evaluation, params, arrays, all_scales)
    return Sensitivity(samples, seed, tuple(params), tuple(indices), kept, tuple(effects),
                       smallest_flips(evaluation, params, arrays, all_scales))


def _draw(arrays, params, all_scales, shifts, choices):
    """The weights, band starts and other sampled numbers (`extra`) of samples
    whose parameters are moved by `shifts` (one row per sample), the score
    expressions chosen being `choices`."""
    import numpy as np

    n = shifts.shape[0]
    weights = np.tile(arrays.weights, (n, 1))
    starts = {name: np.tile(np.array(s.starts), (n, 1)) for name, s in all_scales.items()}
    extra = {}
    for j, p in enumerate(params):
        if p.kind == "weight":
            weights[:, arrays.categories.index(p.key)] += shifts[:, j]
        elif p.kind == "rule":
            extra[f"#{p.key}"] = (p.nominal + shifts[:, j])[:, None]
        elif p.kind == "score":
            extra["score"] = choices
        else:
            index, band = p.key.split(":")
            starts[index][:, all_scales[index].names.index(band) - 1] += shifts[:, j]
    return weights, starts, extra


def _at(evaluation, params, arrays, all_scales, moves: dict[int, float]):
    """Aggregates and colours with some parameters moved, the others nominal."""
    import numpy as np

    weights = arrays.weights.copy()[None, :]
    starts = {name: np.array(s.starts, dtype=float) for name, s in all_scales.items()}
    extra = {f"#{p.key}": np.array([[p.nominal]]) for p in params if p.kind == "rule"}
    for j, delta in moves.items():
        p = params[j]
        if p.kind == "weight":
            weights[0, arrays.categories.index(p.key)] += delta
        elif p.kind == "rule":
            extra[f"#{p.key}"] = np.array([[p.nominal + delta]])
        elif p.kind == "score":
            extra["score"] = np.array([int(delta)])
        else:
            index, band = p.key.split(":")
            starts[index][all_scales[index].names.index(band) - 1] += delta
    totals = arrays.totals(weights, extra)[0]
    colours = {}
    for name, scale in all_scales.items():
        if not (evaluation.indices[name].events or evaluation.indices[name].index.derived):
            colours[name] = None  # no events, no colour
            continue
        value = totals[arrays.index_names.index(name)]
        colours[name] = scale.names[int(_colour_positions(np.array([value]), scale,
                                                          starts[name])[0])]
    return dict(zip(arrays.index_names, totals.tolist())), colours


def one_at_a_time(evaluation, params, arrays, all_scales) -> list[Effect]:
    nominal, nominal_colours = _at(evaluation, params, arrays, all_scales, {})
    effects = []
    for j, p in enumerate(params):
        if p.kind == "score":  # each expression in turn, against the scheme's own
            for k, option in enumerate(arrays.options):
                totals, colours = _at(evaluation, params, arrays, all_scales, {j: k})
                changes = {n: totals[n] - nominal[n] for n in totals if totals[n] != nominal[n]}
                flips = {n: (nominal_colours[n], colours[n]) for n in colours
                         if colours[n] != nominal_colours[n]}
                effects.append(Effect(Parameter("score", f"score:{k}", f"score {option.text()}",
                                                -1.0, 0.0), float(k), changes, flips))
            continue
        for delta in (-p.by, p.by):  # the declared width (`vary rule r by 0.5`: +-0.5)
            totals, colours = _at(evaluation, params, arrays, all_scales, {j: delta})
            changes = {n: totals[n] - nominal[n] for n in totals if totals[n] != nominal[n]}
            flips = {n: (nominal_colours[n], colours[n]) for n in colours
                     if colours[n] != nominal_colours[n]}
            effects.append(Effect(p, delta, changes, flips))
    effects.sort(key=lambda e: (-len(e.flips), -max((abs(v) for v in e.changes.values()),
                                                    default=0)))
    return effects


MAX_STEPS = 30
GRID = 8  # a weight's moves are first scanned in steps of 1/GRID point, then solved exactly


def _exact_scale(scheme: m.Scheme, name: str) -> list[tuple]:
    """The starts of an index's bands above the lowest, exactly: (value, inclusive)."""
    bands = sorted(scheme.bands[name].bands, key=lambda b: (
        b.lower is not None, b.lower.value if b.lower else 0,
        not b.lower.inclusive if b.lower else False))
    return [(Fraction(b.lower.value), b.lower.inclusive) for b in bands[1:]]


def _position(total, starts) -> int:
    """The band a total falls in, counted from the lowest, as sampling counts it."""
    return sum(1 for start, inclusive in starts if (total >= start if inclusive
                                                   else total > start))


def _boundary_flip(total, starts, k: int, direction: int):
    """The smallest move of start `k` (up: direction +1, down: -1) that moves
    `total` to another band: (delta, past), or None that way."""
    start, inclusive = starts[k]
    above = total >= start if inclusive else total > start
    if above and direction > 0:  # the start must pass the total
        delta = total - start
        return delta, inclusive  # inclusive: beyond it; exclusive: at it
    if not above and direction < 0:
        delta = total - start
        return delta, not inclusive
    return None


def _weight_flip(evaluation, arrays, p: Parameter, direction: int, name: str, starts,
                 params=()):
    """The smallest move of a category's weight (or a rule's number) that moves
    the index to another band: scanned on a grid with arrays, then found exactly.
    (delta, past) or None."""
    import numpy as np

    plan, scheme = evaluation.plan, evaluation.scheme
    col = arrays.index_names.index(name)
    grid = np.arange(0, MAX_STEPS * GRID + 1) / GRID * direction
    weights = np.tile(arrays.weights, (len(grid), 1))
    extra = {f"#{q.key}": np.full((len(grid), 1), q.nominal) for q in params
             if q.kind == "rule"}
    if p.kind == "rule":
        extra[f"#{p.key}"] = (p.nominal + grid)[:, None]
    else:
        weights[:, arrays.categories.index(p.key)] += grid
    with np.errstate(divide="ignore", invalid="ignore"):  # a number moved to 0 divides by it
        totals = arrays.totals(weights, extra)[:, col]
    totals = np.where(np.isfinite(totals), totals, float(evaluation.indices[name].aggregate))
    nominal = _position(evaluation.indices[name].aggregate, starts)
    float_starts = [(float(v), inc) for v, inc in starts]
    moved = [i for i, t in enumerate(totals) if _position(t, float_starts) != nominal]
    if not moved:
        return None
    history = evaluation.history  # previous() reads the same issues before

    def short():
        return dict(evaluation.short) if history is not None else None

    if p.kind == "rule":
        from ..dsl.resolve import rule_numbers

        rule_name, k = p.key.rsplit("#", 1)
        start = rule_numbers(next(r for r in scheme.rules if r.name == rule_name))[int(k)].value

        def scheme_at(delta):
            return _with_number(scheme, p.key, delta)

        def total(delta):
            moved = _with_number(scheme, p.key, delta)
            other = Plan(moved)
            entries = other.match(evaluation.catalogue)
            return other.totals(entries, other.scores(entries), history, short()
                                )[name].aggregate
    else:
        weight = start = scheme.categories[p.key].weight

        def scheme_at(delta):
            category = scheme.categories[p.key]
            return attrs.evolve(scheme, categories={
                **scheme.categories, p.key: attrs.evolve(category, weight=weight + delta)})

        def total(delta):
            entries = evaluation.entries
            return plan.totals(entries, plan.scores(entries, {p.key: weight + delta}), history,
                               short())[name].aggregate

    def position(delta):
        return _position(total(delta), starts)

    try:
        hit = _walk(position, total, grid, moved, nominal, starts)
        if hit is None or _accepted(scheme_at(hit[0])):
            return hit
        # The move gives a scheme `eval` refuses (totals that fall between the bands:
        # B201): the smallest move to a whole number that flips the colour instead, as
        # `eval` can show it on the same bands.
        first = start + hit[0]
        value = math.ceil(first) if direction > 0 else math.floor(first)
        while abs(value - start) <= MAX_STEPS:
            delta = value - start
            if position(delta) != nominal and _accepted(scheme_at(delta)):
                return delta, False
            value += direction
        return None
    except FigureProblem:
        return None  # a move that makes a figure impossible (the log of 0) is no flip


def _accepted(scheme: m.Scheme) -> bool:
    """Whether `eval` takes the scheme as far as its bands go: every value each
    index can take falls in exactly one band (B201, B202), as `check` asks."""
    return not any(d.severity == "error" for d in check_bands(scheme))


def _with_number(scheme: m.Scheme, key: str, delta) -> m.Scheme:
    """The scheme with one number of a rule's actions moved by `delta`, exactly."""
    from ..dsl.resolve import rule_numbers

    name, k = key.rsplit("#", 1)
    rule = next(r for r in scheme.rules if r.name == name)
    target = rule_numbers(rule)[int(k)]

    moved = attrs.evolve(rule, actions=_actions_rewritten(
        rule, lambda e: m.Constant(e.value + delta, e.span) if e is target else None))
    return attrs.evolve(scheme, rules=tuple(moved if r is rule else r for r in scheme.rules))


def _walk(position, total, grid, moved, nominal, starts):
    """Between the last grid move that keeps the band and the first that does not,
    the exact move (delta, past)."""
    lo, hi = Fraction(grid[max(moved[0] - 1, 0)]).limit_denominator(GRID), \
        Fraction(grid[moved[0]]).limit_denominator(GRID)
    if position(hi) == nominal:  # the grid's floats erred: walk on exactly
        return None
    for _ in range(60):
        t_lo, t_hi, mid = total(lo), total(hi), (lo + hi) / 2
        if total(mid) * 2 == t_lo + t_hi and t_hi != t_lo:  # straight between: solve it
            crossing = [v for v, _ in starts if min(t_lo, t_hi) <= v <= max(t_lo, t_hi)]
            value = min(crossing, key=lambda v: abs(v - t_lo)) if crossing else None
            if value is not None:
                at = lo + (value - t_lo) * (hi - lo) / (t_hi - t_lo)
                return at, position(at) == nominal
        if position(mid) == nominal:
            lo = mid
        else:
            hi = mid
    return hi, False


def smallest_flips(evaluation, params, arrays, all_scales) -> dict:
    """For each index with bands and events, the smallest single move of one
    parameter that changes its colour, found exactly (the totals are piecewise
    linear in a weight or a boundary), up to MAX_STEPS points; ties are named."""
    scheme = evaluation.scheme
    found: dict = {}
    for name in all_scales:
        result = evaluation.indices[name]
        if not (result.events or result.index.derived):
            found[name] = None
            continue
        starts = _exact_scale(scheme, name)
        names = all_scales[name].names
        best = []
        for p in params:
            for direction in (-1, 1):
                if p.kind in ("weight", "rule"):
                    hit = _weight_flip(evaluation, arrays, p, direction, name, starts, params)
                elif p.key.split(":")[0] == name:
                    k = names.index(p.key.split(":")[1]) - 1
                    hit = _boundary_flip(result.aggregate, starts, k, direction)
                else:
                    hit = None
                if hit is None or abs(hit[0]) > MAX_STEPS:
                    continue
                best.append((abs(hit[0]), hit[1], p, hit[0], direction))
        if not best:
            found[name] = None
            continue
        best.sort(key=lambda b: (b[0], b[1]))
        size, past, p, delta, direction = best[0]
        if not past:
            delta = _first_float(evaluation, arrays, all_scales, params, name, p, delta,
                                 direction, result.colour)
        after = _colour_after(evaluation, arrays, all_scales, params, name, p, delta, past,
                              direction)
        ties = tuple((q.key, float(d), pa, di) for s, pa, q, d, di in best[1:]
                     if (s, pa) == (size, past))
        found[name] = Flip(name, p, float(delta), result.colour, after, past, ties, direction)
    return found


def _first_float(evaluation, arrays, all_scales, params, name, p, delta, direction, nominal):
    """The exact move as the float nearest it at which sampling's float arithmetic
    flips too (a third of a point is not a float; within a few units in the last
    place, the arithmetic agrees)."""
    import math

    value = float(delta)
    j = params.index(p)
    for _ in range(64):
        if _at(evaluation, params, arrays, all_scales, {j: value})[1][name] != nominal:
            return value
        value = math.nextafter(value, math.inf * direction)
    return float(delta)


def _colour_after(evaluation, arrays, all_scales, params, name, p, delta, past, direction):
    """The colour the move gives (just beyond `delta` where it flips past it)."""
    step = Fraction(direction, 10**6) if past else 0
    return _at(evaluation, params, arrays, all_scales,
               {params.index(p): float(delta + step)})[1][name]


def sample_rows(kept: dict) -> tuple[list[str], list[list]]:
    """Every sample as a row: its number, each parameter's value (a weight, a band's
    start, a rule's number, the score expression), each index's aggregate and, for
    an index with bands, its colour (empty for an index with no events)."""
    params = kept["parameters"]
    headings = ["sample"] + [p.kind + ":" + p.key for p in params] + list(kept["indices"]) + [
        f"colour:{n}" for n in kept["scales"]]
    rows = []
    shifts, totals = kept["shifts"], kept["totals"]
    for k in range(totals.shape[0]):
        row: list = [k + 1]
        for j, p in enumerate(params):
            if p.kind == "score":
                row.append(kept["options"][int(kept["choices"][k])].text())
            else:
                row.append(float(p.nominal + shifts[k, j]))
        row += [float(v) for v in totals[k]]
        row += [kept["scales"][n].names[int(kept["positions"][n][k])]
                if n in kept["coloured"] else None for n in kept["scales"]]
        rows.append(row)
    return headings, rows
