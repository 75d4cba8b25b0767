"""Every check stage, as one ordered table: reading, resolving, checking,
computing the figures. Each row has a name, what it runs on, the codes it
reports, the function that runs it, whether it can report errors, and whether
`eval` shows its warnings. One loop runs the rows (engine/verify.py, the one
place that can call both the readers and the evaluation), applies suppression
comments once, and keeps what the mode asks for: `check` everything; `eval` (and
every verb that computes figures) the errors, and the warnings of the rows that
say what it read or how it read it (a column ignored, a date a spreadsheet
changed, an event counted twice). Adding a check means adding a function and a
line here; `docs/diagnostics.md` documents every code in the table (a test holds
the two together).

What a row's function is given depends on its target:
- "rules": (path) -> (scheme or None, findings): a rules file and its `extends` chain
- "file": (path) -> findings: any file named (`check` only)
- "scheme": (scheme) -> findings
- "events": (paths, scheme, period, others) -> (catalogue or None, findings)
- "catalogue": (scheme, catalogue, published) -> findings; `published`: for each file
  that states published totals, (those lines, the path of the scheme they are for,
  each index's aggregate and colour under it from that file's events), or None
- "figures": (scheme, catalogue, done) -> findings, where the catalogue is evaluated alone;
  `done`: the evaluations made while reading, shared (engine/verify.py `evaluation_of`)
- "evaluated": (scheme, catalogue) -> findings, where a verb is about to evaluate it
- "engine": (scheme) -> finding or None, where a columnar engine is to compute
- "history": (scheme, catalogue, paths) -> (evaluation or None, findings)
- "series": (scheme, paths) -> (series or None, findings)
- "tests" and "fmt": the function the verb `test` or `fmt` calls
Functions are named "module:function" under the package and imported by the
runner (engine/verify.py, so that nothing in dsl/ loads the engine) when the row
first runs, so that `eval`, which runs only the rows that can find errors or
that it shows, does not load the reasoning about rules that only warns.
"""

from __future__ import annotations

from typing import NamedTuple

from . import model as m
from .diagnostics import Diagnostic


class Stage(NamedTuple):
    """A named stage: what it runs on, the codes it reports, its function."""

    name: str
    target: str  # see the module's docstring
    codes: tuple[str, ...]
    run: str  # "module:function" under the package, imported by the runner
    errors: bool  # whether it can report errors (then `eval` runs it too)
    shown: bool = False  # whether `eval` shows its warnings: about what it read, or how

    def runs(self, mode: str) -> bool:
        """Whether the stage runs in `mode` ("check" or "eval")."""
        return mode == "check" or self.errors or self.shown

    def keeps(self, d: Diagnostic, mode: str) -> bool:
        """Whether a finding of this stage is reported in `mode`."""
        return mode == "check" or d.severity == "error" or self.shown


_READ = ("B001", "B002", "B003", "B004")
_SHEETS = ("B010", "B011", "B012", "B013", "B014", "B015", "B016", "B017", "B018",
           "B019")

# The stages in the order they run.
STAGES: list[Stage] = [
    # a rules file and the files it extends: read, declarations, names resolved
    Stage("rules", "rules", _READ + ("B101", "B102", "B104", "B105", "B106", "B107", "B109",
                                     "B110", "B111", "B112", "B113", "B114", "B117", "B203",
                                     "B205", "B206", "B209", "B706"),
          "dsl.load:read_rules", True),
    Stage("suppressions", "file", ("B007",), "dsl.suppress:unknown_codes", False),
    Stage("bands", "scheme", ("B201", "B202", "B207"), "dsl.check_bands:bands", True),
    Stage("conditions", "scheme", ("B401",), "dsl.check_rules:conditions", False),
    Stage("shadowing", "scheme", ("B402", "B403"), "dsl.check_rules:shadowing", False),
    Stage("ranges", "scheme", ("B405",), "dsl.check_rules:ranges", False),
    Stage("exclusion", "scheme", ("B406",), "dsl.check_rules:exclusion", False),
    Stage("weights", "scheme", ("B404",), "dsl.check_rules:weights", False),
    Stage("divisions", "scheme", ("B208", "B408"), "dsl.check_rules:divisions", False),
    # a catalogue's files (event files, spreadsheets, tables): read, every name resolved
    # against the scheme; its warnings say what was not read, or read other than written
    Stage("events", "events", _READ + ("B005",) + _SHEETS + (
        "B101", "B102", "B107", "B108", "B115", "B116", "B204", "B205", "B209",
        "B301", "B302", "B303", "B304", "B305"), "dsl.load:read_events", True, True),
    Stage("order", "catalogue", ("B501",), "dsl.check_catalogue:order", False),
    Stage("duplicates", "catalogue", ("B502",), "dsl.check_catalogue:duplicates", False, True),
    Stage("files", "catalogue", ("B506", "B507"), "dsl.check_catalogue:same_entries", True,
          True),
    Stage("published", "catalogue", ("B503",), "dsl.check_catalogue:published_totals", True),
    Stage("ongoing", "catalogue", ("B504",), "dsl.check_catalogue:ongoing", False),
    Stage("signs", "catalogue", ("B505",), "dsl.check_catalogue:signs", False),
    Stage("figures", "figures", ("B208", "B210", "B704"), "engine.verify:figure_problems", True,
          True),
    Stage("published only", "evaluated", ("B707",), "engine.verify:published_only", True),
    # a construct the columnar engines cannot compute exactly: the python engine computes
    Stage("columnar", "engine", ("B801",), "engine.columnar:check_compiles", False, True),
    # an issue after the issues before it (--history), and issues in period order
    Stage("history", "history", ("B703", "B704", "B705", "B708", "B709"),
          "engine.series:evaluate_after", True, True),
    Stage("series", "series", ("B701", "B702", "B703", "B705"), "engine.series:load_series",
          True, True),
    Stage("methodology tests", "tests", ("B601", "B602", "B603", "B604", "B605", "B606", "B607",
                                         "B608", "B609"), "engine.methodtests:run_tests", True),
    # `fmt` reads its own output back before writing it
    Stage("layout", "fmt", ("B006",), "dsl.format:format_text", True),
]


def all_codes() -> set[str]:
    return {code for s in STAGES for code in s.codes}


def rows(target: str, mode: str) -> list[Stage]:
    """The stages of `target` that run in `mode` ("check" or "eval"), in order."""
    return [s for s in STAGES if s.target == target and s.runs(mode)]
