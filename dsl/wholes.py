"""Which totals are surely whole numbers, index by index, and what can make the
others non-whole.

The score expression, the rules' actions and the derived indices' expressions
are computed in the `WHOLES` number domain (dsl/domains.py), by the nodes' own
code, on the checks' abstract entries (dsl/check_rules.py): for each index,
only the rules whose condition can hold on one of its entries are applied, in
order, as they would be. A rule `when index is us then multiply by 1.5` so makes
only `us` (and what reads it) possibly non-whole; a decimal weight reaches every
index its category can score on, unless a rule rounds it away.

Where the conditions are too many to reason about together, each rule that can
hold on the index may or may not apply: less precise, still sound (a total this
calls whole is whole: a property test holds it to exact evaluation).
"""

from __future__ import annotations

from . import model as m
from .check_rules import _checkable_rule, _sound, worlds
from .domains import HERE, NOT_WHOLE, WHOLE, WHOLES, Whole
from .nodes import EXCLUDED, subexpressions
from .resolve import MAX_DEPTH, depth, derived_order

# Abstract entries times rules the joint reasoning tries at most, per index.
BUDGET = 50_000


def non_whole(scheme: m.Scheme) -> dict[str, tuple]:
    """Each index's causes of a non-whole total, `(what, span)` in the order
    written (none: its totals are whole). Worked out once per scheme."""
    found = _DONE.get(id(scheme))
    if found is None or found[0] is not scheme:
        _DONE.clear()
        found = _DONE[id(scheme)] = (scheme, _Analysis(scheme).run())
    return found[1]


def whole(scheme: m.Scheme, index: str) -> bool:
    """Whether every total of `index` the scheme can produce is a whole number."""
    return not non_whole(scheme).get(index)


_DONE: dict = {}


def _named(value, cause):
    """`value` with the numbers of the expression just computed (HERE) named."""
    if value is EXCLUDED or HERE not in value.causes:
        return value
    return Whole((value.causes - {HERE}) | {cause})


