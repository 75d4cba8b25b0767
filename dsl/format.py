"""One canonical layout for rules and event files, for `barometer fmt`.

The formatter works line by line and only ever changes the space between
tokens, indentation, blank lines, the order of nothing, and two spellings: a
score without its sign gains one (`1` becomes `+1`) and a typographic minus
becomes `-`. Event texts, notes, sources, dates as printed, quoted texts and
comments are kept character for character. Before anything is written,
`format_text` checks that the result reads back to the same model, with every
comment, date as printed, event text, note and source the same character for
character; if it does not, it refuses (B006, at the line concerned) rather
than lose anything.

Lines end only at `\n`, `\r\n` or a lone `\r`, as the parser counts them; a
LINE SEPARATOR (U+2028), NEXT LINE (U+0085) or form feed inside a comment or a
text is an ordinary character and kept. Space around code is space, tab and
form feed, what the parser skips. The result uses the line end most lines of
the text use (a CRLF file stays CRLF).

Layout:
- rules: declarations at the left margin, their continuation lines and band
  lines indented by four; runs of `index`, `category`, `tag` and band lines
  aligned in columns; a comment at the end of a line two spaces after the code.
- events: the period first, then `published` lines aligned, then each event
  after one blank line, its details indented by four, one score to a line with
  the scores of an event aligned.
"""

from __future__ import annotations

import re

import attrs

from .diagnostics import Diagnostic, Span, error
from .files import dominant_ending, gc_paused, normalise
from .nodes import INDEX_FUNCTIONS, NUMBER_FUNCTIONS, expression_depth
from .resolve import EVENT_WORDS, MAX_DEPTH, depth
from .syntax import RULES_DECLARATIONS, RULES_WORDS, parse

INDENT = "    "
_WS = " \t\f"  # the space the parser skips; any other character is kept


def _trim(text: str) -> str:
    """`text` without the space around it: space, tab or form feed before it (as
    the parser skips), space or tab after it (a form feed ending a comment or a
    text may be meant; it is kept)."""
    return text.lstrip(_WS).rstrip(" \t")
_SIGNS = ("+", "-", "−", "–")
_TOKEN = re.compile(
    r'"[^"\n]*"?|“[^”\n]*”?|#.*|\d{4}-\d{2}-\d{2}|[+\-−–]?\d+(?:\.\d+)?|>=|<=|!=|==|p\d+\.\d+\b|'
    r'[A-Za-z_]\w*|\S')  # p80.5: a percentile, one token
_TIGHT_AFTER = {"[", "("}
_TIGHT_BEFORE = {"]", ")", ",", "%"}


class FormatError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(diagnostics[0].message if diagnostics else "cannot format")
        self.diagnostics = diagnostics


def split_comment(line: str) -> tuple[list[str], str | None]:
    """The tokens of a line of code, and its trailing comment (outside quotes)."""
    tokens = _TOKEN.findall(line)
    comment = None
    if tokens and tokens[-1].startswith("#"):
        comment = tokens.pop()
    return tokens, comment


def _call(before: str, token: str) -> bool:
    """`positive(us)`: a function's name and its `(` stay together (a word of the
    language before `(`, as in `when (...)`, keeps its space)."""
    return token == "(" and (before in NUMBER_FUNCTIONS or before in INDEX_FUNCTIONS or (
        before[:1].isalpha() and before not in RULES_WORDS()))


def _operand(token: str) -> bool:
    """Whether a token ends an operand (`x`, `2`, `)`), so that a `-` after it
    subtracts rather than negates."""
    if token in (")", "]") or token[-1:].isdigit():
        return True
    return (token[:1].isalpha() or token[:1] == "_") and (
        token not in RULES_WORDS() or token in ("recorded", "direction", "weight", "score"))


def join(tokens: list[str]) -> str:
    out = ""
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        # `set -score`: a sign after a word or operator negates; at the start of a
        # line (a continued expression) it is the operator it was
        unary = i >= 2 and before in _SIGNS and not _operand(tokens[i - 2])
        if i and not (before in _TIGHT_AFTER or token in _TIGHT_BEFORE or unary
                      or _call(before, token)):
            out += " "
        out += token
    return out


def _with_comment(code: str, comment: str | None) -> str:
    if comment is None:
        return code
    comment = comment.rstrip(" \t")
    return f"{code}  {comment}" if code.strip(_WS) else comment


