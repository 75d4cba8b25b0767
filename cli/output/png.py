"""Results as PNG pictures (bytes), drawn by `charts` (matplotlib, an optional extra)."""

from __future__ import annotations

from . import charts


def evaluation(ev) -> bytes:
    return charts.render(charts.issue(ev), "png")


def series(s) -> bytes:
    return charts.render(charts.series(s), "png")


def sensitivity(s, ev=None) -> bytes:
    return charts.render(charts.sensitivity(s, ev), "png")
