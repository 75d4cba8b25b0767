"""Check stages over a catalogue (B501-B507)."""

from __future__ import annotations

from . import model as m
from .diagnostics import error, warning


def order(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """Events out of date order within a relationship, in each file. An event
    scoring several indices is listed under the first it scores, and checked there."""
    latest: dict[tuple, m.Event] = {}
    for event in catalogue.events:
        if not event.scores:  # a row whose every score was a mistake: said where it was read
            continue
        home = (event.span.file, event.scores[0].index)
        before = latest.get(home)
        if before is not None and event.when.end < before.when.start:
            yield warning("B501", f"`{event.when.text}` is listed after `{before.when.text}` "
                          f"(line {before.span.line}) under {home[1]}", event.when.span,
                          "list events in date order, or ignore this if the source does so")
        if before is None or event.when.start > before.when.start:
            latest[home] = event


# Texts normalized, for the language server, which checks the same events again
# at every keystroke; emptied when it grows large (a catalogue of a million texts).
_NORMED: dict[str, str] = {}
_NORMED_AT_MOST = 1 << 16


def _norm(text: str) -> str:
    found = _NORMED.get(text)
    if found is None:
        if len(_NORMED) >= _NORMED_AT_MOST:
            _NORMED.clear()
        found = _NORMED[text] = " ".join(text.casefold().split())
    return found


def same_event(when: str, text: str, index: str) -> tuple[str, str, str]:
    """What makes two listings of a file the same event on an index: their date as
    printed and their text, in any case and spacing, and the index they score. Two
    listings sharing this key count twice on the index (in the long form, an event
    on three indices is three rows, three keys: listed once)."""
    return _norm(when), _norm(text), index


def duplicates(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """The same event twice in a file: the same date, the same text and a score on a
    common index (that index would count it twice). Said once per listing, at the
    earliest listing before it on a common index (of those, the index the scheme
    declares first)."""
    order = {name: k for k, name in enumerate(scheme.indices)}
    seen: dict[tuple, tuple[int, m.Event]] = {}
    for place, event in enumerate(catalogue.events):
        before = None  # (place, the index's order, the index, the event)
        for score in event.scores:
            key = (event.span.file, *same_event(event.when.text, event.text, score.index))
            earlier = seen.setdefault(key, (place, event))
            if earlier[0] != place:
                found = (earlier[0], order.get(score.index, len(order)), score.index, earlier[1])
                before = found if before is None else min(before, found, key=lambda f: f[:2])
        if before is not None:
            yield listed_again(before[3].span, event.span, before[2])


def listed_again(first, span, index: str):
    """B502 at `span`: the event is already listed at `first` (a Span), both with a
    score on `index`."""
    return warning("B502", f"this event is already listed at {first}", span,
                   f"an event listed twice counts twice on {index}: list it once, with a "
                   "score on every index it concerns")


def _entry_key(event: m.Event) -> tuple:
    return (_norm(event.when.text), _norm(event.text),
            tuple(sorted((s.index, s.value) for s in event.scores)))


def same_entries(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """Entries given in two files of one evaluation count twice: a warning for
    each, and an error where two files hold the same catalogue (the same
    entries, for periods that overlap)."""
    files = list(dict.fromkeys(e.span.file for e in catalogue.events))
    if len(files) < 2:
        return
    by_file: dict[str, dict[tuple, m.Event]] = {f: {} for f in files}
    for event in catalogue.events:
        by_file[event.span.file].setdefault(_entry_key(event), event)
    reported = set()
    for i, a in enumerate(files):
        for b in files[i + 1:]:
            shared = by_file[a].keys() & by_file[b].keys()
            if not shared:
                continue
            if shared == by_file[a].keys() == by_file[b].keys():
                first = by_file[b][next(iter(by_file[b]))]
                yield error("B507", f"{b} holds the same events as {a}: every figure would "
                            "count them twice", first.span, "name each catalogue once")
                reported |= {b}
                continue
            for key in shared:
                event = by_file[b][key]
                if b not in reported:
                    yield warning("B506", f"this event is also listed at "
                                  f"{by_file[a][key].span}: it counts twice", event.span,
                                  "list an event in one file only")


def published_totals(scheme: m.Scheme, catalogue: m.Catalogue, published):
    """The totals a catalogue states against the ones computed under the scheme
    they were published for (the root of the `extends` chain; see
    docs/diagnostics.md), file by file. Not compared where some events could not
    be read."""
    for stated, under, totals in published or ():
        for line in stated:
            computed, colour = totals.get(line.index, (None, None))
            if computed is None:
                continue
            where = "" if under == scheme.path else f" under {under}"
            if line.value is not None and computed != line.value:
                yield error("B503", f"the catalogue publishes {m.signed(line.value)} for "
                            f"{line.index}, but its events add up to {m.signed(computed)}"
                            + where, line.span, "check the scores, or the published figure")
            elif line.colour is not None and line.colour.name != colour:
                yield error("B503", f"the catalogue publishes {line.colour.name} for "
                            f"{line.index}, but its events add up to {m.signed(computed)}, "
                            f"{colour or 'no colour'}" + where, line.colour.span,
                            "check the scores, or the published colour")


def ongoing(scheme: m.Scheme, catalogue: m.Catalogue, published):
    period = catalogue.period
    for event in catalogue.events:
        if event.ongoing and period.start <= event.when.start and event.when.end <= period.end:
            yield warning("B504", f"the event is marked `ongoing`, but `{event.when.text}` lies "
                          "within the period", event.when.span, "remove `ongoing`")


def signs(scheme: m.Scheme, catalogue: m.Catalogue, published):
    for event in catalogue.events:
        for score in event.scores:
            if not score.signed:
                yield warning("B505", f"the score of {score.index} is written without its sign",
                              score.span, f"write {score.index} {m.signed(score.value)}")

