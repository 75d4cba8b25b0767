"""The fast reader of event files: the common lines read exactly as the parser
reads them, with one regular expression per kind of line."""

from __future__ import annotations

import re

from . import model as m
from .builders import Num, RawEvent, _Item
from .diagnostics import Span
from .judgements import NumberTooLong, number


# --- the fast path for event files ------------------------------------------------
#
# An event file is a few kinds of lines, and almost every real one is regular:
# the period, published totals, `[date] text`, scores, category, tags, source,
# note, ongoing. `read_events_fast` reads such a file line by line with one
# regular expression per kind of line, and builds exactly the values (and spans)
# the parser's callbacks build. Whatever it does not take exactly (a syntax
# error, a date not in the calendar, a line it does not know, text after the
# last line break) makes it give up, and the LALR parser reads the whole file:
# diagnostics only ever come from the parser. tests/test_fast_reader.py holds the
# two to the same values on valid files and the same diagnostics on broken ones.
#
# How the grammar's tokens come out line by line: `_NL` runs from a line break
# over blank and comment lines up to the indentation of the next line with
# content (or the end of the file), so a declaration's place ends there; spaces,
# tabs and form feeds between tokens and a `#` comment at the end of a line are
# ignored, except in WHEN and TEXT, which are kept whole; a line's first word is
# a keyword where the parser's state takes that keyword (`note`, `category`...),
# and a name anywhere else. Possessive quantifiers keep each pattern from giving
# back characters, as the lexer never does.

_W = r"[ \t\f]*+"
_NAME_P = r"[A-Za-z_][A-Za-z0-9_]*+"
_SIGNED_P = _W + r"([+\-−–])?" + _W + r"([0-9]++(?:\.[0-9]++)?+)"  # ASCII digits only
_TAIL_P = _W + r"(?:#[^\n]*)?\Z"
_F_PERIOD = re.compile(r'period' + _W + r'("[^"\n]*+"|“[^”\n]*+”)' + _W + r"from" + _W
                       + r"([0-9]{4}-[0-9]{2}-[0-9]{2})" + _W + "to" + _W + r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
                       + _TAIL_P)
_F_PUBLISHED = re.compile(r"published" + _W + "(" + _NAME_P + ")(?:" + _SIGNED_P + ")?+"
                          r"(?:[ \t\f]++(" + _NAME_P + "))?+" + _TAIL_P)
_F_EVENT = re.compile(r"\[([^\]\n]++)\]" + _W + r"(\S[^\n]*+)")
_F_NAME = re.compile(_NAME_P)
_F_PAIR = re.compile(_W + "(" + _NAME_P + ")" + _SIGNED_P)
_F_TAIL = re.compile(_TAIL_P)
_F_ONE_NAME = re.compile(_W + "(" + _NAME_P + ")" + _TAIL_P)
_F_TAGS = re.compile(_W + _NAME_P + "(?:" + _W + "," + _W + _NAME_P + ")*+" + _TAIL_P)
_F_TAG = re.compile(_NAME_P)
_F_TEXT = re.compile(_W + r"(\S[^\n]*+)")
_F_VALUE = re.compile("(" + _NAME_P + ")" + _W + "(" + _NAME_P + ")" + _TAIL_P)


def read_events_fast(text: str, file: str):
    """The value `parse("events", text, file)` builds, for a file made only of
    regular lines; None for anything else."""
    if file in _remembered:
        return _read_remembering(text, file)
    return _read(text.split("\n"), 1, None, file, True)


# The language server reads the same file again at every keystroke, and a
# keystroke changes one event: for a file it asks to `remember`, each event's
# lines are kept with what they read to, and an event whose lines, first line
# number and following line are unchanged is not read again. Only the last read
# of each such file is kept.
_EVENT_LINE = re.compile(r"^[ \t\f]*+\[", re.MULTILINE)
_remembered: dict[str, dict] = {}  # file -> {(lines, first line number, end): RawEvent}
REMEMBER_AT_MOST = 8  # files


