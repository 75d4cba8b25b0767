"""A barometer is a series: many issues, each evaluated (or known only by its
published figures), in period order, with the change since the previous one.

Each catalogue is its own issue (unlike `eval`, which reads several files as one
catalogue). An issue whose file holds a period and `published` lines but no
events is a published issue: its figures are the published ones, marked so (and
those it does not publish are not known).
Issues are put in period order, whatever order the files were given in; periods
that overlap are an error, a gap between two periods a warning.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from ..dsl import model as m
from ..dsl.diagnostics import Diagnostic, InputError, error, warning
from ..dsl.files import told_already
from ..dsl.node import Node, node
from ..dsl.nodes import HISTORY_FUNCTIONS
from ..dsl.numbers import Number
from .plan import Evaluation, Past, bands_now, evaluate, guard_hint
from .records import Tabular, bounded, number, short
from .verify import read_catalogue_checked


@node
class IssueFigure(Node):
    """One index in one issue."""

    index: m.Index
    aggregate: Number | None  # None: not known for this issue (no catalogue, nothing published)
    positive: Number | None
    negative: Number | None
    events: int | None
    colour: str | None
    published: bool  # True: a published figure, no catalogue behind it
    change: Number | None  # aggregate minus the previous issue's; None for the first or unknown
    previous_colour: str | None  # the previous issue's colour (a transition where it differs)

    @property
    def transition(self) -> bool:
        """Whether the colour changed since the previous issue (both known)."""
        return (self.colour is not None and self.previous_colour is not None
                and self.colour != self.previous_colour)

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        value = "not known" if self.aggregate is None else m.signed(self.aggregate)
        parts = [f"{value}{' published' if self.published else ''}"]
        if self.change is not None:
            parts.append(f"change {m.signed(self.change) if self.change else '0'}")
        if self.colour:
            parts.append(self.colour + (f" (was {self.previous_colour})" if self.transition
                                        else ""))
        return (f"<IssueFigure {short(self.index.name, 40)} {short(self.index.title, 60)!r}: "
                f"{', '.join(parts)}>")


@node
class Issue(Node):
    label: str  # the period title, e.g. "Minsk Barometer No 19"
    period: m.Period
    evaluation: Evaluation | None  # None for a published-only issue
    figures: dict  # index name -> IssueFigure, in the scheme's order

    @property
    def published(self) -> bool:
        """Whether the issue is known only by its published figures."""
        return self.evaluation is None

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        return bounded(f"<Issue {short(self.label)!r}{' (published)' if self.published else ''}: ",
                       [f"{short(k, 30)} {m.signed(f.aggregate)}"
                        for k, f in self.figures.items() if f.aggregate is not None])


class Series(Tabular):
    """Issues in period order under one scheme, with the changes between them."""

    __slots__ = ("scheme", "issues", "warnings", "unlisted")

    def __init__(self, scheme: m.Scheme, issues: tuple[Issue, ...],
                 warnings: tuple[Diagnostic, ...] = (), unlisted: dict | None = None):
        self.scheme, self.issues, self.warnings = scheme, tuple(issues), tuple(warnings)
        # {code: how many more warnings of its issues' files the tally counted without
        # listing them} (`load_series`)
        self.unlisted = unlisted or {}

    def __eq__(self, other):
        if not isinstance(other, Series):
            return NotImplemented
        return (self.scheme, self.issues) == (other.scheme, other.issues)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as its fields are

    def __repr__(self):
        return bounded(f"<Series under {short(self.scheme.name, 40)!r}, "
                       f"{len(self.issues)} issue{'' if len(self.issues) == 1 else 's'}: ",
                       [short(i.label, 40) for i in self.issues])

    def _html_table(self):
        first, last = self.issues[0].period, self.issues[-1].period
        caption = (f"{self.scheme.name}: {m.counted(len(self.issues), 'issue')}, "
                   f"{first.start} to {last.end}"
                   "; * a published figure")
        rows = []
        for issue in self.issues:
            for k, f in enumerate(issue.figures.values()):
                rows.append([issue.label if k == 0 else "", f.index.title,
                             "" if f.aggregate is None else
                             m.signed(f.aggregate) + ("*" if f.published else ""),
                             "" if f.change is None else m.signed(f.change) if f.change else "0",
                             f.colour or ""])
        return caption, ["Issue", "Index", "Aggregate", "Change", "Colour"], rows, {2, 3}

    columns = ("issue", "start", "end", "published", "index", "name", "aggregate", "positive",
               "negative", "events", "colour", "change", "previous_colour", "missing")

    def to_records(self) -> list[dict]:
        """One record per issue and index, issues in period order, indices in the
        scheme's (the keys of `columns`)."""
        return [{"issue": issue.label, "start": issue.period.start.isoformat(),
                 "end": issue.period.end.isoformat(), "published": f.published,
                 "index": name, "name": f.index.title, "aggregate": number(f.aggregate),
                 "positive": number(f.positive), "negative": number(f.negative),
                 "events": f.events, "colour": f.colour, "change": number(f.change),
                 "previous_colour": f.previous_colour, "missing": missing(issue, name, f)}
                for issue in self.issues for name, f in issue.figures.items()]


