"""An entry's number: the scheme's score expression, then the matched rules'
actions in order, each step recorded so that `explain` reads what happened."""

from __future__ import annotations

from ..dsl.node import Node, node

from ..dsl import model as m

from .match import Entry


@node
class Step(Node):
    rule: m.Rule
    action: m.Action
    before: m.Number
    after: m.Number | None  # None: the event was excluded


@node
class Scored(Node):
    entry: Entry
    base: m.Number  # from the score expression
    steps: tuple[Step, ...]
    score: m.Number | None  # None: excluded, counts nowhere


def value_of(expr, recorded: int, weight: m.Number | None) -> m.Number:
    kind = type(expr)
    if kind is m.Recorded:
        return recorded
    if kind is m.Direction:
        return (recorded > 0) - (recorded < 0)
    if kind is m.Weight:
        return weight
    if kind is m.Constant:
        return expr.value
    if kind is m.Negate:
        return -value_of(expr.operand, recorded, weight)
    left = value_of(expr.left, recorded, weight)
    right = value_of(expr.right, recorded, weight)
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    return left * right


def score_entry(scheme: m.Scheme, entry: Entry, weights: dict[str, m.Number] | None = None
                ) -> Scored:
    """`weights` overrides category weights by name (for what-if analyses)."""
    category = entry.event.category
    weight = None
    if category is not None:
        weight = (weights or {}).get(category.name, scheme.categories[category.name].weight)
    base = value = value_of(scheme.score, entry.recorded, weight)
    steps = []
    for rule in entry.rules:
        for action in rule.actions:
            before = value
            kind = action.kind
            if kind == "set":
                value = action.value
            elif kind == "add":
                value = value + action.value
            elif kind == "multiply":
                value = value * action.value
            elif kind == "clamp":
                value = min(max(value, scheme.range.low), scheme.range.high)
            elif kind == "exclude":
                steps.append(Step(rule, action, before, None))
                return Scored(entry, base, tuple(steps), None)
            steps.append(Step(rule, action, before, value))
    return Scored(entry, base, tuple(steps), value)