def remember(file: str, on: bool = True) -> None:
    """Keep (or stop keeping) the events of `file` between reads."""
    if not on:
        _remembered.pop(file, None)
        return
    if file not in _remembered:
        while len(_remembered) >= REMEMBER_AT_MOST:
            del _remembered[next(iter(_remembered))]
        _remembered[file] = {}


def remembered(file: str) -> bool:
    return file in _remembered


# The last file read in parts where the fast reader did not take every event:
# the parser reads those events next (syntax.py `_in_parts`), and asks for the
# parts again; (file, text, parts).
_last_parts: tuple | None = None


def _read_remembering(text: str, file: str):
    global _last_parts
    if _EVENT_LINE.search(text) is None:
        return _read(text.split("\n"), 1, None, file, True)
    parts = read_parts(text, file)
    if parts is None or any(type(piece) is tuple for piece in parts[2]):
        _last_parts = (file, text, parts)
        return None
    return parts[0], parts[2]


def read_parts(text: str, file: str):
    """A remembered file read event by event: None if its header is not read
    fast (or it has no event); else the header's value, the header's text, and
    for each event its RawEvent, or (its text, its first line number) where the
    fast reader does not take it."""
    global _last_parts
    last, _last_parts = _last_parts, None
    if last is not None and last[0] == file and last[1] is text:
        return last[2]  # read just now, and found to need the parser
    starts = [found.start() for found in _EVENT_LINE.finditer(text)]
    if not starts:
        return None
    known = _remembered[file]
    kept: dict = {}
    line = 1 + text.count("\n", 0, starts[0])

    def end_before(at: int, line: int) -> tuple[int, int]:
        """Where the _NL before the event line at `at` (on `line`) ends."""
        return line, _EVENT_LINE.match(text, at).end() - at

    try:
        head = _read(text[:starts[0]].split("\n"), 1, end_before(starts[0], line), file, True)
    except NumberTooLong:
        head = None
    if head is None:
        return None
    pieces: list = []
    for j, at in enumerate(starts):
        chunk = text[at:starts[j + 1]] if j + 1 < len(starts) else text[at:]
        end = end_before(starts[j + 1], line + chunk.count("\n")) if j + 1 < len(starts) \
            else None
        key = (chunk, line, end)
        raw = known.get(key)
        if raw is None:
            try:
                read = _read(chunk.split("\n"), line, end, file, False)
            except NumberTooLong:  # the parser says where, and why
                read = None
            if read is not None:
                [raw] = read[1]
        if raw is None:
            pieces.append((chunk, line))
        else:
            kept[key] = raw
            pieces.append(raw)
        line += chunk.count("\n")
    if file in _remembered:
        _remembered[file] = kept
    return head[0], text[:starts[0]], pieces


