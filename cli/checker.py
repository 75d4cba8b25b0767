"""`barometer check` as a library call: every finding in rules files, event files
and spreadsheets, in one list sorted by file and position.

Rules files are checked on their own (syntax, names, `extends`, bands, rules).
Each event file or CSV is checked on its own against one scheme: the one given
as `rules`, else the only rules file named, else the one every other named rules
file extends (so `check rules/*.rules examples/*` checks the catalogues against
the published method that the alternatives build on).
"""

from __future__ import annotations

import os

from .dsl.node import Node, node

from .dsl import model as m
from .dsl.checks import check_catalogue, check_scheme
from .dsl.diagnostics import Diagnostic, InputError
from .dsl.events import read_catalogue
from .dsl.files import OVERLAY
from .dsl.rules import resolve_scheme

KINDS = {".rules": "rules", ".events": "events", ".csv": "events", ".xlsx": "events",
         ".xlsm": "events"}


class UsageProblem(Exception):
    """The command was given something it cannot work with (not a finding)."""


@node
class Report(Node):
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    skipped: tuple[str, ...]  # folders, named but not checked

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")


def kind_of(path: str) -> str:
    kind = KINDS.get(os.path.splitext(path)[1].lower())
    if kind is None:
        raise UsageProblem(f"cannot tell what {path} is: rules files end in .rules, "
                           "event files in .events, spreadsheets in .csv")
    return kind


def _errors(problems) -> bool:
    return any(p.severity == "error" for p in problems)


def root_scheme(schemes: dict[str, m.Scheme]) -> str | None:
    """The named rules file that every other named one extends, if any."""
    if len(schemes) == 1:
        return next(iter(schemes))
    chains = {path: {os.path.realpath(f) for f in s.files} for path, s in schemes.items()}
    for path in schemes:
        if all(os.path.realpath(path) in chain for chain in chains.values()):
            return path
    return None


def check_files(paths: list[str], rules: str | None = None,
                period: m.Period | None = None) -> Report:
    diagnostics: list[Diagnostic] = []
    skipped = tuple(p for p in paths if os.path.isdir(p))
    files = [p for p in paths if p not in skipped]
    kinds = {p: kind_of(p) for p in files if p != "-"}
    if "-" in files:
        kinds["-"] = "events"
    for path in files:
        if path != "-" and not os.path.exists(path) and path not in OVERLAY:
            raise UsageProblem(f"no such file: {path}")
    schemes: dict[str, m.Scheme] = {}
    for path in [p for p in files if kinds[p] == "rules"]:
        scheme, problems = _resolve(path)
        diagnostics += problems
        if scheme is not None:  # checked even with errors, to report all in one run
            diagnostics += check_scheme(scheme)
            if not _errors(problems):
                schemes[path] = scheme
    catalogues = [p for p in files if kinds[p] == "events"]
    if catalogues:
        scheme = _scheme_for_catalogues(rules, schemes, files, kinds, diagnostics)
        for path in catalogues:
            diagnostics += _check_catalogue(path, scheme, period)
    unique = sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)
    return Report(tuple(unique), tuple(files), skipped)


def _resolve(path: str):
    try:
        return resolve_scheme(path)
    except InputError as e:  # unreadable: a finding in that file
        return None, e.diagnostics


def _scheme_for_catalogues(rules, schemes, files, kinds, diagnostics) -> m.Scheme | None:
    if rules is not None:
        if rules in schemes:
            return schemes[rules]
        if not os.path.exists(rules) and rules not in OVERLAY:
            raise UsageProblem(f"no such file: {rules}")
        scheme, problems = _resolve(rules)
        if rules not in files:
            diagnostics += problems
        return None if _errors(problems) else scheme
    named = [p for p in files if kinds[p] == "rules"]
    if not named:
        raise UsageProblem("event files are checked against a scheme: name a rules file too, "
                           "or give --rules FILE")
    root = root_scheme(schemes) if len(schemes) == len(named) else None
    if root is None and len(named) > 1:
        if len(schemes) < len(named):
            return None  # a rules file has errors; they are reported
        raise UsageProblem("several rules files are named and none is the one the others "
                           "extend: say which scheme the event files follow with --rules FILE")
    return schemes.get(root or named[0])


def _check_catalogue(path: str, scheme: m.Scheme | None, period) -> list[Diagnostic]:
    if scheme is None:
        return []  # the scheme's own errors are reported; names cannot be checked without it
    catalogue, problems = read_catalogue([path], scheme, period)
    found = list(problems)
    if catalogue is not None:
        from .engine import evaluate

        totals = None
        if not _errors(problems):
            totals = {k: r.aggregate for k, r in evaluate(scheme, catalogue).indices.items()}
        found += check_catalogue(scheme, catalogue, totals)
    return found
