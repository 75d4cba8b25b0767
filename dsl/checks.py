"""Static checks of a scheme and of a catalogue, for `barometer check`.

Each check is a named pass registered with `@scheme_check` or `@catalogue_check`:
a function that yields diagnostics. Adding a check means adding one function.
`docs/diagnostics.md` lists every code.

The rule checks reason over what a condition can see (index, category, recorded
score, and tags, texts and dates as free yes/no facts). Treating tags, texts
and dates as independent can only make a condition look satisfiable when it is
not, never the reverse: a finding such as "never holds" is always true.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from fractions import Fraction

from .node import Node, node

from . import model as m
from .diagnostics import Diagnostic, did_you_mean, error, warning
from .rules import MAX_DEPTH, depth, walk


@node
class Pass(Node):
    name: str
    codes: tuple[str, ...]
    run: Callable[..., Iterable[Diagnostic]]


SCHEME_PASSES: list[Pass] = []
CATALOGUE_PASSES: list[Pass] = []


def scheme_check(name: str, *codes: str):
    def register(fn):
        SCHEME_PASSES.append(Pass(name, codes, fn))
        return fn
    return register


def catalogue_check(name: str, *codes: str):
    def register(fn):
        CATALOGUE_PASSES.append(Pass(name, codes, fn))
        return fn
    return register


def check_scheme(scheme: m.Scheme) -> list[Diagnostic]:
    return [d for p in SCHEME_PASSES for d in p.run(scheme)]


def check_catalogue(scheme: m.Scheme, catalogue: m.Catalogue, totals: dict) -> list[Diagnostic]:
    """`totals`: each index's computed aggregate (evaluation is engine's job)."""
    return [d for p in CATALOGUE_PASSES for d in p.run(scheme, catalogue, totals)]


# --- bands -------------------------------------------------------------------------


def totals_are_whole(scheme: m.Scheme) -> bool:
    """Whether every total the scheme can produce is a whole number."""
    numbers = []
    stack = [scheme.score]
    while stack:
        e = stack.pop()
        if isinstance(e, m.Recorded):
            continue
        if isinstance(e, m.Constant):
            numbers.append(e.value)
        elif isinstance(e, m.Weight):
            numbers.extend(c.weight for c in scheme.categories.values() if c.weight is not None)
        elif isinstance(e, m.Binary):
            stack += [e.left, e.right]
        elif isinstance(e, m.Negate):
            stack.append(e.operand)
    numbers += [a.value for r in scheme.rules for a in r.actions if a.value is not None]
    return all(getattr(n, "denominator", 1) == 1 for n in numbers)


def _points(bandset: m.BandSet, whole: bool) -> list[tuple[Fraction, str]]:
    """Values to test, with how to speak of each: every whole number around the
    bounds, or every bound and a value between each two."""
    bounds = sorted({b.value for band in bandset.bands for b in (band.lower, band.upper) if b})
    if not bounds:
        return []
    if whole:
        low, high = int(min(bounds)) - 1, -int(-max(bounds)) + 1
        return [(Fraction(v), m.signed(v)) for v in range(low, high + 1)]
    points = [(Fraction(bounds[0]) - 1, f"below {m.signed(bounds[0])}")]
    for a, b in zip(bounds, bounds[1:] + [None]):
        points.append((Fraction(a), m.signed(a)))
        if b is not None:
            points.append(((Fraction(a) + Fraction(b)) / 2,
                           f"between {m.signed(a)} and {m.signed(b)}"))
    points.append((Fraction(bounds[-1]) + 1, f"above {m.signed(bounds[-1])}"))
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


@scheme_check("bands", "B201", "B202", "B207")
def bands(scheme: m.Scheme):
    """Every value an index can take falls in exactly one band, and the bands
    are written in order."""
    whole = totals_are_whole(scheme)
    for bandset in scheme.bands.values():
        bands = [b for b in bandset.bands if not _empty(b)]
        points = _points(bandset, whole)
        status = []
        for value, text in points:
            holding = tuple(b for b in bands if b.contains(value))
            kind = "gap" if not holding else "overlap" if len(holding) > 1 else "ok"
            status.append(((kind, tuple(b.name for b in holding)), text, holding))
        runs = _runs(status)
        for n, run in enumerate(runs):
            (kind, names), holding = run[0][0], run[0][2]
            where = _speak(run, whole, n == 0, n == len(runs) - 1)
            if kind == "gap":
                near = [b for b in bands if any(b.contains(v) for v, _ in _neighbours(
                    points, run[0][1], run[-1][1]))]
                yield error("B201", f"{bandset.index}: {where} in no band"
                            + (f" ({_band_list(near)})" if near else ""), bandset.span,
                            "widen a band so that the bands meet")
            elif kind == "overlap":
                yield error("B202", f"{bandset.index}: {where} in more than one band "
                            f"({_band_list(holding)}); the first written, {names[0]}, wins",
                            bandset.span, "make the bands meet without overlapping")
        yield from _band_order(bandset, bands)


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


# --- rules ---------------------------------------------------------------------------


@node
class _World(Node):
    """What a condition can see, for the abstract evaluation of rules."""

    index: str
    category: str | None
    recorded: int
    facts: frozenset  # tags, texts and dates that hold


def _atom(c) -> tuple | None:
    if isinstance(c, m.Tagged):
        return ("tag", c.tag)
    if isinstance(c, m.TextContains):
        return ("text", c.text.casefold())
    if isinstance(c, (m.DateBefore, m.DateAfter, m.DateWithin)):
        return ("date", type(c).__name__, getattr(c, "date", None), getattr(c, "start", None),
                getattr(c, "end", None))
    return None


def truth(c, w: _World) -> bool:
    if isinstance(c, m.AllOf):
        return all(truth(o, w) for o in c.operands)
    if isinstance(c, m.AnyOf):
        return any(truth(o, w) for o in c.operands)
    if isinstance(c, m.Not):
        return not truth(c.operand, w)
    if isinstance(c, m.Always):
        return True
    if isinstance(c, m.IndexIn):
        return w.index in c.names
    if isinstance(c, m.CategoryIn):
        return w.category in c.names
    if isinstance(c, m.RecordedCompare):
        return {">": w.recorded > c.value, ">=": w.recorded >= c.value,
                "<": w.recorded < c.value, "<=": w.recorded <= c.value}[c.op]
    return _atom(c) in w.facts


MAX_FACTS = 8


def worlds(scheme: m.Scheme, conditions: list, index: str | None = None):
    """Enough worlds to decide the conditions: each index, category and recorded
    value they name, one they do not, and every combination of their facts.
    None where there would be too many to try."""
    indices, categories, facts = set(), set(), set()
    for condition in conditions:
        for c in walk(condition):
            if isinstance(c, m.IndexIn):
                indices.update(c.names)
            elif isinstance(c, m.CategoryIn):
                categories.update(c.names)
            elif _atom(c) is not None:
                facts.add(_atom(c))
    if len(facts) > MAX_FACTS:
        return None
    other = [i for i in scheme.indices if i not in indices][:1]
    index_values = [index] if index else sorted(indices & set(scheme.indices)) + other
    other = [c for c in scheme.categories if c not in categories][:1]
    category_values = sorted(categories & set(scheme.categories)) + other + [None]
    recorded = range(scheme.range.low, scheme.range.high + 1)
    facts = sorted(facts, key=repr)
    fact_sets = [frozenset(f for f, on in zip(facts, bits) if on)
                 for bits in itertools.product((False, True), repeat=len(facts))]
    return [_World(i, c, r, f) for i in index_values for c in category_values
            for r in recorded for f in fact_sets]


def _checkable(scheme: m.Scheme) -> list[m.Rule]:
    """Rules the passes can reason about: not too deep, every name declared (a
    rule with an unknown name has its own error already)."""
    def known(rule: m.Rule) -> bool:
        for c in walk(rule.condition):
            if isinstance(c, m.IndexIn) and not set(c.names) <= scheme.indices.keys():
                return False
            if isinstance(c, m.CategoryIn) and not set(c.names) <= scheme.categories.keys():
                return False
            if isinstance(c, m.Tagged) and c.tag not in scheme.tags:
                return False
        return True

    return [r for r in scheme.rules if depth(r.condition) <= MAX_DEPTH and known(r)]


def _holds_somewhere(scheme: m.Scheme, rule: m.Rule) -> bool:
    found = worlds(scheme, [rule.condition])
    return found is None or any(truth(rule.condition, w) for w in found)


def _live(scheme: m.Scheme) -> list[m.Rule]:
    """Checkable rules whose condition can hold (the others have B401)."""
    return [r for r in _checkable(scheme) if _holds_somewhere(scheme, r)]


@scheme_check("conditions", "B401")
def conditions(scheme: m.Scheme):
    """A rule whose condition no event can meet."""
    for rule in _checkable(scheme):
        if not _holds_somewhere(scheme, rule):
            yield warning("B401", f"the condition of rule `{rule.name}` can never hold",
                          rule.span, "look for two things it asks for at once that exclude "
                          "each other, e.g. `index is a and index is b`")


@scheme_check("shadowing", "B402", "B403")
def shadowing(scheme: m.Scheme):
    """A rule that can never change a score: one an earlier rule always excludes
    first, or one whose actions change nothing."""
    rules = _live(scheme)
    for j, rule in enumerate(rules):
        if all((a.kind == "multiply" and a.value == 1) or (a.kind == "add" and a.value == 0)
               for a in rule.actions):
            yield warning("B403", f"rule `{rule.name}` changes no score: "
                          f"{', '.join(a.describe() for a in rule.actions)}", rule.span)
            continue
        for earlier in rules[:j]:
            if not any(a.kind == "exclude" for a in earlier.actions):
                continue
            found = worlds(scheme, [rule.condition, earlier.condition])
            if found is not None and all(truth(earlier.condition, w) for w in found
                                         if truth(rule.condition, w)):
                yield warning("B402", f"rule `{rule.name}` can never change a score: rule "
                              f"`{earlier.name}` (line {earlier.span.line}) excludes every "
                              "event it applies to first", rule.span,
                              "narrow the earlier rule, or remove this one")
                break


def _interval(expr, scheme: m.Scheme) -> tuple:
    """The lowest and highest value an expression can give."""
    if isinstance(expr, m.Recorded):
        return scheme.range.low, scheme.range.high
    if isinstance(expr, m.Direction):
        return -1, 1
    if isinstance(expr, m.Weight):
        weights = [c.weight for c in scheme.categories.values() if c.weight is not None] or [0]
        return min(weights), max(weights)
    if isinstance(expr, m.Constant):
        return expr.value, expr.value
    if isinstance(expr, m.Negate):
        lo, hi = _interval(expr.operand, scheme)
        return -hi, -lo
    (a, b), (c, d) = _interval(expr.left, scheme), _interval(expr.right, scheme)
    if expr.op == "+":
        return a + c, b + d
    if expr.op == "-":
        return a - d, b - c
    products = [a * c, a * d, b * c, b * d]
    return min(products), max(products)


def _outside(lo, hi, scheme: m.Scheme) -> str | None:
    if hi > scheme.range.high:
        return m.signed(hi)
    if lo < scheme.range.low:
        return m.signed(lo)
    return None


@scheme_check("ranges", "B405")
def ranges(scheme: m.Scheme):
    """A score expression or a rule that can leave the declared range."""
    span = scheme.score.span
    base = _interval(scheme.score, scheme)
    beyond = _outside(*base, scheme)
    limits = f"{m.signed(scheme.range.low)} to {m.signed(scheme.range.high)}"
    if beyond is not None:
        yield warning("B405", f"the score expression can give {beyond}, beyond the range "
                      f"{limits}", span, "add a rule `when always then clamp` if scores "
                      "must stay in the range")
    for rule in _live(scheme):
        lo, hi = base
        for action in rule.actions:
            if action.kind == "set":
                lo = hi = action.value
            elif action.kind == "add":
                lo, hi = lo + action.value, hi + action.value
            elif action.kind == "multiply":
                lo, hi = sorted((lo * action.value, hi * action.value))
            elif action.kind == "clamp":
                lo = min(max(lo, scheme.range.low), scheme.range.high)
                hi = min(max(hi, scheme.range.low), scheme.range.high)
            else:
                break
        beyond = _outside(lo, hi, scheme)
        if beyond is not None:
            yield warning("B405", f"rule `{rule.name}` can push a score to {beyond}, beyond "
                          f"the range {limits}", rule.span,
                          "add `clamp` after its actions if scores must stay in the range")


@scheme_check("exclusion", "B406")
def exclusion(scheme: m.Scheme):
    """An index on which no event can score, because a rule excludes them all."""
    live = _live(scheme)
    for index in scheme.indices.values():
        for rule in live:
            if not any(a.kind == "exclude" for a in rule.actions):
                continue
            found = worlds(scheme, [rule.condition], index=index.name)
            if found is not None and all(truth(rule.condition, w) for w in found):
                yield warning("B406", f"no event can score on `{index.name}`: rule "
                              f"`{rule.name}` excludes every score on it", rule.span)
                break


@scheme_check("weights", "B404")
def weights(scheme: m.Scheme):
    """Category weights that nothing reads."""
    from .rules import uses_weight

    if uses_weight(scheme.score):
        return
    for category in scheme.categories.values():
        if category.weight is not None:
            yield warning("B404", f"the weight of category `{category.name}` is never used: "
                          "the scheme's score does not read `weight`", category.span,
                          "remove the weight, or score by it: score direction * weight")


# --- catalogues ----------------------------------------------------------------------


@catalogue_check("order", "B501")
def order(scheme: m.Scheme, catalogue: m.Catalogue, totals: dict):
    """Events out of date order within a relationship. An event scoring several
    indices is listed under the first it scores, and checked there."""
    latest: dict[str, m.Event] = {}
    for event in catalogue.events:
        home = event.scores[0].index
        before = latest.get(home)
        if before is not None and event.when.end < before.when.start:
            yield warning("B501", f"`{event.when.text}` is listed after `{before.when.text}` "
                          f"(line {before.span.line}) under {home}", event.when.span,
                          "list events in date order, or ignore this if the source does so")
        if before is None or event.when.start > before.when.start:
            latest[home] = event


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


@catalogue_check("duplicates", "B502")
def duplicates(scheme: m.Scheme, catalogue: m.Catalogue, totals: dict):
    """The same event twice: the same date and the same text."""
    seen: dict[tuple, m.Event] = {}
    for event in catalogue.events:
        key = (_norm(event.when.text), _norm(event.text))
        first = seen.setdefault(key, event)
        if first is not event:
            yield warning("B502", f"this event is already listed at {first.span}", event.span,
                          "list an event once, with a score on every index it concerns")


@catalogue_check("published", "B503", "B101", "B102")
def published(scheme: m.Scheme, catalogue: m.Catalogue, totals: dict):
    """The totals a catalogue states against the ones computed (not compared
    where some events could not be read: the sums would mislead)."""
    if totals is None:
        return
    seen: dict[str, m.Published] = {}
    for stated in catalogue.period.published:
        if stated.index not in scheme.indices:
            yield error("B101", f"unknown index `{stated.index}`", stated.span,
                        did_you_mean(stated.index, scheme.indices))
            continue
        if stated.index in seen:
            yield error("B102", f"the published total of `{stated.index}` is stated twice",
                        stated.span)
            continue
        seen[stated.index] = stated
        computed = totals[stated.index]
        if computed != stated.value:
            yield error("B503", f"the catalogue publishes {m.signed(stated.value)} for "
                        f"{stated.index}, but its events add up to {m.signed(computed)}",
                        stated.span, "check the scores, or the published figure")


@catalogue_check("ongoing", "B504")
def ongoing(scheme: m.Scheme, catalogue: m.Catalogue, totals: dict):
    period = catalogue.period
    for event in catalogue.events:
        if event.ongoing and period.start <= event.when.start and event.when.end <= period.end:
            yield warning("B504", f"the event is marked `ongoing`, but `{event.when.text}` lies "
                          "within the period", event.when.span, "remove `ongoing`")


@catalogue_check("signs", "B505")
def signs(scheme: m.Scheme, catalogue: m.Catalogue, totals: dict):
    for event in catalogue.events:
        for score in event.scores:
            if not score.signed:
                yield warning("B505", f"the score of {score.index} is written without its sign",
                              score.span, f"write {score.index} {m.signed(score.value)}")
