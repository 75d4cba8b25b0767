"""Charts to paste into a report, drawn with matplotlib.

matplotlib because it is the field's standard and draws static SVG and PNG by
itself: no browser, no JavaScript engine (Vega-Lite's converter carries one),
no network. It is an optional extra (`pip install 'barometer[charts]'`),
imported only when a chart is asked for.

Each function returns a matplotlib `Figure` (a notebook shows it as it is);
`render(figure, "svg")` or `"png"` gives the file's bytes. The same results give
the same bytes on any machine with the same matplotlib: the font is the
DejaVu Sans matplotlib ships, the DPI is fixed, the SVG's ids come from a fixed
salt and neither format records a date or the drawing software's version. In
SVG, text stays text (it can be searched, selected and edited once pasted),
with common sans-serif fonts named after DejaVu Sans for viewers without it.

Indices are named by their titles, never their internal names; long titles
wrap instead of running under the bars.
"""

from __future__ import annotations

import io
import textwrap
from contextlib import contextmanager

from ..dsl.numbers import counted, plain, signed

NEEDS_MATPLOTLIB = ("charts need matplotlib, which barometer installs only on request: "
                    "pip install 'barometer[charts]'")

# Colours of band names that are colours; any other band gets a grey of its rank.
BAND_COLOURS = {"white": "#ffffff", "green": "#5cb85c", "yellow": "#ffd600",
                "orange": "#ff9800", "red": "#e53935", "blue": "#1e88e5", "purple": "#8e44ad",
                "grey": "#9e9e9e", "gray": "#9e9e9e", "black": "#212121", "brown": "#8d6e63",
                "pink": "#f48fb1"}
POSITIVE, NEGATIVE, AGGREGATE = "#4393c3", "#d6604d", "#111111"
INK, MUTED, RULE = "#222222", "#666666", "#bbbbbb"
WIDTH = 7.5  # inches: an A4 or Letter page's text width
PNG_DPI = 150

_STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
    "font.size": 9,
    "axes.unicode_minus": False,  # "-7" as the tables write it
    "axes.edgecolor": RULE,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "svg.fonttype": "none",
    "svg.hashsalt": "barometer",
    "path.simplify": False,
    # Text is text: a `$` in a title is a dollar, never the start of TeX math
    # (`"Cost $5 and $10"` was drawn as "Cost 5*and*10" in italics, and
    # `"$\\foo$"` ended in a traceback). See `_as_written`.
    "text.parse_math": False,
    "text.usetex": False,
}


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(NEEDS_MATPLOTLIB) from None
    import matplotlib

    return matplotlib


@contextmanager
def _style():
    """barometer's look, for this chart only: a notebook's own settings stay."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_STYLE):
        yield


def _figure(body: float, title: str, subtitle: str):
    """A figure with a bold title and a grey subtitle at the top, wrapped, and
    `body` inches below them: the figure, its height, and the share of the
    height the heading takes."""
    from matplotlib.figure import Figure

    title, subtitle = wrap(title, 64), wrap(subtitle, 96)
    lines = title.count("\n") + 1 + (subtitle.count("\n") + 1 if subtitle else 0)
    top = 0.2 + 0.2 * lines
    height = top + body
    fig = Figure(figsize=(WIDTH, height), facecolor="white")
    fig.text(0.02, 1 - 0.12 / height, title, fontsize=12, fontweight="bold", color=INK, va="top")
    if subtitle:
        fig.text(0.02, 1 - (0.12 + 0.22 * (title.count("\n") + 1)) / height, subtitle,
                 fontsize=9, color=MUTED, va="top")
    return fig, height, top / height


def _as_written(fig):
    """`fig` with every text in it drawn as written, however and wherever it is
    drawn later (a notebook draws outside `_style`): each text artist, tick labels
    included (made now, for the axes' ticks as they stand), told to parse no
    math and to use no TeX. Every chart goes through here before it is returned."""
    from matplotlib.text import Text

    for ax in fig.axes:
        ax.xaxis.get_major_ticks()
        ax.yaxis.get_major_ticks()
    for text in fig.findobj(Text):
        text.set_usetex(False)
        text.set_parse_math(False)
    return fig


def render(figure, fmt: str) -> bytes:
    """The figure as an SVG or PNG file's bytes, the same on every run."""
    out = io.BytesIO()
    with _style():
        if fmt == "svg":
            figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "barometer"})
        else:
            figure.savefig(out, format="png", dpi=PNG_DPI,
                           metadata={"Software": "barometer"})
    return out.getvalue()


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def band_colour(name: str, rank: int = 0, count: int = 1) -> str:
    """A band named for a colour has it; any other, a grey by its place from low
    (light) to high (dark)."""
    if name.casefold() in BAND_COLOURS:
        return BAND_COLOURS[name.casefold()]
    shade = 0.92 - 0.6 * rank / max(count - 1, 1)
    return "#" + f"{round(shade * 255):02x}" * 3


