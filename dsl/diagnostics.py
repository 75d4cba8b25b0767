"""Problems found in a rules or event file, as values.

Every stage returns a list of `Diagnostic`s rather than stopping at the first,
and the command line prints them all, each as

    examples/no19.events:12:5: error[B101]: unknown index `rusia`
       12 |     rusia +1
          |     ^^^^^
          = hint: did you mean `russia`?
"""

from __future__ import annotations

import re
import unicodedata

from .node import Node, node

ERROR = "error"
WARNING = "warning"


@node
class Span(Node):
    """Where something stands in a file: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@node
class Diagnostic(Node):
    code: str
    severity: str
    message: str
    span: Span | None
    hint: str | None = None

    def sort_key(self):
        s = self.span
        return (s.file, s.line, s.column) if s else ("", 0, 0)

    def to_json(self) -> dict:
        s = self.span
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": s.file if s else None,
            "line": s.line if s else None,
            "column": s.column if s else None,
            "end_line": s.end_line if s else None,
            "end_column": s.end_column if s else None,
            "hint": self.hint,
        }


def error(code: str, message: str, span: Span | None, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, ERROR, message, span, hint)


def warning(code: str, message: str, span: Span | None, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, WARNING, message, span, hint)


class InputError(Exception):
    """An input file has mistakes; `diagnostics` says every one found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        unique = list(dict.fromkeys(diagnostics))  # a bad column heading, once
        self.diagnostics = sorted(unique, key=Diagnostic.sort_key)
        # as the command line's first line of each: `file:line:col: error[CODE]: message`
        shown = [f"{d.span}: " * (d.span is not None) + f"{d.severity}[{d.code}]: {d.message}"
                 for d in self.diagnostics[:3]]
        more = len(self.diagnostics) - len(shown)
        super().__init__("\n".join(shown) + (f"\n(and {more} more)" if more > 0 else ""))


class Sources:
    """The text of every file read, so that a diagnostic can quote its line.

    Lines end only at `\\n`, `\\r\\n` or a lone `\\r`, as the parser counts them:
    not at the other characters `str.splitlines` takes for line ends (U+2028,
    U+2029, U+0085, form feed, ...), which are ordinary characters here."""

    _END = re.compile(r"\r\n?|\n")

    def __init__(self):
        self._lines: dict[str, list[str]] = {}

    def add(self, file: str, text: str) -> None:
        lines = text.split("\n") if "\r" not in text else self._END.split(text)
        if lines[-1] == "":  # the end of the last line, not an empty line after it
            lines.pop()
        self._lines[file] = lines

    def keep(self, file: str, number: int, text: str) -> None:
        """One line of a file too large to read whole (a columnar engine's
        catalogue), for a message to quote."""
        lines = self._lines.setdefault(file, [])
        if len(lines) < number:
            lines.extend([""] * (number - len(lines)))
        lines[number - 1] = text

    def lines(self, file: str) -> list[str]:
        """Every line kept of a file (none if it was not read), to go through."""
        return self._lines.get(file, [])

    def line(self, file: str, number: int) -> str | None:
        lines = self._lines.get(file)
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]


SOURCES = Sources()


def _width(text: str) -> int:
    """Display width: tabs as 4, wide (East Asian) characters as 2."""
    width = 0
    for ch in text:
        if ch == "\t":
            width += 4
        elif unicodedata.east_asian_width(ch) in "WF":
            width += 2
        elif not unicodedata.combining(ch):
            width += 1
    return width


def _visible(line: str) -> str:
    """The line with control characters and line or paragraph separators shown as
    one visible sign each (a terminal might move the cursor on them, putting the
    caret under the wrong character): `\\x0c` as `␌`, U+2028 and U+0085 as `␤`."""
    if line.isprintable() or not any(ch in _INVISIBLE for ch in line):
        return line
    return "".join(_INVISIBLE.get(ch, ch) for ch in line)


visible = _visible  # for the fronts: a title or text shown on a terminal

_INVISIBLE = {chr(c): chr(0x2400 + c) for c in range(32) if c != 9}
_INVISIBLE.update({"\x7f": "\u2421", "\x85": "\u2424", "\u2028": "\u2424", "\u2029": "\u00b6"})
_INVISIBLE.update({chr(c): "\ufffd" for c in range(0x80, 0xa0) if c != 0x85})


def render(d: Diagnostic, sources: Sources = SOURCES, colour: bool = False,
           highlight=None) -> str:
    """The diagnostic as text: location, message, the source line and a caret.
    `highlight(line, file)` may colour the quoted line."""

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    kind = paint(d.severity, "1;31" if d.severity == ERROR else "1;33")
    where = f"{d.span}: " if d.span else ""
    out = [f"{paint(where, '1')}{kind}[{d.code}]: {d.message}"]
    s = d.span
    line = sources.line(s.file, s.line) if s else None
    if s is not None and line is not None:
        number = str(s.line)
        gutter = " " * len(number)
        start = max(s.column - 1, 0)
        end = s.end_column - 1 if s.end_line == s.line else len(line)
        end = max(end, start + 1)
        line, start, end = _window(line, start, end)
        shown = _visible(line).replace("\t", "    ")
        pad = _width(line[:start])
        marks = max(_width(line[start:end]), 1)
        if highlight is not None:
            shown = highlight(shown, s.file)
        out.append(f" {number} | {shown}")
        out.append(f" {gutter} | {' ' * pad}{paint('^' * marks, '1;31' if d.severity == ERROR else '1;33')}")
        if d.hint:
            out.append(f" {gutter} = hint: {d.hint}")
    elif d.hint:
        out.append(f"  = hint: {d.hint}")
    return "\n".join(out)


QUOTED = 100  # characters of a long line quoted around what a finding concerns


def _window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """A long line cut to the part around [start, end), with `...` where it is
    cut, and the positions moved to match."""
    if len(line) <= QUOTED + 20:
        return line, start, end
    end = min(end, start + QUOTED)
    first = max(0, min(start - 20, end - QUOTED))
    last = min(len(line), max(end + 20, first + QUOTED))
    head = "..." if first else ""
    tail = "..." if last < len(line) else ""
    return head + line[first:last] + tail, start - first + len(head), end - first + len(head)


def closest(name: str, known) -> str | None:
    """The known name a misspelt one most likely meant, if any is close."""
    best, best_distance = None, None
    for candidate in known:
        distance = _distance(name.lower(), candidate.lower())
        if distance <= max(1, len(candidate) // 3) and (best_distance is None or distance < best_distance):
            best, best_distance = candidate, distance
    return best


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: edits, with a swap of neighbours as one."""
    if abs(len(a) - len(b)) > 3:
        return max(len(a), len(b))
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def did_you_mean(name: str, known) -> str | None:
    guess = closest(name, known)
    return f"did you mean `{guess}`?" if guess else None