class _Analysis:
    def __init__(self, scheme: m.Scheme):
        self.scheme = scheme
        self.low, self.high = scheme.range.low, scheme.range.high
        self.weights = {c.name: (WHOLE if c.weight is None or Whole.of(c.weight).whole else
                                 Whole(frozenset({(f"the weight {m.plain(c.weight)} of category "
                                                   f"`{c.name}`", c.span)})))
                        for c in scheme.categories.values()}
        self.any_weight = WHOLE
        for w in self.weights.values():
            self.any_weight = self.any_weight.join(w)
        self.reads_weight = reads_weight(scheme)
        # an expression too deep (B109) or with words that cannot stand there (B113)
        # has its own error, and is not computed
        self.score_sound = _sound(scheme.score, m.Selection)
        self.score_cause = (f"the score expression `{_short(scheme.score)}`", scheme.score.span
                            ) if self.score_sound else None
        self.rules = [r for r in scheme.rules if all(
            _sound(a.value, m.Selection) for a in r.actions
            if a.kind in ("set", "add", "multiply"))]
        self.checkable = {id(r) for r in self.rules if depth(r.condition) <= MAX_DEPTH
                          and _checkable_rule(scheme, r)}
        self.sound = _sound

    def values(self, name: str):
        """A number attribute's value: a built-in counts days; a declared one may be
        written with decimals."""
        reading = self.scheme.scores_of.get(name)
        if reading is not None:  # a recorded score is whole; its default may not be
            return WHOLE if Whole.of(reading.default).whole else Whole(frozenset({(
                f"the default {m.plain(reading.default)} of `{name}`", reading.default_span)}))
        attribute = self.scheme.attributes.get(name)
        if attribute is None or not attribute.numeric:
            return WHOLE
        if attribute.low is not None and attribute.low == attribute.high:
            return Whole.of(attribute.low)
        return Whole(frozenset({(f"the number attribute `{name}`, which an event may give "
                                 "with decimals", attribute.span)}))

    def base(self, weight) -> Whole:
        if not self.score_sound:
            return WHOLE
        value = self.scheme.score.evaluate(WHOLE, weight, WHOLES, None, self.values)
        return _named(Whole.of(value), self.score_cause)

    def apply(self, rule: m.Rule, value, weight):
        """The value after the rule's actions, its own numbers named as the rule."""
        for action in rule.actions:
            value = action.apply(value, WHOLES, self.low, self.high, WHOLE, weight, self.values)
            if value is EXCLUDED:
                return EXCLUDED
            value = Whole.of(value)
            if HERE in value.causes:
                value = _named(value, (f"rule `{rule.name}` ({action.text()})", action.span))
        return value

    def inert(self, rule: m.Rule) -> bool:
        """Whether the rule leaves every value's wholeness as it was (`add 1`)."""
        marker = Whole(frozenset({"before"}))
        return (self.apply(rule, WHOLE, self.any_weight) == WHOLE
                and self.apply(rule, marker, self.any_weight) == marker)

    def run(self) -> dict[str, tuple]:
        scheme = self.scheme
        relevant = [r for r in self.rules if not self.inert(r)]
        if self.base(self.any_weight).whole and not any(
                self.apply(r, WHOLE, self.any_weight) not in (WHOLE, EXCLUDED)
                for r in relevant):
            relevant = []  # nothing makes a score non-whole: no rule needs reasoning about
        out: dict[str, Whole] = {}
        for name, index in scheme.indices.items():
            if not index.derived:
                out[name] = self.index(name, relevant)
        figures = _Figures(out)
        for name in derived_order(scheme):
            formula = scheme.indices[name].formula
            if not self.sound(formula, m.Recorded, m.Direction, m.Weight, m.Current):
                out[name] = WHOLE
                continue
            try:
                value = Whole.of(formula.figure(figures, WHOLES))
            except (AttributeError, TypeError, IndexError):
                # a formula the resolver calls wrong (`previous(russia + 1)`) is not computed
                out[name] = WHOLE
                continue
            if HERE in value.causes:
                value = _named(value, (f"the expression of derived index `{name}` "
                                       f"(`{_short(formula)}`)", formula.span))
            out[name] = value
        return {name: tuple(sorted(value.causes, key=_order))
                for name, value in out.items() if not value.whole}

    def index(self, name: str, relevant: list) -> Whole:
        """What the scores of entries on `name` can be."""
        scheme = self.scheme
        if not relevant:
            return self.base(self.any_weight)
        found = None
        if all(id(r) in self.checkable for r in relevant):
            conditions = [r.condition for r in relevant]
            decimal = tuple(c for c, w in self.weights.items() if not w.whole)
            if decimal and self.reads_weight:  # tell apart each category whose weight is not whole
                conditions.append(m.CategoryIn(decimal, scheme.score.span))
            found = worlds(scheme, conditions, index=name)
        if found is None or len(found) * len(relevant) > BUDGET:
            return self.loosely(name, relevant)
        total = WHOLE
        for w in found:
            weight = self.weights.get(w.category, WHOLE)
            value = self.base(weight)
            for rule in relevant:
                if rule.condition.holds(w):
                    value = self.apply(rule, value, weight)
                    if value is EXCLUDED:
                        break
            if value is not EXCLUDED:
                total = total.join(value)
        return total

    def loosely(self, name: str, relevant: list) -> Whole:
        """Each rule that can hold on the index applied or not, every weight at once."""
        value = self.base(self.any_weight)
        for rule in relevant:
            after = self.apply(rule, value, self.any_weight)
            if after is EXCLUDED or after.causes <= value.causes:
                continue  # applied or not, nothing new
            if id(rule) in self.checkable:
                found = worlds(self.scheme, [rule.condition], index=name)
                if found is not None and not any(rule.condition.holds(w) for w in found):
                    continue
            value = value.join(after)
        return value


def _order(cause):
    what, span = cause
    return (span.file, span.line, span.column, what) if span is not None else ("", 0, 0, what)


def _short(expr) -> str:
    text = expr.text()
    return text if len(text) <= 40 else text[:37] + "..."


class _Figures:
    """What a derived index's expression may ask, as wholeness: another index's
    total, its entries' scores (their sum as whole as the total; a mean not), a
    count (whole)."""

    def __init__(self, out: dict):
        self.out = out

    def aggregate(self, name: str, d):
        return self._of(name)

    def previous(self, name: str, n: int, d, span):
        return self._of(name)

    def entries(self, function: str, name: str, condition, d, span):
        if function in ("events", "count"):
            return WHOLE
        scores = self._of(name)
        return scores.join(NOT_WHOLE) if function == "mean" else scores

    def _of(self, name: str) -> Whole:
        """An index's causes, each saying the index it acts on (once)."""
        value = self.out.get(name, WHOLE)
        if value.whole:
            return value
        return Whole(frozenset(c if " in `" in c[0] else (f"{c[0]} in `{name}`", c[1])
                               for c in value.causes))


def reads_weight(scheme: m.Scheme) -> bool:
    """Whether the score expression or an action reads the category's weight."""
    exprs = [scheme.score] + [a.value for r in scheme.rules for a in r.actions
                              if a.kind in ("set", "add", "multiply")]
    return any(isinstance(e, m.Weight) for x in exprs for e in subexpressions(x))