def _low_to_high(bandset) -> list:
    return sorted(bandset.bands, key=lambda b: (
        b.lower is not None, float(b.lower.value) if b.lower else 0.0,
        float(b.upper.value) if b.upper else float("inf")))


def palette(bandset) -> dict[str, str]:
    """Each band's colour on every chart and in the report."""
    bands = _low_to_high(bandset)
    return {b.name: band_colour(b.name, k, len(bands)) for k, b in enumerate(bands)}


def band_word(name: str) -> str:
    """A band's name as the rules file declares it (docs/shell.md, "Colours"), its
    underscores read as spaces in charts and the report: strongly_east is "strongly east"."""
    return name.replace("_", " ")


def ink(colour: str) -> str:
    """Text that reads on a fill of `colour`."""
    r, g, b = (int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5))
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "#ffffff"


def _scheme_words(scheme) -> str:
    from .table import scheme_words

    return scheme_words(scheme)


def _period_words(period) -> str:
    return f"{period.start} to {period.end}"


def _float(value) -> float:
    return float(value) if value is not None else float("nan")


# --- one issue ---------------------------------------------------------------------


def issue(ev):
    """Per index, positive and negative points as bars either side of zero, each
    with its value, the aggregate marked on the bars and written on the right
    with its colour, an axis of points, and a legend."""
    with _style():
        results = list(ev.indices.values())
        rows = len(results)
        period, scheme = ev.catalogue.period, ev.scheme
        labels = [wrap(r.index.title, 26) for r in results]
        each = max([0.5] + [0.17 * (label.count("\n") + 1) + 0.1 for label in labels])
        fig, height, top = _figure(1.2 + each * rows, period.title,
                                   f"{_scheme_words(scheme)}; {_period_words(period)}. Positive "
                                   "and negative points of each index; the diamond is the "
                                   "aggregate.")
        coloured = any(r.colour for r in results)
        ax = fig.add_axes((0.27, 1.0 / height, 0.47 if coloured else 0.55,
                           1 - top - 1.2 / height))
        extent = max([abs(_float(r.positive)) for r in results if not r.index.derived]
                     + [abs(_float(r.negative)) for r in results if not r.index.derived]
                     + [abs(_float(r.aggregate)) for r in results if r.aggregate is not None]
                     + [1])
        pad = extent * 0.25
        ax.set_xlim(-extent - pad, extent + pad)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.axvline(0, color=MUTED, linewidth=0.8, zorder=1)
        side = ax.get_yaxis_transform()
        for y, r in enumerate(results):
            name = r.index.name
            if not r.index.derived:
                pos, neg = _float(r.positive), _float(r.negative)
                ax.barh(y, pos, height=0.56, color=POSITIVE, gid=f"positive-{name}", zorder=2,
                        label="positive points" if y == 0 else None)
                ax.barh(y, neg, height=0.56, color=NEGATIVE, gid=f"negative-{name}", zorder=2,
                        label="negative points" if y == 0 else None)
                ax.annotate(signed(r.positive), (pos, y), xytext=(6, 0),
                            textcoords="offset points", va="center", ha="left",
                            color=POSITIVE if pos else MUTED, fontsize=8.5)
                ax.annotate(signed(r.negative) if neg else "0", (neg, y), xytext=(-6, 0),
                            textcoords="offset points", va="center", ha="right",
                            color=NEGATIVE if neg else MUTED, fontsize=8.5)
            ax.plot([_float(r.aggregate)], [y], marker="D", markersize=6.5, color=AGGREGATE,
                    markeredgecolor="white", linestyle="none", zorder=3, gid=f"aggregate-{name}",
                    label="aggregate" if y == 0 else None)
            ax.text(1.04, y, signed(r.aggregate), transform=side, va="center", ha="left",
                    fontweight="bold", color=INK, fontsize=10)
            if r.colour:
                colours = palette(scheme.bands[name]) if name in scheme.bands else {}
                ax.text(1.25, y, "\u25a0", transform=side, va="center", ha="left", fontsize=13,
                        color=colours.get(r.colour, band_colour(r.colour)))
                ax.text(1.3, y, wrap(band_word(r.colour), 13), transform=side, va="center",
                        ha="left", color=INK)
        ax.text(1.04, -0.62, "Aggregate", transform=side, ha="left", va="bottom", color=MUTED,
                fontsize=8)
        if any(r.colour for r in results):
            ax.text(1.25, -0.62, "Colour", transform=side, ha="left", va="bottom", color=MUTED,
                    fontsize=8)
        ax.set_yticks(range(rows), labels)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("points")
        ax.grid(axis="x", color="#eeeeee", linewidth=0.6, zorder=0)
        ax.set_axisbelow(True)
        for edge in ("top", "right", "left"):
            ax.spines[edge].set_visible(False)
        fig.legend(*ax.get_legend_handles_labels(), loc="lower center",
                   bbox_to_anchor=(0.52, 0.04 / height), ncol=3, frameon=False, fontsize=8.5,
                   handlelength=1.2)
        return _as_written(fig)


