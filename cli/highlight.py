"""Syntax highlighting: Pygments lexers for rules and event files.

Registered as Pygments plugins (see pyproject.toml), so `pygmentize -l
barometer-rules` and documentation builds highlight the files; the command line
uses them for the source lines it quotes in diagnostics, on a terminal. The
keywords are read from the grammar itself, so the two cannot drift apart.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

from .grammar import grammar_text


def grammar_keywords(kind: str) -> list[str]:
    """The words a grammar spells out in quotes, e.g. `index`, `when`, `clamp`."""
    found = set(re.findall(r'"([a-z]+)"', grammar_text(kind)))
    return sorted(found, key=lambda w: (-len(w), w))


_STRING = r'"[^"\n]*"|“[^”\n]*”'


class RulesLexer(RegexLexer):
    """barometer rules files: a scoring methodology."""

    name = "barometer rules"
    aliases = ["barometer-rules"]
    filenames = ["*.rules"]
    mimetypes = ["text/x-barometer-rules"]
    tokens = {
        "root": [
            (r"#.*?$", Comment.Single),
            (_STRING, String),
            (words(grammar_keywords("rules"), prefix=r"\b", suffix=r"\b"), Keyword),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (r"[+\-−–]?\d+(\.\d+)?", Number),
            (r">=|<=|[<>≥≤*/=+\-]", Operator),
            (r"[\[\]{}(),]", Punctuation),
            (r"[A-Za-z_]\w*", Name.Variable),
            (r"\s+", Whitespace),
            (r".", Text),
        ],
    }

    @staticmethod
    def analyse_text(text: str) -> float:
        """How much `text` looks like a rules file, for content detection."""
        score = 0.0
        if re.search(r'^scheme[ \t]+("[^"\n]*"|“[^”\n]*”)', text, re.MULTILINE):
            score += 0.5
        if re.search(r'^index[ \t]+[A-Za-z_]\w*([ \t]+("[^"\n]*"|“[^”\n]*”))?[ \t]*$', text,
                     re.MULTILINE):
            score += 0.2
        if re.search(r"^range[ \t]+[+\-−–]?\d+[ \t]+to[ \t]+[+\-−–]?\d+", text, re.MULTILINE):
            score += 0.1
        if re.search(r"^(bands[ \t]+[A-Za-z_]\w*[ \t]*\{|rule[ \t]+[A-Za-z_]\w*\b.*\bwhen\b"
                     r"|extends[ \t]+\"|score[ \t]+)", text, re.MULTILINE):
            score += 0.19
        return score


class EventsLexer(RegexLexer):
    """barometer event files: one period's catalogue of events."""

    name = "barometer events"
    aliases = ["barometer-events"]
    filenames = ["*.events"]
    mimetypes = ["text/x-barometer-events"]
    tokens = {
        "root": [
            (r"^([ \t]*)(#.*?)$", bygroups(Whitespace, Comment.Single)),
            (r"^([ \t]*)(\[)([^\]\n]*)(\])([^\n]*)$",
             bygroups(Whitespace, Punctuation, Literal.Date, Punctuation, String.Doc)),
            (r"^([ \t]*)(source|note)\b([^\n]*)$", bygroups(Whitespace, Keyword, String.Other)),
            (words(grammar_keywords("events"), prefix=r"\b", suffix=r"\b"), Keyword),
            (_STRING, String),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (r"[+\-−–]?\d+", Number),
            (r"#.*?$", Comment.Single),
            (r"[A-Za-z_]\w*", Name.Variable),
            (r",", Punctuation),
            # a line's end alone, so that the next line starts at its beginning
            # and the rules above that look at whole lines (notes, sources,
            # event text, comments) see it; not the indentation with it
            (r"\n", Whitespace),
            (r"[^\S\n]+", Whitespace),
            (r".", Text),
        ],
    }

    @staticmethod
    def analyse_text(text: str) -> float:
        """How much `text` looks like an event file, for content detection."""
        score = 0.0
        if re.search(r'^period[ \t]+("[^"\n]*"|“[^”\n]*”)[ \t]+from[ \t]+\d{4}-\d{2}-\d{2}',
                     text, re.MULTILINE):
            score += 0.6
        if re.search(r"^\[[^\]\n]+\][^\n]*\n([ \t]+#[^\n]*\n)*[ \t]+[A-Za-z_]\w*[ \t]+[+\-−–]\d",
                     text, re.MULTILINE):
            score += 0.3
        if re.search(r"^[ \t]+(category|tags|note|source)[ \t]+\S", text, re.MULTILINE):
            score += 0.09
        return score


def terminal_line(line: str, file: str) -> str:
    """One source line coloured for a terminal."""
    from pygments import highlight
    from pygments.formatters import TerminalFormatter

    lexer = EventsLexer() if file.endswith(".events") else RulesLexer()
    return highlight(line, lexer, TerminalFormatter()).rstrip("\n")