def missing(issue: "Issue", name: str, f: IssueFigure) -> str | None:
    """Why a figure is absent: "history" (it needs issues before this one that the
    series does not have), "not known" (an issue known by what it publishes, which
    is not this); None where the figure is there."""
    if f.aggregate is not None:
        return None
    short = getattr(issue.evaluation, "short", None) or {}
    if name in short:
        return "history"
    result = issue.evaluation.indices.get(name) if issue.evaluation is not None else None
    if result is not None and result.missing is not None:  # e.g. the mean of no events
        return f"no figure: {result.missing.words()}"
    return "not known"


# --- building -----------------------------------------------------------------------


def published_only(catalogue: m.Catalogue) -> bool:
    """Whether an issue is known only by its published figures: a file with a
    period, perhaps `published` lines, and no events. In a series, a period
    without a single event is an issue whose catalogue is not at hand (every
    figure it does not publish is not known), not one in which nothing happened."""
    return not catalogue.events


def build_series(scheme: m.Scheme, catalogues, tallied: dict | None = None) -> Series:
    """The series of `catalogues`, each its own issue, in period order; raises
    InputError where periods overlap. `tallied`: {id of a catalogue: its
    evaluation}, of the catalogues the streaming tally evaluated (`load_series`),
    whose figures no history changes."""
    tallied = tallied or {}
    ordered = sorted(catalogues, key=lambda c: (c.period.start, c.period.end, c.period.title,
                                                c.files))
    problems = order_problems([c.period for c in ordered])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    issues: list[Issue] = []
    failed: list[Diagnostic] = []
    for catalogue in ordered:
        before = issues[-1] if issues else None
        history = _history(issues)
        try:
            issues.append(_issue(scheme, catalogue, before, history,
                                 done=tallied.get(id(catalogue))))
        except InputError as e:  # a figure that cannot be computed (B208): said, then on
            failed += e.diagnostics
            issues.append(_issue(scheme, attrs.evolve(catalogue, events=()), before, history,
                                 unknown=True))
    if failed:
        raise InputError(failed)
    return Series(scheme, tuple(issues), tuple(problems) + tuple(_short(issues))
                  + tuple(_undefined(issues)))


def _undefined(issues: list[Issue]) -> list[Diagnostic]:
    """One warning (B210) for each index and reason some issues have no figure for,
    naming the issues."""
    found: dict = {}
    for issue in issues:
        for name, r in (issue.evaluation.indices.items() if issue.evaluation else ()):
            if r.aggregate is None and r.missing is not None:
                found.setdefault((name, r.missing), []).append(issue.label)
    problems = []
    for (name, why), labels in found.items():
        shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3
                                          else "")
        problems.append(warning("B210", f"`{name}` has no figure in {shown}: {why.reason}; the "
                                "other figures stand", why.span, guard_hint(why.reason)))
    return problems


def _history(issues) -> tuple:
    """The issues as the history a later issue reads (`engine.plan.Past`)."""
    return tuple(Past(i.label, {name: f.aggregate for name, f in i.figures.items()})
                 for i in issues)