# --- the colour scale ----------------------------------------------------------------


def _stretches(bandset, values: list[float], limits: tuple[float, float] | None = None):
    """Each band as a stretch of the axis, low to high: (band, start, end), with
    the gap between whole-number bands (-12 to -7, -6 to -2) split in the
    middle, so that every whole value sits inside its band; and the axis's
    limits, wide enough for the values and every finite bound."""
    bands = _low_to_high(bandset)
    bounds = [float(x.value) for b in bands for x in (b.lower, b.upper) if x is not None]
    known = bounds + [v for v in values if v == v]
    low, high = min(known), max(known)
    pad = max((high - low) * 0.18, 2.0)
    low, high = limits if limits is not None else (low - pad, high + pad)
    edges = []
    for below, above in zip(bands, bands[1:]):
        top = float(below.upper.value) if below.upper else None
        bottom = float(above.lower.value) if above.lower else None
        if top is None or bottom is None:
            edges.append(bottom if bottom is not None else top)
        else:
            edges.append((top + bottom) / 2 if bottom > top else bottom)
    starts = [low] + [e if e is not None else low for e in edges]
    ends = [e if e is not None else high for e in edges] + [high]
    return [(b, s, e) for b, s, e in zip(bands, starts, ends)], (low, high)


def scale(ev, names: list[str] | None = None):
    """Each banded index's colour scale, low to high, every band with its name
    and range, and the index's value placed on it."""
    with _style():
        scheme = ev.scheme
        names = [n for n in (names or list(scheme.bands)) if n in ev.indices]
        if not names:
            raise ValueError("the scheme has no colour bands")
        period = ev.catalogue.period
        fig, height, top = _figure(0.1 + 1.25 * len(names),
                                   f"{ev.indices[names[0]].index.title}: the colour scale"
                                   if len(names) == 1 else "The colour scales",
                                   f"{period.title}; {_scheme_words(scheme)}")
        usable = 1 - top - 0.1 / height
        for k, name in enumerate(names):
            r = ev.indices[name]
            value = _float(r.aggregate)
            stretches, (low, high) = _stretches(scheme.bands[name], [value])
            row = usable / len(names)
            ax = fig.add_axes((0.04, 1 - top - row * (k + 1) + 0.42 / height, 0.92,
                               row - 0.75 / height))
            ax.set_xlim(low, high)
            ax.set_ylim(0, 1)
            colours = palette(scheme.bands[name])
            for band, start, end in stretches:
                fill = colours[band.name]
                ax.axvspan(start, end, color=fill, ec="#555555", linewidth=0.6,
                           gid=f"band-{name}-{band.name}")
                middle = (max(start, low) + min(end, high)) / 2
                ax.text(middle, 0.62, wrap(band_word(band.name), 12), ha="center", va="center",
                        fontweight="bold", color=ink(fill), fontsize=9)
                ax.text(middle, 0.22, band.describe(), ha="center", va="center", color=ink(fill),
                        fontsize=7.5)
            title = r.index.title
            if value == value:
                ax.plot([value], [1.0], marker="v", markersize=11, color=AGGREGATE,
                        clip_on=False, gid=f"value-{name}", linestyle="none")
                ax.axvline(value, color=AGGREGATE, linewidth=1.6, zorder=3)
                where = (value - low) / (high - low)
                ax.text(value, 1.22, f"{title}: {signed(r.aggregate)}"
                        + (f" ({band_word(r.colour)})" if r.colour else " (no colour)"),
                        ha="left" if where < 0.3 else "right" if where > 0.7 else "center",
                        va="bottom", fontweight="bold", color=INK, fontsize=9.5)
            ax.set_yticks([])
            ax.tick_params(axis="x", labelsize=8)
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
        return _as_written(fig)


