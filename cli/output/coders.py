"""`barometer agree`'s result as text (tables) and as JSON."""

from __future__ import annotations

import json

from ..dsl.numbers import signed
from ..engine.agreement import place
from .table import plain_table, table

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _alpha(value) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _share(value) -> str:
    return "" if value is None else f"{float(value):.1%}"


def _score(value) -> str:
    return "-" if value is None else (signed(value) if value else "0")


def as_text(a) -> str:
    def events(n: int) -> str:
        return f"{n} event{'' if n == 1 else 's'}"

    coders = [f"  {LETTERS[k]}: {f} ({events(n)})" for k, (f, n) in enumerate(zip(a.files,
                                                                               a.events))]
    out = [f"Agreement between {len(a.files)} coders", *coders,
           f"Paired by {a.paired_by}: {events(a.pairs)} every coder lists"]
    if a.unpaired:
        out.append(f"Not paired ({len(a.unpaired)}), left out:")
        for u in a.unpaired:
            missing = ", ".join(LETTERS[c] for c in u.missing)
            out.append(f"  {place(u.event)}: [{u.event.when.text}] {u.event.text} "
                       f"(not in {missing})")
    rows = [[i.index, str(i.units), _share(i.agreement), _alpha(i.alpha_interval),
             _alpha(i.alpha_ordinal), str(len(i.disagreements))]
            for i in a.indices + (a.overall,)]
    out.append(table(["Index", "Units", "Agreement", "Alpha (interval)", "Alpha (ordinal)",
                      "Disagreements"], rows, {1, 2, 3, 4, 5}).rstrip("\n"))
    pairs = " and ".join(f"{LETTERS[i]} x {LETTERS[j]}" for i in range(len(a.files))
                         for j in range(i + 1, len(a.files)))
    for i in a.indices:
        if not i.confusion:
            continue
        values = sorted({v for pair in i.confusion for v in pair})
        grid = [[_score(r)] + [str(i.confusion.get((r, c), "")) for c in values] for r in values]
        out.append(f"Confusion of scores on {i.index} ({pairs}: rows the first, columns the "
                   "second):")
        out.append(plain_table([""] + [_score(v) for v in values] + [""],
                               [g + [""] for g in grid], set(range(1, len(values) + 1)))
                   .rstrip("\n"))
    said = [d for i in a.indices for d in i.disagreements]
    if said:
        out.append("Disagreements:")
        for d in said:
            first = next(r for r in d.readings if r is not None)
            each = ", ".join(f"{LETTERS[k]} {_score(r.score or 0)} ({place(r.event)})"
                             for k, r in enumerate(d.readings) if r is not None)
            out.append(f"  {d.index}: {each}  [{first.event.when.text}] {first.event.text}")
    return "\n".join(out) + "\n"


def _index(i) -> dict:
    return {"index": i.index, "units": i.units,
            "agreement": None if i.agreement is None else float(i.agreement),
            "alpha_interval": i.alpha_interval, "alpha_ordinal": i.alpha_ordinal,
            "confusion": [{"scores": list(k), "count": v} for k, v in sorted(i.confusion.items())],
            "disagreements": [{"index": d.index, "text": next(
                r for r in d.readings if r is not None).event.text, "readings": [
                None if r is None else {"score": r.score or 0, "file": r.event.span.file,
                                        "line": r.event.span.line} for r in d.readings]}
                for d in i.disagreements]}


def as_json(a) -> str:
    return json.dumps({
        "coders": [{"file": f, "events": n} for f, n in zip(a.files, a.events)],
        "paired_by": a.paired_by, "pairs": a.pairs,
        "unpaired": [{"file": u.event.span.file, "line": u.event.span.line,
                      "text": u.event.text, "missing_in": [a.files[c] for c in u.missing]}
                     for u in a.unpaired],
        "indices": {i.index: _index(i) for i in a.indices},
        "overall": _index(a.overall)}, indent=2, ensure_ascii=False) + "\n"
