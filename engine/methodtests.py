"""Methodology tests: what a scheme must give on a catalogue, written in a test
file beside the rules (`rules/minsk-barometer.test`), and run by `barometer test`.

    test "No 19, published figures"
        rules "minsk-barometer.rules"
        events "../examples/minsk-barometer-19.events"
        expect russia +20 (+22 / -2)
        expect regional_tension -7 yellow
        expect ranking relationships russia > china > eu > ukraine > us

A test file is read with the project's parser (`grammar/tests.lark`, kind
`tests` in dsl/syntax.py); its statements become `Case`s here, each checked on
its own (B606-B609), then against its scheme (B601-B604) once that is read.
Running a case evaluates the scheme on the catalogue exactly as `eval` does and
compares each expectation; a difference is a `Failure` that says what was
expected and what came out, in the words of the test file.

Exit status of a run (`Run.status`): 0 every test passes, 1 some expectation
does not hold, 2 a test file, a scheme or a catalogue has errors.
"""

from __future__ import annotations

import os

from ..dsl import model as m
from ..dsl.diagnostics import Diagnostic, InputError, Span, did_you_mean, error
from ..dsl.node import Node, node
from ..dsl.numbers import plain, signed

EXTENSION = ".test"
RULES_KINDS = (".rules",)
EVENTS_KINDS = (".events", ".csv", ".xlsx", ".xlsm", ".ods", ".jsonl", ".ndjson", ".parquet")

# Folders a search for test files does not enter: hidden ones (.git, .venv),
# caches, and Python environments (which ship test files of their own).
SKIPPED_FOLDERS = {"__pycache__", "node_modules", "site-packages"}


class UsageProblem(ValueError):
    """The run was given something it cannot work with (not a finding)."""


# --- the model ---------------------------------------------------------------------


@node
class Fact(Node):
    """One figure an expectation states: `kind` is aggregate, positive,
    negative, events, colour (None: no colour) or split (positive, negative)."""

    kind: str
    value: object
    span: Span


@node
class Expect(Node):
    """`expect russia +20 (+22 / -2)`: figures of one index."""

    index: m.Declared
    facts: tuple[Fact, ...]
    span: Span


@node
class Ranking(Node):
    """`expect ranking relationships russia > china`: a group's order, highest
    first; each tier holds indices with equal aggregates."""

    group: m.Declared
    tiers: tuple[tuple[m.Declared, ...], ...]
    span: Span


@node
class Case(Node):
    """One `test` block: its scheme, its catalogue and what they must give."""

    name: str
    file: str
    span: Span
    rules: tuple[str, Span] | None  # the path as written, and where
    events: tuple[tuple[str, Span], ...]
    expectations: tuple[Expect | Ranking, ...]
    history: tuple[tuple[str, Span], ...] = ()  # the issues before, as `eval --history`

    def path(self, written: str) -> str:
        """A path of the test file, relative to the test file's folder."""
        return os.path.normpath(os.path.join(os.path.dirname(self.file), written))


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


# --- reading and checking a test file ----------------------------------------------


def read_test_file(path: str) -> tuple[list[tuple[Case, list[Diagnostic]]], list[Diagnostic]]:
    """The cases of a test file, each with its own problems (B606-B609), and the
    problems of the file as a whole (it cannot be read, or does not parse: then
    no case runs)."""
    from ..dsl.files import read_source
    from ..dsl.syntax import parse

    try:
        text = read_source(path)
    except InputError as e:
        return [], list(e.diagnostics)
    raw, problems = parse("tests", text, path)
    cases = [_case(item, path) for item in raw or ()]
    if not cases and not problems:
        problems.append(error("B607", "the test file holds no test", Span(path, 1, 1, 1, 1),
                              'start one with `test "name"`, then `rules`, `events` and '
                              "`expect` lines"))
    return cases, problems


