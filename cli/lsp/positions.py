"""Positions: the client's code units <-> the checker's code points."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer


# --- positions: the client's code units <-> code points ------------------------

def _counter(ls: LanguageServer):
    return ls.workspace.position_codec.impl


def to_client(counter, lines: list[str], line: int, column: int) -> lsp.Position:
    """A 0-based line and code-point column as the client counts."""
    if line >= len(lines):
        return lsp.Position(line, column)
    return lsp.Position(line, counter.num_units(lines[line][:column]))


def from_client(counter, lines: list[str], position: lsp.Position) -> tuple[int, int]:
    """A client position as a 0-based line and code-point column."""
    if position.line >= len(lines):
        return position.line, position.character
    units = 0
    for i, char in enumerate(lines[position.line]):
        if units >= position.character:
            return position.line, i
        units += counter.code_units_for_char(char)
    return position.line, len(lines[position.line])


_lines_cache: dict[str, tuple[int | None, str, list[str]]] = {}


def _lines(uri: str, text: str, version: int | None) -> list[str]:
    cached = _lines_cache.get(uri)
    if cached is not None and cached[0] == version and cached[1] is text:
        return cached[2]
    lines = text.split("\n")
    _lines_cache[uri] = (version, text, lines)
    return lines