def evaluate_after(scheme: m.Scheme, catalogue: m.Catalogue, history: list[str]
                   ) -> tuple[Evaluation | None, list[Diagnostic]]:
    """The catalogue evaluated as the issue after those in `history` (paths, each
    its own issue, in any order), as `eval --history` does: the evaluation, or
    None, and every finding. The history must end before the catalogue begins
    (B708)."""
    period = catalogue.period
    series, problems = load_series(scheme, history, counted=False)
    if series is None:
        return None, problems
    # what the earlier issues themselves lack matters here only as this issue reads it
    problems = [p for p in problems if p.code != "B705"]
    after = [i for i in series.issues if i.period.start > period.end]
    if after and len(after) < len(series.issues):
        # a folder of the whole history holds later issues too: set aside, said once
        labels = ", ".join(repr(i.label) for i in after)
        problems.append(warning(
            "B709", f"{labels} come{'s' if len(after) == 1 else ''} after {period.title!r}: "
            "not read as its history", after[0].period.span or period.span,
            "the history is the issues before the one evaluated; `barometer series` shows "
            "them all"))
        series = Series(series.scheme, tuple(i for i in series.issues if i not in after),
                        series.warnings)
        files = {i.period.span.file for i in after if i.period.span is not None}
        problems = [p for p in problems  # the gap before a later issue is this one's
                    if not (p.code == "B703" and p.span is not None and p.span.file in files)]
    later = [i for i in series.issues if i.period.end >= period.start]
    if later:
        problems.append(error(
            "B708", f"the history must come before the issue evaluated: {later[0].label!r} "
            f"({later[0].period.start} to {later[0].period.end}) does not end before "
            f"{period.title!r} begins ({period.start})", later[0].period.span or period.span,
            "give the earlier issues with --history, and the issue to evaluate as EVENTS"))
        return None, problems
    problems += order_problems([series.issues[-1].period, period])
    try:
        evaluation = evaluate(scheme, catalogue, _history(series.issues))
    except InputError as e:
        return None, problems + list(e.diagnostics)
    this = Issue(period.title, period, evaluation, {})
    return evaluation, problems + _short([this])


def _short(issues: list[Issue]) -> list[Diagnostic]:
    """One warning (B705) for each figure or colour that some issues lack for
    want of earlier issues, naming them."""
    found: dict = {}  # (what, span) -> the exception, [issue labels]
    for issue in issues:
        if issue.evaluation is None:
            continue
        for name, e in issue.evaluation.short.items():
            key = (e.what, e.span)
            found.setdefault(key, (e, []))[1].append((name, issue.label))
    parts, spans = [], []
    for (what, span), (e, where) in found.items():
        names = list(dict.fromkeys(n for n, _ in where))
        labels = list(dict.fromkeys(label for _, label in where))
        shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3
                                          else "")
        lacks = "colour" if what.startswith("the colour") else "figure"
        parts.append(f"{what} needs {e.needed} earlier issue{'' if e.needed == 1 else 's'} "
                     f"with the figure: {', '.join(names)} {'has' if len(names) == 1 else 'have'}"
                     f" no {lacks} in {shown}")
        spans.append(span)
    if not parts:
        return []
    # one warning for the series, however many figures and colours lack history
    # (said where the first is written; the others' places are in the message)
    if len(parts) > 1:
        parts = [f"{part} ({span.file}:{span.line})" if span is not None else part
                 for part, span in zip(parts, spans)]
    return [warning("B705", "; ".join(parts), spans[0],
                    "name the earlier issues too (their published figures are enough)")]


