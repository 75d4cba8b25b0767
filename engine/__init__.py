"""A checked scheme and catalogue to results: match once, score, aggregate."""

from .aggregate import Evaluation, IndexResult, evaluate
from .match import Entry, match
from .score import Scored, Step, score_entry

__all__ = ["Evaluation", "IndexResult", "evaluate", "Entry", "match", "Scored", "Step",
           "score_entry"]
