"""Results as pictures (SVG)."""

from __future__ import annotations

from ..dsl.model import signed
from .table import _fmt

_SWATCH = {"white": "#ffffff", "green": "#4caf50", "yellow": "#ffd600", "orange": "#ff9800",
           "red": "#e53935", "blue": "#1e88e5"}


def evaluation(ev) -> str:
    """The results as a picture: per index, positive and negative points as bars
    either side of zero, the aggregate marked, and its colour band."""
    from xml.sax.saxutils import escape

    results = list(ev.indices.values())
    label_w, bar_w, row_h, top = 230, 380, 34, 64
    width, height = label_w + bar_w + 150, top + row_h * len(results) + 30
    scale = max([abs(float(r.positive or 0)) for r in results]
                + [abs(float(r.negative or 0)) for r in results]
                + [abs(float(r.aggregate)) for r in results if r.index.derived] + [1])
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


def sensitivity(s) -> str:
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
