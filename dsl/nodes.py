"""The nodes of the rules language: conditions over an event, actions on its
score, rules, and score expressions. Matching and scoring them is engine's job."""

from __future__ import annotations

import datetime as dt

import attrs

from .diagnostics import Span
from .model import Number, plain, signed

# Conditions over an event's entry on one index. Matching is engine/match.py's job.


@attrs.frozen
class Always:
    span: Span


@attrs.frozen
class IndexIn:
    names: tuple[str, ...]
    span: Span


@attrs.frozen
class CategoryIn:
    names: tuple[str, ...]
    span: Span


@attrs.frozen
class Tagged:
    tag: str
    span: Span


@attrs.frozen
class TextContains:
    text: str
    span: Span


@attrs.frozen
class DateBefore:
    """The event ended before this day."""

    date: dt.date
    span: Span


@attrs.frozen
class DateAfter:
    """The event began after this day."""

    date: dt.date
    span: Span


@attrs.frozen
class DateWithin:
    """The event lies wholly within these days (both included)."""

    start: dt.date
    end: dt.date
    span: Span


@attrs.frozen
class RecordedCompare:
    op: str  # one of > >= < <= (written ≥ ≤ too)
    value: Number
    span: Span


@attrs.frozen
class Not:
    operand: object
    span: Span


@attrs.frozen
class AllOf:
    operands: tuple
    span: Span


@attrs.frozen
class AnyOf:
    operands: tuple
    span: Span


Condition = (Always | IndexIn | CategoryIn | Tagged | TextContains | DateBefore | DateAfter
             | DateWithin | RecordedCompare | Not | AllOf | AnyOf)


@attrs.frozen
class Action:
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


@attrs.frozen
class Rule:
    name: str
    title: str
    condition: Condition
    actions: tuple[Action, ...]
    span: Span


# Score expressions: how an entry's score is computed before the rules act.


@attrs.frozen
class Constant:
    value: Number
    span: Span


@attrs.frozen
class Direction:
    """The sign of the recorded score: -1, 0 or +1."""

    span: Span


@attrs.frozen
class Weight:
    """The weight of the event's category."""

    span: Span


@attrs.frozen
class Binary:
    op: str  # + - *
    left: object
    right: object
    span: Span


@attrs.frozen
class Negate:
    operand: object
    span: Span