# --- across issues -----------------------------------------------------------------


def issue_label(issue) -> str:
    """An issue on an axis: its months ("Jan-Feb 2021"), short where the title is long."""
    start, end = issue.period.start, issue.period.end
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%b %Y}"
    if start.year == end.year:
        return f"{start:%b}-{end:%b %Y}"
    return f"{start:%b %Y}-\n{end:%b %Y}"


def _colour_bounds(bandset, figures) -> list[float]:
    """The finite bounds of the bands of colours published without their figures,
    so that their squares are in view."""
    if bandset is None:
        return []
    wanted = {f.colour for f in figures if f is not None and f.aggregate is None and f.colour}
    return [float(x.value) for b in bandset.bands if b.name in wanted
            for x in (b.lower, b.upper) if x is not None]


def _axis_labels(issues) -> tuple[list[str], str]:
    """Each issue's label on the time axis, and the axis's name: their months
    ("Jan-Feb\\n2021"), or for many numbered issues their numbers."""
    from ..engine.series import issue_number

    numbers = [issue_number(i.label) for i in issues]
    if len(issues) > 6 and None not in numbers:
        return [str(n) for n in numbers], "issue (No)"
    labels = [issue_label(i) for i in issues]
    labels = [label if "\n" in label else "\n".join(label.rsplit(" ", 1)) for label in labels]
    step = -(-len(issues) // 8)
    return [label if (len(issues) - 1 - k) % step == 0 else "" for k, label in
            enumerate(labels)], ""


def series(s):
    """Each index over the issues, one panel each, its colour bands behind; a
    published figure without a catalogue is a hollow point."""
    with _style():
        scheme = s.scheme
        names = list(scheme.indices)
        issues = list(s.issues)
        panel = 1.5
        first, last = issues[0], issues[-1]
        xs = list(range(len(issues)))
        labels, axis = _axis_labels(issues)
        below = 0.3 + (0.28 if any("\n" in label for label in labels) else 0.16)
        fig, height, top = _figure((panel + below - 0.3) * len(names) + 0.65,
                                   f"{scheme.name}: each index over {len(issues)} "
                                   f"issue{'s' if len(issues) != 1 else ''}",
                                   f"{first.label} to {last.label}" if len(issues) > 1
                                   else first.label)
        bottom = 0.55 / height
        row = (1 - top - bottom) / len(names)
        published_shown = colour_only = relative_shown = False
        for k, name in enumerate(names):
            index = scheme.indices[name]
            ax = fig.add_axes((0.1, 1 - top - row * (k + 1) + below / height, 0.8,
                               row - (below + 0.22) / height))
            figures = [i.figures.get(name) for i in issues]
            values = [_float(f.aggregate if f else None) for f in figures]
            known = [v for v in values if v == v]
            shown = known + _colour_bounds(scheme.bands.get(name), figures)
            low, high = (min(shown + [0]), max(shown + [0])) if shown else (-1, 1)
            pad = max((high - low) * 0.6, 3)  # room for the values written by the points
            low, high = low - pad, high + pad
            stretches_at: dict = {}  # issue -> its bands as stretches of the axis
            if name in scheme.bands:
                colours = palette(scheme.bands[name])
                if scheme.bands[name].relative:
                    # bands relative to history: each issue's own, from the issues before
                    # it (none where they are too few, or for a published issue)
                    relative_shown = True
                    for x, issue in enumerate(issues):
                        now = (issue.evaluation.scheme.bands.get(name)
                               if issue.evaluation is not None else None)
                        if now is not None and not now.relative:
                            stretches_at[x] = _stretches(now, known, (low, high))[0]
                else:
                    stretches = _stretches(scheme.bands[name], known, (low, high))[0]
                    stretches_at = dict.fromkeys(xs, stretches)
                last = stretches_at[max(stretches_at)] if stretches_at else []
                if scheme.bands[name].relative:
                    for x, stretches in stretches_at.items():  # each issue's column
                        for band, start, end in stretches:
                            ax.axhspan(start, end, x / len(xs), (x + 1) / len(xs),
                                       color=colours[band.name], alpha=0.45, linewidth=0,
                                       zorder=0, gid=f"band-{name}-{band.name}-{x}")
                else:
                    for band, start, end in last:
                        ax.axhspan(start, end, color=colours[band.name], alpha=0.45,
                                   linewidth=0, zorder=0, gid=f"band-{name}-{band.name}")
                for band, start, end in last:
                    seen = min(end, high) - max(start, low)
                    middle = (max(start, low) + min(end, high)) / 2
                    if seen > (high - low) * 0.12:
                        ax.text(1.005, middle, band_word(band.name), fontsize=7,
                                transform=ax.get_yaxis_transform(), va="center", color=MUTED)
            ax.set_ylim(low, high)
            from matplotlib.ticker import MaxNLocator

            whole = all(float(v).is_integer() for v in known)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=whole))
            ax.set_xlim(-0.5, len(issues) - 0.5)
            ax.axhline(0, color=RULE, linewidth=0.8, zorder=1)
            ax.plot(xs, values, color=AGGREGATE, linewidth=1.4, zorder=2, gid=f"line-{name}")
            seen = [x for x in xs if values[x] == values[x]]
            for a, b in zip(seen, seen[1:]):  # issues between that do not know the figure
                if b > a + 1:
                    ax.plot([a, b], [values[a], values[b]], color=MUTED, linewidth=0.9,
                            linestyle=(0, (1.5, 2)), zorder=2)
            for x, f, v in zip(xs, figures, values):
                if v != v and f is not None and f.colour and x in stretches_at:
                    # a colour published without its figure: a square in its band
                    stretches = stretches_at[x]
                    band = next((b for b, _, _ in stretches if b.name == f.colour), None)
                    if band is not None:
                        _, start, end = next(t for t in stretches if t[0] is band)
                        middle = (max(start, low) + min(end, high)) / 2
                        ax.plot([x], [middle], marker="s", markersize=6.5, linestyle="none",
                                markerfacecolor=colours[f.colour], markeredgecolor=AGGREGATE,
                                zorder=3, gid=f"colour-{name}-{x}")
                        colour_only = True
                if v != v:
                    continue
                hollow = bool(f.published)
                published_shown |= hollow
                ax.plot([x], [v], marker="o", markersize=6, linestyle="none", zorder=3,
                        color=AGGREGATE, markerfacecolor="white" if hollow else AGGREGATE,
                        gid=f"point-{name}-{x}")
                change = getattr(f, "change", None)
                text = signed(f.aggregate) + (f" ({signed(change)})" if change else "")
                ax.annotate(text, (x, v), xytext=(0, 7 if v >= 0 else -8),
                            textcoords="offset points", ha="center",
                            va="bottom" if v >= 0 else "top", fontsize=7.5, color=INK,
                            zorder=4)
            ax.set_title(wrap(index.title, 60), loc="left", fontsize=9, fontweight="bold",
                         color=INK, pad=3)
            ax.set_xticks(xs, labels)  # every panel its issues, read without the others
            ax.set_ylabel("points" if not index.derived else "value", fontsize=7.5,
                          color=MUTED, labelpad=2)
            if k == len(names) - 1 and axis:
                ax.set_xlabel(axis, fontsize=7.5, color=MUTED)
            ax.tick_params(axis="both", labelsize=7.5, length=2)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        note = "Filled points: evaluated from a catalogue; in brackets: the change since the " \
               "previous issue; dotted: across issues whose figure is not known."
        if published_shown:
            note += " Hollow points: published figures, no catalogue."
        if colour_only:
            note += " Squares: a colour published without its figure, in the middle of its band."
        if relative_shown:
            note += (" Bands relative to history: each issue's, from the issues before it (none "
                     "where they are too few).")
        fig.text(0.02, 0.12 / height, wrap(note, 120), fontsize=7.5, color=MUTED, va="bottom")
        return _as_written(fig)


