"""Static checks of a scheme and of a catalogue, as one ordered table of stages.

Each stage has a name, what it runs on, the codes it reports, and the function
that runs it (a module of its own: `check_bands`, `check_rules`,
`check_catalogue`), imported when the stage first runs, so that `eval`, which
runs only the stages that can find errors, does not load the reasoning about
rules that only warns. Adding a check means adding a function and a line here.
`docs/diagnostics.md` documents every code in the table (a test holds the two
together).
"""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple

from . import model as m
from .diagnostics import Diagnostic
from .nodes import subexpressions


class Stage(NamedTuple):
    """A named stage of checking: the codes it reports, and what it runs on."""

    name: str
    target: str  # "scheme" or "catalogue"; "read" and "resolve" stages run in the loaders
    codes: tuple[str, ...]
    run: str | None  # "module:function" in dsl/, or None for the loaders' stages
    errors: bool  # whether it can report errors (then `eval` runs it too)

    def function(self):
        module, name = self.run.split(":")
        return getattr(import_module(f".{module}", __package__), name)


# The stages in the order they run. Reading and resolving happen in the loaders
# (dsl/load.py, dsl/resolve.py), which every verb uses, and computing the derived
# indices in the evaluation (engine/plan.py); they are listed here so that this
# one table names every code.
STAGES: list[Stage] = [
    Stage("read", "read", ("B001", "B002", "B003", "B004", "B006", "B007"), None, True),
    Stage("declarations", "read", ("B102", "B104", "B203", "B205", "B206", "B209", "B706"), None,
          True),
    Stage("spreadsheets", "read", ("B010", "B011", "B012", "B013", "B014", "B015", "B016"), None,
          True),
    Stage("resolve", "resolve", ("B101", "B102", "B105", "B106", "B107", "B109", "B110", "B111",
                                 "B112", "B113", "B114", "B117"), None, True),
    Stage("entries", "resolve", ("B101", "B102", "B107", "B108", "B115", "B116", "B204", "B205",
                                 "B209",
                                 "B301", "B302", "B303", "B304", "B305"), None, True),
    Stage("bands", "scheme", ("B201", "B202", "B207"), "check_bands:bands", True),
    Stage("conditions", "scheme", ("B401",), "check_rules:conditions", False),
    Stage("shadowing", "scheme", ("B402", "B403"), "check_rules:shadowing", False),
    Stage("ranges", "scheme", ("B405",), "check_rules:ranges", False),
    Stage("exclusion", "scheme", ("B406",), "check_rules:exclusion", False),
    Stage("weights", "scheme", ("B404",), "check_rules:weights", False),
    Stage("divisions", "scheme", ("B208", "B408"), "check_rules:divisions", False),
    Stage("order", "catalogue", ("B501",), "check_catalogue:order", False),
    Stage("duplicates", "catalogue", ("B502",), "check_catalogue:duplicates", False),
    Stage("files", "catalogue", ("B506", "B507"), "check_catalogue:same_entries", True),
    Stage("figures", "evaluate", ("B208", "B210", "B704", "B707"), None, True),
    # a construct the columnar engines cannot compute exactly (engine/columnar.py)
    Stage("columnar", "evaluate", ("B801",), None, False),
    Stage("published", "catalogue", ("B503",), "check_catalogue:published_totals", True),
    Stage("ongoing", "catalogue", ("B504",), "check_catalogue:ongoing", False),
    Stage("signs", "catalogue", ("B505",), "check_catalogue:signs", False),
    # A series (engine/series.py) puts issues in period order before evaluating them.
    Stage("series", "series", ("B701", "B702", "B703", "B705", "B708", "B709"), None, True),
    Stage("methodology tests", "read", ("B601", "B602", "B603", "B604", "B605", "B606", "B607",
                                        "B608", "B609"), None, True),
]


def all_codes() -> set[str]:
    return {code for s in STAGES for code in s.codes}


def _running(target: str, errors_only: bool):
    return [s for s in STAGES if s.target == target and (s.errors or not errors_only)]


def check_scheme(scheme: m.Scheme, errors_only: bool = False) -> list[Diagnostic]:
    return [d for s in _running("scheme", errors_only) for d in s.function()(scheme)]


def check_catalogue(scheme: m.Scheme, catalogue: m.Catalogue, published: list | None,
                    errors_only: bool = False) -> list[Diagnostic]:
    """`published`: for each file that states published totals, (those lines, the
    path of the scheme they are for, each index's aggregate under it from that
    file's events), or None where they are not compared."""
    return [d for s in _running("catalogue", errors_only)
            for d in s.function()(scheme, catalogue, published)]


def non_whole(scheme: m.Scheme) -> list[tuple[str, object]]:
    """What makes totals non-whole: each decimal number the score expression or a
    rule can bring in, said in words, with its place."""
    found = []
    for e in subexpressions(scheme.score):
        if isinstance(e, m.Constant) and getattr(e.value, "denominator", 1) != 1:
            found.append((f"the score expression's {m.plain(e.value)}", e.span))
        elif isinstance(e, m.Weight):
            found += [(f"the weight {m.plain(c.weight)} of category `{c.name}`", c.span)
                      for c in scheme.categories.values()
                      if c.weight is not None and getattr(c.weight, "denominator", 1) != 1]
    for rule in scheme.rules:
        culprit = None  # the action that last made the score non-whole, in order
        for action in rule.actions:
            if action.kind in ("round", "trunc"):
                culprit = None  # whole again
            elif action.kind == "clamp":
                if action.value is not None and any(getattr(n, "denominator", 1) != 1
                                                    for n in action.value):
                    culprit = action
            elif action.kind == "set":
                culprit = None if _whole(action.value, scheme) else action
            elif action.kind in ("add", "multiply") and not _whole(action.value, scheme):
                culprit = action
        if culprit is not None:
            found.append((f"rule `{rule.name}` ({culprit.text()})", culprit.span))
    return found


def whole_expression(expr, scheme: m.Scheme) -> bool:
    """Whether an expression gives whole numbers from whole ones (a derived
    index's, or an action's)."""
    return _whole(expr, scheme)


def _whole(expr, scheme: m.Scheme) -> bool:
    """Whether an action's expression gives whole numbers where the score so far is
    whole: `trunc(score / 2)` does, `score / 2` may not."""
    from .nodes import expression_depth

    if expression_depth(expr) > 64:
        return False  # B109 says so
    if isinstance(expr, m.Constant):
        return getattr(expr.value, "denominator", 1) == 1
    if isinstance(expr, m.Weight):
        return all(getattr(c.weight, "denominator", 1) == 1 for c in scheme.categories.values()
                   if c.weight is not None)
    if isinstance(expr, m.Binary):  # a power may be a fraction (2 ^ -1) or a float
        return expr.op not in ("/", "^") and _whole(expr.left, scheme) and _whole(
            expr.right, scheme)
    if isinstance(expr, m.Choose):
        return _whole(expr.then, scheme) and _whole(expr.otherwise, scheme)
    if isinstance(expr, m.Negate):
        return _whole(expr.operand, scheme)
    if isinstance(expr, m.Call):
        if expr.function in ("round", "trunc", "previous"):  # previous(x): as whole as x
            return True
        if expr.over_index():  # sums and counts of whole scores are whole; a mean is not
            return expr.function != "mean"
        return expr.function in ("min", "max", "abs", "clamp") and all(
            _whole(a, scheme) for a in expr.arguments)
    return True  # recorded, direction, the score so far


def totals_are_whole(scheme: m.Scheme) -> bool:
    """Whether every total the scheme can produce is a whole number."""
    return not non_whole(scheme)