def _signed_number(token: str) -> str:
    token = token.replace("−", "-").replace("–", "-")
    if token[:1] in "+-":
        return token
    return token if float(token) == 0 else "+" + token


def _align(rows: list[list[str]]) -> list[str]:
    """Cells padded so that each column starts at the same place (the last one free)."""
    widths: dict[int, int] = {}
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell))
    return [" ".join(cell.ljust(widths[i]) if i < len(row) - 1 else cell
                     for i, cell in enumerate(row)).rstrip(" ") for row in rows]


# --- rules files -------------------------------------------------------------------


def _rules_fields(tokens: list[str]) -> list[str] | None:
    """A declaration split into the columns that line up across a run of them."""
    head = tokens[0]
    if head in ("index", "tag", "category") and len(tokens) >= 2:
        cells = [head, tokens[1]]
        rest = tokens[2:]
        if rest and rest[0][:1] in '"“':
            cells.append(rest[0])
            rest = rest[1:]
        elif head == "category":
            cells.append("")
        if rest:
            cells.append(join(rest))
        return cells
    return None


def _band_fields(tokens: list[str]) -> list[str]:
    first = 2 if len(tokens) > 1 and tokens[1][:1] in '"“' else 1  # a display title
    strings = [i for i, t in enumerate(tokens) if t[:1] in '"“' and i >= first]
    cut = strings[0] if strings else len(tokens)
    cells = [tokens[0], tokens[1] if first == 2 else "", join(tokens[first:cut])]
    if strings:
        cells.append(join(tokens[cut:]))
    return cells


def _indent_comments(lines: list[tuple], indent_of) -> list[tuple]:
    """Give each comment line the indentation of the code line below it."""
    out, waiting = [], []
    for item in lines:
        if item[0] == "comment":
            waiting.append(item)
            continue
        indent = indent_of(item) if item[0] != "blank" else None
        for c in waiting:
            out.append(("comment", c[1], indent if indent is not None else ""))
        waiting = [] if item[0] != "blank" else []
        out.append(item)
    out += [("comment", c[1], "") for c in waiting]
    return out


def _blank_before(out: list[str], is_comment) -> None:
    """One blank line above the comment block that ends `out`, if none is there."""
    i = len(out)
    while i and is_comment(out[i - 1]):
        i -= 1
    if i and out[i - 1] != "":
        out.insert(i, "")


class _Unformattable(Exception):
    """The layout has no place for a line (a bug): where, for the refusal."""

    def __init__(self, line: int):
        super().__init__(f"line {line}")
        self.line = line


def _split_lines(text: str) -> list[str]:
    """The lines of `text`, ending only at real line ends."""
    lines = normalise(text).split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


_FIRST_WORD = re.compile(r"[^ \t\f]*")
_VALUE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _first_word(stripped: str) -> str:
    return _FIRST_WORD.match(stripped).group()


def _lines(text: str, code) -> list[tuple]:
    """Blank lines, comment lines, and what `code` makes of each other line."""
    items = []
    for number, raw in enumerate(_split_lines(text), 1):
        stripped = _trim(raw)
        if not stripped:
            items.append(("blank",))
        elif stripped.startswith("#"):
            items.append(("comment", stripped))
        else:
            try:
                items.append(code(stripped))
            except (ValueError, IndexError, KeyError, TypeError) as e:
                raise _Unformattable(number) from e
    return items