def _issue(scheme: m.Scheme, catalogue: m.Catalogue, before: Issue | None, history,
           unknown: bool = False, done: Evaluation | None = None) -> Issue:
    """`done`: the catalogue's evaluation by the tally (its events never held)."""
    period = catalogue.period
    if unknown:
        figures = {name: _figure(index, None, None, None, None, None, False, before)
                   for name, index in scheme.indices.items()}
        return Issue(period.title, period, None, figures)
    figures = {}
    if done is None and published_only(catalogue):
        stated = {p.index: p for p in period.published}
        now = bands_now(scheme, history, {})  # relative bands, as this issue's history sets them
        for name, index in scheme.indices.items():
            line = stated.get(name)
            value = line.value if line is not None else None
            bands = now.bands.get(name)
            colour: str | None
            if line is not None and line.colour is not None:
                colour = line.colour.name  # as published, even where the scheme's bands differ
            else:
                colour = bands.colour(value) if bands is not None and value is not None else None
            figures[name] = _figure(index, value, None, None, None, colour, True, before)
        return Issue(period.title, period, None, figures)
    evaluation = done if done is not None else evaluate(scheme, catalogue, history)
    for name, index in scheme.indices.items():
        r = evaluation.indices.get(name)
        if r is None:
            figures[name] = _figure(index, None, None, None, None, None, False, before)
        else:
            figures[name] = _figure(index, r.aggregate, r.positive, r.negative, r.events,
                                    r.colour, False, before)
    return Issue(period.title, period, evaluation, figures)


def _figure(index, aggregate, positive, negative, events, colour, published, before):
    previous = before.figures.get(index.name) if before is not None else None
    change = None
    if previous is not None and previous.aggregate is not None and aggregate is not None:
        change = aggregate - previous.aggregate
    return IssueFigure(index, aggregate, positive, negative, events, colour, published, change,
                       previous.colour if previous is not None else None)


# An issue's number in its title: "No 19", "No. 19", "№ 19", "#19", "Issue 19".
_NUMBER = re.compile(r"(?:\bNo\.?|№|#|\bIssue)\s*(\d+)\b", re.I)


def issue_number(title: str) -> int | None:
    found = _NUMBER.search(title)
    return int(found.group(1)) if found else None


def order_problems(periods: list[m.Period]) -> list[Diagnostic]:
    """Periods, in order, that overlap (B701, an error), whose issue numbers run
    against their dates (B702, an error), or that leave days between them (B703,
    a warning)."""
    problems = []
    numbered = [(p, n) for p in periods if (n := issue_number(p.title)) is not None]
    for (a, x), (b, y) in zip(numbered, numbered[1:]):
        if y <= x and b.start > a.end:  # periods that overlap are B701's, said below
            said = (f"{b.title!r} ({b.start} to {b.end}) is numbered {y}, as is {a.title!r} "
                    f"({a.start} to {a.end}), which comes before it" if y == x else
                    f"{b.title!r} is numbered {y}, but its period ({b.start} to {b.end}) "
                    f"comes after that of {a.title!r}, numbered {x}")
            problems.append(error(
                "B702", said, b.span or a.span,
                "issues are put in the order of their dates: is a date or a number mistyped?"))
    for a, b in zip(periods, periods[1:]):
        if b.start <= a.end:
            problems.append(error(
                "B701", f"the period of {b.title!r} ({b.start} to {b.end}) overlaps that of "
                f"{a.title!r} ({a.start} to {a.end}): an event would count in two issues",
                b.span or a.span, "each issue covers its own days; is one file given twice, or "
                "a date mistyped?"))
        elif b.start - a.end > dt.timedelta(days=1):
            days = (b.start - a.end).days - 1
            problems.append(warning(
                "B703", f"{m.counted(days, 'day')} between {a.title!r} (to {a.end}) "
                f"and {b.title!r} (from {b.start}) belong{'s' if days == 1 else ''} to no issue",
                b.span or a.span,
                "the change since the previous issue spans the gap; add the missing issue if "
                "there is one"))
    return problems


