"""Static checks of a scheme and of a catalogue, as one ordered table of stages.

Each stage is a named function registered with `@scheme_check` or
`@catalogue_check` that yields diagnostics, with the codes it reports; adding a
check means adding one function. Stages that can report errors run in `eval`
too, so that `eval` refuses what `check` calls an error. `docs/diagnostics.md`
documents every code in the table (a test holds the two together).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from fractions import Fraction

from .node import Node, node

from . import model as m
from .diagnostics import Diagnostic, error, warning
from .domains import INTERVALS, Interval
from .nodes import EXCLUDED, expression_depth, parts, subexpressions
from .resolve import MAX_DEPTH, depth, uses_weight


@node
class Stage(Node):
    """A named stage of checking: the codes it reports, and what it runs on."""

    name: str
    target: str  # "scheme" or "catalogue"; "read" and "resolve" stages run in the loaders
    codes: tuple[str, ...]
    run: Callable[..., Iterable[Diagnostic]] | None
    errors: bool  # whether it can report errors (then `eval` runs it too)


# The stages in the order they run. Reading and resolving happen in the loaders
# (dsl/load.py, dsl/resolve.py), which every verb uses; they are listed here so
# that this one table names every code.
STAGES: list[Stage] = [
    Stage("read", "read", ("B001", "B002", "B003", "B004", "B006"), None, True),
    Stage("declarations", "read", ("B102", "B104", "B203", "B205", "B206"), None, True),
    Stage("resolve", "resolve", ("B101", "B102", "B105", "B106", "B107", "B109", "B110"), None,
          True),
    Stage("spreadsheets", "read", ("B010", "B011", "B012", "B013", "B014", "B015"), None, True),
    Stage("entries", "resolve", ("B101", "B102", "B107", "B108", "B204", "B205", "B301",
                                 "B302", "B303", "B304", "B305"), None, True),
    Stage("methodology tests", "read", ("B601", "B602", "B603", "B604", "B605", "B606", "B607",
                                        "B608", "B609"), None, True),
]


def stage(name: str, target: str, *codes: str, errors: bool = False):
    def register(fn):
        STAGES.append(Stage(name, target, codes, fn, errors))
        return fn
    return register


def scheme_check(name: str, *codes: str, errors: bool = False):
    return stage(name, "scheme", *codes, errors=errors)


def catalogue_check(name: str, *codes: str, errors: bool = False):
    return stage(name, "catalogue", *codes, errors=errors)


def all_codes() -> set[str]:
    return {code for s in STAGES for code in s.codes}


def check_scheme(scheme: m.Scheme, errors_only: bool = False) -> list[Diagnostic]:
    return [d for s in STAGES if s.target == "scheme" and (s.errors or not errors_only)
            for d in s.run(scheme)]


def check_catalogue(scheme: m.Scheme, catalogue: m.Catalogue, published: dict | None,
                    errors_only: bool = False) -> list[Diagnostic]:
    """`published`: for each file that states published totals, (those lines, the
    path of the scheme they are for, each index's aggregate under it from that
    file's events), or None where they are not compared."""
    return [d for s in STAGES if s.target == "catalogue" and (s.errors or not errors_only)
            for d in s.run(scheme, catalogue, published)]


# --- bands -------------------------------------------------------------------------


def non_whole(scheme: m.Scheme) -> list[tuple[str, object]]:
    """What makes totals non-whole: each decimal number the score expression or a
    rule can bring in, said in words, with its place."""
    found = []
    for e in subexpressions(scheme.score):
        if isinstance(e, m.Constant) and getattr(e.value, "denominator", 1) != 1:
            found.append((f"the score expression's {m.plain(e.value)}", e.span))
        elif isinstance(e, m.Weight):
            found += [(f"the weight {m.plain(c.weight)} of category `{c.name}`", c.span)
                      for c in scheme.categories.values()
                      if c.weight is not None and getattr(c.weight, "denominator", 1) != 1]
    for rule in scheme.rules:
        for action in rule.actions:
            if action.value is not None and getattr(action.value, "denominator", 1) != 1:
                found.append((f"rule `{rule.name}` ({action.text()})", action.span))
    return found


def totals_are_whole(scheme: m.Scheme) -> bool:
    """Whether every total the scheme can produce is a whole number."""
    return not non_whole(scheme)


def _points(bandset: m.BandSet, whole: bool) -> list[tuple[Fraction, str]]:
    """Values to test, with how to speak of each: the whole numbers next to each
    bound (a run of equal findings between two of them holds for every whole
    number in between), or every bound and a value between each two. Their number
    follows the number of bounds, not their size."""
    bounds = sorted({b.value for band in bandset.bands for b in (band.lower, band.upper) if b})
    if not bounds:
        return []
    if whole:
        import math

        near = sorted({v for b in bounds for v in (math.floor(b) - 1, math.floor(b),
                                                   math.ceil(b), math.ceil(b) + 1)})
        return [(Fraction(v), m.signed(v)) for v in near]
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


def _because(sources) -> str:
    """Why totals can fall between whole numbers, naming what does it."""
    named = [f"{what} ({span.file}:{span.line})" for what, span in sources[:3]]
    more = f" and {len(sources) - 3} more" if len(sources) > 3 else ""
    return "; totals can be non-whole because of " + ", ".join(named) + more


@scheme_check("bands", "B201", "B202", "B207", errors=True)
def bands(scheme: m.Scheme):
    """Every value an index can take falls in exactly one band, and the bands
    are written in order."""
    sources = non_whole(scheme)
    whole = not sources
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
                between = any(t.startswith("between") for _, t, _ in run)
                why = _because(sources) if sources and between else ""
                yield error("B201", f"{bandset.index}: {where} in no band"
                            + (f" ({_band_list(near)})" if near else "") + why, bandset.span,
                            "widen a band so that the bands meet" + (
                                ", or make the totals whole" if why else ""))
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
#
# The rule checks reason over abstract entries: what a condition can see (index,
# category, recorded score) and, for tags, texts and dates, free yes/no facts.
# Conditions are tested by their own `holds` (dsl/nodes.py), on these entries
# as on real ones. Treating tags, texts and dates as independent can only make a
# condition look satisfiable when it is not, never the reverse: a finding such as
# "never holds" is always true.


def _fact(c) -> tuple | None:
    if isinstance(c, m.Tagged):
        return ("tag", c.tag)
    if isinstance(c, m.TextContains):
        return ("text", c.phrase.casefold())
    if isinstance(c, m.DateBefore):
        return ("before", c.date)
    if isinstance(c, m.DateAfter):
        return ("after", c.date)
    if isinstance(c, m.DateWithin):
        return ("within", c.start, c.end)
    return None


@node
class AbstractEntry(Node):
    """An entry as the checks imagine it: `recorded` stands for every recorded
    score in `cell` (no condition tells them apart)."""

    index: str
    category: str | None
    recorded: object
    cell: Interval
    facts: frozenset

    def tagged(self, tag):
        return ("tag", tag) in self.facts

    def mentions(self, phrase):
        return ("text", phrase.casefold()) in self.facts

    def ended_before(self, date):
        return ("before", date) in self.facts

    def began_after(self, date):
        return ("after", date) in self.facts

    def lies_within(self, start, end):
        return ("within", start, end) in self.facts


MAX_FACTS = 8


def _cells(scheme: m.Scheme, conditions) -> list[Interval]:
    """The recorded range cut where a condition's comparison of `recorded` can
    change: as many cells as thresholds, however wide the range."""
    import math

    low, high = scheme.range.low, scheme.range.high
    cuts = {low, high + 1}
    for condition in conditions:
        for c in parts(condition):
            if isinstance(c, m.RecordedCompare):
                for v in (math.floor(c.value), math.ceil(c.value)):
                    for edge in (v, v + 1):
                        if low < edge <= high:
                            cuts.add(edge)
    cuts = sorted(cuts)
    return [Interval(a, b - 1) for a, b in zip(cuts, cuts[1:])]


def worlds(scheme: m.Scheme, conditions: list, index: str | None = None):
    """Enough abstract entries to decide the conditions: each index, category and
    recorded cell they tell apart, one they do not, and every combination of their
    facts. None where there would be too many to try."""
    indices, categories, facts = set(), set(), set()
    for condition in conditions:
        for c in parts(condition):
            if isinstance(c, m.IndexIn):
                indices.update(c.names)
            elif isinstance(c, m.CategoryIn):
                categories.update(c.names)
            elif _fact(c) is not None:
                facts.add(_fact(c))
    if len(facts) > MAX_FACTS:
        return None
    other = [i for i in scheme.indices if i not in indices][:1]
    index_values = [index] if index else sorted(indices & set(scheme.indices)) + other
    other = [c for c in scheme.categories if c not in categories][:1]
    category_values = sorted(categories & set(scheme.categories)) + other + [None]
    facts = sorted(facts, key=repr)
    fact_sets = [frozenset(f for f, on in zip(facts, bits) if on)
                 for bits in itertools.product((False, True), repeat=len(facts))]
    return [AbstractEntry(i, c, cell.lo, cell, f) for i in index_values for c in category_values
            for cell in _cells(scheme, conditions) for f in fact_sets]


def _checkable(scheme: m.Scheme) -> list[m.Rule]:
    """Rules the stages can reason about: not too deep, every name declared (a
    rule with an unknown name has its own error already)."""
    def known(rule: m.Rule) -> bool:
        for c in parts(rule.condition):
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
    return found is None or any(rule.condition.holds(w) for w in found)


_LIVE: dict = {}


def _live(scheme: m.Scheme) -> list[m.Rule]:
    """Checkable rules whose condition can hold (the others have B401); worked out
    once per scheme and check run."""
    key = id(scheme)
    found = _LIVE.get(key)
    if found is None or found[0] is not scheme:
        _LIVE.clear()
        found = _LIVE[key] = (scheme, [r for r in _checkable(scheme)
                                       if _holds_somewhere(scheme, r)])
    return found[1]


@scheme_check("conditions", "B401")
def conditions(scheme: m.Scheme):
    """A rule whose condition no event can meet."""
    for rule in _checkable(scheme):
        if not _holds_somewhere(scheme, rule):
            yield warning("B401", f"the condition of rule `{rule.name}` can never hold",
                          rule.span, "look for two things it asks for at once that exclude "
                          "each other, e.g. `index is a and index is b`")


# Pairs of rules the shadowing stage compares at most: it costs what the file's
# size does, whatever the file; past this, later rules go unexamined (B402 is a
# warning that may be missed, never one that is wrong).
MAX_PAIRS = 20_000


def _facts_of(condition) -> set:
    return {f for c in parts(condition) if (f := _fact(c)) is not None}


@scheme_check("shadowing", "B402", "B403")
def shadowing(scheme: m.Scheme):
    """A rule that can never change a score: one an earlier rule always excludes
    first, or one whose actions change nothing."""
    rules = _live(scheme)
    excluding: dict = {}  # each distinct excluding condition (by its text), with its first rule
    pairs = 0
    for rule in rules:
        if all(a.changes_nothing() for a in rule.actions):
            yield warning("B403", f"rule `{rule.name}` changes no score: "
                          f"{', '.join(a.describe() for a in rule.actions)}", rule.span)
            continue
        facts = _facts_of(rule.condition)
        for earlier in excluding.values():
            condition = earlier.condition
            if not _facts_of(condition) <= facts:
                continue  # it asks about a tag, text or date this rule leaves open
            pairs += 1
            if pairs > MAX_PAIRS:
                break
            found = worlds(scheme, [rule.condition, condition])
            if found is not None and all(condition.holds(w) for w in found
                                         if rule.condition.holds(w)):
                yield warning("B402", f"rule `{rule.name}` can never change a score: rule "
                              f"`{earlier.name}` (line {earlier.span.line}) excludes every "
                              "event it applies to first", rule.span,
                              "narrow the earlier rule, or remove this one")
                break
        if rule.excludes():
            excluding.setdefault(rule.condition.text(), rule)


def _weights(scheme: m.Scheme, category: str | None, told_apart: set) -> Interval:
    """The weights an abstract entry's category can have."""
    weights = scheme.categories
    if category in told_apart:
        values = [weights[category].weight]
    else:  # any category its conditions do not name
        values = [c.weight for name, c in weights.items() if name not in told_apart]
    values = [v for v in values if v is not None] or [0]
    return Interval(min(values), max(values))


def scale(scheme: m.Scheme) -> Interval:
    """Every value the score expression can give, before any rule."""
    recorded = Interval(scheme.range.low, scheme.range.high)
    return Interval.of(scheme.score.evaluate(recorded, _weights(scheme, None, set()), INTERVALS))


@scheme_check("ranges", "B405")
def ranges(scheme: m.Scheme):
    """A rule that can push a score beyond every value the score expression gives.
    The range bounds the recorded scores; the expression's own values (a weighted
    score may well exceed the range) are its scale; only a rule that goes past
    that scale, on the entries its condition lets through, is reported."""
    if expression_depth(scheme.score) > MAX_DEPTH:
        return  # B109 says so; the expression is not evaluated
    limits = scale(scheme)
    low, high = scheme.range.low, scheme.range.high
    for rule in _live(scheme):
        found = worlds(scheme, [rule.condition])
        if found is None:
            continue
        named = {n for c in parts(rule.condition) if isinstance(c, m.CategoryIn) for n in c.names}
        reach = None
        for w in found:
            if not rule.condition.holds(w):
                continue
            value = scheme.score.evaluate(w.cell, _weights(scheme, w.category, named), INTERVALS)
            for action in rule.actions:
                value = action.apply(value, INTERVALS, low, high)
                if value is EXCLUDED:
                    break
            if value is not EXCLUDED:
                value = Interval.of(value)
                reach = value if reach is None else reach.join(value)
        if reach is None:
            continue
        beyond = m.signed(reach.hi) if reach.hi > limits.hi else (
            m.signed(reach.lo) if reach.lo < limits.lo else None)
        if beyond is not None:
            yield warning("B405", f"rule `{rule.name}` can push a score to {beyond}, beyond "
                          f"every value the score expression gives ({m.signed(limits.lo)} to "
                          f"{m.signed(limits.hi)})", rule.span,
                          "add `clamp` after its actions if scores must stay in the range")


@scheme_check("exclusion", "B406")
def exclusion(scheme: m.Scheme):
    """An index on which no event can score, because a rule excludes them all."""
    live = [r for r in _live(scheme) if r.excludes()]
    for index in scheme.indices.values():
        for rule in live:
            found = worlds(scheme, [rule.condition], index=index.name)
            if found is not None and all(rule.condition.holds(w) for w in found):
                yield warning("B406", f"no event can score on `{index.name}`: rule "
                              f"`{rule.name}` excludes every score on it", rule.span)
                break


@scheme_check("weights", "B404")
def weights(scheme: m.Scheme):
    """Category weights that nothing reads."""
    if uses_weight(scheme.score):
        return
    for category in scheme.categories.values():
        if category.weight is not None:
            yield warning("B404", f"the weight of category `{category.name}` is never used: "
                          "the scheme's score does not read `weight`", category.span,
                          "remove the weight, or score by it: score direction * weight")


# --- catalogues ----------------------------------------------------------------------


@catalogue_check("order", "B501")
def order(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """Events out of date order within a relationship, in each file. An event
    scoring several indices is listed under the first it scores, and checked there."""
    latest: dict[tuple, m.Event] = {}
    for event in catalogue.events:
        home = (event.span.file, event.scores[0].index)
        before = latest.get(home)
        if before is not None and event.when.end < before.when.start:
            yield warning("B501", f"`{event.when.text}` is listed after `{before.when.text}` "
                          f"(line {before.span.line}) under {home[1]}", event.when.span,
                          "list events in date order, or ignore this if the source does so")
        if before is None or event.when.start > before.when.start:
            latest[home] = event


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


@catalogue_check("duplicates", "B502")
def duplicates(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """The same event twice in a file: the same date and the same text."""
    seen: dict[tuple, m.Event] = {}
    for event in catalogue.events:
        key = (event.span.file, _norm(event.when.text), _norm(event.text))
        first = seen.setdefault(key, event)
        if first is not event:
            yield warning("B502", f"this event is already listed at {first.span}", event.span,
                          "list an event once, with a score on every index it concerns")


def _entry_key(event: m.Event) -> tuple:
    return (_norm(event.when.text), _norm(event.text),
            tuple(sorted((s.index, s.value) for s in event.scores)))


@catalogue_check("files", "B506", "B507", errors=True)
def same_entries(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """Entries given in two files of one evaluation count twice: a warning for
    each, and an error where two files hold the same catalogue (the same
    entries, for periods that overlap)."""
    files = list(dict.fromkeys(e.span.file for e in catalogue.events))
    if len(files) < 2:
        return
    by_file: dict[str, dict[tuple, m.Event]] = {f: {} for f in files}
    for event in catalogue.events:
        by_file[event.span.file].setdefault(_entry_key(event), event)
    reported = set()
    for i, a in enumerate(files):
        for b in files[i + 1:]:
            shared = by_file[a].keys() & by_file[b].keys()
            if not shared:
                continue
            if shared == by_file[a].keys() == by_file[b].keys():
                first = by_file[b][next(iter(by_file[b]))]
                yield error("B507", f"{b} holds the same events as {a}: every figure would "
                            "count them twice", first.span, "name each catalogue once")
                reported |= {b}
                continue
            for key in shared:
                event = by_file[b][key]
                if b not in reported:
                    yield warning("B506", f"this event is also listed at "
                                  f"{by_file[a][key].span}: it counts twice", event.span,
                                  "list an event in one file only")


@catalogue_check("published", "B503", errors=True)
def published_totals(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """The totals a catalogue states against the ones computed under the scheme
    they were published for (the root of the `extends` chain; see
    docs/diagnostics.md), file by file. Not compared where some events could not
    be read."""
    for stated, under, totals in published or ():
        for line in stated:
            computed = totals.get(line.index)
            if computed is not None and computed != line.value:
                yield error("B503", f"the catalogue publishes {m.signed(line.value)} for "
                            f"{line.index}, but its events add up to {m.signed(computed)}"
                            + ("" if under == scheme.path else f" under {under}"),
                            line.span, "check the scores, or the published figure")


@catalogue_check("ongoing", "B504")
def ongoing(scheme: m.Scheme, catalogue: m.Catalogue, published):
    period = catalogue.period
    for event in catalogue.events:
        if event.ongoing and period.start <= event.when.start and event.when.end <= period.end:
            yield warning("B504", f"the event is marked `ongoing`, but `{event.when.text}` lies "
                          "within the period", event.when.span, "remove `ongoing`")


@catalogue_check("signs", "B505")
def signs(scheme: m.Scheme, catalogue: m.Catalogue, published):
    for event in catalogue.events:
        for score in event.scores:
            if not score.signed:
                yield warning("B505", f"the score of {score.index} is written without its sign",
                              score.span, f"write {score.index} {m.signed(score.value)}")
