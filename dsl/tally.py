"""One CSV catalogue read straight into its entries' signatures, for the python
engine's streaming tally (engine/streamed.py; issue 19, "reading into columns"): the
events are never built. Each row is read by the csv module, its cells judged by
dsl/judgements.py (each distinct cell text once per column, as the full reader
judges it), and turned into the signature of each of its entries as
engine/plan.py `Signature.row` makes it (the signature is given: dsl/ does not load
the engine), which is counted. An event listed twice (B502) is found by the
duplicates stage's own key (dsl/check_catalogue.py `same_event`), keeping a line
number per distinct event; the lines of the warnings listed are read again, for
them alone.

Anything not plainly sound (a cell the reader or the checks would say anything of,
a quote running over lines, a blank heading cell with something under it, a
comment that suppresses a warning, a published figure...) raises `NotPlain`, and
the full reader reads the file: every error and warning is then said as it always
was. tests/test_streamed.py holds the two to the same figures and findings.
"""

from __future__ import annotations

import csv

from . import judgements as judge, model as m
from .check_catalogue import listed_again, same_event
from .diagnostics import SOURCES, InputError, Span

# the events listed again that are said one by one (as the columnar engines list
# them, engine/columns/reader_warnings.py); `eval` shows 20 of a code and counts the rest
LISTED = 100
# what makes the full reader read a file: line breaks str.splitlines counts and the
# csv module does not (the reader numbers lines as splitlines does), a NUL, and a
# suppression comment (`# barometer: ignore B502`)
_AWKWARD = (b"\x00", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\xc2\x85",
            b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"barometer:")
_MEMO = 1 << 16  # distinct texts judged per column and kept (past them, judged again)
_NO = object()  # a memo's answer: not plain


class NotPlain(Exception):
    """The file holds something the tally leaves to the full reader."""


def tally(path: str, period, scheme: m.Scheme, signature, answers):
    """The period, {signature row: how many entries}, the B502 pairs listed (line,
    first line), how many more, and how many events: of the CSV in `path`, read under
    `scheme`; `signature`: the scheme's (engine/plan.py `Signature`), `answers(event,
    end)`: the outcome of each of its text and date conditions on an event. Raises
    NotPlain."""
    _plain_bytes(path)
    head = Head(path, period, scheme)
    return (head.period,) + Rows(head, scheme, signature, answers).read(path)


def _plain_bytes(path: str) -> None:
    """NotPlain where the file holds any of `_AWKWARD`."""
    with open(path, "rb") as f:
        tail = b""
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return
            both = tail + chunk
            if any(p in both for p in _AWKWARD):
                raise NotPlain(path)
            tail = chunk[-16:]


class Head:
    """The period, the heading and its columns, as the full reader finds them
    (its own functions read the lines above the data); NotPlain where it would say
    anything of them."""

    def __init__(self, path: str, period, scheme: m.Scheme):
        from .csvfile import _heading, _sniff, csv_head, csv_stream, known_headings
        from .csvfile import read_rows
        from .tables import long_form, widened

        indices = {name: index.title for name, index in scheme.indices.items()}
        attributes = {name: a.title for name, a in scheme.attributes.items()}
        required = {name: "x" for name, a in scheme.attributes.items() if a.default is None}
        named = {**indices, **attributes}
        problems: list = []
        try:
            _, above, heading_line, headed, text = csv_head(path)
            if not headed:
                raise NotPlain(path)
            rows = list(csv_stream(path, text, known_headings(named)))
            original = rows[-1]
            wide = list(widened(path, iter(rows), indices, problems))
            found_period, _, found = read_rows(path, wide, period, indices,
                                               attributes=attributes, required=required,
                                               lazily=True)
        except (InputError, UnicodeDecodeError):
            raise NotPlain(path) from None
        heading = wide[-1]
        if problems or found or found_period is None or found_period.published:
            raise NotPlain(path)
        columns, index_columns, unknown = _heading(heading, named, problems)
        if problems or unknown or "ongoing" in columns or not original.cells:
            raise NotPlain(path)
        headings = judge.Headings(named)
        self.period = found_period
        self.first = above + 2  # the line of the first row below the heading
        self.delimiter = _sniff(heading_line, known_headings(named))
        self.long = long_form(original)
        width = len(original.cells)
        if self.long is not None:
            keep = [j for j in range(width) if j not in self.long]
            at = {j: keep[j] for j in range(len(keep))}  # the widened row's cells: kept
            self.names = {j: heading.cells[j].value for j in range(len(keep), len(heading.cells))}
        else:
            at = {j: j for j in range(width)}
        # the columns, as places in the rows as read (None: not there)
        self.fields = {key: at.get(j) for key, j in columns.items()}
        self.values = [(at[j], d.name) for j, d in index_columns if j in at]
        self.width = width
        self.blank = [at[j] for j, c in enumerate(heading.cells)
                      if not headings.key(c.value) and j in at]
        self.indices = indices


