"""Results as text people paste: terminal tables, Markdown, CSV and JSON.

JSON is a contract: keys are fixed and in a fixed order, numbers are whole where
the scheme's arithmetic is whole, and colours are band names in lower case.
"""

from __future__ import annotations

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
    import json

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
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


def evaluation(ev, fmt: str, colour: bool = False) -> str:
    if fmt == "json":
        return to_json(evaluation_json(ev))
    if fmt == "svg":
        return evaluation_svg(ev)
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


# --- explain ---------------------------------------------------------------------


def _points(n) -> str:
    return f"{plain(n)} point{'' if n == 1 else 's'}"


def _boundary_words(x) -> str:
    parts = []
    for b in (x.up, x.down):
        if b is not None:
            where = (b.colour or "no colour").lower()
            parts.append(f"{_points(b.points)} from {where} (at {signed(b.at)})")
    return "; ".join(parts)


def explanation(explained, fmt: str = "text", details: bool = False) -> str:
    if fmt == "json":
        return to_json({"indices": {x.result.index.name: _explanation_json(x) for x in explained}})
    out = []
    for x in explained:
        if not x.lines and len(explained) > 1:
            continue  # --event picked nothing on this index
        r = x.result
        colour = f", {r.colour.capitalize()}" if r.colour else ""
        out.append(f"{r.index.title}: {signed(r.aggregate)}{colour}  "
                   f"({signed(r.positive)} positive, {signed(r.negative) if r.negative else '0'} "
                   f"negative, {r.events} events)")
        if x.up or x.down:
            out.append(f"  {_boundary_words(x)}")
        out.append("")
        rows = []
        for line in x.lines:
            s = line.scored
            event = s.entry.event
            score = "excluded" if s.score is None else signed(s.score)
            rows.append([event.when.text, score, signed(line.running), event.text])
            if details:
                how = f"recorded {signed(s.entry.recorded)}"
                if s.base != s.entry.recorded:
                    how += f", scheme's score {signed(s.base)}"
                extra = [f"{event.span}", how]
                if event.category:
                    extra.append(f"category {event.category.name}")
                if event.tags:
                    extra.append("tags " + ", ".join(t.name for t in event.tags))
                rows.append(["", "", "", "  " + "; ".join(extra)])
            for step in s.steps:
                after = "excluded" if step.after is None else signed(step.after)
                rows.append(["", "", "", f"  rule {step.rule.name} ({step.rule.span.file}:"
                             f"{step.rule.span.line}): {step.action.describe()}, "
                             f"{signed(step.before)} -> {after}"])
        out.append(_plain_table(["Date", "Score", "Total", "Event"], rows, right={1, 2}))
    return "\n".join(out)


