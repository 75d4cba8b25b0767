"""The runner of the check stages (dsl/checks.py, `STAGES`): every row runs from
here, the readers' included, in table order, and suppression comments are applied
once, here. It stands above dsl/ because some stages need the evaluation
(published totals under the root scheme, derived figures, history); the front
door (barometer.api) and the engine's own readers (series, methodology tests)
read every file through it.

Two modes: "check" keeps every finding; "eval" (every verb that computes figures)
runs the stages that can find errors or whose warnings `eval` shows, and keeps
the errors and those warnings.
"""

from __future__ import annotations

from importlib import import_module

from ..dsl import model as m
from ..dsl.checks import STAGES, Stage, rows
from ..dsl.diagnostics import Diagnostic, InputError, error
from ..dsl.node import evolve
from ..dsl.nodes import Binary, Call, subexpressions
from ..dsl.suppress import suppress
from .plan import evaluate, missing_figures


class Findings(list):
    """Findings that stand, in order, with the warnings a comment suppressed, and
    the evaluation the stages made of the catalogue under the scheme (to compare
    published figures, or to look for B208 and B210), if they made one: the verb
    that wants the figures takes that one (one evaluation, not two)."""

    def __init__(self, found=(), suppressed=(), evaluation=None):
        super().__init__(found)
        self.suppressed = list(suppressed)
        self.evaluation = evaluation
        self.unlisted: dict = {}  # {code: how many more, counted by the tally, not listed}

    def extend_with(self, other: "Findings") -> None:
        self.extend(other)
        self.suppressed += getattr(other, "suppressed", [])
        if getattr(other, "evaluation", None) is not None:
            self.evaluation = other.evaluation

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity == "error"]


_PACKAGE = __package__.rpartition(".")[0]  # "barometer", installed


def function(stage: Stage):
    """The function a row names, imported when it first runs: `eval` runs only the
    rows that can find errors or that it shows, and so does not load the
    reasoning about rules that only warns (dsl/check_rules.py)."""
    module, name = stage.run.split(":")
    return getattr(import_module(f"{_PACKAGE}.{module}"), name)


def _kept(found: list[tuple[Stage, Diagnostic]], mode: str) -> Findings:
    """What `mode` reports of the findings of these stages, suppression applied."""
    kept, suppressed = suppress([d for stage, d in found if stage.keeps(d, mode)])
    return Findings(kept, suppressed)


def _each(stage: Stage, produced) -> list[tuple[Stage, Diagnostic]]:
    if produced is None:
        return []
    if isinstance(produced, Diagnostic):
        return [(stage, produced)]
    return [(stage, d) for d in produced]


def run(target: str, mode: str, *args) -> Findings:
    """Every stage of `target` that runs in `mode`, given `args` (dsl/checks.py
    says what each target is given)."""
    found = []
    for stage in rows(target, mode):
        found += _each(stage, function(stage)(*args))
    return _kept(found, mode)


def judged(name: str, mode: str, found) -> Findings:
    """Findings of the stage called `name`, made by its function called by another
    (a series built from catalogues already read), as the runner keeps them."""
    stage = next(s for s in STAGES if s.name == name)
    return _kept(_each(stage, found), mode)


def read(target: str, mode: str, *args) -> tuple[object, Findings]:
    """A reader's stage (rules, events, history, series): what it read, or None,
    and its findings in `mode`."""
    value, found = None, []
    for stage in rows(target, mode):
        value, produced = function(stage)(*args)
        found += _each(stage, produced)
    return value, _kept(found, mode)


# --- a scheme ------------------------------------------------------------------------------------

def read_scheme(path: str, errors_only: bool = False, mode: str | None = None
                ) -> tuple[m.Scheme | None, Findings]:
    """The scheme and every finding in it. A scheme with unknown names is still
    returned, and checked, to report everything in one run, whatever the mode; in
    "eval" mode (`errors_only`), only the stages that can find errors run."""
    mode = mode or ("eval" if errors_only else "check")
    scheme, found = read("rules", mode, path)
    if scheme is not None:
        found.extend_with(run("scheme", mode, scheme))
    return scheme, found


def load_scheme(path: str) -> m.Scheme:
    """The methodology in `path`, its `extends` chain resolved and checked; raises
    InputError with every error found in any file of the chain."""
    scheme, found = read_scheme(path, mode="eval")
    if found.errors or scheme is None:
        raise InputError(found.errors or found)
    return scheme


def root_of(scheme: m.Scheme) -> m.Scheme | None:
    """The root of the scheme's `extends` chain, the scheme published figures are
    for: the scheme itself, or the root read through the stages (None where it has
    errors, which are reported with it)."""
    if scheme.files[-1] == scheme.path:
        return scheme
    try:
        return load_scheme(scheme.files[-1])
    except InputError:
        return None


# --- a catalogue ---------------------------------------------------------------------------------

def evaluation_of(scheme: m.Scheme, catalogue: m.Catalogue, done: dict | None = None):
    """The scheme's evaluation of the catalogue (raising InputError), made once per
    reading: `done` keeps those made (by scheme and catalogue), for the stages and
    the verb that come after."""
    if done is None:
        return evaluate(scheme, catalogue)
    key = (id(scheme), id(catalogue))
    if key not in done:
        done[key] = (scheme, catalogue, evaluate(scheme, catalogue))  # both held: ids stay
    return done[key][2]


