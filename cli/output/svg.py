"""Results as SVG pictures, drawn by `charts` (matplotlib, an optional extra)."""

from __future__ import annotations

from . import charts


def evaluation(ev) -> str:
    """Per index, positive and negative points either side of zero with their
    values, the aggregate marked and written with its colour."""
    return charts.render(charts.issue(ev), "svg").decode("utf-8")


def series(s) -> str:
    """Each index across the issues, its colour bands behind."""
    return charts.render(charts.series(s), "svg").decode("utf-8")


def sensitivity(s, ev=None) -> str:
    """The spread of each index and the share of samples in each colour."""
    return charts.render(charts.sensitivity(s, ev), "svg").decode("utf-8")