def format_rules(text: str) -> str:
    in_bands = False

    def code(stripped: str) -> tuple:
        nonlocal in_bands
        tokens, comment = split_comment(stripped)
        if in_bands:
            kind = "close" if tokens == ["}"] else (
                "band_more" if tokens[0][:1] in '"“' else "band")
            in_bands = kind != "close"
        elif tokens[0] in ("bands", "scale") and tokens[-1] == "{":
            kind, in_bands = "open", True
        else:
            kind = "top" if tokens[0] in RULES_DECLARATIONS else "more"
        return kind, tokens, comment

    items = _lines(text, code)

    def indent_of(item):
        return INDENT if item[0] in ("band", "band_more", "more") else ""

    out: list[str] = []
    group: list[tuple] = []  # consecutive lines aligned together

    def flush():
        if not group:
            return
        if group[0][0] == "top":
            rows = [_rules_fields(t) for _, t, _ in group]
            if all(len(r) > 2 and r[2] == "" for r in rows):  # no titles in this run
                rows = [r[:2] + r[3:] for r in rows]
            for (_, _, comment), line in zip(group, _align(rows)):
                out.append(_with_comment(line, comment))
        else:  # band lines and their continuations
            rows = [_band_fields(t) for kind, t, _ in group if kind == "band"]
            lead = 3  # name, display title, bounds; without titles, name and bounds
            if all(r[1] == "" for r in rows):
                rows, lead = [r[:1] + r[2:] for r in rows], 2
            aligned = iter(_align(rows))
            widths = [max((len(r[i]) for r in rows), default=0) for i in range(lead)]
            column = " " * (len(INDENT) + sum(widths) + lead)
            for kind, tokens, comment in group:
                if kind == "band":
                    out.append(_with_comment(INDENT + next(aligned), comment))
                elif kind == "band_more":
                    out.append(_with_comment(column + join(tokens), comment))
                else:
                    out.append(INDENT + comment)
        group.clear()

    for item in _indent_comments(items, indent_of):
        kind = item[0]
        if kind in ("band", "band_more") or (kind == "comment" and group
                                              and group[0][0] in ("band", "band_more")):
            if kind == "comment":
                group.append(("comment", [], item[1]))
            else:
                group.append(item)
            continue
        if kind == "top" and _rules_fields(item[1]) is not None:
            if group and (group[0][0] != "top" or group[0][1][0] != item[1][0]):
                flush()
            group.append(item)
            continue
        flush()
        if kind == "blank":
            out.append("")
        elif kind == "comment":
            out.append(item[2] + item[1])
        else:
            tokens, comment = item[1], item[2]
            indent = indent_of(item)
            if kind == "more" and tokens[0][:1] in '"“' and out and \
                    out[-1].lstrip(_WS).startswith(("description", '"', "“")):
                indent = " " * len("description ")
            out.append(_with_comment(indent + join(tokens), comment))
    flush()
    return "\n".join(_collapse(out)).strip("\n") + "\n"


def _collapse(lines: list[str]) -> list[str]:
    """Never two blank lines in a row."""
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


# --- event files -------------------------------------------------------------------


_DETAIL_TEXT = ("source", "note")


def _signs_joined(tokens: list[str]) -> list[str]:
    """`+ 1` (a sign apart from its number, which the parser allows) as one token."""
    out: list[str] = []
    for token in tokens:
        if out and out[-1] in _SIGNS and token[:1].isdigit():
            out[-1] += token
        else:
            out.append(token)
    return out


