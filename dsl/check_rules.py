"""Check stages over rules (B401-B406): they reason over abstract entries, what a
condition can see (index, category, recorded score) and, for tags, texts and
dates, free yes/no facts. Conditions are tested by their own `holds`
(dsl/nodes.py), on these entries as on real ones. Treating tags, texts and
dates as independent can only make a condition look satisfiable when it is not,
never the reverse: a finding such as "never holds" is always true."""

from __future__ import annotations

import bisect
import itertools
import math
from fractions import Fraction

from . import model as m
from .diagnostics import error, warning
from .domains import EVERYTHING, INTERVALS, Interval
from .node import Node, node
from .nodes import EXCLUDED, Answers, compare, expression_depth, parts, subexpressions
from .resolve import MAX_DEPTH, depth, weighs


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
class AbstractEntry(Answers, Node):
    """An entry as the checks imagine it: `recorded` stands for every recorded
    score in `cell` (no condition tells them apart)."""

    index: str
    category: str | None
    recorded: object
    cell: Interval
    facts: frozenset
    values: tuple = ()  # (attribute, the value it stands for here), for those conditions ask

    def value_in(self, name, names):
        return dict(self.values).get(name) in names

    def value_compares(self, name, op, value):
        found = dict(self.values).get(name)
        return found is not None and compare(op, found, value)

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
MAX_WORLDS = 20_000


def domain(scheme: m.Scheme, name: str) -> Interval:
    """Every value a number attribute can take (the built-ins `age` from 0,
    `days` from 1)."""
    reading = scheme.scores_of.get(name)
    if reading is not None:  # a score of the range, or the default where there is none
        return Interval(min(scheme.range.low, reading.default),
                        max(scheme.range.high, reading.default))
    attribute = scheme.attributes.get(name)
    if attribute is None:  # days_in_month(k) from 0, the calendar's others and ranks from 1
        return Interval(0 if name == "age" or name.startswith("days_in_month") else 1,
                        math.inf)
    return Interval(-math.inf if attribute.low is None else attribute.low,
                    math.inf if attribute.high is None else attribute.high)


def _attribute_options(scheme: m.Scheme, conditions) -> list[tuple[str, list]] | None:
    """For each attribute the conditions ask, values that stand for all it can take:
    a choice attribute's named values and one it does not name; a number's
    thresholds, a value between each two, and one beyond each end, in its domain."""
    named: dict[str, set] = {}
    for condition in conditions:
        for c in parts(condition):
            if isinstance(c, m.ValueIn):
                named.setdefault(c.name, set()).update(c.names)
            elif isinstance(c, m.ValueCompare):
                named.setdefault(c.name, set()).add(c.value)
    options = []
    for name, values in named.items():
        attribute = scheme.attributes.get(name)
        if attribute is not None and not attribute.numeric:
            chosen = sorted(values & set(attribute.choices))
            chosen += [c for c in attribute.choices if c not in values][:1]
        elif attribute is None and name not in m.BUILTIN_ATTRIBUTES and name not in scheme.ranks \
                and name not in scheme.scores_of:
            return None  # an unknown name has its own error
        else:
            if any(not isinstance(v, (int, Fraction)) for v in values):
                return None
            whole = domain(scheme, name)
            cuts = sorted(values)
            points = set(cuts) | {cuts[0] - 1, cuts[-1] + 1}
            points |= {Fraction(a + b, 2) for a, b in zip(cuts, cuts[1:])}
            points |= {b for b in (whole.lo, whole.hi) if b not in (float("inf"), -float("inf"))}
            chosen = sorted(p for p in points if whole.lo <= p <= whole.hi)
        options.append((name, chosen))
    return options


def _cells(scheme: m.Scheme, conditions) -> list[Interval]:
    """The recorded range cut where a condition's comparison of `recorded` can
    change: as many cells as thresholds, however wide the range."""
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
    options = _attribute_options(scheme, conditions)
    if options is None:
        return None
    value_sets = [tuple(zip([n for n, _ in options], chosen))
                  for chosen in itertools.product(*[values for _, values in options])]
    other = [i for i in scheme.indices if i not in indices][:1]
    index_values = [index] if index else sorted(indices & set(scheme.indices)) + other
    other = [c for c in scheme.categories if c not in categories][:1]
    category_values = sorted(categories & set(scheme.categories)) + other + [None]
    facts = sorted(facts, key=repr)
    fact_sets = [frozenset(f for f, on in zip(facts, bits) if on)
                 for bits in itertools.product((False, True), repeat=len(facts))]
    cells = _cells(scheme, conditions)
    if (len(index_values) * len(category_values) * len(cells) * len(fact_sets)
            * len(value_sets)) > MAX_WORLDS:
        return None
    return [AbstractEntry(i, c, cell.lo, cell, f, v) for i in index_values
            for c in category_values for cell in cells for f in fact_sets for v in value_sets]


