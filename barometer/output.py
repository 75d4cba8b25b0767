"""Results as text people paste: terminal tables, Markdown, CSV and JSON.

JSON is a contract: keys are fixed and in a fixed order, numbers are whole where
the scheme's arithmetic is whole, and colours are band names in lower case.
"""

from __future__ import annotations

import csv
import io
import json

from .dsl.model import plain, signed

# ANSI colours for band names that are colours; others are shown plainly.
_ANSI = {"white": "1;37", "green": "32", "yellow": "33", "orange": "38;5;208", "red": "31",
         "blue": "34"}


def number(value):
    """A number for JSON: an int where whole, else a float to six places."""
    if getattr(value, "denominator", 1) == 1:
        return int(value)
    return round(float(value), 6)


def evaluation_json(ev) -> dict:
    scheme, period = ev.scheme, ev.catalogue.period
    return {
        "scheme": {
            "name": scheme.name,
            "version": scheme.version,
            "description": scheme.description,
            "file": scheme.path,
            "extends": list(scheme.files[1:]),
        },
        "period": {
            "title": period.title,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "files": list(ev.catalogue.files),
        },
        "indices": {
            name: {
                "name": r.index.title,
                "aggregate": number(r.aggregate),
                "positive": number(r.positive),
                "negative": number(r.negative),
                "events": r.events,
                "colour": r.colour,
            }
            for name, r in ev.indices.items()
        },
    }


def to_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def table(headings: list[str], rows: list[list[str]], right: set[int] = frozenset(),
          paint=None) -> str:
    """A box-drawn table; `paint(row, col, text)` may colour a padded cell."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headings)]

    def line(cells, row=None):
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            text = cell.rjust(width) if i in right else cell.ljust(width)
            if paint is not None and row is not None:
                text = paint(row, i, text)
            out.append(f" {text} ")
        return "│" + "│".join(out) + "│"

    bar = ["─" * (w + 2) for w in widths]
    lines = ["┌" + "┬".join(bar) + "┐", line(headings), "├" + "┼".join(bar) + "┤"]
    lines += [line(r, n) for n, r in enumerate(rows)]
    lines.append("└" + "┴".join(bar) + "┘")
    return "\n".join(lines) + "\n"


def markdown(headings: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(escape(h) for h in headings) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(headings))) + "|"]
    lines += ["| " + " | ".join(escape(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def csv_text(headings: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


def evaluation(ev, fmt: str, colour: bool = False) -> str:
    if fmt == "json":
        return to_json(evaluation_json(ev))
    results = list(ev.indices.values())
    if fmt == "csv":
        return csv_text(
            ["index", "name", "aggregate", "positive", "negative", "events", "colour"],
            [[r.index.name, r.index.title, number(r.aggregate), number(r.positive),
              number(r.negative), r.events, r.colour or ""] for r in results])
    headings = ["Index", "Aggregate", "Positive", "Negative", "Events", "Colour"]
    rows = [[r.index.title, signed(r.aggregate), signed(r.positive),
             signed(r.negative) if r.negative else "0", str(r.events),
             (r.colour or "").capitalize()] for r in results]
    period, scheme = ev.catalogue.period, ev.scheme
    title = f"{period.title}, {period.start} to {period.end}"
    subtitle = f"Scheme: {scheme.name}" + (f", {scheme.version}" if scheme.version else "")
    if fmt == "markdown":
        return f"**{title}**\n\n{subtitle}\n\n" + markdown(headings, rows, {1, 2, 3, 4})

    def paint(row, col, text):
        name = results[row].colour
        if col == 5 and colour and name in _ANSI:
            return f"\x1b[{_ANSI[name]}m{text}\x1b[0m"
        return text

    return f"{title}\n{subtitle}\n" + table(headings, rows, {1, 2, 3, 4}, paint)


__all__ = ["evaluation", "evaluation_json", "number", "plain", "signed", "table", "markdown",
           "csv_text", "to_json"]
