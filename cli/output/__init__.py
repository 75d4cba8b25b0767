"""Results rendered for people and programs, one module per format: `table`
(terminal), `markdown`, `csv`, `json`, `svg`, `png` and `xlsx`. Each format module
renders the result types it supports; the functions here pick the module for a
format. `svg` and `png` are charts (`charts.py`), drawn with the optional
matplotlib; `report.py` is the HTML report.

`xlsx` and `png` give bytes, not text, which the verbs write as they are, with
the one safe writer every format goes through (`cli/writing.py`); a workbook
needs `-o FILE` (it is not for a terminal)."""

from __future__ import annotations

from importlib import import_module


def _module(fmt: str):
    return import_module(f".{ {'text': 'table'}.get(fmt, fmt)}", __name__)


def _xlsx():
    try:
        import openpyxl  # noqa: F401  (an optional extra)
    except ImportError:
        from .xlsx import NEEDS_OPENPYXL

        _leave(NEEDS_OPENPYXL, ImportError)
    return _module("xlsx")


def _charts(fmt: str):
    """The chart format's module, or a one-line message when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401  (an optional extra)
    except ImportError:
        from .charts import NEEDS_MATPLOTLIB

        _leave(NEEDS_MATPLOTLIB, ImportError)
    return _module(fmt)


CHARTS = ("svg", "png")


def _leave(message: str, kind=ValueError):
    """Stop with a one-line message: status 2 on the command line, else `kind`."""
    import click

    if click.get_current_context(silent=True) is None:
        raise kind(message)
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(2)


def _binary(data: bytes):
    """The workbook's bytes, for the verb to write with the one safe writer
    (`writing.write_output`, as every other format); on the command line, a
    workbook is never for a terminal: without `-o FILE`, a usage error."""
    import click

    context = click.get_current_context(silent=True)
    if context is not None and "out" in context.params and context.params["out"] is None:
        raise click.UsageError("--format xlsx writes a workbook: name the file with "
                               "-o FILE.xlsx", context)
    return data


def evaluation(ev, fmt: str = "table", colour: bool = False) -> str:
    if fmt in CHARTS:
        return _charts(fmt).evaluation(ev)
    if fmt == "xlsx":
        return _binary(_xlsx().evaluation(ev))
    if fmt == "table":
        return _module(fmt).evaluation(ev, colour=colour)
    return _module(fmt).evaluation(ev)


def series(s, fmt: str = "table", colour: bool = False, fit: int | None = None) -> str:
    """`fit`: a terminal's width, which a table is made to fit."""
    if fmt in CHARTS:
        return _charts(fmt).series(s)
    if fmt == "table":
        return _module(fmt).series(s, colour=colour, fit=fit)
    return _module(fmt).series(s)


def explanation(explained, fmt: str = "table", details: bool = False) -> str:
    if fmt == "json":
        return _module(fmt).explanation(explained)
    return _module(fmt).explanation(explained, details)


def contributions(result, parts, fmt: str = "table") -> str:
    """explain on the columnar path: per index, each category's and rule's share."""
    return _module(fmt).contributions(result, parts)


def comparison(c, fmt: str = "table", colour: bool = False) -> str:
    if fmt == "xlsx":
        return _binary(_xlsx().comparison(c))
    return _module(fmt).comparison(c)


def sensitivity(s, fmt: str = "table", evaluation=None) -> str:
    """`evaluation`, where given, names the indices by their titles and the
    scheme and period in a chart."""
    if fmt in CHARTS:
        return _charts(fmt).sensitivity(s, evaluation)
    return _module(fmt).sensitivity(s)


def agreement(a, fmt: str = "text") -> str:
    """`barometer agree`'s result, as text or JSON (coders.py)."""
    rendered = _module("coders")
    return rendered.as_json(a) if fmt == "json" else rendered.as_text(a)
