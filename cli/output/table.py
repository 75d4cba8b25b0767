"""Results as text for a terminal: box-drawn tables and aligned columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Set as AbstractSet

from ..dsl.diagnostics import visible
from ..dsl.numbers import counted, plain, signed

_ANSI = {"white": "1;37", "green": "32", "yellow": "33", "orange": "38;5;208", "red": "31",
         "blue": "34"}


def width(text: str) -> int:
    """How many terminal columns `text` takes: wide and full-width characters
    (CJK) two, combining marks and zero-width characters none."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def ljust(text: str, size: int) -> str:
    return text + " " * max(size - width(text), 0)


def rjust(text: str, size: int) -> str:
    return " " * max(size - width(text), 0) + text


def scheme_words(scheme) -> str:
    """A scheme's name and version for a title: a bare number reads as a version
    ("Minsk Barometer, scored by category, version 1"), a version in words as it is
    ("Minsk Barometer, No 19 (2021)")."""
    version = scheme.version
    if not version:
        return scheme.name
    return f"{scheme.name}, {'version ' if version[:1].isdigit() else ''}{version}"


def table(headings: list[str], rows: list[list[str]], right: AbstractSet[int] = frozenset(),
          paint=None, fit: int | None = None, wrap: frozenset[int] = frozenset(),
          groups: dict[int, str] | None = None) -> str:
    """A box-drawn table; `paint(row, col, text)` may colour a padded cell. With
    `fit`, the text of the columns in `wrap` is wrapped at spaces until the table
    is at most `fit` columns wide, where the longest words allow. `groups`: a
    line across the table before some rows (row number: text). A control
    character of a title or text is shown as a sign, never sent to the terminal."""
    headings = [visible(h) for h in headings]
    rows = [[visible(c) for c in r] for r in rows]
    groups = {n: visible(text) for n, text in (groups or {}).items()}
    widths = [max(width(h), *(width(r[i]) for r in rows)) if rows else width(h)
              for i, h in enumerate(headings)]
    if fit is not None:
        least = {i: max([width(w) for cell in [headings[i]] + [r[i] for r in rows]
                         for w in cell.split(" ")] + [1]) for i in wrap}
        while sum(widths) + 3 * len(widths) + 1 > fit:
            narrower = [i for i in wrap if widths[i] > least[i]]
            if not narrower:
                break  # no narrower without breaking words: as narrow as it goes
            widest = max(narrower, key=lambda i: widths[i])
            widths[widest] -= 1

    def line(cells, row=None):
        parts = [_wrapped(cell, size) if i in wrap else [cell]
                 for i, (cell, size) in enumerate(zip(cells, widths))]
        out = []
        for k in range(max(len(p) for p in parts)):
            texts = []
            for i, (lines, size) in enumerate(zip(parts, widths)):
                cell = lines[k] if k < len(lines) else ""
                text = rjust(cell, size) if i in right else ljust(cell, size)
                if paint is not None and row is not None:
                    text = paint(row, i, text)
                texts.append(f" {text} ")
            out.append("│" + "│".join(texts) + "│")
        return "\n".join(out)

    bar = ["─" * (w + 2) for w in widths]
    groups = groups or {}
    across = sum(widths) + 3 * len(widths) - 3
    lines = ["┌" + "┬".join(bar) + "┐", line(headings)]
    if 0 not in groups:
        lines.append("├" + "┼".join(bar) + "┤")
    for n, r in enumerate(rows):
        if n in groups:
            lines.append("├" + "┴".join(bar) + "┤")
            lines += [f"│ {ljust(text, across)} │" for text in _wrapped(groups[n], across)]
            lines.append("├" + "┬".join(bar) + "┤")
        lines.append(line(r, n))
    lines.append("└" + "┴".join(bar) + "┘")
    return "\n".join(lines) + "\n"


def _wrapped(text: str, size: int) -> list[str]:
    """`text` in lines of at most `size` columns, broken at spaces only."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and width(lines[-1]) + 1 + width(word) <= size:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def terminal_width(stream) -> int | None:
    """The width to fit a table to, on a terminal: $COLUMNS where set, else the
    terminal's own; None in a pipe or a file, which get the table whole."""
    import os

    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        return None


