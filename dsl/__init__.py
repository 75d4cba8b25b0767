"""Text to a checked model: rules files to a `Scheme`, event files and
spreadsheet catalogues to a `Catalogue`, in stages: parse (syntax.py, Lark's
tables driven by lalr.py), resolve names (resolve.py), check (checks.py).
Lark and its trees stay in here."""

from .diagnostics import SOURCES, Diagnostic, InputError, Span, render

__all__ = ["SOURCES", "Diagnostic", "InputError", "Span", "render"]
