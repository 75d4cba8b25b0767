"""Running methodology tests (`barometer test`): the cases of test files, read
and checked in their own language (dsl/methodtests.py), each evaluated exactly
as `eval` evaluates its scheme on its catalogue, and each expectation compared;
a difference is a `Failure` that says what was expected and what came out, in
the words of the test file.

Exit status of a run (`Run.status`): 0 every test passes, 1 some expectation
does not hold, 2 a test file, a scheme or a catalogue has errors.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction

import attrs

from ..dsl.diagnostics import Diagnostic, Span, error
from ..dsl.methodtests import (EXTENSION, Case, Ranking, check_against, read_test_file, show,
                               tiers_text)
from ..dsl.node import Node, node
from ..dsl.numbers import counted, signed
from .compare import ranking
from .plan import evaluate
from .problems import RunProblem, SelectionProblem
from .series import evaluate_after
from .verify import read_catalogue_checked, read_scheme

# Folders a search for test files does not enter: hidden ones (.git, .venv),
# caches, and Python environments (which ship test files of their own).
SKIPPED_FOLDERS = {"__pycache__", "node_modules", "site-packages"}


UsageProblem = RunProblem  # the name callers know


@node
class Failure(Node):
    """An expectation that does not hold: what was expected and what came out,
    each in the words of the test file (`-13 orange`)."""

    span: Span
    subject: str  # `regional_tension`, or `ranking relationships`
    expected: str
    got: str
    expected_values: dict
    got_values: dict

    def __str__(self) -> str:
        return f"{self.span}: expected {self.subject} {self.expected}, got {self.got}"


@node
class Outcome(Node):
    """A test's result: passed, failed (some expectation does not hold) or
    error (the test file, its scheme or its catalogue has errors: not run)."""

    name: str
    file: str
    line: int | None  # None: a test file no test could be read from
    rules: str | None
    events: tuple[str, ...]
    failures: tuple[Failure, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()  # why it could not run
    ran: bool = True

    @property
    def status(self) -> str:
        if not self.ran or any(d.severity == "error" for d in self.diagnostics):
            return "error"
        return "failed" if self.failures else "passed"

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@node
class Run(Node):
    """Every test found in the paths, in order."""

    outcomes: tuple[Outcome, ...]
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]  # of test files that could not be read as a whole
    deselected: int = 0  # tests -k left out
    stopped: bool = False  # -x: the run stopped at its first failure, tests unrun

    @property
    def passed(self) -> int:
        return sum(1 for o in self.outcomes if o.passed)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.passed

    @property
    def errors(self) -> int:
        found = list(self.diagnostics) + [d for o in self.outcomes for d in o.diagnostics]
        return sum(1 for d in found if d.severity == "error")

    @property
    def status(self) -> int:
        if self.errors or any(o.status == "error" for o in self.outcomes):
            return 2
        return 1 if self.failed else 0

    @property
    def summary(self) -> str:
        return (f"{self.passed} passed, {self.failed} failed"
                + (f", {self.deselected} deselected" if self.deselected else ""))

    def __repr__(self):  # short, for notebooks
        return f"<Run of {len(self.files)} test files: {self.summary}>"


# --- finding test files ------------------------------------------------------------


def find_test_files(paths) -> list[str]:
    """The test files `paths` name: files as given, folders searched for `*.test`
    (hidden folders, caches and Python environments skipped), in name order."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for folder, folders, files in os.walk(path):
                folders[:] = sorted(f for f in folders if not _skipped(folder, f))
                found += [os.path.join(folder, f) for f in sorted(files)
                          if f.endswith(EXTENSION)]
        elif os.path.exists(path):
            if not path.endswith(EXTENSION):
                raise UsageProblem(f"{path} is not a test file: test files end in {EXTENSION}")
            found.append(path)
        else:
            raise UsageProblem(f"no such file or folder: {path}")
    return list(dict.fromkeys(os.path.normpath(p) for p in found))


def _skipped(parent: str, name: str) -> bool:
    return (name.startswith(".") or name in SKIPPED_FOLDERS
            or os.path.exists(os.path.join(parent, name, "pyvenv.cfg")))


# --- running -----------------------------------------------------------------------


