"""Agreement between coders: several catalogues of the same period, each one
coder's reading, paired event by event and compared index by index.

Pairing: by an attribute that identifies events (`--by id`, where the scheme
declares one), else by the event's days and its text (any case, spaces
collapsed). Events a coder lists twice under one key pair in their order; an
event some coder does not list is named, with its place, and left out.

The units are a paired event on an index that at least one coder scores; a coder
who lists the event but does not score it on that index gives it 0 (the event
adds nothing to the index in that reading). Per index and overall:
Krippendorff's alpha for interval and ordinal data, computed from the
coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-
reliability"), the share of units on which every coder gives the same score, the
confusion of scores (pairs of coders' scores, each ordered pair once per unit),
and every disagreement with each coder's place in the files.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from ..dsl import model as m
from ..dsl.diagnostics import Span


class Reading(NamedTuple):
    """One coder's entry for a paired event: the event, and its score on the index."""

    event: m.Event
    score: int | None  # None: the coder lists the event without a score on the index


class Disagreement(NamedTuple):
    index: str  # type: ignore[assignment]  # the field hides tuple.index, as meant
    readings: tuple  # one Reading (or None where the coder lacks the event) per coder


class IndexAgreement(NamedTuple):
    index: str  # type: ignore[assignment]  # as in Disagreement
    units: int  # paired events scored on the index by at least one coder
    agreement: Fraction | None  # share of units every coder scores alike
    alpha_interval: float | None  # None: undefined (every score the same)
    alpha_ordinal: float | None
    confusion: dict  # (score of coder i, score of coder j) -> count, over ordered pairs i < j
    disagreements: tuple[Disagreement, ...]


class Unpaired(NamedTuple):
    coder: int  # which file
    event: m.Event
    missing: tuple[int, ...]  # the coders who do not list it


class Agreement(NamedTuple):
    files: tuple[str, ...]
    paired_by: str  # "days and text", or the attribute's name
    events: tuple[int, ...]  # each coder's number of events
    pairs: int  # events every coder lists
    unpaired: tuple[Unpaired, ...]
    indices: tuple[IndexAgreement, ...]
    overall: IndexAgreement
    units: tuple  # (key, (event or None per coder)), paired ones first, for adjudication


def _text(text: str) -> str:
    return " ".join(text.casefold().split())


def key_of(event: m.Event, by: str | None, end):
    """What pairs an event with another coder's: the attribute's value, or its
    days and text."""
    if by is not None:
        return (by, event.value(by, end))
    return (event.when.start, event.when.end, _text(event.text))


def pair(catalogues: list[m.Catalogue], by: str | None = None) -> list[tuple]:
    """The units, in the first coder's order and then the others' new ones: (key,
    events) with one event (or None) per coder."""
    order: list = []
    found: dict = {}
    for c, catalogue in enumerate(catalogues):
        seen: dict = {}
        for event in catalogue.events:
            key = key_of(event, by, catalogue.period.end)
            n = seen.get(key, 0)
            seen[key] = n + 1
            full = (key, n)  # the n-th event under the same key pairs with the n-th
            if full not in found:
                found[full] = [None] * len(catalogues)
                order.append(full)
            found[full][c] = event
    return [(k, tuple(found[k])) for k in order]


def alpha(units: list[list], metric: str) -> float | None:
    """Krippendorff's alpha over `units` (each a list of the values the coders gave,
    None where a coder gave none), for `interval` or `ordinal` data: 1 - (n - 1)
    times the coincidences' disagreement over the expected disagreement. None
    where the expected disagreement is 0 (every value the same) or no unit has two
    values."""
    coincidence: dict = {}
    for unit in units:
        values = [v for v in unit if v is not None]
        m_u = len(values)
        if m_u < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] = coincidence.get((a, b), 0) + Fraction(1, m_u - 1)
    totals: dict = {}
    for (a, _), count in coincidence.items():
        totals[a] = totals.get(a, 0) + count
    n = sum(totals.values())
    if n <= 1:
        return None
    ordered = sorted(totals)
    if metric == "interval":
        def delta(a, b):
            return (a - b) ** 2
    else:  # ordinal: the values' frequencies between the two, ends counted half
        position = {v: k for k, v in enumerate(ordered)}

        def delta(a, b):
            lo, hi = sorted((position[a], position[b]))
            between = sum(totals[ordered[g]] for g in range(lo, hi + 1))
            return (between - (totals[a] + totals[b]) / 2) ** 2
    observed = sum(count * delta(a, b) for (a, b), count in coincidence.items())
    expected = sum(totals[a] * totals[b] * delta(a, b) for a in ordered for b in ordered)
    if expected == 0:
        return None
    return float(1 - (n - 1) * Fraction(observed) / Fraction(expected))


def _index_agreement(name: str, units: list[tuple]) -> IndexAgreement:
    """`units`: (index, readings) per paired event on which some coder scores it."""
    values, agreed, disagreements = [], 0, []
    confusion: dict[tuple, int] = {}
    for index, readings in units:
        scores = [None if r is None else (r.score or 0) for r in readings]
        values.append(scores)
        present = [s for s in scores if s is not None]
        if len(set(present)) <= 1:
            agreed += 1
        else:
            disagreements.append(Disagreement(index, readings))
        for i in range(len(scores)):
            for j in range(i + 1, len(scores)):
                if scores[i] is not None and scores[j] is not None:
                    confusion[(scores[i], scores[j])] = confusion.get(
                        (scores[i], scores[j]), 0) + 1
    share = Fraction(agreed, len(units)) if units else None
    return IndexAgreement(name, len(units), share, alpha(values, "interval"),
                          alpha(values, "ordinal"), confusion, tuple(disagreements))