def published_for(scheme: m.Scheme, catalogue: m.Catalogue, root: m.Scheme | None,
                  done: dict | None = None) -> list | None:
    """What a catalogue's published figures are compared with, file by file: the
    aggregates (and colours) of that file's events under `root`, the root of the
    scheme's `extends` chain, the scheme the figures were published for (a
    variant is not held to them). `done`: see `evaluation_of` (a file holding every
    event is the catalogue itself, whose evaluation under the scheme is the
    figures)."""
    if root is None:
        return None  # the root's own errors are reported with it
    found = []
    for path in catalogue.files:
        stated = tuple(p for p in catalogue.period.published if p.span.file == path)
        if not stated:
            continue
        own = tuple(e for e in catalogue.events if e.span.file == path)
        if not own:
            continue  # a published issue: its figures are the published ones (engine/series.py)
        own = catalogue if len(own) == len(catalogue.events) else evolve(catalogue,
                                                                         events=own)
        found.append((stated, root.path, {k: (r.aggregate, r.colour) for k, r in
                                          evaluation_of(root, own, done).indices.items()}))
    return found


def read_catalogue_checked(paths: list[str], scheme: m.Scheme, period=None,
                           errors_only: bool = False, alone: bool = True,
                           others: frozenset[str] = frozenset(), mode: str | None = None,
                           root: m.Scheme | None = None, evaluated: bool = False
                           ) -> tuple[m.Catalogue | None, Findings]:
    """A catalogue read, resolved and put through the catalogue stages, in "check"
    or "eval" mode (`errors_only`). `alone`: whether its figures are computed here,
    without history; a series computes them with the issues before
    (engine/series.py). `others`: attributes other schemes read (compare).
    `root`: the root of the scheme's chain, where the caller has it. `evaluated`:
    a verb is about to evaluate it (the stages that refuse what only `check`
    accepts run too)."""
    mode = mode or ("eval" if errors_only else "check")
    catalogue, found = read("events", mode, list(paths), scheme, period, others)
    if catalogue is None:
        return None, found
    published = None
    done: dict = {}  # the evaluations made: one per scheme, shared (`evaluation_of`)
    if not any(p.severity == "error" and not _on_published(p, catalogue) for p in found):
        # every event read: the sums mean something
        if any(stage.name == "published" for stage in rows("catalogue", mode)):
            published = published_for(scheme, catalogue, root if root is not None
                                      else root_of(scheme), done)
        if alone:
            found.extend_with(run("figures", mode, scheme, catalogue, done))
    found.evaluation = done.get((id(scheme), id(catalogue)), (None,) * 3)[2]
    found.extend_with(run("catalogue", mode, scheme, catalogue, published))
    if evaluated:
        found.extend_with(run("evaluated", mode, scheme, catalogue))
    return catalogue, found


def figure_problems(scheme: m.Scheme, catalogue: m.Catalogue, done: dict | None = None
                    ) -> list[Diagnostic]:
    """The figures can be computed on this catalogue (B208: no division by zero,
    no log of 0, in a derived index or in a rule's action). Where it evaluates to
    find out, the evaluation is kept in `done` (see `evaluation_of`): the verb
    computing the figures takes it instead of evaluating again."""
    computed = any(a.kind in ("set", "add", "multiply") and a.number() is None
                   for rule in scheme.rules for a in rule.actions) or may_fail(scheme.score)
    if not computed and not any(index.derived for index in scheme.indices.values()) and not any(
            b.relative for b in scheme.bands.values()):
        return option_problems(scheme, catalogue, scheme.varies)
    try:
        result = evaluation_of(scheme, catalogue, done)
    except InputError as e:
        return list(e.diagnostics)
    return missing_figures(result.indices, catalogue) + option_problems(scheme, catalogue,
                                                                        scheme.varies)


def option_problems(scheme: m.Scheme, catalogue: m.Catalogue, varies) -> list[Diagnostic]:
    """The score expressions `vary score among [...]` offers can be computed on
    this catalogue (B208): `sensitivity` scores every event with each of them."""
    problems: list[Diagnostic] = []
    for vary in varies:
        for option in vary.options if vary.kind == "score" else ():
            if not may_fail(option):
                continue
            try:
                evaluate(evolve(scheme, score=option), catalogue)
            except InputError as e:
                problems += [p for p in e.diagnostics if p.code == "B208"]
    return problems


def may_fail(expr) -> bool:
    """Whether a score expression can fail to give a number on some event: it
    divides (`recorded / fatalities`) or calls a function (`log`, `sqrt`)."""
    return any((isinstance(e, Binary) and e.op == "/") or isinstance(e, Call)
               for e in subexpressions(expr))


def _on_published(p: Diagnostic, catalogue: m.Catalogue) -> bool:
    """Whether a finding is about a published total (which does not stop the
    events from being added up)."""
    return p.span is not None and any(x.span == p.span for x in catalogue.period.published)


def published_only(scheme: m.Scheme, catalogue: m.Catalogue) -> list[Diagnostic]:
    """A file with published figures and no events, among the files of one
    evaluation (B707): there is nothing to add up, and its figures would be
    taken for zeros. A series shows such a file as a published issue."""
    problems = []
    for path in catalogue.files:
        if any(e.span.file == path for e in catalogue.events):
            continue
        stated = [p for p in catalogue.period.published if p.span.file == path]
        if stated:
            problems.append(error(
                "B707", f"{path} holds published figures but no events: there is nothing to "
                "evaluate", stated[0].span, "show it beside evaluated issues with barometer "
                f"series RULES {path} OTHER.events"))
    return problems
