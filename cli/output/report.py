"""One issue as a report: a single HTML file that needs nothing else to be read.

Its parts: the figures (with the published ones where the catalogue states them)
and their chart; each colour scale with the value on it and what its bands mean;
what changed since the previous issue, with each index across the issues; what
each index's figure is made of (`explain`, read off the evaluation's record);
and the catalogue itself.

Self-contained: the charts are inline SVG (their text is text, to search and
select; their ids are made unique per chart), the style is inline, there is no
script and no link to anything outside, so it reads the same offline, in any
browser, and printed to PDF (the print style keeps tables and charts whole,
repeats table headings on each page and prints the band colours). The same
files give the same bytes: nothing in it says when it was made.
"""

from __future__ import annotations

import html
import re
from collections.abc import Set as AbstractSet

from ..dsl.numbers import counted, plain, signed
from . import charts

_ID = re.compile(r'\b(id="|url\(#|href="#)')


_count = counted  # `1 event`, `121 events`


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """A chart's SVG to place in the page: without the XML prologue and
    metadata, sized by the page, ids prefixed so that two charts never share
    one, and described for screen readers."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = _ID.sub(lambda m: f"{m.group(1)}{prefix}-", svg)
    return svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{_e(label)}" ', 1)


class _Charts:
    """Numbers the charts of one page."""

    def __init__(self):
        self.count = 0

    def __call__(self, figure, label: str, caption: str) -> str:
        self.count += 1
        svg = charts.render(figure, "svg").decode("utf-8")
        return (f'<figure class="chart" id="chart-{self.count}">'
                f"{inline_svg(svg, f'c{self.count}', label)}"
                f"<figcaption>{_e(caption)}</figcaption></figure>")


def _swatch(colour: str | None, scheme=None, index: str | None = None) -> str:
    """A band's name with its colour, as the charts draw it."""
    if not colour:
        return ""
    bands = scheme.bands.get(index) if scheme is not None else None
    fill = (charts.palette(bands) if bands is not None else {}).get(
        colour, charts.band_colour(colour))
    return (f'<span class="colour"><span class="swatch" style="background:{fill}"></span>'
            f"{_e(charts.band_word(colour))}</span>")


def _word(colour: str) -> str:
    return _e(charts.band_word(colour))


def _points(n) -> str:
    return f"{plain(n)} point{'' if n == 1 else 's'}"