class Rows:
    """The rows below the heading, each turned into its entries' signatures."""

    def __init__(self, head: Head, scheme: m.Scheme, signature, answers):
        from .resolve import uses_weight

        self.head, self.scheme = head, scheme
        self.signature, self.answers = signature, answers
        self.end = m.period_end(head.period)
        self.weighted = uses_weight(scheme.score)
        self.dates: dict = {}
        self.categories: dict = {}
        self.tags: dict = {}
        self.cells: dict = {}  # (column's target, text) -> what it reads as
        self.tests: dict = {}
        self.indices = scheme.indices
        self.attributes = scheme.attributes

    # -- each distinct text judged once (dsl/judgements.py) --------------------------

    def date(self, text: str):
        found = self.dates.get(text)
        if found is None:
            period = self.head.period
            printed = text.strip()
            days = judge.date(printed, period)
            if isinstance(days, judge.Finding):
                raise NotPlain(text)
            start, end = days
            if judge.past(printed, start, end, period) is not None:
                raise NotPlain(text)
            if len(self.dates) >= _MEMO:
                self.dates.clear()
            found = self.dates[text] = (printed, start, end)
        return found

    def category(self, text: str):
        found = self.categories.get(text)
        if found is None:
            name = text.strip()
            if name and name not in self.scheme.categories:
                raise NotPlain(text)
            if len(self.categories) >= _MEMO:
                self.categories.clear()
            found = self.categories[text] = (name or None,)
        return found[0]

    def tested_tags(self, text: str) -> tuple:
        found = self.tags.get(text)
        if found is None:
            names = judge.tags(text) if text.strip() else []
            if any(name not in self.scheme.tags for name in names):
                raise NotPlain(text)
            tested = self.signature.tags
            if len(self.tags) >= _MEMO:
                self.tags.clear()
            found = self.tags[text] = tuple([n for n in names if n in tested]) \
                if tested else ()
        return found

    def cell(self, name: str, text: str):
        """What the cell under index or attribute `name` holds: ("score", points),
        ("value", value), or None where it is empty."""
        key = (name, text)
        found = self.cells.get(key)
        if found is None:
            found = self._cell(name, text)
            if len(self.cells) >= _MEMO:
                self.cells.clear()
            self.cells[key] = found
        if found is _NO:
            raise NotPlain(text)
        return found

    def _cell(self, name: str, text: str):
        from .csvfile import _score_cell

        if not text or not text.strip():
            return ()
        attribute = self.attributes.get(name)
        index = self.indices.get(name)
        if attribute is not None and index is not None:
            return _NO
        if attribute is None and text.strip().lower() == judge.MARK:
            return _NO
        points, written, _ = _score_cell(text)
        if attribute is not None:
            if written is None:
                choice = text.strip()
                if points.code != "B001" or attribute.numeric or \
                        choice not in attribute.choices:
                    return _NO
                return ("value", choice)
            if not attribute.numeric or not attribute.admits(points):
                return _NO
            return ("value", points)
        scheme = self.scheme
        if (written is None or index is None or index.formula is not None
                or type(points) is not int
                or not scheme.range.low <= points <= scheme.range.high):
            return _NO
        return ("score", points)

    def outcomes(self, printed: str, start, end, text: str) -> tuple:
        """The outcome of each text and date condition of the signature on the event."""
        key = (printed, text)
        found = self.tests.get(key)
        if found is None:
            event = m.Event(0, m.When(printed, start, end, None), text, (), None, (), (), (),
                            False, None, ())
            found = self.answers(event, self.end)
            if len(self.tests) >= _MEMO:
                self.tests.clear()
            self.tests[key] = found
        return found

    def builtin(self, name: str, printed: str, start, end):
        event = m.Event(0, m.When(printed, start, end, None), "", (), None, (), (), (),
                        False, None, ())
        return event.value(name, self.end)

    # -- the rows --------------------------------------------------------------------

    def read(self, path: str):
        """{signature row: how many entries}, the B502 pairs listed (line, first
        line), how many more, and how many events."""
        head = self.head
        fields = head.fields
        at_date, at_text = fields.get("date"), fields.get("event")
        at_category, at_tags = fields.get("category"), fields.get("tags")
        if at_date is None or at_text is None:
            raise NotPlain(path)
        values = head.values
        width = head.width
        blank = head.blank
        long = head.long
        index_at, score_at = long if long is not None else (None, None)
        if long is not None:
            named: dict = {}
        attributes = self.attributes
        signature = self.signature
        tests = bool(signature.tests)
        wanted = signature.values
        weighted = self.weighted
        counts: dict = {}
        seen: dict = {}
        listed: list = []
        more = 0
        events = 0
        date, category, tested_tags, cell = (self.date, self.category, self.tested_tags,
                                             self.cell)
        line = head.first - 1
        with open(path, encoding="utf-8-sig", newline="") as f:
            for _ in range(head.first - 1):
                f.readline()
            reader = csv.reader(f, delimiter=head.delimiter)
            try:
                for cells in reader:
                    line += 1
                    if reader.line_num + head.first - 1 != line:
                        raise NotPlain(path)  # a quoted cell over several lines
                    n = len(cells)
                    first = cells[0].strip() if n else ""
                    if not first:
                        if not any(c.strip() for c in cells):
                            continue  # a blank row
                    elif first[0] == "#":
                        if any(c.strip() for c in cells[1:]):
                            raise NotPlain(path)  # read as data, `#MeToo ...`
                        if judge.skipped_row(first) is not None:
                            raise NotPlain(path)  # B012
                        continue
                    if n > width and any(c.strip() for c in cells[width:]):
                        raise NotPlain(path)  # B019 (the long form drops them)
                    if blank and any(j < n and cells[j].strip() for j in blank):
                        raise NotPlain(path)  # B019
                    printed, start, end = date(cells[at_date] if at_date < n else "")
                    text = (cells[at_text] if at_text < n else "").strip()
                    kind = category(cells[at_category]) if at_category is not None and \
                        at_category < n else None
                    if weighted and kind is None:
                        raise NotPlain(path)
                    tags = tested_tags(cells[at_tags]) if at_tags is not None and \
                        at_tags < n else ()
                    scores = []
                    held = {}
                    for j, name in values:
                        found = cell(name, cells[j] if j < n else "")
                        if found:
                            if found[0] == "score":
                                scores.append((name, found[1]))
                            else:
                                held[name] = found[1]
                    if long is not None:
                        said = cells[index_at] if index_at < n else ""
                        name = named.get(said)
                        if name is None:
                            name = named[said] = judge.index_named(said, self.head.indices) or ""
                        if not name:
                            raise NotPlain(path)
                        found = cell(name, cells[score_at] if score_at < n else "")
                        if not found or found[0] != "score":
                            raise NotPlain(path)
                        scores.append((name, found[1]))
                    if not scores:
                        raise NotPlain(path)  # B108
                    if attributes:
                        for name, attribute in attributes.items():
                            if name not in held:
                                if attribute.default is None:
                                    raise NotPlain(path)  # B115
                                held[name] = attribute.default
                    facts = (kind, tags,
                             self.outcomes(printed, start, end, text) if tests else (),
                             tuple([held[n] if n in attributes else
                                    self.builtin(n, printed, start, end) for n in wanted])
                             if wanted else ())
                    for name, points in scores:
                        key = (name, points) + facts
                        counts[key] = counts.get(key, 0) + 1
                    events += 1
                    again = seen.setdefault(same_event(printed, text), line)
                    if again != line:
                        if len(listed) < LISTED:
                            listed.append((line, again))
                        else:
                            more += 1
            except (csv.Error, UnicodeDecodeError):
                raise NotPlain(path) from None
        _closed(path, head.delimiter)
        return counts, listed, more, events