def compare(case: Case, evaluation) -> list[Failure]:
    """Every expectation of the case that the evaluation does not meet."""
    failures = []
    for e in case.expectations:
        if isinstance(e, Ranking):
            group = evaluation.scheme.groups[e.group.name]
            tiers = _tiers(evaluation, ranking(evaluation, group.indices))
            want = [[d.name for d in tier] for tier in e.tiers]
            if [sorted(t) for t in tiers] != [sorted(t) for t in want]:
                failures.append(Failure(e.span, f"ranking {e.group.name}", tiers_text(want),
                                        tiers_text(tiers), {"ranking": want}, {"ranking": tiers}))
            continue
        result = evaluation.indices[e.index.name]
        actual = {"aggregate": result.aggregate, "positive": result.positive,
                  "negative": result.negative, "events": result.events,
                  "colour": result.colour}
        expected: list[str] = []
        got: list[str] = []
        same = True
        want_values: dict[str, object] = {}
        got_values: dict[str, object] = {}
        for f in e.facts:
            if f.kind == "split":
                pos, neg = f.value
                same &= _agrees(pos, actual["positive"]) and _agrees(neg, actual["negative"])
                expected.append(_split(pos, neg))
                got.append(_split(actual["positive"], actual["negative"]))
                want_values.update(positive=pos, negative=neg)
                got_values.update(positive=actual["positive"], negative=actual["negative"])
            else:
                same &= _agrees(f.value, actual[f.kind])
                expected.append(show(f.kind, f.value))
                got.append(show(f.kind, actual[f.kind]))
                want_values[f.kind] = f.value
                got_values[f.kind] = actual[f.kind]
        if not same:
            failures.append(Failure(e.span, e.index.name, " ".join(expected), " ".join(got),
                                    want_values, got_values))
    return failures


def _agrees(expected, actual) -> bool:
    """A figure as a test writes it holds for the actual one: exactly, or for a
    decimal, to as many places as it is written with (`+0.478261` for 11/23)."""
    if expected == actual:
        return True
    denominator = getattr(expected, "denominator", 1)
    if denominator == 1 or actual is None or isinstance(actual, str):
        return False
    places = 0
    while 10 ** places % denominator and places < 15:
        places += 1

    shifted = Fraction(actual) * 10 ** places if not isinstance(actual, float) else \
        Fraction(repr(actual)) * 10 ** places
    rounded = (shifted + Fraction(1, 2)).__floor__() if shifted >= 0 else \
        -((-shifted + Fraction(1, 2)).__floor__())
    return Fraction(rounded, 10 ** places) == expected


def _split(pos, neg) -> str:
    if pos is None or neg is None:
        return "no points (a derived index has none)"
    return f"({signed(pos)} / {signed(neg)})"


def _tiers(evaluation, order) -> list[list[str]]:
    """A ranking as tiers of equal aggregates, each in the group's order."""
    tiers: list[list[str]] = []
    last = None
    for name in order:
        value = evaluation.indices[name].aggregate
        if tiers and value == last:
            tiers[-1].append(name)
        else:
            tiers.append([name])
        last = value
    return tiers


class _Loaded:
    """Schemes and catalogues read once per run, however many tests name them."""

    def __init__(self):
        self.schemes: dict[str, tuple] = {}
        self.evaluations: dict[tuple, tuple] = {}

    def scheme(self, path: str):
        if path not in self.schemes:
            scheme, problems = read_scheme(path, errors_only=True)
            errors = [p for p in problems if p.severity == "error"]
            self.schemes[path] = (None if errors else scheme, errors)
        return self.schemes[path]

    def evaluation(self, rules: str, scheme, events: tuple[str, ...], history=()):
        key = (rules, events, tuple(history))
        if key not in self.evaluations:
            catalogue, problems = read_catalogue_checked(list(events), scheme, None,
                                                         errors_only=True, alone=not history)
            errors = [p for p in problems if p.severity == "error"]
            if errors or catalogue is None:
                self.evaluations[key] = (None, errors or problems)
            elif history:  # after the issues before, as `eval --history` evaluates it
                evaluated, found = evaluate_after(scheme, catalogue, list(history))
                errors = [p for p in found if p.severity == "error"]
                self.evaluations[key] = (None, errors) if errors or evaluated is None else (
                    evaluated, [])
            else:  # the evaluation the stages made, where they made one (engine/verify.py)
                done = getattr(problems, "evaluation", None)
                self.evaluations[key] = (done if done is not None
                                         else evaluate(scheme, catalogue), [])
        return self.evaluations[key]


def _unreadable(path: str, span: Span, what: str) -> Diagnostic | None:
    """A located B605 for a named file that is missing or is a folder."""
    if os.path.isdir(path):
        reason = "it is a folder, not a file"
    elif not os.path.exists(path):
        reason = "no such file"
    else:
        return None
    return error("B605", f"the {what} {path} cannot be read: {reason}", span,
                 f"paths in a test file are relative to the test file's folder "
                 f"({os.path.dirname(span.file) or '.'})")