def _checkable(scheme: m.Scheme) -> list[m.Rule]:
    """Rules the stages can reason about: not too deep, every name declared (a
    rule with an unknown name has its own error already)."""
    return [r for r in scheme.rules if depth(r.condition) <= MAX_DEPTH
            and _checkable_rule(scheme, r)]


def _checkable_rule(scheme: m.Scheme, rule: m.Rule) -> bool:
    """Whether every name the rule's condition uses is declared, as its kind."""
    for c in parts(rule.condition):
        if isinstance(c, m.Compare):  # a computed comparison: B113 says so
            return False
        if isinstance(c, m.IndexIn) and not set(c.names) <= scheme.indices.keys():
            return False
        if isinstance(c, m.CategoryIn) and not set(c.names) <= scheme.categories.keys():
            return False
        if isinstance(c, m.Tagged) and c.tag not in scheme.tags:
            return False
        if isinstance(c, m.ValueIn):
            a = scheme.attributes.get(c.name)
            if a is None or a.numeric or not set(c.names) <= set(a.choices):
                return False
        if isinstance(c, m.ValueCompare):
            a = scheme.attributes.get(c.name)
            if (a is None and c.name not in m.BUILTIN_ATTRIBUTES and c.name not in scheme.ranks
                    and c.name not in scheme.scores_of) or (a and not a.numeric):
                return False
    return True


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


def conditions(scheme: m.Scheme):
    """A rule whose condition no event can meet; a selection (`sum(x where C)`)
    that no event of its index can meet."""
    for rule in _checkable(scheme):
        if not _holds_somewhere(scheme, rule):
            yield warning("B401", f"the condition of rule `{rule.name}` can never hold",
                          rule.span, "look for two things it asks for at once that exclude "
                          "each other, e.g. `index is a and index is b`")
    for index in scheme.indices.values():
        if index.formula is None or expression_depth(index.formula) > MAX_DEPTH:
            continue
        for e in subexpressions(index.formula):
            if not isinstance(e, m.Selection) or e.index not in scheme.indices:
                continue
            probe = m.Rule("where", "", e.condition, (), e.span)
            if depth(e.condition) > MAX_DEPTH or not _checkable_rule(scheme, probe):
                continue
            found = worlds(scheme, [e.condition], index=e.index)
            if found is not None and not any(e.condition.holds(w) for w in found):
                yield warning("B401", f"`{e.text()}` selects nothing: no event of `{e.index}` "
                              "can meet the condition", e.span,
                              f"the selection is always empty, so it counts as 0 in "
                              f"`{index.name}`")


# Pairs of rules the shadowing stage compares at most: it costs what the file's
# size does, whatever the file; past this, later rules go unexamined (B402 is a
# warning that may be missed, never one that is wrong).
MAX_PAIRS = 20_000


def _facts_of(condition) -> set:
    return {f for c in parts(condition) if (f := _fact(c)) is not None}


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
    return Interval.of(scheme.score.evaluate(recorded, _weights(scheme, None, set()), INTERVALS,
                                             None, lambda name: domain(scheme, name)))


def ranges(scheme: m.Scheme):
    """A rule that can push a score beyond every value the score expression gives.
    The range bounds the recorded scores; the expression's own values (a weighted
    score may well exceed the range) are its scale; only a rule that goes past
    that scale, on the entries its condition lets through, is reported."""
    if not _sound(scheme.score, m.Reference, m.Selection, m.Current):
        return  # B109 or B113 says what is wrong; the expression is not evaluated
    limits = scale(scheme)
    low, high = scheme.range.low, scheme.range.high
    live = _live(scheme)

    def values(name):  # a number attribute's: its whole domain, whatever the world
        return domain(scheme, name)

    clamping = [n for n, r in enumerate(live) if r.actions[-1].kind == "clamp"]
    for n, rule in enumerate(live):
        if any(a.kind == "beyond" for a in rule.actions):
            continue  # `beyond range`: the rule says it means it
        first = bisect.bisect_right(clamping, n)
        later = [live[k] for k in clamping[first:first + MAX_LATER + 1]]
        if _clamped_later(scheme, rule, later, limits):
            continue
        found = worlds(scheme, [rule.condition])
        if found is None or not all(_sound(a.value, m.Reference, m.Selection)
                                    for a in rule.actions if a.kind in ("set", "add", "multiply")):
            continue
        named = {n for c in parts(rule.condition) if isinstance(c, m.CategoryIn) for n in c.names}
        reach = None
        for w in found:
            if not rule.condition.holds(w):
                continue
            weight = _weights(scheme, w.category, named)
            value = scheme.score.evaluate(w.cell, weight, INTERVALS, None, values)
            for action in rule.actions:
                value = action.apply(value, INTERVALS, low, high, w.cell, weight, values)
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
                          "add `clamp` after its actions if scores must stay in the range, or "
                          "`beyond range` if they are meant to go past it")