def format_events(text: str) -> str:
    in_event = False
    seen: dict = {}  # (line, in an event) -> what it is: a catalogue repeats its lines

    def code(stripped: str) -> tuple:
        nonlocal in_event
        if stripped.startswith("["):
            in_event = True
            close = stripped.index("]")
            return "event", _trim(stripped[1:close]), _trim(stripped[close + 1:])
        key = (stripped, in_event)
        found = seen.get(key)
        if found is None:
            found = seen[key] = line_code(stripped)
        return found

    def line_code(stripped: str) -> tuple:
        """What a line other than an event's first is (its parts are never changed)."""
        word = _first_word(stripped)
        if word in _DETAIL_TEXT:
            return "text", word, _trim(stripped[len(word):])
        tokens, comment = split_comment(stripped)
        tokens = _signs_joined(tokens)
        if not in_event and tokens[0] in ("period", "published"):
            kind = tokens[0]  # in an event, `published -1` scores an index so named
        elif tokens[0] in ("category", "tags", "ongoing"):
            kind = "detail"
        elif len(tokens) == 2 and _VALUE_NAME.fullmatch(tokens[1]):
            kind = "detail"  # level minister: an attribute's value
        elif len(tokens) == 1 and in_event:
            kind = "detail"  # russia: on the index, without a score
        else:
            kind = "scores"
            if len(tokens) % 2:
                raise ValueError("a score line of pairs")
        return kind, tokens, comment

    items = _lines(text, code)

    def indent_of(item):
        return INDENT if item[0] in ("text", "detail", "scores") else ""

    out: list[str] = []
    scores: list[tuple[str, str, str | None]] = []
    published: list[tuple[list[str], str | None]] = []

    def flush():
        if scores:
            width = max(len(i) for i, _, _ in scores)
            for index, value, comment in scores:
                out.append(_with_comment(f"{INDENT}{index.ljust(width)} {value}", comment))
            scores.clear()
        if published:
            numbers = [c for c, _ in published if c[2][:1] in "+-0123456789"]
            width = max((len(c[2]) for c in numbers), default=0)
            rows = [c[:2] + [c[2].rjust(width)] + c[3:] if c in numbers else c
                    for c, _ in published]
            for (_, comment), line in zip(published, _align(rows)):
                out.append(_with_comment(line, comment))
            published.clear()

    def is_comment(line: str) -> bool:
        return line.startswith("#")

    last = None  # the kind of the last line of code
    for item in _indent_comments(items, indent_of):
        kind = item[0]
        previous = last
        if kind not in ("blank", "comment"):
            last = kind
        if kind == "scores":
            tokens, comment = item[1], item[2]
            pairs = list(zip(tokens[::2], tokens[1::2]))
            if any(index in EVENT_WORDS for index, _ in pairs[1:]):
                # `when +0  note +0`: on a line of its own, `note +0` would be a note
                flush()
                out.append(_with_comment(INDENT + "  ".join(
                    f"{index} {_signed_number(value)}" for index, value in pairs), comment))
                continue
            for n, (index, value) in enumerate(pairs):
                last = n == len(pairs) - 1
                scores.append((index, _signed_number(value), comment if last else None))
            continue
        if kind == "published":
            if not published:
                flush()
                if previous != "published":
                    _blank_before(out, is_comment)
            tokens, comment = item[1], item[2]
            value = tokens[2:3] if tokens[2][:1] in "+-−–0123456789" else []
            published.append((["published", tokens[1], *map(_signed_number, value)]
                              + tokens[2 + len(value):], comment))
            continue
        flush()
        if kind == "blank":
            out.append("")
        elif kind == "comment":
            out.append(item[2] + item[1])
        elif kind == "event":
            _blank_before(out, is_comment)
            out.append(f"[{item[1]}] {item[2]}")
        elif kind == "text":
            out.append(f"{INDENT}{item[1]} {item[2]}")
        else:
            out.append(_with_comment(indent_of(item) + join(item[1]), item[2]))
    flush()
    return "\n".join(_collapse(out)).strip("\n") + "\n"


# --- safety ------------------------------------------------------------------------


def shape(value):
    """A value with every position left out, to compare two readings of a file."""
    cls = type(value)
    kind = _KINDS.get(cls)
    if kind is None:
        kind = _KINDS[cls] = _kind_of(cls)
    if kind is _PLAIN:
        return value
    if kind is _LIST:
        return tuple(shape(v) for v in value)
    if kind is _DICT:
        return tuple((k, shape(v)) for k, v in value.items())
    if kind is _OTHER:
        if hasattr(value, "type") and hasattr(value, "value"):  # a token
            return (value.type, value.value)
        return value
    if kind is _SPAN:
        return None
    return (cls.__name__,) + tuple(shape(getattr(value, name)) for name in kind)


# how `shape` takes a value of each type: a Span, the fields of a record (attrs
# or a named tuple) without its positions, a list or tuple, a dict, a value kept
# as it is (plain: str, int, float, bool, None, which hold no token), or other
_SPAN, _LIST, _DICT, _PLAIN, _OTHER = "span", "list", "dict", "plain", "other"
_KINDS: dict = {str: _PLAIN, int: _PLAIN, float: _PLAIN, bool: _PLAIN, type(None): _PLAIN}


def _kind_of(cls):
    if issubclass(cls, Span):
        return _SPAN
    if attrs.has(cls):
        return tuple(f.name for f in attrs.fields(cls) if f.name not in ("span", "when_span"))
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):  # named tuples
        return tuple(f for f in cls._fields if f not in ("span", "when_span"))
    if issubclass(cls, (list, tuple)):
        return _LIST
    if issubclass(cls, dict):
        return _DICT
    return _OTHER


def _meaning(kind: str, text: str, name: str, parsed=None):
    """What the file says, without its layout; `parsed`: its parse, if done."""
    value, problems = parsed if parsed is not None else parse(kind, text, name)
    if kind == "events" and value is not None:
        lines = [1] + [e.span.line for e in value[1]]
        value = [_head_meaning(value[0])] + [_event_meaning(e) for e in value[1]]
    elif value is not None:
        lines = [_line_of(item) for item in value]
        value = [shape(item) for item in value]
    else:
        lines = []
    return value, lines, problems


