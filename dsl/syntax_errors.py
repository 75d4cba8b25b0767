"""Syntax errors worded for a methodologist: what was expected, what was found,
and a hint where one fits."""

from __future__ import annotations

from .diagnostics import Diagnostic, Span, closest, did_you_mean, error
from .lalr import Parser, SyntaxProblem, Token


# How a methodologist would call each terminal.
_WORDS = {
    "NAME": "a name",
    "STRING": 'a text in quotes ("...")',
    "NUMBER": "a number",
    "SIGN": "a sign (+ or -)",
    "DATE": "a date written YYYY-MM-DD",
    "COMPARE": "a comparison (>, >=, <, <=)",
    "PERCENTILE": "a percentile (p0 to p100)",
    "ORDER": "`>` or `=` between two indices",
    "WHEN": "the event's date as printed",
    "TEXT": "the event's text",
    "_NL": "the end of the line",
    "$END": "the end of the file",
}


def describe(terminal: str, parser: Parser) -> str:
    literal = parser.tables.literal_values.get(terminal)
    if literal is not None:
        return f"`{literal}`"
    return _WORDS.get(terminal, terminal.lower())


def _found(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    if token.type == "_NL":
        return "the end of the line"
    value = token.value if len(token.value) <= 40 else token.value[:37] + "..."
    return f"`{value}`"


def syntax_diagnostic(problem: SyntaxProblem, parser: Parser, file: str) -> Diagnostic:
    token = problem.token
    words = sorted({describe(t, parser) for t in problem.expected},
                   key=lambda w: (not w.startswith("`"), not w[1:2].isalpha(), w))
    if len(words) > 8:
        expected = ", ".join(words[:8]) + " or another declaration"
    elif len(words) > 1:
        expected = ", ".join(words[:-1]) + " or " + words[-1]
    else:
        expected = words[0] if words else "nothing more"
    closing = '"' if token.value[:1] == '"' else "”"
    if problem.unlexable and token.value[:1] in ('"', "“") and (
            len(token.value) == 1 or not token.value.endswith(closing)):
        return error("B001", "this text in quotes is not closed on its line",
                     Span(file, token.line, token.column, token.line, token.column + 1),
                     f"end it with {closing} on the same line")
    message = f"expected {expected}, found {_found(token)}"
    keywords = [w.strip("`") for w in words if w.startswith("`")]
    hint = did_you_mean(token.value, keywords) if token.value and keywords else None
    previous = problem.previous
    if hint is None and previous is not None and previous.type == "NAME":
        # `categroy contacts`: the misspelt keyword was taken for a name
        guess = closest(previous.value, [v for v in parser.tables.literal_values.values()
                                         if v.isalpha()])
        if guess is not None and guess != previous.value:
            hint = f"`{previous.value}` was read as a name: did you mean `{guess}`?"
    if hint is None and "NAME" in problem.expected and token.value[:1].isalpha() \
            and not token.value[:1].isascii():
        # `attribute уровень`: a name in another script, where names are a-z
        hint = ("names are written with the letters a-z, digits and _ (the title in quotes "
                "may be in any script)")
    if hint is None and token.value[:1].isdigit() and not token.value[:1].isascii():
        # `+٥`, `１２`: a digit of another script (or a full-width one)
        hint = "numbers are written with the digits 0-9"
    if hint is None and token.value == "?":  # left by `barometer agree --adjudication`
        hint = "`?` marks what the coders disagree on: write the value decided in its place"
    if token.type == "_NL":
        span = Span(file, token.line, token.column, token.line, token.column + 1)
    else:
        span = Span(file, token.line, token.column, token.end_line, token.end_column)
    return error("B001", message, span, hint)