def plain_table(headings, rows, right=frozenset()) -> str:
    """Columns separated by spaces, the last one left free (long event texts)."""
    headings = [visible(h) for h in headings]
    rows = [[visible(c) for c in r] for r in rows]
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headings[:-1])]

    def line(cells):
        parts = [rjust(c, w) if i in right else ljust(c, w)
                 for i, (c, w) in enumerate(zip(cells, widths))]
        return ("  " + "  ".join(parts) + "  " + cells[-1]).rstrip()

    return "\n".join([line(headings)] + [line(r) for r in rows]) + "\n"


def colour_word(r, scheme) -> str:
    """The colour as a table shows it; an index with bands but no events says so."""
    if r.colour is None and r.events == 0 and r.index.name in scheme.bands:
        return "no events"
    return scheme.shown(r.index.name, r.colour)


def _sums(r) -> list[str]:
    """Positive and negative points and events; a derived index has none."""
    if r.index.derived:
        return ["", "", ""]
    return [signed(r.positive), signed(r.negative) if r.negative else "0", str(r.events)]


def evaluation_rows(ev) -> tuple[str, list[str], list[list[str]]]:
    """The evaluation's title lines, headings and rows, for tables of any kind."""
    results = list(ev.indices.values())
    headings = ["Index", "Aggregate", "Positive", "Negative", "Events", "Colour"]
    rows = [[r.index.title, signed(r.aggregate), *_sums(r),
             colour_word(r, ev.scheme)] for r in results]
    period, scheme = ev.catalogue.period, ev.scheme
    days = f"{period.start} to {period.end}"
    title = days if period.title == days else f"{period.title}, {days}"  # --period: said once
    subtitle = f"Scheme: {scheme_words(scheme)}"
    return visible(f"{title}\n{subtitle}").replace("\u240a", "\n"), headings, rows


def evaluation(ev, colour: bool = False) -> str:
    results = list(ev.indices.values())
    titles, headings, rows = evaluation_rows(ev)

    def paint(row, col, text):
        name = results[row].colour
        if col == 5 and colour and name in _ANSI:
            return f"\x1b[{_ANSI[name]}m{text}\x1b[0m"
        return text

    return f"{titles}\n" + table(headings, rows, {1, 2, 3, 4}, paint) + "".join(
        f"{note}\n" for note in missing_notes(ev))


def missing_notes(ev) -> list[str]:
    """Why an index has no figure, one line each, for under a table."""
    return [f"no figure: {r.index.title}: {r.missing.words()}" for r in ev.indices.values()
            if r.aggregate is None and r.missing is not None]


def _points(n) -> str:
    return f"{plain(n)} point{'' if n == 1 else 's'}"


def _boundary_words(x) -> str:
    parts = []
    for b in (x.up, x.down):
        if b is not None:
            where = (b.colour or "no colour").lower()
            parts.append(f"{_points(b.points)} from {where} (at {signed(b.at)})")
    return "; ".join(parts)


def _value(value) -> str:
    """An attribute's value as an event file writes it: `minister`, `12`."""
    return value if isinstance(value, str) else "-" if value is None else plain(value)