def agree(scheme: m.Scheme, catalogues: list[m.Catalogue], by: str | None = None) -> Agreement:
    """The coders' agreement, per index and over all indices, on the events every
    coder lists (paired as the module says)."""
    units = pair(catalogues, by)
    paired = [u for u in units if all(e is not None for e in u[1])]
    unpaired = tuple(Unpaired(next(c for c, e in enumerate(events) if e is not None),
                              next(e for e in events if e is not None),
                              tuple(c for c, e in enumerate(events) if e is None))
                     for _, events in units if any(e is None for e in events))
    per_index: dict[str, list] = {name: [] for name, i in scheme.indices.items() if not i.derived}
    for _, events in paired:
        scored = {s.index for e in events for s in e.scores}
        for name in per_index:
            if name not in scored:
                continue
            readings = tuple(Reading(e, next((s.value for s in e.scores if s.index == name),
                                             None)) for e in events)
            per_index[name].append((name, readings))
    indices = tuple(_index_agreement(name, found) for name, found in per_index.items())
    overall = _index_agreement("overall", [u for found in per_index.values() for u in found])
    ordered = paired + [u for u in units if u not in paired]
    return Agreement(tuple(c.files[0] if c.files else "-" for c in catalogues),
                     by or "days and text", tuple(len(c.events) for c in catalogues),
                     len(paired), unpaired, indices, overall, tuple(ordered))


def place(event: m.Event) -> str:
    span: Span = event.span
    return f"{span.file}:{span.line}"


def adjudication(scheme: m.Scheme, catalogues: list[m.Catalogue], result: Agreement) -> str:
    """A catalogue for an adjudicator to complete by hand: every event, its
    scores where the coders agree, and `?` (which no reader accepts) with each
    coder's score in a comment where they do not; events only some coders list
    are kept, said so in a comment, to be kept or removed."""
    letters = [chr(65 + k) for k in range(len(catalogues))]
    period = catalogues[0].period
    title = period.title.replace('"', "'")
    lines = [f"# Adjudication of {', '.join(f'{x}: {f}' for x, f in zip(letters, result.files))}",
             "# Where the coders disagree a score reads `?`: write the score decided (the file",
             "# is not read until every `?` is replaced). Events only some coders list say so.",
             "", f'period "{title}" from {period.start} to {period.end}', ""]
    names = [n for n, i in scheme.indices.items() if not i.derived]
    for _, events in result.units:
        first = next(e for e in events if e is not None)
        if any(e is None for e in events):
            listed = [f"{x} ({place(e)})" for x, e in zip(letters, events) if e is not None]
            lines.append(f"# only {', '.join(listed)} list{'s' if len(listed) == 1 else ''} this "
                         "event: keep it or remove it")
        else:
            lines.append(f"# {', '.join(f'{x} {place(e)}' for x, e in zip(letters, events))}")
        lines.append(f"[{first.when.text}] {first.text}")
        width = max((len(n) for n in names), default=0)
        for name in names:
            scores = [None if e is None else next((s.value for s in e.scores if s.index == name),
                                                  None) for e in events]
            if all(s is None for s in scores):
                continue
            given = [0 if s is None else s for s, e in zip(scores, events) if e is not None]
            if len(set(given)) == 1:
                lines.append(f"    {name.ljust(width)} {m.signed(given[0]) if given[0] else '0'}")
            else:
                said = ", ".join(f"{x} {m.signed(s) if s else '0'}"
                                 for x, s, e in zip(letters, scores, events) if e is not None)
                lines.append(f"    # {name}: {said}")
                lines.append(f"    {name.ljust(width)} ?")
        categories = [e.category.name if e is not None and e.category else None for e in events]
        known = [c for c, e in zip(categories, events) if e is not None]
        if len(set(known)) == 1:
            if known[0] is not None:
                lines.append(f"    category {known[0]}")
        else:
            lines.append("    # category: " + ", ".join(
                f"{x} {c or '(none)'}" for x, c, e in zip(letters, categories, events)
                if e is not None))
            lines.append("    category ?")
        present = [(x, e) for x, e in zip(letters, events) if e is not None]
        for value in first.values:
            held = [(x, next((v for v in e.values if v.name == value.name), None))
                    for x, e in present]
            shown = [None if v is None else
                     v.value if isinstance(v.value, str) else m.plain(v.value) for _, v in held]
            if len(set(shown)) > 1:
                lines.append(f"    # {value.name}: "
                             + ", ".join(f"{x} {s or '(none)'}" for (x, _), s in zip(held, shown)))
                lines.append(f"    {value.name} ?")
            elif any(v is not None and v.span is not None for _, v in held):  # not a default
                lines.append(f"    {value.name} {shown[0]}")
        for source in dict.fromkeys(s for _, e in present for s in e.sources):
            lines.append(f"    source {source}")
        for note in dict.fromkeys(n for _, e in present for n in e.notes):
            lines.append(f"    note {note}")
        tags = [[t.name for t in e.tags] for _, e in present]
        if len({frozenset(t) for t in tags}) > 1:
            lines.append("    # tags: " + ", ".join(f"{x} {', '.join(t) or '(none)'}"
                                                    for (x, _), t in zip(present, tags)))
            lines.append("    tags ?")
        elif tags[0]:
            lines.append(f"    tags {', '.join(tags[0])}")
        if first.ongoing:
            lines.append("    ongoing")
        lines.append("")
    return "\n".join(lines)
