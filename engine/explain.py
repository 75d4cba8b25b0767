"""Why an index is what it is, read off the evaluation's own record.

Nothing is computed again here: each line is a `Scored` entry that `evaluate`
produced (with the rules that fired and the score before and after each), put
in date order with a running total. The last part says how far the aggregate
is from the nearest band boundary on either side.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..dsl.domains import EXACT, FigureProblem

from ..dsl.node import Node, node

from ..dsl import model as m
from ..dsl.nodes import subexpressions
from ..dsl.wholes import whole
from .plan import EntryView, Evaluation, Figures, IndexResult, Scored, _asks
from .records import Tabular, bounded, number, short


@node
class Line(Node):
    scored: Scored
    running: m.Number  # the index's total after this event


@node
class Boundary(Node):
    """The nearest value, up or down, at which the colour changes."""

    points: m.Number  # how far from the aggregate
    at: m.Number  # the value where it changes
    colour: str | None  # the colour there (None: no band)


LINE_COLUMNS = ("index", "event", "date", "start", "end", "text", "category", "recorded",
                "base", "score", "total", "rules", "values")


def _near(b: Boundary) -> str:
    return (f"{m.plain(b.points)} point{'' if b.points == 1 else 's'} from "
            f"{short(b.colour or 'no colour', 20)} (at {m.signed(b.at)})")


@node
class IndexExplanation(Tabular, Node):
    result: IndexResult
    lines: tuple[Line, ...]
    up: Boundary | None
    down: Boundary | None
    inputs: tuple = ()  # a derived index: (what its expression reads, its value)
    attributes: tuple = ()  # the attributes the scheme declares or reads (age, days)
    picked: tuple = ()  # a derived index: (a selection `x where C`, the events it took)

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        r = self.result
        colour = f", {short(r.colour, 20)}" if r.colour else ""
        near = "".join(f"; {_near(b)}" for b in (self.up, self.down) if b is not None)
        return (f"<IndexExplanation {short(r.index.name, 40)} {short(r.index.title)!r}: "
                f"{m.signed(r.aggregate)}{colour}; {m.counted(len(self.lines), 'line')}{near}>")

    columns = LINE_COLUMNS

    def to_records(self) -> list[dict]:
        """One record per line, in date order: the event, its score (None where a
        rule excluded it), the running total and the rules that changed it."""
        out = []
        for line in self.lines:
            s = line.scored
            event = s.entry.event
            out.append({"index": s.entry.index, "event": event.number, "date": event.when.text,
                        "start": event.when.start, "end": event.when.end, "text": event.text,
                        "category": event.category.name if event.category else None,
                        "recorded": s.entry.recorded, "base": number(s.base),
                        "score": number(s.score), "total": number(line.running),
                        "rules": [step.rule.name for step in s.steps],
                        "values": {v.name: number(v.value) if not isinstance(v.value, str)
                                   else v.value for v in event.values}})
        return out


class Explanations(Tabular, list):
    """What `explain` returns: a list of IndexExplanation, one per index, whose
    records are every line of every index."""

    __slots__ = ()
    columns = LINE_COLUMNS

    def __repr__(self):
        return bounded(f"<Explanations of {len(self)} {'index' if len(self) == 1 else 'indices'}"
                       f": ", [f"{short(x.result.index.name, 30)} {m.signed(x.result.aggregate)} "
                               f"({m.counted(len(x.lines), 'line')})" for x in self])

    def to_records(self) -> list[dict]:
        return [record for x in self for record in x.to_records()]


def _date_order(s: Scored):
    event = s.entry.event
    return (event.when.start, event.when.end, event.number)


def pick_events(evaluation: Evaluation, event: str | None) -> set[int] | None:
    """The numbers of the events `--event` names: `12` or `#12`, or text they contain."""
    if event is None:
        return None
    key = event.strip().lstrip("#")
    if key.isdigit():
        return {int(key)}
    wanted = event.casefold()
    return {e.number for e in evaluation.catalogue.events if wanted in e.text.casefold()}


def explain(evaluation: Evaluation, index: str | None = None,
            event: str | None = None) -> Explanations:
    names = [index] if index is not None else list(evaluation.indices)
    chosen = pick_events(evaluation, event)
    attributes = attributes_read(evaluation)
    out = []
    for name in names:
        result = evaluation.indices[name]
        entries = sorted((s for s in evaluation.scored if s.entry.index == name), key=_date_order)
        lines, total = [], 0
        for s in entries:
            if s.score is not None:
                total += s.score
            if chosen is None or s.entry.event.number in chosen:
                lines.append(Line(s, total))
        bands = evaluation.scheme.bands.get(name)
        up = down = None
        derived = result.index.derived
        if bands is not None and (result.events or derived) and result.aggregate is not None:
            whole_totals = whole(evaluation.scheme, name)
            up = nearest_change(bands, result.aggregate, +1, whole_totals)
            down = nearest_change(bands, result.aggregate, -1, whole_totals)
        try:
            inputs = _inputs(evaluation, result.index.formula) if derived else ()
        except FigureProblem:  # an index without a figure: what it read, as far as it goes
            inputs = ()
        picked = _picked(evaluation, result.index.formula) if derived else ()
        out.append(IndexExplanation(result, tuple(lines), up, down, inputs, attributes, picked))
    return Explanations(out)


def attributes_read(evaluation: Evaluation) -> tuple[str, ...]:
    """The attributes an event's score may depend on: those the scheme declares,
    and the built-ins (age, days) its score, actions or conditions read."""
    scheme = evaluation.scheme
    asked = _asks(scheme.rules)
    return tuple(dict.fromkeys(list(scheme.attributes) + list(evaluation.plan.reads)
                               + list(asked[3] if asked else ())))


def _picked(evaluation: Evaluation, formula) -> tuple:
    """Each selection a derived index's expression reads (`us where category is
    statements`), with the events it took (their numbers, in catalogue order)."""
    found: dict[str, list] = {}
    for e in subexpressions(formula):
        if not isinstance(e, m.Selection) or e.text() in found:
            continue
        taken = found[e.text()] = []
        for s in evaluation.scored:
            entry = s.entry
            if s.score is None or entry.index != e.index:
                continue
            view = EntryView(entry.event, entry.end)
            view.index, view.recorded = entry.index, entry.recorded
            if e.condition.holds(view) and entry.event.number not in taken:
                taken.append(entry.event.number)
    return tuple((k, tuple(v)) for k, v in found.items())


def _inputs(evaluation: Evaluation, formula) -> tuple:
    """What a derived index's expression reads (indices, and functions of their
    entries), each with its value, in the order written."""
    plan = evaluation.plan
    figures = Figures(evaluation.indices, evaluation.entries, plan.scores(evaluation.entries),
                      evaluation.history, period=evaluation.catalogue.period)
    found: dict[str, object] = {}
    inside = set()  # the index a function of its entries names is not read as a figure
    for e in subexpressions(formula):
        if isinstance(e, m.Call) and (e.over_index() or e.function == "previous" or (
                e.arguments and isinstance(e.arguments[0], (m.Across, m.Grouping)))):
            inside.add(id(e.arguments[0]))
            found.setdefault(e.text(), e.figure(figures, EXACT))
        elif isinstance(e, m.Reference) and id(e) not in inside:
            found.setdefault(e.text(), e.figure(figures, EXACT))
    return tuple(found.items())


def nearest_change(bands: m.BandSet, value: m.Number, direction: int,
                   whole: bool = True) -> Boundary | None:
    """The nearest value above (direction +1) or below (-1) `value` whose colour
    differs; None if the colour never changes that way."""
    colour = bands.colour(value)
    bounds = {b.value for band in bands.bands for b in (band.lower, band.upper) if b}
    if whole:  # the whole numbers around each bound
        near = {math.floor(b) + k for b in bounds for k in (-1, 0, 1, 2)}
    else:
        step = Fraction(1, 10**6)
        near = {c for b in bounds for c in (b - step, b, b + step)}
    candidates = sorted((c for c in near if (c - value) * direction > 0),
                        key=lambda c: abs(c - value))
    for c in candidates:
        if bands.colour(c) != colour:
            return Boundary(abs(c - value), c, bands.colour(c))
    return None