def explanation(explained, details: bool = False) -> str:
    out = []
    for x in explained:
        r = x.result
        if not x.lines and len(explained) > 1 and not r.index.derived:
            continue  # --event picked nothing on this index
        colour = f", {r.colour}" if r.colour else ""
        if r.index.derived:
            out.append(f"{r.index.title}: {signed(r.aggregate)}{colour}")
            out.append(f"  = {r.index.formula.text()}")
            out.append("  with " + ", ".join(f"{what} {signed(value)}"
                                            for what, value in x.inputs))
            for what, events in x.picked:  # which events a selection took
                out.append(f"  {what} took " + (f"event{'' if len(events) == 1 else 's'} "
                                                 + ", ".join(str(n) for n in events)
                                                 if events else "no event"))
            if x.up or x.down:
                out.append(f"  {_boundary_words(x)}")
            out.append("")
            continue
        else:
            out.append(f"{r.index.title}: {signed(r.aggregate)}{colour}  "
                       f"({signed(r.positive)} positive, "
                       f"{signed(r.negative) if r.negative else '0'} negative, "
                       f"{r.events} event{'' if r.events == 1 else 's'})")
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
                for v in event.values:
                    value = v.value if isinstance(v.value, str) else plain(v.value)
                    extra.append(f"{v.name} {value}" + (" (default)" if v.span is None else ""))
                declared = {v.name for v in event.values}  # then the built-ins it reads
                extra += [f"{name} {_value(s.entry.values(name))}" for name in x.attributes
                          if name not in declared]
                rows.append(["", "", "", "  " + "; ".join(extra)])
            for step in s.steps:
                after = "excluded" if step.after is None else signed(step.after)
                rows.append(["", "", "", f"  rule {step.rule.name} ({step.rule.span.file}:"
                             f"{step.rule.span.line}): {step.action.describe()}, "
                             f"{signed(step.before)} -> {after}"])
        out.append(plain_table(["Date", "Score", "Total", "Event"], rows, right={1, 2}))
    return visible("\n".join(out)).replace("\u240a", "\n")


def comparison(c, grid=None, events_grid=None) -> str:
    """The comparison as text: `grid` draws the tables (a box table by default)."""
    names = [f"{chr(65 + i)}: {s.name}" for i, s in enumerate(c.schemes)]
    heads = ["Index"] + [n for n in names] + [f"{chr(65 + i)}-A" for i in range(1, len(names))]
    rows = []
    for i in c.indices:
        cells = [i.title]
        for v, col in zip(i.values, i.colours):
            cells.append("-" if v is None else signed(v) + (f" {col}" if col else ""))
        for d, col in zip(i.differences()[1:], i.colours[1:]):
            change = "" if d is None else (signed(d) if d else "0")
            if col != i.colours[0] and col is not None:
                change += f" ({i.colours[0] or 'no colour'} -> {col})"
            cells.append(change)
        rows.append(cells)
    right = set(range(1, len(heads)))
    grid = grid or table
    out = [grid(heads, rows, right)]
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
        out.append((events_grid or plain_table)(heads, rows))
    else:
        out.append("No event is scored differently.")
    return "\n".join(out) + ("" if out[-1].endswith("\n") else "\n")


def _fmt(value: float) -> str:
    """A sampled value to two decimals; one that two decimals would show as 0 with
    two significant digits instead (+0.0041), unless it is only the noise of
    floating-point arithmetic (under 1e-9), which is 0."""
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    if text not in ("+0", "-0"):
        return text
    if abs(value) < 1e-9:
        return "0"
    import math

    places = 1 - math.floor(math.log10(abs(value)))
    return f"{value:+.{places}f}".rstrip("0").rstrip(".")


def _share(share: float) -> str:
    """A share of samples to a tenth of a percent, never 0.0% for some samples
    or 100.0% for not quite all: <0.1% and >99.9% instead."""
    text = f"{share:.1%}"
    if share > 0 and text == "0.0%":
        return "<0.1%"
    if share < 1 and text == "100.0%":
        return ">99.9%"
    return text


def _by(delta, past: bool, direction: int) -> str:
    """How far a parameter moves to flip a colour, in words."""
    if not past:
        return f"by {_fmt(delta)}"
    if delta == 0:
        return "up by any amount" if direction > 0 else "down by any amount"
    return f"{'up' if direction > 0 else 'down'} by more than {_fmt(abs(delta)).lstrip('+')}"