# --- sensitivity -------------------------------------------------------------------


def _fmt(value: float) -> str:
    from .table import _fmt as fmt

    return fmt(value)


def _varied(parameters, title_of) -> str:
    """What was varied, in few words: the weights together, each index's band
    boundaries together, each group with how far it moved."""
    groups: dict = {}
    parts = []
    for p in parameters:
        if p.kind == "score":  # a choice, not a number moved
            parts.append(f"{p.label}, one per sample")
            continue
        if p.kind == "boundary":
            index, _, rest = p.label.partition(": ")
            what = f"the band boundaries of {title_of(index)}"
            item = rest
        elif p.kind == "rule":
            rule, _, item = p.label.partition(": ")
            what, item = f"the numbers of {rule}", item.split(", its number")[0]
        else:
            what, item = "weights", p.label.removeprefix("weight of ")
        groups.setdefault((what, _fmt(p.by).lstrip("+")), []).append(item)
    for (what, by), items in groups.items():
        listed = ", ".join(items) if len(items) <= 6 else f"{len(items)} of them"
        parts.append(f"{what} ({listed}) \u00b1{by}")
    return "; ".join(parts) or "nothing"


def sensitivity(s, ev=None):
    """Per index, the 5% to 95% range of the samples, the median and the nominal
    value, on one axis; beside it, for an index with bands, the share of
    samples in each colour, written on the bar. Named by index titles, with the
    scheme and period in the title when the evaluation is given."""
    from .table import _share

    with _style():
        rows = len(s.indices)

        def title_of(name):
            if ev is not None and name in ev.scheme.indices:
                return ev.scheme.indices[name].title
            return name

        if ev is not None:
            heading = f"Sensitivity: {_scheme_words(ev.scheme)}, {ev.catalogue.period.title}"
        else:
            heading = "Sensitivity"
        fig, height, top = _figure(1.2 + 0.65 * rows, heading,
                                   f"{counted(s.samples, 'sample')}, seed {s.seed}; varied uniformly: "
                                   f"{_varied(s.parameters, title_of)}")
        bottom = 0.75 / height
        box = (0.25, bottom, 0.38, 1 - top - bottom - 0.15 / height)
        ax = fig.add_axes(box)
        shares = fig.add_axes((0.67, bottom, 0.29, box[3]))
        shares.patch.set_gid("shares-axis")
        low = min(min(i.p5, i.nominal) for i in s.indices)
        high = max(max(i.p95, i.nominal) for i in s.indices)
        pad = max((high - low) * 0.08, 0.5)
        ax.set_xlim(low - pad, high + pad)
        for a in (ax, shares):
            a.set_ylim(rows - 0.5, -0.5)
            for side in ("top", "right", "left"):
                a.spines[side].set_visible(False)
            a.tick_params(axis="y", length=0)
        if low - pad < 0 < high + pad:
            ax.axvline(0, color=RULE, linewidth=0.8, zorder=1)
        for y, i in enumerate(s.indices):
            ax.barh(y, max(i.p95 - i.p5, (high - low + 2 * pad) * 0.004), left=i.p5,
                    height=0.42, color="#9ecae1", zorder=2, gid=f"spread-{i.name}",
                    label="5% to 95% of samples" if y == 0 else None)
            ax.plot([i.median, i.median], [y - 0.25, y + 0.25], color=AGGREGATE, linewidth=2,
                    zorder=3, label="median" if y == 0 else None)
            ax.plot([i.nominal], [y], marker="o", markersize=6.5, markerfacecolor="none",
                    markeredgecolor="#c62828", markeredgewidth=1.6, linestyle="none", zorder=4,
                    label="nominal (the scheme as written)" if y == 0 else None)
            middle = (i.p5 + i.p95) / 2
            where = (middle - (low - pad)) / (high - low + 2 * pad)
            ax.text(middle, y + 0.43, f"nominal {_fmt(i.nominal)}; 5% to 95%: "
                    f"{_fmt(i.p5)} to {_fmt(i.p95)}", fontsize=6.8, color=MUTED, va="center",
                    ha="left" if where < 0.3 else "right" if where > 0.7 else "center")
            left = 0.0
            if not i.colour_probability:
                shares.text(0.0, y, "no bands", va="center", fontsize=7.5, color=MUTED)
            small = []
            ordered = list(i.colour_probability.items())
            colours = palette(ev.scheme.bands[i.name]) if ev is not None and \
                i.name in ev.scheme.bands else {}
            for rank, (colour, share) in enumerate(ordered):
                if share <= 0:
                    continue
                fill = colours.get(colour, band_colour(colour, rank, len(ordered)))
                shares.barh(y, share, left=left, height=0.5, gid=f"share-{i.name}-{colour}",
                            color=fill, edgecolor="#555555",
                            linewidth=0.4)
                if share >= 0.16:
                    shares.text(left + share / 2, y, f"{band_word(colour)}\n{_share(share)}",
                                ha="center", va="center", fontsize=6.8, color=ink(fill),
                                linespacing=1.0)
                else:
                    small.append(f"{band_word(colour)} {_share(share)}")
                left += share
            if small:
                shares.text(0.0, y + 0.4, ", ".join(small), fontsize=6.5, color=MUTED,
                            va="center", ha="left")
        ax.set_yticks(range(rows), [wrap(title_of(i.name), 26) for i in s.indices])
        shares.set_yticks(range(rows), [""] * rows)
        shares.set_xlim(0, 1)
        from matplotlib.ticker import PercentFormatter

        shares.xaxis.set_major_formatter(PercentFormatter(1))
        shares.set_title("share of samples in each colour", fontsize=8, color=MUTED, loc="left")
        ax.set_title("value of each index", fontsize=8, color=MUTED, loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(-0.05, -0.32 / (height * 0.55)), ncol=3,
                  frameon=False, fontsize=7.5, handlelength=1.2)
        return _as_written(fig)
