"""Text to a checked model: rules files to a `Scheme`, event files and
spreadsheet catalogues to a `Catalogue`. Lark and its trees stay in here."""

from .diagnostics import SOURCES, Diagnostic, InputError, Span, render
from .events import load_catalogue
from .rules import load_scheme

__all__ = ["SOURCES", "Diagnostic", "InputError", "Span", "render", "load_catalogue",
           "load_scheme"]
