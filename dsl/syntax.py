"""Text to unchecked model pieces: the parsers.

Parse trees never leave this module and builders.py, whose callbacks turn each
grammar rule's children into a model node with its `Span`; an event file is
first offered to the fast reader (fast_events.py); syntax problems come back as
`Diagnostic`s worded for a methodologist (syntax_errors.py).
"""

from __future__ import annotations

import functools
import re

from ..grammar import grammar_text

from .builders import (EventsBuilder, Num, Percent, RawEvent, RawExpect, RawRanking,  # noqa: F401
                       RawTest, RulesBuilder, TestsBuilder, _Item, event_condition, too_long)
from . import fast_events
from .fast_events import read_events_fast
from .judgements import MAX_DIGITS, NumberTooLong, number  # noqa: F401
from .lalr import Parser, load_tables
from .syntax_errors import describe, syntax_diagnostic  # noqa: F401


# --- the parsers -----------------------------------------------------------------

_PARSERS: dict[str, tuple[Parser, type]] = {}

# The words that open a declaration in a rules file (the grammar's `_item`s).
RULES_DECLARATIONS = ("scheme", "description", "extends", "range", "score", "index", "category",
                      "tag", "attribute", "bands", "scale", "rule", "drop", "group", "vary")

# Where parsing may resume after a syntax error: a line that opens a declaration.
_RESYNC = {
    "rules": re.compile(r"[ \t]*(" + "|".join(RULES_DECLARATIONS) + r")\b"),
    "events": re.compile(r"[ \t]*\["),
    "tests": re.compile(r"[ \t]*(test|rules|events|history|expect)\b"),
}
_BUILDERS = {"rules": RulesBuilder, "events": EventsBuilder, "tests": TestsBuilder}


@functools.cache
def RULES_WORDS() -> frozenset:
    """The words of the rules language (`when`, `and`, `index`, ...), worked out
    once per process (fmt asks for each token)."""
    tables = _parser("rules").tables
    return frozenset(v for v in tables.literal_values.values() if v.isalpha())


def _parser(kind: str) -> Parser:
    """The parser for a grammar, built once per process."""
    found = _PARSERS.get(kind)
    if found is None:
        tables = load_tables(kind, grammar_text(kind))
        found = _PARSERS[kind] = Parser(tables, _RESYNC[kind])
    return found


def parse(kind: str, text: str, file: str, fast: bool = True):
    """Parse `text` as a rules (`kind="rules"`), event (`"events"`) or test file
    (`"tests"`); returns the value
    built by the callbacks (None if nothing could be) and the diagnostics.

    An event file is first read by `read_events_fast`, which takes the common
    lines exactly as the parser does; anything else it leaves to the parser
    (`fast=False` always does), so that every diagnostic comes from one place."""
    if kind == "events" and _unended(text):
        # the last line ends at the end of the file as well as at a line break (an
        # editor that writes none): read as if it had one
        text += "\n"
    if kind == "events" and fast:
        try:
            value = read_events_fast(text, file)
        except NumberTooLong:  # the parser says where, and why
            value = None
        if value is not None:
            return value, []
        if fast_events.remembered(file):
            found = _in_parts(text, file)
            if found is not None:
                return found
    value, syntax, built = _parsed(kind, text, file)
    return value, syntax + built


def _parsed(kind: str, text: str, file: str):
    """The parser's value, its syntax diagnostics and the builder's problems."""
    parser = _parser(kind)
    builder = _BUILDERS[kind](file)
    builder.problems = []
    callbacks = {name: getattr(builder, name) for name in dir(builder) if not name.startswith("_")}
    value, problems = parser.parse(text, callbacks)
    return value, [syntax_diagnostic(p, parser, file) for p in problems], builder.problems


def _in_parts(text: str, file: str):
    """A remembered event file (the language server's, read at each keystroke)
    that the fast reader does not take whole: the events it takes, and each
    other event parsed alone after the file's header, on its own lines, as
    the whole file's parse reads it (tests/test_fast_reader.py holds the two
    alike). None where the header is not read fast."""
    parts = fast_events.read_parts(text, file)
    if parts is None:
        return None
    head, head_text, pieces = parts
    events: list = []
    syntax: list = []
    built: list = []
    lines_in_head = head_text.count("\n")
    for piece in pieces:
        if type(piece) is not tuple:
            events.append(piece)
            continue
        chunk, line = piece
        value, more_syntax, more_built = _parsed(
            "events", head_text + "\n" * (line - 1 - lines_in_head) + chunk, file)
        if value is None:
            return None
        events.extend(value[1])
        syntax += more_syntax
        built += more_built
    return (head, events), syntax + built


def _unended(text: str) -> bool:
    """Whether the last line holds content (not only blanks or a comment) and no
    line break follows it."""
    last = text[max(text.rfind("\n"), text.rfind("\r")) + 1:].lstrip(" \t\f")
    return bool(last) and last[0] != "#"