def _head_meaning(head) -> tuple:
    """What an event file's period and published totals say."""
    (title, start, end, _), published = head
    return (title, start, end, [(p.index, p.value, p.colour and p.colour.name)
                                for p in published])


def _event_meaning(event) -> tuple:
    """What an event says: its date as printed, its text and its lines."""
    return (_trim(event.when), event.text, _details(event.details))


def _line_of(value) -> int:
    """The first line a part of the model stands on (1 if none is known)."""
    if isinstance(value, Span):
        return value.line
    if attrs.has(type(value)):
        parts = [getattr(value, f.name) for f in attrs.fields(type(value))]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        parts = [getattr(value, "span", None)]
    for part in parts:
        if part is not None and not isinstance(part, (str, int, float)):
            line = _line_of(part)
            if line:
                return line
    return 0


def _details(details) -> tuple:
    """What an event's lines say: its scores in order, then its other lines."""
    scores = [(index.name, num.value) for kind, value in details if kind == "scores"
              for index, num in value]
    others = [shape(item) for item in details if item[0] != "scores"]
    return tuple(scores), tuple(others)


def verbatim_of(text: str, kind: str) -> list[tuple[int, str]]:
    """What fmt must keep character for character, with the line it stands on:
    every comment, and in event files every date as printed, event text, note
    and source (only space, tab and form feed around them may change)."""
    found = []
    for number, line in enumerate(_split_lines(text), 1):
        s = _trim(line)
        if kind == "events":
            if s.startswith("[") and "]" in s:
                close = s.index("]")
                found += [(number, "[" + _trim(s[1:close]) + "]"),
                          (number, _trim(s[close + 1:]))]
                continue
            word = _first_word(s)
            if word in _DETAIL_TEXT:
                found.append((number, word + " " + _trim(s[len(word):])))
                continue
        _, comment = split_comment(s)
        if comment:
            found.append((number, comment.rstrip(" \t")))
    return found


def comments_of(text: str, kind: str) -> list[str]:
    found = []
    for line in _split_lines(text):
        s = _trim(line)
        if kind == "events" and (s.startswith("[") or _first_word(s) in _DETAIL_TEXT):
            continue
        _, comment = split_comment(s)
        if comment:
            found.append(comment.rstrip(" \t"))
    return found


def kind_of_text(text: str) -> str:
    """`events` for a text whose first declaration is `period`, else `rules`."""
    for line in _split_lines(text):
        s = _trim(line)
        if s and not s.startswith("#"):
            return "events" if s.startswith("period") else "rules"
    return "rules"


def format_text(text: str, kind: str, name: str) -> str:
    """The canonical layout of `text`, with the line end most of its lines use;
    FormatError with the syntax errors if it has any, or (B006, located) if the
    layout would change what the file says. The cycle collector is paused
    meanwhile, as when a catalogue is read: the readings and the lines hold no
    cycles, and on a large file it otherwise took half the time."""
    with gc_paused():
        return _format_text(text, kind, name)


def _format_text(text: str, kind: str, name: str) -> str:
    ending = dominant_ending(text)
    text = normalise(text)
    parsed = parse(kind, text, name)  # read once: the depth, then the meaning
    if kind == "rules":
        _not_too_deep(parsed[0], name)
    problems = parsed[1]
    syntax = [p for p in problems if p.code == "B001"]
    if syntax or parsed[0] is None:
        raise FormatError(syntax or problems)
    try:
        formatted = format_rules(text) if kind == "rules" else format_events(text)
    except _Unformattable as e:
        raise _refusal(name, e.line, text) from None
    except (ValueError, IndexError, KeyError, TypeError):
        raise _refusal(name, 1, text) from None
    if formatted == text:  # already laid out: it says what it said, with no second reading
        return formatted if ending == "\n" else formatted.replace("\n", ending)
    if kind == "events":
        found = _events_compared(parsed[0], text, formatted, name)
        if found is not None:
            if found:
                raise _refusal(name, found, text)
            return formatted if ending == "\n" else formatted.replace("\n", ending)
    before, lines, _ = _meaning(kind, text, name, parsed)
    kept, was = verbatim_of(formatted, kind), verbatim_of(text, kind)
    if [v for _, v in kept] != [v for _, v in was]:
        differs = next((i for i, (a, b) in enumerate(zip(kept, was)) if a[1] != b[1]),
                       min(len(kept), len(was)))
        raise _refusal(name, was[min(differs, len(was) - 1)][0] if was else 1, text)
    after, _, _ = _meaning(kind, formatted, name)
    if after != before:
        after = after or []
        differs = next((i for i, item in enumerate(before)
                        if i >= len(after) or after[i] != item), len(before) - 1)
        raise _refusal(name, lines[differs] or 1, text)
    return formatted if ending == "\n" else formatted.replace("\n", ending)