def load_series(scheme: m.Scheme, paths: list[str], counted: bool = True
                ) -> tuple[Series | None, list[Diagnostic]]:
    """Each path its own issue, read and checked as `eval` reads one catalogue
    (errors only), then put in period order: the series, or None, and every
    finding (warnings too). `counted`: whether warnings past those a tallied file
    lists may be counted (the series' `unlisted`), not listed."""
    catalogues, problems = [], []
    tallied: dict = {}  # {id of a catalogue: its evaluation}, of those tallied
    plain = TALLY and streams(scheme)
    unlisted: dict | None = {} if counted else None
    for path in paths:
        catalogue, evaluation, found = read_issue(scheme, path, plain, unlisted)
        if evaluation is not None:
            tallied[id(catalogue)] = evaluation
        # each issue states its own period: a series takes no --period for them all
        problems += [attrs.evolve(p, hint='add a first row: # period "Title" from 2021-01-01 to '
                                  "2021-02-28") if p.code == "B304" else p for p in found]
        if catalogue is not None:
            catalogues.append(catalogue)
    if any(p.severity == "error" for p in problems) or not catalogues:
        return None, problems
    try:
        series = build_series(scheme, catalogues, tallied)
    except InputError as e:
        return None, problems + list(e.diagnostics)
    series.unlisted = unlisted or {}
    return series, problems + list(series.warnings)


# --- issues tallied as they stream by ---------------------------------------------------------

# Whether a series may tally its CSV, Parquet and JSON Lines issues (tests turn it off
# to hold the two paths to the same output).
TALLY = True


def streams(scheme: m.Scheme) -> bool:
    """Whether an issue's figures under `scheme` are its catalogue's alone, whatever
    the issues before: nothing reads history (previous(), `x over n issues`, bands
    relative to history, in an index, a band's condition or anywhere else)."""
    if any(b.relative for b in scheme.bands.values()):
        return False
    seen: set[int] = set()
    stack: list = [scheme]
    while stack:
        x = stack.pop()
        if isinstance(x, m.Across) or (isinstance(x, m.Call)
                                       and x.function in HISTORY_FUNCTIONS):
            return False
        if isinstance(x, Node):
            if id(x) not in seen:
                seen.add(id(x))
                stack.extend(x._values())
        elif isinstance(x, (tuple, list, set, frozenset)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    return True


def read_issue(scheme: m.Scheme, path: str, plain: bool, unlisted: dict | None = None):
    """One issue of a series: (its catalogue or None, its evaluation where the tally
    made it, the findings `eval` shows of it). `plain`: `TALLY and streams(scheme)`,
    whether the tally may evaluate it; where it does not, or gives up, the full
    reader reads it (and says what it finds). `unlisted`: where given, the events
    listed twice (B502) past those the tally lists are counted there, {code: how
    many}; where not, such a file is the full reader's, which lists them all."""
    done = _tallied(scheme, path, unlisted) if plain else None
    if done:  # its figures counted as it streamed by (engine/streamed.py)
        evaluation, said = done
        return evaluation.catalogue, evaluation, said
    with told_already(path if done is False else None):
        catalogue, found = read_catalogue_checked([path], scheme, errors_only=True,
                                                  alone=False)
    return catalogue, None, found


def _tallied(scheme: m.Scheme, path: str, unlisted: dict | None = None):
    """(the issue's evaluation by the streaming tally, the warnings the full reader
    would show of it) where every row of `path` is plainly sound; False where the
    tally began and gave up (the listeners of READING told of the file); None where
    it is not for the tally (`read_issue`)."""
    from . import streamed
    from .verify import judged

    if not streamed.eligible(scheme, [path]):
        return None
    try:
        result, listed, more = streamed.tally(scheme, path, None)
    except streamed.NotPlain:
        return False
    if more:
        if unlisted is None:
            return False
        unlisted["B502"] = unlisted.get("B502", 0) + more
    _quotable(result.catalogue.period.span)
    return result, judged("duplicates", "eval", listed)


def _quotable(span) -> None:
    """The line stating a tallied issue's period kept for a message to quote (a
    period that overlaps another, B701; days between, B703), as the full reader
    keeps every line it reads."""
    from ..dsl.diagnostics import SOURCES

    if span is None:
        return
    try:
        with open(span.file, encoding="utf-8", errors="replace", newline="") as f:
            for _ in range(span.line):
                line = f.readline()  # lines end at \n, \r\n or a lone \r, as SOURCES counts
    except OSError:  # gone since it was tallied: the message is said without its line
        return
    line = line.rstrip("\r\n")
    SOURCES.keep(span.file, span.line, line[1:] if line.startswith("\ufeff") and span.line == 1
                  else line)
