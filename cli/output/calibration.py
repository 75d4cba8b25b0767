"""`barometer sensitivity --fit`: the calibration, as text and as JSON."""

from __future__ import annotations

import json

from ..dsl.numbers import counted, signed
from .table import table


def _n(x: float) -> str:
    return f"{x:+.2f}" if x else "0"


def as_text(c) -> str:
    out = [f"Fit to {c.totals} published total{'s' if c.totals != 1 else ''} and {c.colours} "
           f"colour{'s' if c.colours != 1 else ''} ({counted(c.samples, 'draw')}, seed {c.seed}, then each "
           "parameter refined alone)",
           f"As declared: root mean square difference {c.nominal_rmse:.3f} points, "
           f"{c.nominal_missed} colour{'s' if c.nominal_missed != 1 else ''} missed",
           f"Best fit:    root mean square difference {c.rmse:.3f} points, "
           f"{c.colours_missed} colour{'s' if c.colours_missed != 1 else ''} missed"]
    rows = [[f.issue, f.index, "" if f.published is None else signed(f.published),
             _n(f.computed), f.published_colour or "", f.colour or ""] for f in c.fitted]
    out.append(table(["Issue", "Index", "Published", "Fitted", "Published colour", "Colour"],
                     rows, {2, 3}).rstrip("\n"))
    out.append(f"How firmly: {c.near} of {counted(c.samples, 'draw')} ({c.near / c.samples:.1%}) fit about "
               "as well as the best (within 0.5 points, no more colours missed); their values:")
    rows = [[s.label, f"{s.low:g} to {s.high:g}", f"{s.best:.3g}",
             f"{s.near_low:.3g} to {s.near_high:.3g}",
             f"{(s.near_high - s.near_low) / (s.high - s.low):.0%}" if s.high > s.low else ""]
            for s in c.spreads]
    out.append(table(["Parameter", "Range", "Best", "Near-best draws", "Of the range"], rows,
                     {2, 4}).rstrip("\n"))
    out.append("A parameter whose near-best draws cover most of its range is not determined by "
               "these figures.")
    return "\n".join(out) + "\n"


def as_json(c) -> str:
    return json.dumps({
        "samples": c.samples, "seed": c.seed, "rmse": c.rmse, "colours_missed": c.colours_missed,
        "nominal": {"rmse": c.nominal_rmse, "colours_missed": c.nominal_missed},
        "fitted": [f._asdict() | {"published": None if f.published is None else
                                  float(f.published)} for f in c.fitted],
        "near": c.near,
        "parameters": [s._asdict() for s in c.spreads]}, indent=2) + "\n"
