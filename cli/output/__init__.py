"""Results rendered for people and programs, one module per format: `table`
(terminal), `markdown`, `csv`, `json` and `svg`. Each format module renders the
result types it supports; the functions here pick the module for a format."""

from __future__ import annotations

from importlib import import_module


def _module(fmt: str):
    return import_module(f".{ {'text': 'table'}.get(fmt, fmt)}", __name__)


def evaluation(ev, fmt: str = "table", colour: bool = False) -> str:
    if fmt == "table":
        return _module(fmt).evaluation(ev, colour=colour)
    return _module(fmt).evaluation(ev)


def explanation(explained, fmt: str = "text", details: bool = False) -> str:
    if fmt == "json":
        return _module(fmt).explanation(explained)
    return _module(fmt).explanation(explained, details)


def comparison(c, fmt: str = "table", colour: bool = False) -> str:
    return _module(fmt).comparison(c)


def sensitivity(s, fmt: str = "text") -> str:
    return _module(fmt).sensitivity(s)