def _table(headings: list[str], rows: list[list[str]], right: AbstractSet[int] = frozenset(),
           cls: str = "") -> str:
    """A table of cells already written as HTML."""
    head = "".join(f'<th{" class=num" if k in right else ""}>{_e(h)}</th>'
                   for k, h in enumerate(headings))
    body = "\n".join("<tr>" + "".join(f'<td{" class=num" if k in right else ""}>{c}</td>'
                                      for k, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<table{f" class={cls}" if cls else ""}><thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table>")


def _current(series, ev):
    """The series' issue of the evaluated catalogue, and the one before it."""
    if series is None:
        return None, None
    period = ev.catalogue.period
    for k, issue in enumerate(series.issues):
        if (issue.period.start, issue.period.end) == (period.start, period.end):
            return issue, series.issues[k - 1] if k else None
    return None, None


def _last_known(series, issue, name, what="aggregate"):
    """The latest issue before `issue` that knows the index's figure (or colour),
    and its figure."""
    before = series.issues[:series.issues.index(issue)]
    for earlier in reversed(before):
        f = earlier.figures.get(name)
        if f is not None and getattr(f, what) is not None:
            return earlier, f
    return None, None


# --- the parts ---------------------------------------------------------------------


def _change_column(ev, series, issue, previous) -> tuple[str, dict[str, str]] | None:
    """The figures table's change column: its heading and each index's cell, since
    the previous issue, or where it does not know the figure, since the last
    figure known (as "What changed" says); None where no change is known at all."""
    if previous is None:
        return None
    cells, since_last = {}, False
    for name in ev.indices:
        f = issue.figures.get(name)
        cells[name] = ""
        if f is None or f.aggregate is None:
            continue
        if f.change is not None:
            cells[name] = _change_words(f)
            continue
        earlier, known = _last_known(series, issue, name)
        if earlier is not None:
            change = f.aggregate - known.aggregate
            from ..engine.series import issue_number

            number = issue_number(earlier.label)
            label = (f"No {number}" if number is not None else
                     charts.issue_label(earlier).replace("\n", " "))
            cells[name] = f"{_e(signed(change) if change else '0')} (since {_e(label)})"
            since_last = True
    if not any(cells.values()):
        return None
    heading = ("Change since the last figure known" if since_last else
               f"Change since {charts.issue_label(previous)}")
    return heading, cells


def _figures(ev, issue, previous, chart, series=None) -> str:
    stated = {p.index: p.value for p in ev.catalogue.period.published}
    headings = ["Index", "Aggregate", "Positive", "Negative", "Events", "Colour"]
    right = {1, 2, 3, 4}
    changes = _change_column(ev, series, issue, previous)
    if changes is not None:
        headings.append(changes[0])
        right.add(6)
    if stated:
        headings.append("Published")
        right.add(len(headings) - 1)
    rows = []
    for name, r in ev.indices.items():
        derived = r.index.derived
        row = [_e(r.index.title), f"<strong>{_e(signed(r.aggregate))}</strong>",
               "" if derived else _e(signed(r.positive)),
               "" if derived else _e(signed(r.negative) if r.negative else "0"),
               "" if derived else str(r.events), _swatch(r.colour, ev.scheme, name)]
        if changes is not None:
            row.append(changes[1][name])
        if stated:
            value = stated.get(name)
            row.append("" if value is None else _e(signed(value)) + (
                "" if value == r.aggregate else ' <span class="differs">differs</span>'))
        rows.append(row)
    period, scheme = ev.catalogue.period, ev.scheme
    return (f'<section id="figures"><h2>The figures</h2>'
            + _table(headings, rows, right, "figures")
            + chart(charts.issue(ev), f"{period.title}: positive and negative points of each "
                    "index, and the aggregate",
                    "Positive and negative points of each index either side of zero; the "
                    "diamond and the bold figure are the aggregate.")
            + "</section>")


def _change_words(f) -> str:
    if f.change is None:
        return ""
    text = _e(signed(f.change))
    if f.transition:
        text += f" ({_word(f.previous_colour)} &rarr; {_word(f.colour)})"
    return text


def _scale(ev, chart) -> str:
    names = [n for n in ev.scheme.bands if n in ev.indices]
    if not names:
        return ""
    out = ['<section id="scale"><h2>The colour scale</h2>']
    out.append(chart(charts.scale(ev, names), "The colour scale with the value placed on it",
                     "Each band of the scale, low to high; the black mark is this issue's "
                     "value."))
    for name in names:
        r = ev.indices[name]
        rows = []
        for band in ev.scheme.bands[name].bands:
            here = band.name == r.colour
            rows.append([_swatch(band.name, ev.scheme, name),
                         f'<span class="colour">{_e(band.describe())}</span>',
                         _e(band.interpretation), "&#9664; this issue" if here else ""])
        out.append(f"<h3>{_e(r.index.title)}: {_e(signed(r.aggregate))}"
                   f"{', ' + _word(r.colour) if r.colour else ''}</h3>")
        out.append(_table(["Band", "Values", "Meaning", ""], rows, cls="bands"))
    out.append("</section>")
    return "".join(out)


def _changes(ev, series, issue, previous, chart) -> str:
    out = ['<section id="changes"><h2>What changed since the previous issue</h2>']
    if issue is None or previous is None:
        out.append("<p>No earlier issue was given, so there is nothing to compare with "
                   "(name past issues with <code>--history</code>).</p></section>")
        return "".join(out)
    nothing = all(f.aggregate is None for f in previous.figures.values())
    marked = " (no figure of it is known)" if nothing else \
        " (published figures)" if previous.published else ""
    out.append(f"<p>Since <strong>{_e(previous.label)}</strong>{_e(marked)}, "
               f'<span class="colour">{_e(previous.period.start)}</span> to '
               f'<span class="colour">{_e(previous.period.end)}</span>'
               f"{', against the last figure known of each index' if nothing else ''}:</p>"
               "<ul class=changes>")
    for name, f in issue.figures.items():
        before = previous.figures.get(name)
        title = _e(f.index.title)
        if f.aggregate is None:
            out.append(f"<li>{title}: not known in this issue.</li>")
            continue
        if before is None or before.aggregate is None:
            earlier, known = _last_known(series, issue, name)
            text = f"<li>{title}: <strong>{_e(signed(f.aggregate))}</strong>"
            if not nothing:
                text += f"; not known in {_e(previous.label)}"
            if earlier is not None:
                change = f.aggregate - known.aggregate
                how = (f"{_points(abs(change))} {'higher' if change > 0 else 'lower'} than"
                       if change else "the same as")
                text += (f"; {_e(how)} the last figure known, {_e(signed(known.aggregate))}, "
                         f"{'published ' if known.published else ''}in {_e(earlier.label)}")
            else:
                text += "; no earlier figure is known"
            if f.colour and (earlier is None or known.colour is None):
                where, seen = _last_known(series, issue, name, "colour")
                if where is not None:
                    text += (f"; the last colour known, {_word(seen.colour)}, "
                             f"{'was published' if seen.published else 'was'} in "
                             f"{_e(where.label)}")
            out.append(text + ".</li>")
            continue
        if f.change == 0:
            how = "unchanged"
        else:
            how = (f"{'up' if f.change > 0 else 'down'} {_e(_points(abs(f.change)))}")
        colour = ""
        if f.transition:
            colour = (f"; from {_word(f.previous_colour)} to "
                      f"<strong>{_word(f.colour)}</strong>")
        elif f.colour:
            colour = f"; still {_word(f.colour)}"
        out.append(f"<li>{title}: <strong>{_e(signed(f.aggregate))}</strong>, {how} from "
                   f"{_e(signed(before.aggregate))}{colour}.</li>")
    out.append("</ul>")
    issues = [i for i in series.issues if any(
        f.aggregate is not None or f.colour is not None for f in i.figures.values())]
    unknown = [i for i in series.issues if i not in issues]
    names = list(series.scheme.indices)
    headings = ["Issue"] + [series.scheme.indices[n].title for n in names]
    rows = []
    for i in issues:
        row = [f"{_e(charts.issue_label(i))}{' *' if i.published else ''}"
               f'<br><span class="label">{_e(i.label)}</span>']
        for name in names:
            f = i.figures.get(name)
            if f is None or (f.aggregate is None and f.colour is None):
                row.append("")
                continue
            cell = _e(signed(f.aggregate)) if f.aggregate is not None else ""
            if f.change is not None:
                cell += f'<br><span class="change">({_e(signed(f.change))})</span>'
            if f.colour:
                cell += ("<br>" if cell else "") + _swatch(f.colour, series.scheme, name)
            row.append(cell)
        rows.append(row)
    out.append(_table(headings, rows, set(range(1, len(headings))), "series"))
    notes = []
    if any(i.published for i in issues):
        notes.append("* published figures, with no catalogue behind them.")
    notes.append("In brackets: the change since the previous issue.")
    if unknown:
        from ..engine.series import issue_number

        numbers = [issue_number(i.label) for i in unknown]
        listed = ("No " + ", ".join(str(n) for n in numbers) if None not in numbers
                  else "; ".join(i.label for i in unknown))
        notes.append(f"Left out: {len(unknown)} issue{'s' if len(unknown) > 1 else ''} of "
                     f"which no figure or colour is known ({listed}).")
    out.append(f'<p class="note">{_e(" ".join(notes))}</p>')
    out.append(chart(charts.series(series), "Each index across the issues",
                     "Each index across the issues, with its colour bands behind."))
    out.append("</section>")
    return "".join(out)


def _explain(ev) -> str:
    from ..engine.explain import explain

    out = ['<section id="explain"><h2>What each figure is made of</h2>',
           "<p>Each index's events in date order, with their scores, the rules that changed "
           "them, and the running total.</p>"]
    for x in explain(ev):
        r = x.result
        colour = f", {_word(r.colour)}" if r.colour else ""
        out.append(f'<article class="index" id="explain-{_e(r.index.name)}">'
                   f"<h3>{_e(r.index.title)}: {_e(signed(r.aggregate))}{colour}</h3>")
        near = "; ".join(f"{_points(b.points)} from {(b.colour or 'no colour').lower()} "
                         f"(at {signed(b.at)})" for b in (x.up, x.down) if b is not None)
        if r.index.derived:
            out.append(f"<p>= <code>{_e(r.index.formula.text())}</code>, with "
                       + ", ".join(f"{_e(what)} {_e(signed(value))}" for what, value in x.inputs)
                       + (f"; {_e(near)}" if near else "") + "</p></article>")
            continue
        out.append(f"<p>{_e(signed(r.positive))} positive, "
                   f"{_e(signed(r.negative) if r.negative else '0')} negative, "
                   f"{r.events} event{'' if r.events == 1 else 's'}"
                   + (f"; {_e(near)}" if near else "") + ".</p>")
        if not x.lines:
            out.append("</article>")
            continue
        rows = []
        for line in x.lines:
            s = line.scored
            event = s.entry.event
            score = "excluded" if s.score is None else signed(s.score)
            text = _e(event.text)
            for step in s.steps:
                after = "excluded" if step.after is None else signed(step.after)
                text += (f'<br><span class="rule">rule {_e(step.rule.name)}: '
                         f"{_e(step.action.describe())}, {_e(signed(step.before))} &rarr; "
                         f"{_e(after)}</span>")
            rows.append([_e(event.when.text), _e(score), _e(signed(line.running)), text])
        out.append(_table(["Date", "Score", "Total", "Event"], rows, {1, 2}, "lines"))
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def _catalogue(ev) -> str:
    catalogue = ev.catalogue
    titles = {name: index.title for name, index in ev.scheme.indices.items()}
    rows = []
    for event in catalogue.events:
        scores = "<br>".join(f"{_e(titles.get(s.index, s.index))} {_e(signed(s.value))}"
                             for s in event.scores)
        about = []
        if event.category:
            category = ev.scheme.categories.get(event.category.name)
            about.append(_e(category.title if category else event.category.name))
        if event.tags:
            about.append("tags: " + _e(", ".join(t.name for t in event.tags)))
        text = _e(event.text)
        for note in event.notes:
            text += f'<br><span class="note">{_e(note)}</span>'
        for source in event.sources:
            text += f'<br><span class="source">source: {_e(source)}</span>'
        rows.append([str(event.number), _e(event.when.text), text, scores, "<br>".join(about)])
    files = ", ".join(f"<code>{_e(f)}</code>" for f in catalogue.files)
    return ('<section id="catalogue"><h2>The catalogue</h2>'
            f"<p>{_count(len(catalogue.events), 'event')}, as catalogued in {files}.</p>"
            + _table(["#", "Date", "Event", "Scores", "Kind"], rows, {0}, "catalogue")
            + "</section>")


# --- the page ----------------------------------------------------------------------


def report(ev, series=None) -> str:
    """The HTML report of the evaluation `ev`; `series`, where given (holding
    the same issue), adds what changed since the issue before it."""
    charts._matplotlib()
    chart = _Charts()
    issue, previous = _current(series, ev)
    scheme, period = ev.scheme, ev.catalogue.period
    from .table import scheme_words as words

    scheme_words = words(scheme)
    parts = [_figures(ev, issue, previous, chart, series), _scale(ev, chart),
             _changes(ev, series, issue, previous, chart), _explain(ev), _catalogue(ev)]
    nav = [("figures", "The figures"), ("scale", "The colour scale"),
           ("changes", "What changed"), ("explain", "What each figure is made of"),
           ("catalogue", "The catalogue")]
    links = " &middot; ".join(f'<a href="#{k}">{_e(v)}</a>' for k, v in nav
                              if any(f'<section id="{k}">' in p for p in parts))
    from importlib.metadata import PackageNotFoundError, version

    try:
        made = f"barometer {version('barometer')}"
    except PackageNotFoundError:
        made = "barometer"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{_e(made)}">
<title>{_e(period.title)}: {_e(scheme.name)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{_e(period.title)}</h1>
<p class="sub">{_e(period.start)} to {_e(period.end)} &middot; {_count(len(ev.catalogue.events), 'event')}
&middot; scheme: {_e(scheme_words)}</p>
{f'<p class="description">{_e(scheme.description)}</p>' if scheme.description else ""}
<nav>{links}</nav>
</header>
<main>
{"".join(parts)}
</main>
<footer>Made with {_e(made)} from <code>{_e(scheme.path)}</code> and
{", ".join(f"<code>{_e(f)}</code>" for f in ev.catalogue.files)}.</footer>
</body>
</html>
"""


STYLE = """
:root { --ink: #222; --muted: #666; --rule: #ccc; --tint: #f5f5f5; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: var(--ink);
  max-width: 58rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; border-bottom: 2px solid var(--ink);
  padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.sub, .description, figcaption, .note, footer { color: var(--muted); }
nav { margin: .8rem 0; font-size: .9rem; }
nav a { color: inherit; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { text-align: left; vertical-align: top; padding: .28rem .5rem;
  border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; }
td.num, .colour { white-space: nowrap; }
.label { font-size: .8em; color: var(--muted); }
table.series td:first-child { min-width: 10em; }
table.figures td:first-child { white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--tint); }
.swatch { display: inline-block; width: .85em; height: .85em; border: 1px solid #555;
  margin-right: .3em; vertical-align: -.1em; }
.differs { color: #b71c1c; font-weight: bold; }
.change { color: var(--muted); }
.rule, .source, .note { font-size: .85em; color: var(--muted); }
figure.chart { margin: 1rem 0; }
svg.chart { width: 100%; height: auto; display: block; }
ul.changes li { margin: .15rem 0; }
code { font-size: .9em; }
footer { margin-top: 3rem; font-size: .85rem; border-top: 1px solid var(--rule);
  padding-top: .6rem; }
@page { size: A4; margin: 15mm 13mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  nav { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3 { break-after: avoid; }
  figure.chart, tr, .index > p { break-inside: avoid; }
  svg.chart { width: auto; max-width: 100%; max-height: 245mm; margin: 0 auto; }
  .index > p { break-after: avoid; }
  thead { display: table-header-group; }
  #explain, #catalogue { break-before: page; }
}
"""
