"""Which rules apply to which entry, decided once.

An entry is one event's score on one index. Rule conditions look only at what
the catalogue records (index, category, tags, dates, text, recorded score), never
at a computed score, so matching does not depend on weights: any number of
alternative weightings can be scored from one matching.
"""

from __future__ import annotations

from ..dsl.node import Node, node

from ..dsl import model as m


@node
class Entry(Node):
    event: m.Event
    index: str
    recorded: int
    rules: tuple[m.Rule, ...]  # the rules whose condition holds, in scheme order


def match(scheme: m.Scheme, catalogue: m.Catalogue) -> list[Entry]:
    entries = []
    for event in catalogue.events:
        for score in event.scores:
            rules = tuple(r for r in scheme.rules if holds(r.condition, event, score))
            entries.append(Entry(event, score.index, score.value, rules))
    return entries


_COMPARE = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def holds(c, event: m.Event, score: m.Score) -> bool:
    """Whether condition `c` holds for `event`'s score on one index."""
    kind = type(c)
    if kind is m.IndexIn:
        return score.index in c.names
    if kind is m.CategoryIn:
        return event.category is not None and event.category.name in c.names
    if kind is m.Tagged:
        return event.has_tag(c.tag)
    if kind is m.AllOf:
        return all(holds(o, event, score) for o in c.operands)
    if kind is m.AnyOf:
        return any(holds(o, event, score) for o in c.operands)
    if kind is m.Not:
        return not holds(c.operand, event, score)
    if kind is m.Always:
        return True
    if kind is m.TextContains:
        return c.text.casefold() in event.text.casefold()
    if kind is m.DateBefore:
        return event.when.end < c.date
    if kind is m.DateAfter:
        return event.when.start > c.date
    if kind is m.DateWithin:
        return c.start <= event.when.start and event.when.end <= c.end
    if kind is m.RecordedCompare:
        return _COMPARE[c.op](score.value, c.value)
    raise TypeError(f"unknown condition {kind.__name__}")