def _closed(path: str, delimiter: str) -> None:
    """NotPlain where the file's last line opens a quote it never closes (the csv
    module reads the cell to the end of the file, the full reader says B001)."""
    from .csvfile import _Positions, _scan

    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(size - (1 << 16), 0))
        tail = f.read()
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1].rsplit(b"\r", 1)[-1]
    if b'"' not in last:
        return
    if size > 1 << 16 and b"\n" not in tail and b"\r" not in tail:
        raise NotPlain(path)  # a last line longer than the tail read
    text = last.decode("utf-8", errors="replace")
    unclosed: list = []
    _scan(text, delimiter, 0, len(text), path, _Positions(text), unclosed)
    if unclosed:
        raise NotPlain(path)


def listed_twice(path: str, listed: list) -> list:
    """B502 for each pair (line, first line) listed, as the duplicates stage says it
    of the full reader's events (their rows' spans), each line kept to be quoted."""
    if not listed:
        return []
    wanted = {n for pair in listed for n in pair}
    last = max(wanted)
    lines: dict = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for number, text in enumerate(f, start=1):
            if number in wanted:
                lines[number] = text.rstrip("\r\n") if text.endswith("\n") else \
                    text.rstrip("\r")
            if number >= last:
                break

    def span(n: int) -> Span:
        return Span(path, n, 1, n, max(len(lines[n]), 1) + 1)

    out = []
    for line, first in listed:
        SOURCES.keep(path, line, lines[line])
        out.append(listed_again(span(first), span(line)))
    return out
