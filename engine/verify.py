"""A catalogue read through every check stage, as `eval` (errors only) and
`check` (everything) both read it: the stages that need the evaluation (published
totals under the root scheme, derived figures) are run here, above dsl/."""

from __future__ import annotations

from ..dsl import model as m
from ..dsl.checks import check_catalogue
from ..dsl.diagnostics import Diagnostic, InputError
from ..dsl.events import read_catalogue


def published_for(scheme: m.Scheme, catalogue: m.Catalogue) -> list | None:
    """What a catalogue's published figures are compared with, file by file: the
    aggregates (and colours) of that file's events under the root of the scheme's `extends`
    chain, the scheme the figures were published for (a variant is not held to
    them)."""
    import attrs

    from ..dsl.load import load_scheme
    from . import evaluate

    root = scheme.files[-1]
    if root != scheme.path:
        try:
            scheme = load_scheme(root)
        except InputError:
            return None  # the root's own errors are reported with it
    found = []
    for path in catalogue.files:
        stated = tuple(p for p in catalogue.period.published if p.span.file == path)
        if not stated:
            continue
        own = attrs.evolve(catalogue, events=tuple(e for e in catalogue.events
                                                   if e.span.file == path))
        if not own.events:
            continue  # a published issue: its figures are the published ones (engine/series.py)
        found.append((stated, root, {k: (r.aggregate, r.colour) for k, r in
                                     evaluate(scheme, own).indices.items()}))
    return found


def read_catalogue_checked(paths: list[str], scheme: m.Scheme, period=None,
                           errors_only: bool = False, alone: bool = True,
                           others: frozenset[str] = frozenset()
                           ) -> tuple[m.Catalogue | None, list[Diagnostic]]:
    """A catalogue read, resolved and put through the catalogue stages, as `eval`
    (errors only) and `check` (everything) both do. `alone`: whether its figures
    are computed here, without history; a series computes them with the issues
    before (engine/series.py). `others`: attributes other schemes read (compare)."""
    catalogue, problems = read_catalogue(paths, scheme, period, others)
    found = list(problems)
    if catalogue is not None:
        published = None
        if not any(p.severity == "error" and not _on_published(p, catalogue)
                   for p in problems):  # every event read: the sums mean something
            published = published_for(scheme, catalogue)
            if alone:
                found += figure_problems(scheme, catalogue)
        found += check_catalogue(scheme, catalogue, published, errors_only)
    return catalogue, found


def figure_problems(scheme: m.Scheme, catalogue: m.Catalogue) -> list[Diagnostic]:
    """The figures can be computed on this catalogue (B208: no division by zero,
    no log of 0, in a derived index or in a rule's action)."""
    computed = any(a.kind in ("set", "add", "multiply") and a.number() is None
                   for rule in scheme.rules for a in rule.actions) or may_fail(scheme.score)
    if not computed and not any(index.derived for index in scheme.indices.values()) and not any(
            b.relative for b in scheme.bands.values()):
        return option_problems(scheme, catalogue, scheme.varies)
    from . import evaluate

    from .plan import missing_figures

    try:
        result = evaluate(scheme, catalogue)
    except InputError as e:
        return list(e.diagnostics)
    return missing_figures(result.indices, catalogue) + option_problems(scheme, catalogue,
                                                                        scheme.varies)


def option_problems(scheme: m.Scheme, catalogue: m.Catalogue, varies) -> list[Diagnostic]:
    """The score expressions `vary score among [...]` offers can be computed on
    this catalogue (B208): `sensitivity` scores every event with each of them."""
    import attrs

    from . import evaluate

    problems: list[Diagnostic] = []
    for vary in varies:
        for option in vary.options if vary.kind == "score" else ():
            if not may_fail(option):
                continue
            try:
                evaluate(attrs.evolve(scheme, score=option), catalogue)
            except InputError as e:
                problems += [p for p in e.diagnostics if p.code == "B208"]
    return problems


def may_fail(expr) -> bool:
    """Whether a score expression can fail to give a number on some event: it
    divides (`recorded / fatalities`) or calls a function (`log`, `sqrt`)."""
    from ..dsl.nodes import Binary, Call, subexpressions

    return any((isinstance(e, Binary) and e.op == "/") or isinstance(e, Call)
               for e in subexpressions(expr))


def _on_published(p: Diagnostic, catalogue: m.Catalogue) -> bool:
    """Whether a finding is about a published total (which does not stop the
    events from being added up)."""
    return p.span is not None and any(x.span == p.span for x in catalogue.period.published)


def published_only(catalogue: m.Catalogue) -> list[Diagnostic]:
    """A file with published figures and no events, among the files of one
    evaluation (B707): there is nothing to add up, and its figures would be
    taken for zeros. A series shows such a file as a published issue."""
    from ..dsl.diagnostics import error

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