def _plain_table(headings, rows, right=frozenset()) -> str:
    """Columns separated by spaces, the last one left free (long event texts)."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headings[:-1])]

    def line(cells):
        parts = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(cells, widths))]
        return ("  " + "  ".join(parts) + "  " + cells[-1]).rstrip()

    return "\n".join([line(headings)] + [line(r) for r in rows]) + "\n"


def _explanation_json(x) -> dict:
    def boundary(b):
        return None if b is None else {"points": number(b.points), "at": number(b.at),
                                       "colour": b.colour}

    return {
        "aggregate": number(x.result.aggregate),
        "positive": number(x.result.positive),
        "negative": number(x.result.negative),
        "events": x.result.events,
        "colour": x.result.colour,
        "boundary_above": boundary(x.up),
        "boundary_below": boundary(x.down),
        "lines": [{
            "event": line.scored.entry.event.number,
            "date": line.scored.entry.event.when.text,
            "text": line.scored.entry.event.text,
            "recorded": line.scored.entry.recorded,
            "base": number(line.scored.base),
            "score": None if line.scored.score is None else number(line.scored.score),
            "total": number(line.running),
            "rules": [{"rule": step.rule.name, "file": step.rule.span.file,
                       "line": step.rule.span.line, "action": step.action.describe(),
                       "before": number(step.before),
                       "after": None if step.after is None else number(step.after)}
                      for step in line.scored.steps],
        } for line in x.lines],
    }


# --- compare ---------------------------------------------------------------------


def comparison(c, fmt: str = "table", colour: bool = False) -> str:
    names = [f"{chr(65 + i)}: {s.name}" for i, s in enumerate(c.schemes)]
    if fmt == "json":
        return to_json({
            "schemes": [s.name for s in c.schemes],
            "files": [s.path for s in c.schemes],
            "indices": {i.name: {"values": [None if v is None else number(v) for v in i.values],
                                 "colours": list(i.colours),
                                 "differences": [None if d is None else number(d)
                                                 for d in i.differences()]}
                        for i in c.indices},
            "rankings": {g: [list(r) for r in ranks] for g, ranks in c.rankings.items()},
            "events": [{"event": d.event.number, "date": d.event.when.text, "text": d.event.text,
                        "index": d.index,
                        "scores": [None if s is None else number(s) for s in d.scores],
                        "how": list(d.how)} for d in c.events],
        })
    heads = ["Index"] + [n for n in names] + [f"{chr(65 + i)}-A" for i in range(1, len(names))]
    rows = []
    for i in c.indices:
        cells = [i.title]
        for v, col in zip(i.values, i.colours):
            cells.append("-" if v is None else signed(v) + (f" {col.capitalize()}" if col else ""))
        for d, col in zip(i.differences()[1:], i.colours[1:]):
            change = "" if d is None else (signed(d) if d else "0")
            if col != i.colours[0] and col is not None:
                change += f" ({(i.colours[0] or 'none').capitalize()} -> {col.capitalize()})"
            cells.append(change)
        rows.append(cells)
    if fmt == "csv":
        return csv_text(["index"] + [f"value_{chr(97 + k)}" for k in range(len(names))]
                        + [f"colour_{chr(97 + k)}" for k in range(len(names))],
                        [[i.name] + [number(v) if v is not None else "" for v in i.values]
                         + [col or "" for col in i.colours] for i in c.indices])
    right = set(range(1, len(heads)))
    render = markdown if fmt == "markdown" else table
    out = [render(heads, rows, right)]
    for group, ranks in c.rankings.items():
        out.append(f"Ranking of {group}, highest first:")
        for name, r in zip(names, ranks):
            moved = "" if r == ranks[0] else "  (changed)"
            out.append(f"  {name.split(':')[0]}: {' > '.join(r)}{moved}")
        out.append("")
    if c.events:
        out.append(f"Events scored differently ({len(c.events)}):")
        rows = []
        for d in c.events:
            rows.append([d.event.when.text, d.index,
                         " / ".join("-" if s is None else signed(s) for s in d.scores),
                         d.event.text[:60] + ("..." if len(d.event.text) > 60 else "")])
            for k, how in enumerate(d.how):
                rows.append(["", "", "", f"  {chr(65 + k)}: {how}"])
        heads = ["Date", "Index", " / ".join(chr(65 + k) for k in range(len(names))), "Event"]
        out.append(markdown(heads, rows) if fmt == "markdown" else _plain_table(heads, rows))
    else:
        out.append("No event is scored differently.")
    return "\n".join(out) + ("" if out[-1].endswith("\n") else "\n")


# --- sensitivity -----------------------------------------------------------------


def _fmt(value: float) -> str:
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text


def sensitivity(s, fmt: str = "text") -> str:
    if fmt == "svg":
        return sensitivity_svg(s)
    if fmt == "json":
        return to_json({
            "samples": s.samples, "seed": s.seed,
            "parameters": [{"kind": p.kind, "name": p.key, "nominal": p.nominal, "by": p.by}
                           for p in s.parameters],
            "indices": {i.name: {"nominal": i.nominal, "median": i.median, "p5": i.p5,
                                 "p95": i.p95, "colour": i.colour,
                                 "colour_probability": i.colour_probability,
                                 "colour_changes": i.colour_changes, "rank": i.rank,
                                 "rank_shift": i.rank_shift} for i in s.indices},
            "ranking_kept": s.ranking_kept,
            "one_at_a_time": [{"parameter": e.parameter.key, "kind": e.parameter.kind,
                               "delta": e.delta, "changes": e.changes,
                               "flips": {k: list(v) for k, v in e.flips.items()}}
                              for e in s.one_at_a_time],
            "smallest_flips": {k: None if f is None else {
                "parameter": f.parameter.key, "kind": f.parameter.kind, "delta": f.delta,
                "from": f.before, "to": f.after} for k, f in s.smallest_flips.items()},
        })
    varied = ", ".join(f"{p.label} ±{_fmt(p.by).lstrip('+')}" for p in s.parameters)
    out = [f"{s.samples} samples, seed {s.seed}; varied uniformly: {varied}", ""]
    rows = []
    for i in s.indices:
        colours = ", ".join(f"{k} {v:.1%}" for k, v in i.colour_probability.items())
        rows.append([i.name, _fmt(i.nominal), _fmt(i.median), f"{_fmt(i.p5)} to {_fmt(i.p95)}",
                     colours, "" if i.colour is None else f"{i.colour_changes:.1%}",
                     "" if i.rank is None else str(i.rank),
                     "" if i.rank_shift is None else f"{i.rank_shift:.2f}"])
    out.append(table(["Index", "Nominal", "Median", "5% to 95%", "Colours", "Colour changes",
                      "Rank", "Rank shift"], rows, {1, 2, 3, 5, 6, 7}))
    for group, kept in s.ranking_kept.items():
        out.append(f"The nominal ranking of {group} holds in {kept:.1%} of samples.")
    out.append("")
    out.append("One at a time, each moved by 1, most influential first:")
    for e in s.one_at_a_time[:12]:
        parts = []
        if e.changes:
            parts.append(", ".join(f"{k} {_fmt(v)}" for k, v in e.changes.items()))
        if e.flips:
            parts.append("flips " + ", ".join(f"{k} {a} -> {b}" for k, (a, b) in e.flips.items()))
        out.append(f"  {e.parameter.label} {_fmt(e.delta)}: {'; '.join(parts) or 'no effect'}")
    if len(s.one_at_a_time) > 12:
        out.append(f"  ... and {len(s.one_at_a_time) - 12} more (--format json lists all)")
    out.append("")
    out.append("The smallest single change that flips each colour:")
    for name, f in s.smallest_flips.items():
        if f is None:
            out.append(f"  {name}: no single change of up to 30 points flips it")
        else:
            what = f.parameter.label.removeprefix(f"{name}: ")
            out.append(f"  {name}: {what} moved by {_fmt(f.delta)} turns {f.before} into "
                       f"{f.after}")
    return "\n".join(out) + "\n"


# --- pictures ----------------------------------------------------------------------

_SWATCH = {"white": "#ffffff", "green": "#4caf50", "yellow": "#ffd600", "orange": "#ff9800",
           "red": "#e53935", "blue": "#1e88e5"}


def evaluation_svg(ev) -> str:
    """The results as a picture: per index, positive and negative points as bars
    either side of zero, the aggregate marked, and its colour band."""
    from xml.sax.saxutils import escape

    results = list(ev.indices.values())
    label_w, bar_w, row_h, top = 230, 380, 34, 64
    width, height = label_w + bar_w + 150, top + row_h * len(results) + 30
    scale = max([abs(float(r.positive)) for r in results]
                + [abs(float(r.negative)) for r in results] + [1])
    zero = label_w + bar_w / 2

    def x(value) -> float:
        return zero + float(value) / scale * (bar_w / 2 - 10)

    period, scheme = ev.catalogue.period, ev.scheme
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           'font-size="13">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="12" y="24" font-size="16" font-weight="bold">{escape(period.title)}</text>',
           f'<text x="12" y="44" fill="#555555">{escape(scheme.name)}'
           f'{escape(", " + scheme.version) if scheme.version else ""}: positive and negative '
           'points, aggregate marked</text>',
           f'<line x1="{zero}" y1="{top - 6}" x2="{zero}" y2="{height - 20}" stroke="#999999"/>']
    for n, r in enumerate(results):
        y = top + n * row_h
        mid = y + row_h / 2
        out.append(f'<text x="12" y="{mid + 4}">{escape(r.index.title)}</text>')
        if r.positive:
            out.append(f'<rect x="{zero}" y="{y + 8}" width="{x(r.positive) - zero:.1f}" '
                       f'height="{row_h - 16}" fill="#8fbc8f"><title>positive '
                       f'{signed(r.positive)}</title></rect>')
        if r.negative:
            out.append(f'<rect x="{x(r.negative):.1f}" y="{y + 8}" '
                       f'width="{zero - x(r.negative):.1f}" height="{row_h - 16}" '
                       f'fill="#e9967a"><title>negative {signed(r.negative)}</title></rect>')
        ax = x(r.aggregate)
        out.append(f'<line x1="{ax:.1f}" y1="{y + 4}" x2="{ax:.1f}" y2="{y + row_h - 4}" '
                   'stroke="#000000" stroke-width="3"/>')
        out.append(f'<text x="{label_w + bar_w + 12}" y="{mid + 4}" font-weight="bold">'
                   f'{signed(r.aggregate)}</text>')
        if r.colour:
            fill = _SWATCH.get(r.colour, "#bdbdbd")
            out.append(f'<rect x="{label_w + bar_w + 52}" y="{y + 9}" width="16" height="16" '
                       f'fill="{fill}" stroke="#333333"/>')
            out.append(f'<text x="{label_w + bar_w + 74}" y="{mid + 4}">'
                       f'{escape(r.colour.capitalize())}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def sensitivity_svg(s) -> str:
    """The spread of each index as a picture, on one scale: the 5% to 95% range
    of the samples as a bar, the median and the nominal value marked, and for
    indices with bands the share of samples in each colour."""
    from xml.sax.saxutils import escape

    label_w, bar_w, row_h, top = 150, 380, 40, 64
    width, height = label_w + bar_w + 400, top + row_h * len(s.indices) + 24
    low = min(min(i.p5, i.nominal) for i in s.indices) - 1
    high = max(max(i.p95, i.nominal) for i in s.indices) + 1

    def x(v):
        return label_w + (v - low) / (high - low) * bar_w

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           'font-size="13">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="12" y="24" font-size="16" font-weight="bold">Sensitivity: {s.samples} '
           f'samples, seed {s.seed}</text>',
           '<text x="12" y="44" fill="#555555">bar: 5% to 95% of samples; black tick: median; '
           'ring: nominal value; right: share of samples in each colour</text>']
    if low < 0 < high:
        out.append(f'<line x1="{x(0):.1f}" y1="{top - 6}" x2="{x(0):.1f}" y2="{height - 16}" '
                   'stroke="#999999"/>')
    for n, i in enumerate(s.indices):
        mid = top + n * row_h + row_h / 2
        out.append(f'<text x="12" y="{mid + 4}">{escape(i.name)}</text>')
        out.append(f'<rect x="{x(i.p5):.1f}" y="{mid - 7}" '
                   f'width="{max(x(i.p95) - x(i.p5), 1):.1f}" height="14" fill="#9ecae1">'
                   f'<title>5% {_fmt(i.p5)}, 95% {_fmt(i.p95)}</title></rect>')
        out.append(f'<line x1="{x(i.median):.1f}" y1="{mid - 10}" x2="{x(i.median):.1f}" '
                   f'y2="{mid + 10}" stroke="#000000" stroke-width="2"><title>median '
                   f'{_fmt(i.median)}</title></line>')
        out.append(f'<circle cx="{x(i.nominal):.1f}" cy="{mid}" r="5" fill="none" '
                   f'stroke="#d62728" stroke-width="2"><title>nominal {_fmt(i.nominal)}'
                   '</title></circle>')
        out.append(f'<text x="{label_w + bar_w + 16}" y="{mid + 4}" fill="#333333">'
                   f'{_fmt(i.nominal)} ({_fmt(i.p5)} to {_fmt(i.p95)})</text>')
        cx = label_w + bar_w + 190
        for colour, share in i.colour_probability.items():
            w = share * 200
            if w > 0:
                out.append(f'<rect x="{cx:.1f}" y="{mid - 9}" width="{w:.1f}" height="18" '
                           f'fill="{_SWATCH.get(colour, "#bdbdbd")}" stroke="#333333" '
                           f'stroke-width="0.5"><title>{escape(colour)} {share:.1%}'
                           '</title></rect>')
                cx += w
    out.append("</svg>")
    return "\n".join(out) + "\n"
