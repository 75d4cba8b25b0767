"""The python engine's streaming tally of a CSV, Parquet or JSON Lines catalogue
(issue 19, "reading into columns"): `eval` of one such file whose every row is
plainly sound never builds the catalogue. dsl/tally.py reads each row straight into
its entries' signatures (engine/plan.py `Signature.row`, as a columnar engine groups
a catalogue) and counts them; the plan then scores each distinct signature once and
counts its score as often as it occurs (`Plan.signed`, as DuckDB's path does).

Anything the tally does not take as plainly sound (see dsl/tally.py), and a figure
that cannot be computed or a score computed as a float, makes it give up
(`NotPlain`): the full reader then reads the file, and every error and warning is
said as it always was. tests/test_streamed.py holds the two to the same figures and
the same findings.
"""

from __future__ import annotations

import os

from ..dsl import model as m
from ..dsl.diagnostics import InputError
from ..dsl.domains import FigureProblem
from ..dsl.tally import NotPlain, listed_twice, tally as read_tally
from .choice import SUFFIXES
from .plan import EntryView, Evaluation, HistoryShort, Plan


def eligible(scheme: m.Scheme, paths, history=()) -> bool:
    """Whether the tally may evaluate these files under this scheme: one CSV,
    Parquet or JSON Lines file (on disk, not an editor's text), no history, and a scheme whose
    scores depend on each entry alone (its signature is known; no ranks, no `score
    of`, no bands relative to history, no offered score expression that may fail)."""
    from .verify import may_fail

    if history or len(paths) != 1 or not paths[0].lower().endswith(SUFFIXES):
        return False
    from ..dsl.files import OVERLAY

    if not os.path.isfile(paths[0]) or paths[0] in OVERLAY:  # an editor's unsaved text
        return False
    if scheme.ranks or scheme.scores_of or any(b.relative for b in scheme.bands.values()):
        return False
    if any(may_fail(o) for v in scheme.varies if v.kind == "score" for o in v.options):
        return False
    return Plan(scheme).signature.known


class Streamed(Evaluation):
    """The figures of a catalogue tallied as it streamed by: its events were never
    held (`catalogue.events` is empty, as a columnar engine's). Asked for its entries
    (`entries`, `scored`), it reads the file through the full reader then."""

    __slots__ = ()

    @property
    def entries(self):
        if self._entries is None:
            from .verify import read_catalogue_checked

            full, found = read_catalogue_checked(list(self.catalogue.files), self.scheme,
                                                 self.catalogue.period, mode="eval")
            if full is None or found.errors:
                raise InputError(found.errors or list(found))
            self.catalogue = full
            self._entries = self.plan.match(full)
        return self._entries


def _answers(signature):
    tests = signature.tests

    def answers(event, end) -> tuple:
        view = EntryView(event, end)
        return tuple([c.holds(view) for c in tests])

    return answers


def tally(scheme: m.Scheme, path: str, period: m.Period | None = None):
    """(the evaluation, the B502 warnings listed, how many more there are), or
    NotPlain."""
    from ..dsl.files import READING

    plan = Plan(scheme)
    for listener in READING:
        listener(path)
    period, counts, listed, more, events, lines, digest = read_tally(
        path, period, scheme, plan.signature, _answers(plan.signature))
    if not events:
        raise NotPlain(path)
    try:
        signed = plan.signed(list(counts), period)
        scores = plan.scores(signed)
        if any(type(score) is float for score in scores):
            raise NotPlain(path)  # added up entry by entry, in order, by the full path
        indices = plan.totals(signed, scores, None, None, list(counts.values()))
    except (FigureProblem, HistoryShort):
        raise NotPlain(path) from None
    if any(r.aggregate is None or r.missing is not None for r in indices.values()):
        raise NotPlain(path)
    result = Streamed(scheme, m.Catalogue(period, (), (path,)), indices, plan, None)
    return result, listed_twice(path, listed, lines), more
