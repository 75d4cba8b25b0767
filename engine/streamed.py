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
from ..dsl.diagnostics import Diagnostic, InputError, error
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
    held. Its `catalogue` is a `Tallied` one, whose events the full reader reads when
    first asked for (by `entries`, `scored`, equality, explain's picking, another
    scheme's evaluation of it): it serves as the full reader's evaluation does."""

    __slots__ = ()


_EVENTS = m.Catalogue.__dict__["events"]  # the events' own slot, under `Tallied.events`


class Tallied(m.Catalogue):
    """The catalogue of a tallied evaluation: its period and file known, its events
    read by the full reader when first asked for, from the file as it was tallied
    (the SHA-256 of its bytes, `digest`, the same): a file changed since is an error
    (B005), never other events than those the figures were made of. It equals (and
    hashes as) the full reader's catalogue of the same file, and pickles as one."""

    __slots__ = ("_scheme", "_digest", "_given", "_where")
    _scheme: m.Scheme
    _digest: str
    _given: m.Period | None
    _where: str

    def __init__(self, period, events=None, files=(), *, scheme=None, digest="", given=None):
        object.__setattr__(self, "period", period)
        object.__setattr__(self, "files", tuple(files))
        object.__setattr__(self, "_scheme", scheme)
        object.__setattr__(self, "_digest", digest)
        object.__setattr__(self, "_given", given)  # the period the tally was given
        # where the file is, whatever the working folder when its events are read
        object.__setattr__(self, "_where", os.path.abspath(self.files[0]) if files else "")
        if events is not None:  # attrs.evolve's copy
            _EVENTS.__set__(self, tuple(events))

    @property
    def events(self):
        try:
            return _EVENTS.__get__(self)
        except AttributeError:
            pass
        events = self._read().events
        _EVENTS.__set__(self, events)
        return events

    @property
    def read(self) -> bool:
        """Whether its events have been read."""
        try:
            _EVENTS.__get__(self)
        except AttributeError:
            return False
        return True

    def _read(self) -> m.Catalogue:
        from ..dsl.tally import fingerprint, identity
        from .verify import read_catalogue_checked

        path = self.files[0]  # by its name as given while that still names the same place
        path = path if os.path.abspath(path) == self._where else self._where
        try:
            before = fingerprint(path)
        except OSError:
            before = None  # the full reader says why it cannot read it (B002)
        if before is not None and before[1] != self._digest:
            raise InputError([changed(path)])
        side = path + ".period"
        if self._given is None and self.period.span is not None and \
                os.path.abspath(self.period.span.file) == os.path.abspath(side):
            from ..dsl.tables import sidecar_period

            try:
                stated = sidecar_period(path)
            except InputError:
                stated = None
            if _stated(stated) != _stated(self.period):  # the period its sidecar states
                raise InputError([changed(side)])
        full, found = read_catalogue_checked([path], self._scheme, self._given, mode="eval")
        if full is None or found.errors:
            raise InputError(found.errors or list(found))
        try:
            after = identity(os.stat(path))
        except OSError:
            after = None
        if before is None or after != before[0]:
            raise InputError([changed(path)])  # it changed while the full reader read it
        if _stated(full.period) != _stated(self.period):  # a sidecar it did not have
            raise InputError([changed(side if os.path.isfile(side) else path)])
        return full

    def __eq__(self, other):
        if isinstance(other, m.Catalogue):
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self):
        return hash((m.Catalogue, self._values()))

    def __reduce__(self):
        return m.Catalogue, (self.period, self.events, self.files)

    def __repr__(self):
        if self.read:
            return super().__repr__()
        p = self.period
        title = p.title if len(p.title) <= 80 else p.title[:77] + "..."
        return f"<Catalogue {title!r} {p.start} to {p.end}: tallied, its events read when asked>"


def _stated(period: m.Period | None):
    """What a period states, wherever the file it is stated in was read from."""
    return None if period is None else (period.title, period.start, period.end,
                                        period.published)


def changed(path: str) -> Diagnostic:
    """B005: the file a tallied evaluation's events are read from has changed since."""
    from ..dsl.files import shown

    return error("B005", f"{shown(path)} has changed since its figures were computed: its "
                 "events now are not those the figures were made of", None,
                 "evaluate the file again")


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
    given = period
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
    catalogue = Tallied(period, None, (path,), scheme=scheme, digest=digest, given=given)
    result = Streamed(scheme, catalogue, indices, plan, None)
    return result, listed_twice(path, listed, lines), more