_EVENT_LINE = re.compile(r"^[ \t\f]*+\[", re.MULTILINE)  # where an event begins


def _chunks(text: str) -> tuple[str, list[str]]:
    """An event file cut at the lines that begin an event: its header, and each
    event's lines (with the blank and comment lines after it)."""
    starts = [found.start() for found in _EVENT_LINE.finditer(text)]
    if not starts:
        return text, []
    ends = starts[1:] + [len(text)]
    return text[:starts[0]], [text[a:b] for a, b in zip(starts, ends)]


def _events_compared(value, text: str, formatted: str, name: str):
    """The meaning of a laid-out event file compared with the text's event by
    event, reading again only the events whose lines changed (each after the
    header, as the fast reader and the language server read an event): 0 if
    it says what the text said, else the line where it differs; None where the
    file is not cut into events one to one (then the whole file is read again).

    An event is the lines from one that begins with `[` to the next: its
    meaning is read from them alone (tests/test_fast_reader.py holds a file's
    reading to its events' readings), so an event whose lines did not change
    means what it meant, and so does the header if its lines did not change."""
    head, pieces = _chunks(text)
    new_head, new_pieces = _chunks(formatted)
    events = value[1]
    if not pieces or len(pieces) != len(new_pieces) or len(events) != len(pieces):
        return None
    line = 1 + head.count("\n")
    for event, piece in zip(events, pieces):  # each piece read as one event
        if event.span.line != line:
            return None
        line += piece.count("\n")
    same_head = new_head == head
    head_meaning = None
    for j, (piece, new) in enumerate(zip(pieces, new_pieces)):
        if piece == new and (same_head or j):
            continue
        event_line = events[j].span.line
        first = event_line - 1 if j else 0  # the line before the piece's first
        was = verbatim_of(piece if j else head + piece, "events")
        kept = verbatim_of(new if j else new_head + new, "events")
        if [v for _, v in kept] != [v for _, v in was]:
            differs = next((i for i, (a, b) in enumerate(zip(kept, was)) if a[1] != b[1]),
                           min(len(kept), len(was)))
            return first + was[min(differs, len(was) - 1)][0] if was else first + 1
        after, _, _ = _meaning("events", new_head + new, name)
        if head_meaning is None:
            head_meaning = _head_meaning(value[0])
        if after is None or len(after) != 2 or after[0] != head_meaning:
            return event_line if j else 1
        if after[1] != _event_meaning(events[j]):
            return event_line
    return 0


def _not_too_deep(items, name: str) -> None:
    """A rules file whose expressions or conditions nest past what barometer takes
    (B109) is left as it is: its meaning cannot be compared safely. `items`: the
    file as parsed."""
    for kind, value in items or ():
        found = []
        if kind == "score":
            found.append((expression_depth(value[0]), value[1], "the score expression"))
        elif kind == "index" and value.formula is not None:
            found.append((expression_depth(value.formula), value.span, f"index `{value.name}`"))
        elif kind == "rule":
            found.append((depth(value.condition), value.span, f"rule `{value.name}`"))
            found += [(expression_depth(a.value), a.span, f"an action of rule `{value.name}`")
                      for a in value.actions if a.kind in ("set", "add", "multiply")]
        elif kind == "vary":
            found += [(expression_depth(o), value.span, "a score expression of `vary`")
                      for o in value.options]
        for nesting, span, what in found:
            if nesting > MAX_DEPTH:
                raise FormatError([error(
                    "B109", f"{what} is nested {nesting} deep; barometer takes at most "
                    f"{MAX_DEPTH}, so fmt leaves the file as it is", span,
                    "write it shorter (see barometer check)")])


def _refusal(name: str, line: int, text: str) -> FormatError:
    """B006 at `line`, the whole line marked."""
    lines = _split_lines(text)
    width = len(lines[line - 1]) if 0 < line <= len(lines) else 1
    return FormatError([error(
        "B006", "fmt would change what this file says here, so it leaves the file alone "
        "(please report this as a bug, with the file)",
        Span(name, line, 1, line, max(width, 1) + 1))])