# Later clamping rules `ranges` tries per rule at most: past them, the rule is not
# reported (B405 may be missed, never said wrongly), and the stage costs what the
# file's size does.
MAX_LATER = 8


def _clamped_later(scheme: m.Scheme, rule: m.Rule, later: list, limits: Interval) -> bool:
    """Whether a later rule brings every score this one touches back within the
    scale: its last action a clamp inside the limits, its condition holding
    wherever this rule's does (True too where there are more such rules than
    MAX_LATER to try)."""
    tried = 0
    for other in later:
        last = other.actions[-1]
        if last.kind != "clamp":
            continue
        bounds = last.value or (scheme.range.low, scheme.range.high)
        if not (limits.lo <= bounds[0] and bounds[1] <= limits.hi):
            continue
        tried += 1
        if tried > MAX_LATER:
            return True  # not found in time: say nothing rather than something wrong
        found = worlds(scheme, [rule.condition, other.condition])
        if found is not None and all(other.condition.holds(w) for w in found
                                     if rule.condition.holds(w)):
            return True
    return False


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


def weights(scheme: m.Scheme):
    """Category weights that nothing reads."""
    if weighs(scheme):
        return
    for category in scheme.categories.values():
        if category.weight is not None:
            yield warning("B404", f"the weight of category `{category.name}` is never used: "
                          "the scheme's score does not read `weight`", category.span,
                          "remove the weight, or score by it: score direction * weight")


def _sound(expr, *foreign) -> bool:
    """Whether an expression can be evaluated: not too deep (B109), and without words
    that cannot stand there (B113), which the resolver reports."""
    if expression_depth(expr) > MAX_DEPTH:
        return False
    return not any(isinstance(e, foreign) or (
        isinstance(e, m.Call) and e.over_index() and m.Reference in foreign) or (
        isinstance(e, (m.Across, m.Grouping)) and m.Recorded not in foreign)  # not in a score
        for e in subexpressions(expr))


class _IntervalFigures:
    """What a derived index's expression may ask, as the checks know it before any
    catalogue: only the signs that always hold (positive points are never below 0)."""

    indices: dict = {}  # the scheme's: a name that is no index is the calendar's

    def aggregate(self, name: str, d):
        if name in m.PERIOD_NAMES and name not in self.indices:
            return Interval(1, math.inf)  # a period has a day and a month at least
        return EVERYTHING

    def previous(self, name: str, n: int, d, span):
        return EVERYTHING

    def groups(self, name: str, condition, fields, d, span):
        return None  # how many groups, with what sums: any

    def entries(self, function: str, name: str, condition, d, span):
        if function == "positive":
            return Interval(0, math.inf)
        if function == "negative":
            return Interval(-math.inf, 0)
        if function in ("events", "count"):
            return Interval(0, math.inf)
        return EVERYTHING


def divisions(scheme: m.Scheme):
    """A derived index that can divide by zero, on some catalogue (B408); on the
    catalogue at hand, a division by zero is an error (B208)."""
    figures = _IntervalFigures()
    figures.indices = scheme.indices
    for index in scheme.indices.values():
        if index.formula is None or not _sound(index.formula, m.Recorded, m.Direction,
                                                   m.Weight, m.Current):
            continue
        for e in subexpressions(index.formula):
            if isinstance(e, m.Binary) and e.op == "/":
                divisor = Interval.of(e.right.figure(figures, INTERVALS))
                if divisor.lo == divisor.hi == 0:
                    which = "" if e.right.text() == "0" else ", which is 0 whatever the catalogue"
                    yield error("B208", f"`{index.name}` divides by {e.right.text()}{which}: its "
                                "figure can never be computed", e.right.span,
                                "divide by something else, or not at all")
                elif divisor.lo <= 0 <= divisor.hi:
                    yield warning("B408", f"`{index.name}` divides by {e.right.text()}, which "
                                  "can be 0 (for a period without the events it counts)",
                                  e.right.span, f"guard it, e.g. max({e.right.text()}, 1), if "
                                  "such a period can come")
