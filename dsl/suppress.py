"""Suppression comments: a catalogue may keep a report's deliberate quirk without
a standing warning.

    # barometer: ignore B501          on a line of its own: the next code line
    ...  # barometer: ignore B505     at the end of a line: that line
    # barometer: ignore-file B505     anywhere: the whole file

Only warnings can be suppressed; an error always stands.
"""

from __future__ import annotations

import re

from .checks import all_codes
from .diagnostics import SOURCES, Diagnostic, Span, closest, warning

_DIRECTIVE = re.compile(r"#\s*barometer:\s*ignore(-file)?\s+(B\d{3}(?:[\s,]+B\d{3})*)")
_MARK = "barometer:"  # in every line _DIRECTIVE finds something in


def directives(file: str) -> tuple[set[str], dict[int, set[str]]]:
    """The codes ignored in the whole file, and per line."""
    whole: set[str] = set()
    per_line: dict[int, set[str]] = {}
    pending: set[str] = set()
    for number, line in enumerate(SOURCES.lines(file), 1):
        if not pending and _MARK not in line:  # most lines: nothing to do
            continue
        stripped = line.strip()
        found = _DIRECTIVE.search(line)
        if found is not None and not _a_comment(line, found.start()):
            found = None  # in a text: an event's title, a note, a source, a quoted string
        if found is not None:
            codes = set(re.findall(r"B\d{3}", found.group(2)))
            if found.group(1):
                whole |= codes
            elif stripped.startswith("#"):
                pending |= codes
            else:
                per_line.setdefault(number, set()).update(codes)
        elif stripped and not stripped.startswith("#") and pending:
            per_line.setdefault(number, set()).update(pending)
            pending = set()
    return whole, per_line


def unknown_codes(file: str) -> list[Diagnostic]:
    """A suppression comment naming a code barometer does not have: a slip that
    would silently suppress nothing (B007)."""
    known = all_codes()
    found = []
    for number, line in enumerate(SOURCES.lines(file), 1):
        if _MARK not in line:  # most lines: the search is not needed
            continue
        match = _DIRECTIVE.search(line)
        if match is not None and _a_comment(line, match.start()):
            for code in re.finditer(r"B\d{3}", match.group(0)):
                if code.group() not in known:
                    at = match.start() + code.start() + 1
                    near = closest(code.group(), sorted(known))
                    found.append(warning(
                        "B007", f"`{code.group()}` is not a barometer code: this comment "
                        "suppresses nothing", Span(file, number, at, number, at + 4),
                        f"did you mean `{near}`?" if near else
                        "the codes are listed in docs/diagnostics.md"))
    return found


def _a_comment(line: str, at: int) -> bool:
    """Whether the `#` at `at` opens a comment rather than standing in a text."""
    head = line[:at]
    stripped = head.lstrip()
    if stripped.startswith("[") or stripped.split(" ", 1)[0] in ("note", "source"):
        return False  # event files keep these lines whole, `#` included
    return (head.count('"') % 2 == 0) and head.count("“") == head.count("”")


def suppress(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The diagnostics that stand, and the warnings a comment suppresses."""
    kept, suppressed = [], []
    cache: dict[str, tuple] = {}
    for d in diagnostics:
        if d.severity != "warning" or d.span is None:
            kept.append(d)
            continue
        if d.span.file not in cache:
            cache[d.span.file] = directives(d.span.file)
        whole, per_line = cache[d.span.file]
        if d.code in whole or d.code in per_line.get(d.span.line, ()):
            suppressed.append(d)
        else:
            kept.append(d)
    return kept, suppressed
