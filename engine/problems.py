"""What the engine raises when a request cannot be met as asked (not a mistake in
a file: those are diagnostics). Each problem is a type with what the front needs
to word it; the engine's own text names no flag and no command, and the front
(the command line's `worded`) adds how to ask otherwise."""

from __future__ import annotations


class SensitivityProblem(Exception):
    """The scheme cannot be analysed or calibrated as asked."""


class NothingToVary(SensitivityProblem):
    """No parameter to move: the scheme declares no `vary`, and none was asked for.
    `goal`: "vary" (sensitivity) or "fit" (calibration)."""

    def __init__(self, goal: str):
        super().__init__(f"nothing to {goal}: the scheme declares no `vary`, and none was given")
        self.goal = goal


class NotAScale(SensitivityProblem):
    """An index's bands do not cover every value exactly once from low to high
    (what `check` reports as B201 and B202), so their boundaries cannot move."""

    def __init__(self, index: str):
        super().__init__(f"the bands of {index} must cover every value exactly once, from low "
                         "to high, for their boundaries to be moved")
        self.index = index


class RunProblem(ValueError):
    """A run of methodology tests was given something it cannot work with (not a finding)."""


class SelectionProblem(RunProblem):
    """An expression selecting tests that does not read, or selects none; the
    message begins with the expression as given (the front names its flag)."""

    def __init__(self, expression: str, detail: str):
        super().__init__(f"{expression!r}{detail}")
        self.expression = expression