def sensitivity(s) -> str:
    varied = ", ".join(f"{p.label}, one per sample" if p.kind == "score" else
                       f"{p.label} ±{_fmt(p.by).lstrip('+')}" for p in s.parameters)
    out = [f"{counted(s.samples, 'sample')}, seed {s.seed}; varied uniformly: {varied}", ""]
    rows = []
    for i in s.indices:
        colours = ", ".join(f"{k} {_share(v)}" for k, v in i.colour_probability.items())
        rows.append([i.name, _fmt(i.nominal), _fmt(i.median), f"{_fmt(i.p5)} to {_fmt(i.p95)}",
                     colours, "" if i.colour is None else _share(i.colour_changes),
                     "" if i.rank is None else str(i.rank),
                     "" if i.rank_shift is None else
                     "<0.01" if 0 < i.rank_shift < 0.005 else f"{i.rank_shift:.2f}"])
    out.append(table(["Index", "Nominal", "Median", "5% to 95%", "Colours", "Colour changes",
                      "Rank", "Rank shift"], rows, {1, 2, 3, 5, 6, 7}))
    for group, kept in s.ranking_kept.items():
        out.append(f"The nominal ranking of {group} holds in {_share(kept)} of samples.")
    out.append("")
    out.append("One at a time, each moved by its declared width (each score expression in "
               "turn), most influential first:" if any(p.kind == "score" for p in s.parameters)
               else "One at a time, each moved by its declared width, most influential first:")
    for e in s.one_at_a_time[:12]:
        parts = []
        if e.changes:
            parts.append(", ".join(f"{k} {_fmt(v)}" for k, v in e.changes.items()))
        if e.flips:
            parts.append("flips " + ", ".join(f"{k} {a} -> {b}" for k, (a, b) in e.flips.items()))
        moved = "instead" if e.parameter.kind == "score" else _fmt(e.delta)
        out.append(f"  {e.parameter.label} {moved}: {'; '.join(parts) or 'no effect'}")
    if len(s.one_at_a_time) > 12:
        out.append(f"  ... and {len(s.one_at_a_time) - 12} more (--format json lists all)")
    out.append("")
    out.append("The smallest single change that flips each colour:")
    for name, f in s.smallest_flips.items():
        if f is None:
            out.append(f"  {name}: no single change of up to 30 points flips it")
        else:
            what = f.parameter.label.removeprefix(f"{name}: ")
            out.append(f"  {name}: {what} moved {_by(f.delta, f.past, f.direction)} turns "
                       f"{f.before} into {f.after}")
            for key, delta, past, direction in f.ties:
                out.append(f"    as small: {key} moved {_by(delta, past, direction)}")
    return "\n".join(out) + "\n"


# --- series ------------------------------------------------------------------------

PUBLISHED_NOTE = ("* a published figure or colour, with no catalogue behind it: its positive and "
                  "negative points and events are not known")


def _change(f) -> str:
    if f.change is None:
        return ""
    return signed(f.change) if f.change else "0"


def _series_colour(f, scheme) -> str:
    if f.colour is None:
        return ""
    mark = "*" if f.published else ""
    name = f.index.name
    if f.transition:
        return (f"{scheme.shown(name, f.colour)}{mark} "
                f"(was {scheme.shown(name, f.previous_colour)})")
    return scheme.shown(name, f.colour) + mark


def series_rows(s) -> tuple[str, list[str], list[list[str]], list[str]]:
    """The series' title lines, headings, rows (one per issue and index) and the
    notes under the table, for tables of any kind."""
    headings = ["Issue", "Index", "Aggregate", "Change", "Positive", "Negative", "Events",
                "Colour"]
    from ..engine.series import missing

    rows = []
    undefined = []  # (index title, issue, why) of figures this issue does not give
    for issue in s.issues:
        about = [issue.label, f"{issue.period.start} to {issue.period.end}"]
        if issue.published:
            known = any(f.aggregate is not None for f in issue.figures.values())
            about.append("published figures" if known else "no figures known")
        for k, (name, f) in enumerate(issue.figures.items()):
            why = missing(issue, name, f) if f.aggregate is None else None
            if why is not None and why.startswith("no figure: "):
                aggregate = "no figure"
                undefined.append(f"  {f.index.title} in {issue.label}: {why[len('no figure: '):]}")
            elif f.aggregate is None:
                aggregate = "not published" if f.published else "n/a"
            else:
                aggregate = signed(f.aggregate) + ("*" if f.published else "")
            sums = (["", "", ""] if f.published or f.index.derived or f.events is None else
                    [signed(f.positive), signed(f.negative) if f.negative else "0",
                     str(f.events)])
            rows.append([about[k] if k < len(about) else "", f.index.title, aggregate,
                         _change(f), *sums, _series_colour(f, s.scheme)])
    scheme = s.scheme
    first, last = s.issues[0].period, s.issues[-1].period
    count = len(s.issues)
    title = f"{scheme.name}: {count} issue{'' if count == 1 else 's'}, {first.start} to {last.end}"
    subtitle = f"Scheme: {scheme_words(scheme)}"
    notes = []
    if any(f.published and (f.aggregate is not None or f.colour is not None)
           for i in s.issues for f in i.figures.values()):
        notes.append(PUBLISHED_NOTE)
    if any(not f.published and f.aggregate is None and missing(i, n, f) == "history"
           for i in s.issues for n, f in i.figures.items()):
        notes.append("n/a: a figure that needs more earlier issues than the series has "
                     "(see the warnings)")
    if undefined:
        notes.append("No figure (what the issue's catalogue does not give):")
        notes += undefined
    changes = [f"  {f.index.title}: {scheme.shown(f.index.name, f.previous_colour)} -> "
               f"{scheme.shown(f.index.name, f.colour)} "
               f"in {issue.label}" for issue in s.issues for f in issue.figures.values()
               if f.transition]
    if changes:
        notes.append("Colour changes:")
        notes += changes
    return f"{title}\n{subtitle}", headings, rows, notes