def _case(raw, path: str) -> tuple[Case, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    rules = None
    events: list[tuple[str, Span]] = []
    events_span = None
    history: list[tuple[str, Span]] = []
    expectations: list = []
    for item in raw.statements:
        if item.kind == "rules":
            if rules is not None:
                problems.append(error("B606", "the test names a second rules file", item.value[1],
                                      "a test runs one scheme: write another test for another"))
                continue
            rules = item.value
            if not rules[0].lower().endswith(RULES_KINDS):
                problems.append(error("B606", f"`{rules[0]}` is not a rules file", rules[1],
                                      "rules files end in .rules"))
        elif item.kind == "events":
            if events_span is not None:
                problems.append(error("B606", "the test has a second `events` line",
                                      item.value[0][1], "name every file of the catalogue on "
                                      "one line: events \"a.events\" \"b.events\""))
                continue
            events_span = item.value[0][1]
            events = item.value
            for written, span in events:
                if not written.lower().endswith(EVENTS_KINDS):
                    problems.append(error("B606", f"`{written}` is not a catalogue", span,
                                          "catalogues end in .events, .csv, .xlsx, .jsonl or "
                                          ".parquet"))
        elif item.kind == "history":
            if history:
                problems.append(error("B606", "the test has a second `history` line",
                                      item.value[0][1], "name every issue before on one line: "
                                      "history \"a.events\" \"b.events\""))
                continue
            history = item.value
        elif item.kind == "expect":
            expect, found = _expect(item.value)
            expectations.append(expect)
            problems += found
        else:
            r = item.value
            expectations.append(Ranking(r.group, tuple(tuple(t) for t in r.tiers), r.span))
    case = Case(raw.name, path, raw.name_span, rules, tuple(events), tuple(expectations),
                tuple(history))
    if rules is None:
        problems.append(error("B606", f"the test `{raw.name}` names no rules file",
                              raw.name_span, 'add a line: rules "my-scheme.rules"'))
    if events_span is None:
        problems.append(error("B606", f"the test `{raw.name}` names no catalogue",
                              raw.name_span, 'add a line: events "../examples/my.events"'))
    if not expectations:
        problems.append(error("B607", f"the test `{raw.name}` expects nothing, so it cannot "
                              "fail", raw.name_span, "add `expect` lines: expect russia +20"))
    problems += _contradictions(case)
    return case, sorted(problems, key=Diagnostic.sort_key)


_GIVEN = {"aggregate": "an aggregate", "positive": "positive points",
          "negative": "negative points", "events": "a number of events", "colour": "a colour"}


def _rounding(*figures):
    """How far figures written rounded to their places may miss adding up: half a
    unit of the last place for each of the three (0 for whole numbers)."""
    from fractions import Fraction

    places = 0
    for f in figures:
        denominator = getattr(f, "denominator", 1)
        while 10 ** places % denominator and places < 15:
            places += 1
    return Fraction(3, 2) / 10 ** places if places else 0


def _expect(raw) -> tuple[Expect, list[Diagnostic]]:
    """An `expect` line as facts, and what cannot hold together on it (B608)."""
    problems: list[Diagnostic] = []
    facts: list[Fact] = []
    seen: dict[str, Fact] = {}

    def add(kind, value, span):
        if kind in seen:
            problems.append(error("B608", f"{_GIVEN[kind]} is already given on this line "
                                  f"({_show(kind, seen[kind].value)})", span,
                                  "give each figure once"))
            return False
        seen[kind] = Fact(kind, value, span)
        return True

    for kind, value, span in raw.facts:
        if kind == "split":
            pos, neg = value
            if add("positive", pos.value, pos.span) & add("negative", neg.value, neg.span):
                facts.append(Fact("split", (pos.value, neg.value), span))
        elif kind == "no_colour":
            if add("colour", None, span):
                facts.append(Fact("colour", None, span))
        elif kind == "count":
            if getattr(value, "denominator", 1) != 1:
                problems.append(error("B608", f"{plain(value)} is not a number of events", span,
                                      "count events in whole numbers"))
                continue
            if add("events", int(value), span):
                facts.append(Fact("events", int(value), span))
        else:
            value = value.value if kind in ("aggregate", "positive", "negative") else value
            if add(kind, value, span):
                facts.append(Fact(kind, value, span))
    pos, neg = seen.get("positive"), seen.get("negative")
    if pos is not None and pos.value < 0:
        problems.append(error("B608", f"positive points cannot be {signed(pos.value)}",
                              pos.span, "positive points are 0 or more"))
    if neg is not None and neg.value > 0:
        problems.append(error("B608", f"negative points cannot be {signed(neg.value)}",
                              neg.span, "negative points are 0 or less: write the minus sign"))
    total = seen.get("aggregate")
    if total is not None and pos is not None and neg is not None and \
            pos.value >= 0 >= neg.value and abs(pos.value + neg.value - total.value) > \
            _rounding(pos.value, neg.value, total.value):
        problems.append(error("B608", f"the figures do not add up: {signed(pos.value)} and "
                              f"{signed(neg.value)} make {signed(pos.value + neg.value)}, "
                              f"not {signed(total.value)}",
                              total.span, "an aggregate is its positive plus its negative "
                              "points"))
    return Expect(raw.index, tuple(facts), raw.span), problems


def _contradictions(case: Case) -> list[Diagnostic]:
    """The same figure expected twice in a test (B609): a test that can never
    pass, or a line too many."""
    problems = []
    seen: dict[tuple, tuple[str, Span]] = {}
    for e in case.expectations:
        if isinstance(e, Ranking):
            facts = [(("ranking", e.group.name), f"the ranking of {e.group.name}",
                      _tiers_text(e.tiers), e.span)]
        else:
            facts = []
            for f in e.facts:
                parts = ([("positive", f.value[0]), ("negative", f.value[1])]
                         if f.kind == "split" else [(f.kind, f.value)])
                facts += [((e.index.name, kind), f"{_THE[kind]} of {e.index.name}",
                           _show(kind, value), f.span) for kind, value in parts]
        for key, what, shown, span in facts:
            if key not in seen:
                seen[key] = (shown, span)
                continue
            before, where = seen[key]
            problems.append(error(
                "B609", f"{what} is already expected at line {where.line} ({before})", span,
                "keep one of the two" if before == shown else
                "the two cannot both hold: keep the right one"))
    return problems


_THE = {"aggregate": "the aggregate", "positive": "the positive points",
        "negative": "the negative points", "events": "the number of events",
        "colour": "the colour"}


def _show(kind: str, value) -> str:
    if value is None and kind in ("events", "positive", "negative"):
        return f"no {kind} (a derived index has none)"
    if kind == "colour":
        return "no colour" if value is None else value
    if kind == "events":
        return f"events {value}"
    if kind == "positive":
        return f"positive {signed(value)}"
    if kind == "negative":
        return f"negative {signed(value)}"
    return signed(value)


def _tiers_text(tiers) -> str:
    return " > ".join(" = ".join(d.name if isinstance(d, m.Declared) else d for d in tier)
                      for tier in tiers)


# --- checking a case against its scheme --------------------------------------------


def check_against(case: Case, scheme: m.Scheme) -> list[Diagnostic]:
    """The names of the expectations against the scheme (B601-B604)."""
    problems = []
    indices = list(scheme.indices)
    for e in case.expectations:
        if isinstance(e, Ranking):
            problems += _check_ranking(e, scheme)
            continue
        name = e.index.name
        if name not in scheme.indices:
            problems.append(error("B601", f"unknown index `{name}`: {scheme.path} has no such "
                                  "index", e.index.span,
                                  did_you_mean(name, indices) or _listed("indices", indices)))
            continue
        bands = scheme.bands.get(name)
        for f in e.facts:
            if f.kind != "colour" or f.value is None:
                continue
            if bands is None:
                problems.append(error("B603", f"{name} has no colour bands in {scheme.path}",
                                      f.span, "write `no colour`, or leave the colour out"))
                continue
            names = [b.name for b in bands.bands]
            if f.value not in names:
                problems.append(error("B603", f"`{f.value}` is not a colour of {name}",
                                      f.span, did_you_mean(f.value, names)
                                      or _listed("colours", names)))
    return problems


def _check_ranking(e: Ranking, scheme: m.Scheme) -> list[Diagnostic]:
    name = e.group.name
    group = scheme.groups.get(name)
    if group is None:
        groups = list(scheme.groups)
        return [error("B602", f"unknown group `{name}`: {scheme.path} has no such group",
                      e.group.span, did_you_mean(name, groups) or _listed("groups", groups))]
    problems = []
    seen: dict[str, Span] = {}
    for d in (d for tier in e.tiers for d in tier):
        if d.name in seen:
            problems.append(error("B604", f"`{d.name}` is ranked twice (first at column "
                                  f"{seen[d.name].column})", d.span, "rank each index once"))
        elif d.name not in group.indices:
            problems.append(error("B604", f"`{d.name}` is not in the group {name}", d.span,
                                  did_you_mean(d.name, group.indices)
                                  or _listed("its indices", group.indices)))
        seen.setdefault(d.name, d.span)
    missing = [n for n in group.indices if n not in seen]
    if missing:
        problems.append(error("B604", f"the ranking of {name} leaves out "
                              f"{', '.join(missing)}", e.group.span,
                              f"rank every index of the group: {', '.join(group.indices)}"))
    return problems


def _listed(what: str, names) -> str:
    names = list(names)
    if not names:
        return f"the scheme has no {what}"
    return f"the scheme's {what}: {', '.join(names)}" if what != "its indices" else \
        f"{what}: {', '.join(names)}"


# --- running -----------------------------------------------------------------------


def compare(case: Case, evaluation) -> list[Failure]:
    """Every expectation of the case that the evaluation does not meet."""
    from .compare import ranking

    failures = []
    for e in case.expectations:
        if isinstance(e, Ranking):
            group = evaluation.scheme.groups[e.group.name]
            got = _tiers(evaluation, ranking(evaluation, group.indices))
            want = [[d.name for d in tier] for tier in e.tiers]
            if [sorted(t) for t in got] != [sorted(t) for t in want]:
                failures.append(Failure(e.span, f"ranking {e.group.name}", _tiers_text(want),
                                        _tiers_text(got), {"ranking": want}, {"ranking": got}))
            continue
        result = evaluation.indices[e.index.name]
        actual = {"aggregate": result.aggregate, "positive": result.positive,
                  "negative": result.negative, "events": result.events,
                  "colour": result.colour}
        expected, got, same = [], [], True
        want_values, got_values = {}, {}
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
                expected.append(_show(f.kind, f.value))
                got.append(_show(f.kind, actual[f.kind]))
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
    from fractions import Fraction

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
            from .verify import read_scheme

            scheme, problems = read_scheme(path, errors_only=True)
            errors = [p for p in problems if p.severity == "error"]
            self.schemes[path] = (None if errors else scheme, errors)
        return self.schemes[path]

    def evaluation(self, rules: str, scheme, events: tuple[str, ...], history=()):
        key = (rules, events, tuple(history))
        if key not in self.evaluations:
            from . import evaluate
            from .verify import read_catalogue_checked

            catalogue, problems = read_catalogue_checked(list(events), scheme, None,
                                                         errors_only=True, alone=not history)
            errors = [p for p in problems if p.severity == "error"]
            if errors or catalogue is None:
                self.evaluations[key] = (None, errors or problems)
            elif history:  # after the issues before, as `eval --history` evaluates it
                from .series import evaluate_after

                evaluated, problems = evaluate_after(scheme, catalogue, list(history))
                errors = [p for p in problems if p.severity == "error"]
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
    rules = case.path(case.rules[0])
    events = tuple(case.path(p) for p, _ in case.events)
    outcome = Outcome(case.name, case.file, case.span.line, rules, events)

    def failed(problems):
        import attrs

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
    import attrs

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
    if wanted is not None and not outcomes and deselected:  # a typo must not pass in CI
        raise UsageProblem(f"-k {select!r} selects none of the {deselected} tests in "
                           f"{', '.join(paths)}")
    return Run(tuple(outcomes), tuple(files), tuple(sorted(whole, key=Diagnostic.sort_key)),
               deselected)


def selection(expression: str):
    """A predicate on a test's file and name from a -k expression: words (runs of
    them, `No 19`, make a phrase) matched as parts of the text without regard to
    case, combined with `and`, `or`, `not` and parentheses, as pytest reads -k."""
    import re

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
                raise UsageProblem(f"-k {expression!r}: a `(` is not closed")
            take()
            return inner
        words = []
        while peek() not in (None, "(", ")", "and", "or", "not"):
            words.append(take())
        if not words:
            found = f"`{peek()}`" if peek() else "the end"
            raise UsageProblem(f"-k {expression!r}: expected a word, found {found}")
        phrase = " ".join(words).casefold()
        return lambda t: phrase in t.casefold()

    found = either()
    if peek() is not None:
        raise UsageProblem(f"-k {expression!r}: unexpected `{peek()}`")
    return found