def _read(lines: list[str], first: int, after: tuple[int, int] | None, file: str, head: bool):
    """What the lines read to, the first being line `first`: with `head`, the
    header and the events after it; else one or more events (the header None).
    `after` is where the _NL of the last line ends (the next line with content),
    None if the lines end the file."""
    import datetime as dt

    last = len(lines) - 1
    final = after is None  # the last of `lines` ends the file
    content = []  # (line number, the line from its first token, its indentation)
    for i, line in enumerate(lines):
        body = line.lstrip(" \t\f")
        if not body or body[0] == "#" or (body == "\r" and (i < last or not final)):
            continue  # inside an _NL
        if i == last and final:
            return None  # no line break after the last line: the parser says what is wrong
        indent = len(line) - len(body)
        if body[-1] == "\r":  # the _NL begins at a \r before the line break
            body = body[:-1]
        content.append((i + first, body, indent))
    if not content:
        return None
    # where each content line's _NL ends: at the next content line's first token
    ends = [(n, indent + 1) for n, _, indent in content[1:]]
    ends.append((last + first, len(lines[last]) + 1) if final else after)

    period, published = None, []
    if head:
        n, body, indent = content[0]
        match = _F_PERIOD.match(body)
        if match is None:
            return None
        try:
            start, end = (dt.date.fromisoformat(match.group(k)) for k in (2, 3))
        except ValueError:
            return None  # the parser reports it
        end_line, end_column = ends[0]
        period = (match.group(1)[1:-1], start, end,
                  Span(file, n, indent + 1, end_line, end_column))
    events: list[RawEvent] = []
    details: list = []
    Declared, Item = m.Declared, _Item
    pair, tail, name_at = _F_PAIR.match, _F_TAIL.match, _F_NAME.match
    for k in range(1 if head else 0, len(content)):
        n, body, indent = content[k]
        lead = body[0]
        if lead == "[":
            match = _F_EVENT.match(body)
            if match is None:
                return None
            when = match.group(1)
            end_line, end_column = ends[k]
            details = []
            events.append(RawEvent(when, Span(file, n, indent + 2, n, indent + 2 + len(when)),
                                   match.group(2).rstrip(), details,
                                   Span(file, n, indent + 1, end_line, end_column)))
            continue
        if not events:  # the header: published totals
            if not head:
                return None
            match = _F_PUBLISHED.match(body)
            if match is None or match.group(3) is None and match.group(4) is None:
                return None
            colour = match.group(4)
            published.append(m.Published(
                match.group(1),
                _fast_num(match, 2, file, n, indent).value if match.group(3) else None,
                Span(file, n, indent + match.start(1) + 1, n, indent + match.end(1) + 1),
                Declared(colour, Span(file, n, indent + match.start(4) + 1, n,
                                      indent + match.end(4) + 1)) if colour else None))
            continue
        word = name_at(body)
        if word is None:
            return None
        word = word.group()
        size = len(word)
        if word == "category":
            match = _F_ONE_NAME.match(body, size)
            if match is None:
                return None
            details.append(Item("category", Declared(match.group(1), Span(
                file, n, indent + match.start(1) + 1, n, indent + match.end(1) + 1))))
        elif word == "tags":
            if _F_TAGS.match(body, size) is None:
                return None
            details.append(Item("tags", [
                Declared(t.group(), Span(file, n, indent + t.start() + 1, n,
                                         indent + t.end() + 1))
                for t in _F_TAG.finditer(body, size, _before_comment(body, size))
            ]))
        elif word == "source" or word == "note":
            match = _F_TEXT.match(body, size)
            if match is None:
                return None
            details.append(Item(word, match.group(1).rstrip()))
        elif word == "ongoing":
            if tail(body, size) is None:
                return None
            details.append(Item("ongoing", True))
        elif tail(body, size) is not None:  # russia: on the index, without a score
            details.append(Item("mark", (Declared(word, Span(file, n, indent + 1, n,
                                                            indent + size + 1)), False)))
        elif (match := _F_VALUE.match(body)) is not None:  # level minister
            details.append(Item("value", (
                Declared(word, Span(file, n, indent + 1, n, indent + size + 1)),
                Declared(match.group(2), Span(file, n, indent + match.start(2) + 1, n,
                                              indent + match.end(2) + 1)))))
        else:  # scores: NAME signed, one or more
            scores = []
            pos = 0
            while True:
                match = pair(body, pos)
                if match is None:
                    return None
                scores.append((Declared(match.group(1), Span(
                    file, n, indent + match.start(1) + 1, n, indent + match.end(1) + 1)),
                    _fast_num(match, 2, file, n, indent)))
                pos = match.end()
                if tail(body, pos) is not None:
                    break
            details.append(Item("scores", scores))
    return (period, tuple(published)), events


def _before_comment(body: str, pos: int) -> int:
    found = body.find("#", pos)
    return len(body) if found == -1 else found


def _fast_num(match: re.Match, group: int, file: str, line: int, indent: int) -> Num:
    """The `signed` callback's Num, from a SIGN? NUMBER pair of groups."""
    sign, digits = match.group(group), match.group(group + 1)
    value = number(digits)
    if sign and sign != "+":
        value = -value
    first = match.start(group) if sign else match.start(group + 1)
    return Num(value, (sign or "") + digits, bool(sign),
               Span(file, line, indent + first + 1, line, indent + match.end(group + 1) + 1))
