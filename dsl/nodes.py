"""The nodes of the rules language: conditions over an event, actions on its
score, rules, and score expressions. Matching and scoring them is engine's job."""

from __future__ import annotations

import datetime as dt

from .node import Node, node

from .diagnostics import Span
from .model import Number, plain, signed

# Conditions over an event's entry on one index. Matching is engine/match.py's job.


@node
class Always(Node):
    span: Span


@node
class IndexIn(Node):
    names: tuple[str, ...]
    span: Span


@node
class CategoryIn(Node):
    names: tuple[str, ...]
    span: Span


@node
class Tagged(Node):
    tag: str
    span: Span


@node
class TextContains(Node):
    text: str
    span: Span


@node
class DateBefore(Node):
    """The event ended before this day."""

    date: dt.date
    span: Span


@node
class DateAfter(Node):
    """The event began after this day."""

    date: dt.date
    span: Span


@node
class DateWithin(Node):
    """The event lies wholly within these days (both included)."""

    start: dt.date
    end: dt.date
    span: Span


@node
class RecordedCompare(Node):
    op: str  # one of > >= < <= (written ≥ ≤ too)
    value: Number
    span: Span


@node
class Not(Node):
    operand: object
    span: Span


@node
class AllOf(Node):
    operands: tuple
    span: Span


@node
class AnyOf(Node):
    operands: tuple
    span: Span


Condition = (Always | IndexIn | CategoryIn | Tagged | TextContains | DateBefore | DateAfter
             | DateWithin | RecordedCompare | Not | AllOf | AnyOf)


@node
class Action(Node):
    kind: str  # set, add, multiply, clamp, exclude
    value: Number | None
    span: Span

    def describe(self) -> str:
        if self.kind == "set":
            return f"set to {signed(self.value)}"
        if self.kind == "add":
            return f"add {signed(self.value)}"
        if self.kind == "multiply":
            return f"multiply by {plain(self.value)}"
        return "clamp to the range" if self.kind == "clamp" else "exclude the event"


@node
class Rule(Node):
    name: str
    title: str
    condition: Condition
    actions: tuple[Action, ...]
    span: Span


# Score expressions: how an entry's score is computed before the rules act.


@node
class Constant(Node):
    value: Number
    span: Span


@node
class Direction(Node):
    """The sign of the recorded score: -1, 0 or +1."""

    span: Span


@node
class Weight(Node):
    """The weight of the event's category."""

    span: Span


@node
class Binary(Node):
    op: str  # + - *
    left: object
    right: object
    span: Span


@node
class Negate(Node):
    operand: object
    span: Span


