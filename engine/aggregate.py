"""Scores to published figures: per index the aggregate, positive and negative
points, the number of events, and the colour band the aggregate falls in."""

from __future__ import annotations

from ..dsl.node import Node, node

from ..dsl import model as m

from .match import match
from .score import Scored, score_entry


@node
class IndexResult(Node):
    index: m.Index
    aggregate: m.Number
    positive: m.Number
    negative: m.Number
    events: int
    colour: str | None  # the band's name, where the index has bands


@node
class Evaluation(Node):
    scheme: m.Scheme
    catalogue: m.Catalogue
    indices: dict[str, IndexResult]
    scored: tuple[Scored, ...]  # every entry in catalogue order, with its trace


def totals(scheme: m.Scheme, scored) -> dict[str, IndexResult]:
    positive = {name: 0 for name in scheme.indices}
    negative = dict(positive)
    counts = dict(positive)
    for s in scored:
        if s.score is None:
            continue
        name = s.entry.index
        counts[name] += 1
        if s.score > 0:
            positive[name] += s.score
        else:
            negative[name] += s.score
    results = {}
    for name, index in scheme.indices.items():
        aggregate = positive[name] + negative[name]
        bands = scheme.bands.get(name)
        colour = bands.colour(aggregate) if bands else None
        results[name] = IndexResult(index, aggregate, positive[name], negative[name],
                                    counts[name], colour)
    return results


def evaluate(scheme: m.Scheme, catalogue: m.Catalogue) -> Evaluation:
    scored = tuple(score_entry(scheme, entry) for entry in match(scheme, catalogue))
    return Evaluation(scheme, catalogue, totals(scheme, scored), scored)
