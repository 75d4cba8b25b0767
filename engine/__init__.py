"""A checked scheme and catalogue to results: a plan compiled once, then match,
score and aggregate; explain, compare and sensitivity run the same plan."""

from .plan import Entry, Evaluation, IndexResult, Plan, Scored, Step, evaluate

__all__ = ["Entry", "Evaluation", "IndexResult", "Plan", "Scored", "Step", "evaluate"]
