"""Several schemes on one catalogue: values side by side, colour and ranking
changes, and every event whose score differs, with the steps that made it.

Each scheme's evaluation is the ordinary one; the comparison only lines up
their records, entry by entry (event number and index).
"""

from __future__ import annotations

from ..dsl.node import Node, node

from ..dsl import model as m
from ..dsl.resolve import uses_weight
from .plan import Evaluation, Scored
from .records import Tabular, bounded, number, short


@node
class IndexComparison(Node):
    name: str
    title: str
    values: tuple  # per scheme; None where a scheme lacks the index
    colours: tuple

    def differences(self) -> tuple:
        """Each scheme's value minus the first scheme's."""
        first = self.values[0]
        return tuple(None if v is None or first is None else v - first for v in self.values)


@node
class EventDifference(Node):
    event: m.Event
    index: str
    scores: tuple  # per scheme: the score, or None if excluded or not scored
    how: tuple[str, ...]  # per scheme: how the score came about


@node
class Comparison(Tabular, Node):
    evaluations: tuple[Evaluation, ...]
    indices: tuple[IndexComparison, ...]
    rankings: dict  # group name -> per scheme, the indices from highest to lowest
    events: tuple[EventDifference, ...]

    @property
    def schemes(self) -> tuple[m.Scheme, ...]:
        return tuple(e.scheme for e in self.evaluations)

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        n = len(self.evaluations)
        title = short(self.evaluations[0].catalogue.period.title) if n else ""
        changed = sum(1 for i in self.indices if len(set(i.colours)) > 1)
        tail = (f"; {len(self.indices)} indices, {changed} with a colour changed, "
                f"{len(self.events)} event scores differ>")
        return bounded(f"<Comparison of {n} schemes on {title!r}: ",
                       [f"{chr(65 + k)} {short(s.name, 40)!r}" for k, s in
                        enumerate(self.schemes)], tail, sep=", ")

    columns = ("index", "name", "scheme", "file", "value", "colour", "difference")

    def to_records(self) -> list[dict]:
        """One record per index and scheme, index by index, schemes in the order
        given; `difference` is the value minus the first scheme's."""
        return [{"index": i.name, "name": i.title, "scheme": s.name, "file": s.path,
                 "value": number(v), "colour": colour, "difference": number(d)}
                for i in self.indices
                for s, v, colour, d in zip(self.schemes, i.values, i.colours, i.differences())]

    def _html_table(self):
        letters = [chr(65 + k) for k in range(len(self.evaluations))]
        headings = (["Index"] + [f"{a}: {s.name}" for a, s in zip(letters, self.schemes)]
                    + [f"{a}-A" for a in letters[1:]])
        rows = []
        for i in self.indices:
            row = [i.title]
            row += ["-" if v is None else m.signed(v) + (f" {c}" if c else "")
                    for v, c in zip(i.values, i.colours)]
            row += ["" if d is None else m.signed(d) if d else "0"
                    for d in i.differences()[1:]]
            rows.append(row)
        return repr(self).strip("<>"), headings, rows, set(range(1, len(headings)))


def ranking(evaluation: Evaluation, members) -> tuple[str, ...]:
    """Highest aggregate first; equal aggregates keep the group's order."""
    present = [n for n in members if n in evaluation.indices
               and evaluation.indices[n].aggregate is not None]  # no figure: not ranked
    return tuple(sorted(present, key=lambda n: -evaluation.indices[n].aggregate))


def describe(s: Scored, scheme: m.Scheme) -> str:
    """How one entry's score came about, in a line."""
    parts = [f"recorded {m.signed(s.entry.recorded)}"]
    expression = scheme.score.text()
    if expression != "recorded":
        category = s.entry.event.category
        weight = ""
        if uses_weight(scheme.score) and category is not None:  # a node, not a word
            weight = f", {category.name} weight {m.plain(scheme.categories[category.name].weight)}"
        parts.append(f"{expression}{weight} = {m.signed(s.base)}")
    for step in s.steps:
        after = "excluded" if step.after is None else m.signed(step.after)
        parts.append(f"rule {step.rule.name} ({step.rule.span.file}:{step.rule.span.line}): "
                     f"{step.action.describe()} = {after}")
    return "; ".join(parts)


def compare(evaluations: list[Evaluation]) -> Comparison:
    names: list[str] = []
    for ev in evaluations:
        names += [n for n in ev.indices if n not in names]
    indices = []
    for name in names:
        results = [ev.indices.get(name) for ev in evaluations]
        title = next(r.index.title for r in results if r is not None)
        indices.append(IndexComparison(
            name, title,
            tuple(r.aggregate if r else None for r in results),
            tuple(r.colour if r else None for r in results)))
    rankings = {}
    for group in evaluations[0].scheme.groups.values():
        rankings[group.name] = tuple(ranking(ev, group.indices) for ev in evaluations)
    by_entry = [{(s.entry.event.number, s.entry.index): s for s in ev.scored}
                for ev in evaluations]
    keys = list(dict.fromkeys(k for table in by_entry for k in table))
    events = []
    for key in keys:
        found = [table.get(key) for table in by_entry]
        scores = tuple(s.score if s is not None else None for s in found)
        if len(set(scores)) > 1:
            some = next(s for s in found if s is not None)
            events.append(EventDifference(
                some.entry.event, key[1], scores,
                tuple(describe(s, ev.scheme) if s is not None else "not scored"
                      for s, ev in zip(found, evaluations))))
    events.sort(key=lambda d: (names.index(d.index) if d.index in names else len(names),
                               d.event.when.start, d.event.number))
    return Comparison(tuple(evaluations), tuple(indices), rankings, tuple(events))