def series(s, colour: bool = False, fit: int | None = None) -> str:
    """The series as one table; with `fit` (a terminal's width) narrower where it
    must be: the positive and negative points and events in one column, and the
    issue, index and colour texts wrapped."""
    titles, headings, rows, notes = series_rows(s)
    figures = [f for issue in s.issues for f in issue.figures.values()]
    last = len(headings) - 1

    def paint(row, col, text):
        name = figures[row].colour
        if col == last and colour and name in _ANSI:
            return f"\x1b[{_ANSI[name]}m{text}\x1b[0m"
        return text

    out = table(headings, rows, {2, 3, 4, 5, 6}, paint)
    if fit is not None and width(out.split("\n", 1)[0]) > fit:
        # each issue on a line across the table; points and events in one column
        groups, at = {}, 0
        for issue in s.issues:
            about = [r[0] for r in rows[at:at + len(issue.figures)] if r[0]]
            groups[at] = ", ".join(about)
            at += len(issue.figures)
        headings = headings[1:4] + ["Points (events)"] + headings[7:]
        rows = [r[1:4] + [f"{r[4]} / {r[5]} ({r[6]})" if r[6] else ""] + r[7:] for r in rows]
        last = len(headings) - 1
        out = table(headings, rows, {1, 2, 3}, paint, fit, frozenset({0, 1, 3, 4}), groups)
    if fit is not None:
        import textwrap

        notes = [textwrap.fill(n, fit, subsequent_indent=" " * (4 if n.startswith(" ") else 2),
                               break_long_words=False, break_on_hyphens=False)
                 for n in notes]
    return f"{titles}\n" + out + "".join(f"{n}\n" for n in notes)


def contributions(result, parts) -> str:
    """Each index's figures, then what each category adds up to and what each rule
    changed (the columnar engine keeps no per-event record)."""
    out = []
    for name, r in result.indices.items():
        if r.index.derived:
            colour = f", {r.colour}" if r.colour else ""
            out += [f"{r.index.title}: {signed(r.aggregate)}{colour}",
                    f"  = {r.index.formula.text()}", ""]
            continue
        colour = f", {r.colour}" if r.colour else ""
        out.append(f"{r.index.title}: {signed(r.aggregate)}{colour}  ({signed(r.positive)} "
                   f"positive, {signed(r.negative) if r.negative else '0'} negative, "
                   f"{counted(r.events, 'event')})")
        mine = [p for p in parts if p.index == name]
        rows = [["category " + (p.category or "(none)"), signed(p.points), str(p.entries)]
                for p in mine if p.rule is None]
        rows += [[f"rule {p.rule}", signed(p.points), str(p.entries)]
                 for p in mine if p.rule is not None]
        if rows:
            out.append(plain_table(["", "points", "scores", ""], [r + [""] for r in rows],
                                   {1, 2}).rstrip("\n"))
        out.append("")
    out.append("Per category: the points its scores add up to; per rule: how much it changed "
               "the total, over how many scores. Each event's lines: --engine python.")
    return "\n".join(out) + "\n"