def run_case(case: Case, loaded: _Loaded | None = None) -> Outcome:
    loaded = loaded or _Loaded()
    assert case.rules is not None  # without a rules file the case has B606 and is not run
    rules = case.path(case.rules[0])
    events = tuple(case.path(p) for p, _ in case.events)
    outcome = Outcome(case.name, case.file, case.span.line, rules, events)

    def failed(problems):
        return attrs.evolve(outcome, diagnostics=tuple(sorted(problems,
                                                              key=Diagnostic.sort_key)))

    missing = _unreadable(rules, case.rules[1], "rules file")
    if missing:
        return failed([missing])
    scheme, problems = loaded.scheme(rules)
    if scheme is None:  # an unlocated problem reading it belongs on the `rules` line
        return failed([p if p.span else error("B605", f"the rules file {p.message}",
                                              case.rules[1], p.hint) for p in problems])
    problems = check_against(case, scheme)
    problems += [d for (p, span), path in zip(case.events, events)
                 if (d := _unreadable(path, span, "catalogue"))]
    history = tuple(case.path(p) for p, _ in case.history)
    problems += [d for (p, span), path in zip(case.history, history)
                 if not os.path.exists(path) and (d := _unreadable(path, span, "history"))]
    if problems:
        return failed(problems)
    evaluation, problems = loaded.evaluation(rules, scheme, events, history)
    if evaluation is None:
        first = case.events[0][1]
        return failed([p if p.span else error("B605", f"the catalogue {p.message}", first,
                                              p.hint) for p in problems])

    return attrs.evolve(outcome, failures=tuple(compare(case, evaluation)))


def run_tests(paths=(".",), select: str | None = None, first_failure: bool = False) -> Run:
    """Run every test in `paths` (test files, or folders searched for `*.test`).
    `select`: only the tests whose file and name match the expression, as pytest's
    -k takes it (`by-category and not published`: words and phrases matched
    without regard to case, with `and`, `or`, `not` and parentheses);
    `first_failure`: stop at the first test that does not pass (pytest's -x).
    Raises UsageProblem for a path that does not exist, or names no test file, an
    expression that does not read, or one that selects no test."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths] or ["."]
    wanted = selection(select) if select is not None else None
    files = find_test_files(paths)
    if not files:
        raise UsageProblem(f"no test files (*{EXTENSION}) in {', '.join(paths)}")
    loaded = _Loaded()
    outcomes: list[Outcome] = []
    whole: list[Diagnostic] = []
    deselected = 0
    for path in files:
        cases, problems = read_test_file(path)
        if wanted is not None:
            kept = [(c, p) for c, p in cases if wanted(f"{c.file} {c.name}")]
            deselected += len(cases) - len(kept)
            if not kept and cases:
                continue
            cases = kept
        if problems:  # the file does not read as tests: none of them runs
            whole += problems
            outcomes += [Outcome(c.name, c.file, c.span.line, None, (), ran=False)
                         for c, _ in cases] or [Outcome("", path, None, None, (), ran=False)]
        else:
            for case, mine in cases:
                if mine:
                    outcomes.append(Outcome(case.name, case.file, case.span.line,
                                            case.path(case.rules[0]) if case.rules else None,
                                            tuple(case.path(p) for p, _ in case.events),
                                            diagnostics=tuple(mine)))
                else:
                    outcomes.append(run_case(case, loaded))
                if first_failure and not outcomes[-1].passed:
                    break
        if first_failure and outcomes and not outcomes[-1].passed:
            return Run(tuple(outcomes), tuple(files),
                       tuple(sorted(whole, key=Diagnostic.sort_key)), deselected, True)
    if select is not None and not outcomes and deselected:  # a typo must not pass in CI
        raise SelectionProblem(select, f" selects none of the {counted(deselected, 'test')} in "
                                       f"{', '.join(paths)}")
    return Run(tuple(outcomes), tuple(files), tuple(sorted(whole, key=Diagnostic.sort_key)),
               deselected)


def selection(expression: str):
    """A predicate on a test's file and name from a -k expression: words (runs of
    them, `No 19`, make a phrase) matched as parts of the text without regard to
    case, combined with `and`, `or`, `not` and parentheses, as pytest reads -k."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    at = 0

    def peek():
        return tokens[at] if at < len(tokens) else None

    def take():
        nonlocal at
        at += 1
        return tokens[at - 1]

    def either():
        left = both()
        while peek() == "or":
            take()
            right = both()
            left = (lambda a, b: lambda t: a(t) or b(t))(left, right)
        return left

    def both():
        left = negation()
        while peek() == "and":
            take()
            right = negation()
            left = (lambda a, b: lambda t: a(t) and b(t))(left, right)
        return left

    def negation():
        if peek() == "not":
            take()
            inner = negation()
            return lambda t: not inner(t)
        if peek() == "(":
            take()
            inner = either()
            if peek() != ")":
                raise SelectionProblem(expression, ": a `(` is not closed")
            take()
            return inner
        words = []
        while peek() not in (None, "(", ")", "and", "or", "not"):
            words.append(take())
        if not words:
            found = f"`{peek()}`" if peek() else "the end"
            raise SelectionProblem(expression, f": expected a word, found {found}")
        phrase = " ".join(words).casefold()
        return lambda t: phrase in t.casefold()

    found = either()
    if peek() is not None:
        raise SelectionProblem(expression, f": unexpected `{peek()}`")
    return found
