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
    Stage("figures", "evaluate", ("B208", "B704", "B707"), None, True),
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
