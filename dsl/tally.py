"""One CSV or Parquet catalogue read straight into its entries' signatures, for the
python engine's streaming tally (engine/streamed.py; issue 19, "reading into
columns"): the events are never built. Each row is read by the csv module (a Parquet
file by pyarrow, a batch at a time, each value turned into the text the table reader
makes of it, dsl/tables.py), its cells judged by
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

import contextlib
import csv
import hashlib
import io
import os

from . import judgements as judge, model as m
from .check_catalogue import listed_again, same_event
from .diagnostics import SOURCES, InputError, Span
from .tables import once_each

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
_MARKED = object()  # a score cell's answer: `x`, on the index without a score (0)
# where an event made only to ask the signature's conditions of stands: nowhere
_NOWHERE = Span("", 1, 1, 1, 1)


class NotPlain(Exception):
    """The file holds something the tally leaves to the full reader."""


def tally(path: str, period, scheme: m.Scheme, signature, answers):
    """The period, {signature row: how many entries}, the B502 listed (line,
    first line, index), how many more, how many events, the lines of the B502 listed
    ({line number: its text}; a table's rows are kept as read) and the SHA-256 of the
    file's bytes: of the CSV in `path`, read under `scheme`; `signature`: the scheme's
    (engine/plan.py `Signature`), `answers(event, end)`: the outcome of each of its
    text and date conditions on an event. Raises NotPlain.

    The file is opened once, and every pass (its bytes, its head, its rows, the lines
    listed) reads that open file: a file removed meanwhile is still read whole. A file
    that cannot be read (removed before it is opened, a read that fails), or that is
    not the same file when the tally ends (the path names another file, or its size or
    time of change moved), is NotPlain too: the full reader then reads what is there,
    and says what it finds (B002 as it words it, never a second wording here)."""
    try:
        with open(path, "rb") as f:
            opened = identity(os.fstat(f.fileno()))
            digest = hashlib.sha256()
            lines: dict = {}
            if path.lower().endswith(".parquet"):
                _plain_bytes(f, path, digest, awkward=False)
                try:
                    import pyarrow.parquet as pq

                    parquet = pq.ParquetFile(f)
                except Exception:  # not installed, or not Parquet: the table reader says so
                    raise NotPlain(path) from None
                head = Head(path, period, scheme, parquet)
                out = Rows(head, scheme, signature, answers).read(path)
            elif path.lower().endswith((".jsonl", ".ndjson")):
                _plain_bytes(f, path, digest)
                head = Head(path, period, scheme, names=_json_names(f, path), source=f)
                out = Rows(head, scheme, signature, answers).read(path)
            else:
                _plain_bytes(f, path, digest)
                head = Head(path, period, scheme, source=f)
                out = Rows(head, scheme, signature, answers).read(path)
                lines = _listed_lines(f, path, out[1])
            if (identity(os.fstat(f.fileno())) != opened
                    or identity(os.stat(path)) != opened):
                raise NotPlain(path)  # changed while tallied: the full reader reads it now
    except OSError:
        raise NotPlain(path) from None
    return (head.period,) + out + (lines, digest.hexdigest())


def identity(status: os.stat_result) -> tuple:
    """What tells a file apart from another, or from itself changed: its device and
    inode, its size and its time of change."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def fingerprint(path: str) -> tuple:
    """(the file's identity, the SHA-256 of its bytes), as `tally` computes them;
    raises OSError."""
    with open(path, "rb") as f:
        opened = identity(os.fstat(f.fileno()))
        digest = hashlib.sha256()
        _plain_bytes(f, path, digest, awkward=False)
    return opened, digest.hexdigest()


@contextlib.contextmanager
def _text(f):
    """The open binary file `f`, from its start, as text (UTF-8, a byte-order mark
    skipped, line ends kept); `f` is left open."""
    f.seek(0)
    text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()


def _plain_bytes(f, path: str, digest, awkward: bool = True) -> None:
    """The open file's bytes, from its start, into `digest`; NotPlain where they hold
    any of `_AWKWARD` (where `awkward`)."""
    f.seek(0)
    tail = b""
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            return
        digest.update(chunk)
        if awkward:
            both = tail + chunk
            if any(p in both for p in _AWKWARD):
                raise NotPlain(path)
            tail = chunk[-16:]


class Head:
    """The period, the heading and its columns, as the full reader finds them
    (its own functions read the lines above the data); NotPlain where it would say
    anything of them."""

    def __init__(self, path: str, period, scheme: m.Scheme, parquet=None, names=None,
                 source=None):
        from .csvfile import _heading, _sniff, csv_head, csv_stream, known_headings
        from .csvfile import read_rows
        from .tables import _rows, long_form, sidecar_period, widened

        indices = {name: index.title for name, index in scheme.indices.items()}
        attributes = {name: a.title for name, a in scheme.attributes.items()}
        required = {name: "x" for name, a in scheme.attributes.items() if a.default is None}
        named = {**indices, **attributes}
        problems: list = []
        self.parquet, self.json = parquet, names is not None
        self.file, self.keys = source, names  # the open file; a JSON Lines file's keys
        try:
            if parquet is not None or names is not None:  # its column names, as the
                above, heading_line, what = 0, "", "catalogue"  # table reader heads them
                period = period if period is not None else sidecar_period(path)
                names = list(parquet.schema_arrow.names) if parquet is not None else names
                rows = list(_rows(path, names, iter(())))
            else:
                with _text(source) as opened:
                    _, above, heading_line, headed, text = csv_head(path, opened)
                if not headed:
                    raise NotPlain(path)
                rows = list(csv_stream(path, text, known_headings(named)))
                what = "spreadsheet"
            original = rows[-1]
            wide = list(widened(path, iter(rows), indices, problems))
            found_period, _, found = read_rows(path, wide, period, indices, what=what,
                                               attributes=attributes, required=required,
                                               lazily=True)
        except (InputError, UnicodeDecodeError):
            raise NotPlain(path) from None
        heading = wide[-1]
        if problems or found or found_period is None or found_period.published:
            raise NotPlain(path)
        columns, index_columns, unknown = _heading(heading, named, problems)
        if problems or unknown or not original.cells:
            raise NotPlain(path)
        headings = judge.Headings(named)
        self.period = found_period
        # the line of the first row below the heading (JSON Lines: the file's first)
        self.first = 1 if self.json else above + 2
        self.delimiter = _sniff(heading_line, known_headings(named)) if heading_line else ""
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
    """The rows below the heading, each turned into its entries' signatures. Every
    judgement of a distinct cell text is kept in a table of its column (`_memo`):
    most rows are a few dictionary lookups."""

    def __init__(self, head: Head, scheme: m.Scheme, signature, answers):
        from .resolve import weighs

        self.head, self.scheme = head, scheme
        self.signature, self.answers = signature, answers
        self.end = m.period_end(head.period)
        self.weighted = weighs(scheme)  # as the reader: every event needs a category
        self.indices = scheme.indices
        self.attributes = scheme.attributes
        self.tests: dict = {}
        self.names: dict = {}  # a long form's index cell -> (index, its scores' table)
        self.scores: dict = {}  # index -> {text: points, or None for an empty cell}
        self.values: dict = {}  # (cells' values, date) -> the signature's values

    # -- each distinct text judged once (dsl/judgements.py) --------------------------

    def date(self, text: str, memo: dict, ongoing: bool = False):
        """An event's date: as printed, its first and last day (an `ongoing` event's
        may run past the period)."""
        period = self.head.period
        printed = text.strip()
        days = judge.date(printed, period)
        if isinstance(days, judge.Finding):
            raise NotPlain(text)
        start, end = days
        if not ongoing and judge.past(printed, start, end, period) is not None:
            raise NotPlain(text)
        return _memo(memo, text, (printed, start, end))

    def ongoing(self, text: str, memo: dict) -> bool:
        flag = judge.ongoing(text)
        if isinstance(flag, judge.Finding):
            raise NotPlain(text)
        return _memo(memo, text, flag is True)

    def category(self, text: str, memo: dict):
        name = text.strip()
        if name and name not in self.scheme.categories:
            raise NotPlain(text)
        if not name and self.weighted:
            raise NotPlain(text)  # B109: the score reads the category's weight
        return _memo(memo, text, name or None)

    def tested_tags(self, text: str, memo: dict) -> tuple:
        names = judge.tags(text) if text.strip() else []
        if any(name not in self.scheme.tags for name in names):
            raise NotPlain(text)
        tested = self.signature.tags
        return _memo(memo, text, tuple([n for n in names if n in tested]) if tested else ())

    def score(self, name: str, text: str, memo: dict):
        """The points of a cell under index `name` (None where it is empty)."""
        from .csvfile import _score_cell

        found = None
        if text and text.strip():
            index = self.indices.get(name)
            if name in self.attributes:
                raise NotPlain(text)
            if text.strip().lower() == judge.MARK:  # the reader's `mark`: a score of 0
                if (judge.reads_recorded(self.scheme) or index is None
                        or index.formula is not None
                        or judge.in_range(0, "0", self.scheme.range) is not None):
                    raise NotPlain(text)
                return _memo(memo, text, _MARKED)
            points, written, _ = _score_cell(text)
            scheme = self.scheme
            if (written is None or index is None or index.formula is not None
                    or type(points) is not int
                    or not scheme.range.low <= points <= scheme.range.high):
                raise NotPlain(text)
            found = points
        return _memo(memo, text, found)

    def value(self, name: str, text: str, memo: dict):
        """The value of a cell under attribute `name` (its default where it is empty)."""
        from .csvfile import _score_cell

        attribute = self.attributes[name]
        if name in self.indices:
            raise NotPlain(text)
        if not text or not text.strip():
            if attribute.default is None:
                raise NotPlain(text)  # B115
            return _memo(memo, text, attribute.default)
        points, written, _ = _score_cell(text)
        if written is None:
            choice = text.strip()
            if points.code != "B001" or attribute.numeric or choice not in (attribute.choices or ()):
                raise NotPlain(text)
            return _memo(memo, text, choice)
        if not attribute.numeric or not attribute.admits(points):
            raise NotPlain(text)
        return _memo(memo, text, points)

    def index(self, text: str):
        """A long form's index cell: (the index, its scores' table)."""
        name = judge.index_named(text, self.head.indices)
        if name is None:
            raise NotPlain(text)
        return _memo(self.names, text, (name, self.scores.setdefault(name, {})))

    def outcomes(self, date: tuple, text: str) -> tuple:
        """The outcome of each text and date condition of the signature on the event
        dated `date` (as printed, its start and end)."""
        printed, start, end = date
        key = (printed, text)
        found = self.tests.get(key)
        if found is None:
            event = m.Event(0, m.When(printed, start, end, _NOWHERE), text, (), None, (), (),
                            (), False, _NOWHERE, ())
            found = _memo(self.tests, key, self.answers(event, self.end))
        return found

    def signed_values(self, got: tuple, date) -> tuple:
        """The signature's values (`Signature.values`) of an event whose attributes'
        values are `got` (in the scheme's order) and whose date is `date`."""
        key = (got, date)
        found = self.values.get(key)
        if found is None:
            named = dict(zip(self.attributes, got))
            out = []
            for n in self.signature.values:
                if n in named:
                    out.append(named[n])
                else:  # a built-in (age, days, days_in_month(k)): of the event's dates
                    printed, start, end = date
                    event = m.Event(0, m.When(printed, start, end, _NOWHERE), "", (), None, (),
                                    (), (), False, _NOWHERE, ())
                    out.append(event.value(n, self.end))
            found = _memo(self.values, key, tuple(out))
        return found

    # -- the rows --------------------------------------------------------------------

    def read(self, path: str):
        """{signature row: how many entries}, the B502 listed (line, first line,
        index), how many more, and how many events."""
        head = self.head
        fields = head.fields
        at_date, at_text = fields.get("date"), fields.get("event")
        at_category, at_tags = fields.get("category"), fields.get("tags")
        at_ongoing = fields.get("ongoing")
        flags: dict = {}
        spanning: dict = {}  # the dates of ongoing events
        if at_date is None or at_text is None:
            raise NotPlain(path)
        width = head.width
        blank = head.blank
        long = head.long
        index_at, score_at = long if long is not None else (0, 0)
        attributes = self.attributes
        scores = [(j, name, self.scores.setdefault(name, {})) for j, name in head.values
                  if name not in attributes]
        columns = {name: j for j, name in head.values if name in attributes}
        # each attribute's value: from its column, or its default where it has none
        values: list[tuple] = [(columns.get(name), name, {}, a.default)
                               for name, a in attributes.items()]
        for j, name, _, default in values:
            if j is None and default is None:
                raise NotPlain(path)  # B115, said at the heading
        constant = tuple(v[3] for v in values) if not columns else None
        signature = self.signature
        tests = bool(signature.tests)
        builtins = any(n not in attributes for n in signature.values)
        wanted = bool(signature.values)
        counts: dict = {}
        order = {name: k for k, name in enumerate(self.indices)}
        seen: dict = {}
        keys: dict = {}  # (date, text) -> the duplicates stage's key
        listed: list = []
        more = 0
        events = 0
        dates: dict = {}
        kinds: dict = {}
        tagged: dict = {}
        names = self.names
        no = _NO
        shift = head.first - 1
        line = shift
        with _source(path, head) as (reader, rows):
            try:
                for cells in rows:
                    line += 1
                    if reader is not None and reader.line_num + shift != line:
                        raise NotPlain(path)  # a quoted cell over several lines
                    n = len(cells)
                    first = cells[0] if n else ""
                    if not first or first[0].isspace() or first[0] == "#":
                        first = first.strip()
                        if not first:
                            if not any(c.strip() for c in cells):
                                continue  # a blank row
                        elif first[0] == "#":
                            if any(c.strip() for c in cells[1:]):
                                raise NotPlain(path)  # read as data, `#MeToo ...`
                            if judge.skipped_row(first) is not None:
                                raise NotPlain(path)  # B012
                            continue
                    if n != width:
                        if n > width:
                            if any(c.strip() for c in cells[width:]):
                                raise NotPlain(path)  # B019 (the long form drops them)
                        else:
                            cells += [""] * (width - n)
                    if blank and any(cells[j].strip() for j in blank):
                        raise NotPlain(path)  # B019
                    raw = cells[at_date]
                    if at_ongoing is not None and cells[at_ongoing]:
                        flag = flags.get(cells[at_ongoing])
                        if flag is None:
                            flag = self.ongoing(cells[at_ongoing], flags)
                    else:
                        flag = False
                    if flag:
                        date = spanning.get(raw)
                        if date is None:
                            date = self.date(raw, spanning, True)
                    else:
                        date = dates.get(raw)
                        if date is None:
                            date = self.date(raw, dates)
                    text = cells[at_text].strip()
                    if at_category is not None:
                        raw = cells[at_category]
                        kind = kinds.get(raw, no)
                        if kind is no:
                            kind = self.category(raw, kinds)
                    elif self.weighted:
                        raise NotPlain(path)
                    else:
                        kind = None
                    if at_tags is not None:
                        raw = cells[at_tags]
                        tags = tagged.get(raw)
                        if tags is None:
                            tags = self.tested_tags(raw, tagged)
                    else:
                        tags = ()
                    if wanted:
                        if constant is None:
                            gathered = []
                            for j, name, memo, default in values:
                                if j is None:
                                    gathered.append(default)
                                    continue
                                raw = cells[j]
                                value = memo.get(raw, no)
                                if value is no:
                                    value = self.value(name, raw, memo)
                                gathered.append(value)
                            got = tuple(gathered)
                        else:
                            got = constant
                        held = self.signed_values(got, date if builtins else None)
                    else:
                        held = ()
                        for j, name, memo, default in values:
                            if j is not None and memo.get(cells[j], no) is no:
                                self.value(name, cells[j], memo)  # judged all the same
                    facts = self.outcomes(date, text) if tests else ()
                    scored = []
                    marked = None
                    for j, name, memo in scores:
                        raw = cells[j]
                        points = memo.get(raw, no)
                        if points is no:
                            points = self.score(name, raw, memo)
                        if points is not None:
                            if points is _MARKED:  # the reader scores marks first
                                if marked is None:
                                    marked = []
                                marked.append(name)
                                continue
                            scored.append((name, points))
                    if marked is not None:
                        scored[:0] = [(name, 0) for name in marked]
                    for name, points in scored:
                        key = (name, points, kind, tags, facts, held)
                        counts[key] = counts.get(key, 0) + 1
                    if long is not None:
                        raw = cells[index_at]
                        found = names.get(raw)
                        if found is None:
                            found = self.index(raw)
                        name, memo = found
                        raw = cells[score_at]
                        points = memo.get(raw, no)
                        if points is no:
                            points = self.score(name, raw, memo)
                        if points is None:
                            raise NotPlain(path)  # B108
                        if points is _MARKED:
                            points = 0
                        key = (name, points, kind, tags, facts, held)
                        counts[key] = counts.get(key, 0) + 1
                        scored.append((name, points))
                    elif not scored:
                        raise NotPlain(path)  # B108
                    events += 1
                    # listed before on an index it scores (the duplicates stage's rule):
                    # at the earliest such listing, of those the index declared first
                    before = None
                    for name, _ in scored:
                        triple = (date[0], text, name)
                        same = keys.get(triple)
                        if same is None:  # one string: a catalogue of distinct events
                            # keeps one per event and index (the file holds no NUL)
                            same = _memo(keys, triple, "\x00".join(same_event(*triple)))
                        again = seen.setdefault(same, line)
                        if again != line and (before is None or
                                              (again, order[name]) < before[:2]):
                            before = (again, order[name], name)
                    if before is not None:
                        if len(listed) < LISTED:
                            listed.append((line, before[0], before[2]))
                            if reader is None:  # a table's row: its line, as the
                                SOURCES.keep(path, line, rows.line(line))  # reader quotes it
                        else:
                            more += 1
            except (csv.Error, UnicodeDecodeError):
                raise NotPlain(path) from None
        if head.parquet is None and not head.json:
            _closed(head.file, path, head.delimiter)
        return counts, listed, more, events


def _memo(memo: dict, key, value):
    """`value`, kept in `memo` under `key` (the table emptied past `_MEMO` entries)."""
    if len(memo) >= _MEMO:
        memo.clear()
    memo[key] = value
    return value


@contextlib.contextmanager
def _source(path: str, head: Head):
    """(the csv reader, which numbers the lines, or None; the rows, each a list of
    cell texts) of the file below its heading."""
    if head.parquet is not None:
        try:
            yield None, _ParquetRows(path, head)
        finally:
            head.parquet.close()
        return
    if head.json:
        with _text(head.file) as f:
            yield None, _JsonRows(f, path, head)
        return
    with _text(head.file) as f:
        for _ in range(head.first - 1):
            f.readline()
        reader = csv.reader(f, delimiter=head.delimiter)
        yield reader, reader


# Parquet types whose values the tally turns into cell texts (as dsl/tables.py does);
# a file with another (a struct, a map...) is read by the full reader
_TYPES = ("is_string", "is_large_string", "is_integer", "is_floating", "is_date",
          "is_timestamp", "is_boolean", "is_null")


class _ParquetRows:
    """A Parquet file's rows, a batch at a time, each as the texts the table reader
    makes of its cells (dsl/tables.py: `cell_text`, and `score_text` under an index
    or an attribute, or a long form's score), each distinct value converted once."""

    def __init__(self, path: str, head: Head):
        self.path, self.parquet = path, head.parquet
        self.scored = {j for j, _ in head.values}
        if head.long is not None:
            self.scored.add(head.long[1])
        self.raw: list = []  # the batch's values, column by column
        self.start = 0  # the place of the batch's first row in the file

    def __iter__(self):
        try:
            yield from self._rows()
        except NotPlain:
            raise
        except Exception:  # the table reader says what is wrong with it
            raise NotPlain(self.path) from None

    def _rows(self):
        import pyarrow.types as types

        from .tables import BATCH

        schema = self.parquet.schema_arrow
        for field in schema:
            kind = field.type.value_type if types.is_list(field.type) else field.type
            if not any(getattr(types, t)(kind) for t in _TYPES):
                raise NotPlain(self.path)
        memos: list[dict] = [{} for _ in schema]
        start = 0
        for batch in self.parquet.iter_batches(batch_size=BATCH):
            self.raw, self.start = [], start
            texts = []
            for j, column in enumerate(batch.columns):
                _said_nothing(column, self.path)
                convert = judge.score_text if j in self.scored else judge.cell_text
                if types.is_date(column.type) or types.is_timestamp(column.type):
                    # each distinct day made a Python date once, not on every row
                    coded = column.dictionary_encode()
                    words = [convert(v) for v in coded.dictionary.to_pylist()]
                    empty = convert(None)
                    texts.append([words[i] if i is not None else empty
                                  for i in coded.indices.to_pylist()])
                    self.raw.append(column)  # `line` reads its values when asked
                    continue
                values = column.to_pylist()
                self.raw.append(values)
                memo = memos[j]
                texts.append([v if type(v) is str else _converted(memo, convert, v)
                              for v in values])
            yield from zip(*texts)
            start += batch.num_rows

    def line(self, number: int) -> str:
        """Row `number`'s line, as the table reader quotes it (its cells' texts)."""
        from .tables import SEPARATOR

        k = number - 2 - self.start
        return SEPARATOR.join(judge.cell_text(values[k] if type(values) is list else
                                              values[k].as_py()).replace("\n", " ")
                              for values in self.raw)


def _lines(f):
    """A file's lines (opened with newline=""), each without its line end."""
    for line in f:
        if line.endswith("\n"):
            line = line[:-2] if line.endswith("\r\n") else line[:-1]
        elif line.endswith("\r"):
            line = line[:-1]
        yield line


def _json_names(source, path: str) -> list:
    """A JSON Lines file's keys (`source`: the file, open), in the order first met (as
    dsl/tables.py heads it); NotPlain where a line is no JSON object."""
    import json

    names: dict = {}
    try:
        with _text(source) as f:
            for line in _lines(f):
                if not line.strip():
                    continue
                value = json.loads(line, object_pairs_hook=once_each)  # a key twice: said
                if not isinstance(value, dict):                         # by the full reader
                    raise NotPlain(path)
                for key in value:
                    if key not in names:
                        names[key] = len(names)
    except (ValueError, UnicodeDecodeError):
        raise NotPlain(path) from None
    return list(names)


class _JsonRows:
    """A JSON Lines file's rows, one line at a time, each as the texts the table
    reader makes of its values (a blank line: an empty row, skipped as blank)."""

    def __init__(self, f, path: str, head: Head):
        self.f, self.path, self.keys = f, path, head.keys
        self.scored = {j for j, _ in head.values}
        if head.long is not None:
            self.scored.add(head.long[1])
        self.current = ""

    def __iter__(self):
        import json

        names = {name: j for j, name in enumerate(self.keys)}
        converts = [judge.score_text if j in self.scored else judge.cell_text
                    for j in range(len(names))]
        memos: list[dict] = [{} for _ in names]
        empty = [converts[j](None) for j in range(len(names))]
        loads = json.loads
        try:
            for line in _lines(self.f):
                self.current = line
                if not line.strip():
                    yield []
                    continue
                value = loads(line)
                if not isinstance(value, dict):
                    raise NotPlain(self.path)
                cells = list(empty)
                for key, item in value.items():
                    j = names[key]
                    cells[j] = item if type(item) is str else _converted(memos[j],
                                                                         converts[j], item)
                yield cells
        except (ValueError, KeyError, UnicodeDecodeError):
            raise NotPlain(self.path) from None

    def line(self, number: int) -> str:
        return self.current


def _converted(memo: dict, convert, value) -> str:
    if isinstance(value, (list, dict)):
        return convert(value)
    key = (type(value), value)
    found = memo.get(key)
    if found is None:
        found = _memo(memo, key, convert(value))
    return found


def _said_nothing(column, path: str) -> None:
    """NotPlain where a text of the column holds a suppression comment, which the
    full reader would find in the row's line (`# barometer: ignore B502`)."""
    import pyarrow.compute as pc
    import pyarrow.types as types

    if types.is_list(column.type):
        column = pc.list_flatten(column)
    if types.is_string(column.type) or types.is_large_string(column.type):
        if pc.any(pc.match_substring(column, "barometer:")).as_py():
            raise NotPlain(path)


def _closed(f, path: str, delimiter: str) -> None:
    """NotPlain where the file's last line opens a quote it never closes (the csv
    module reads the cell to the end of the file, the full reader says B001); `f`:
    the file, open."""
    from .csvfile import _Positions, _scan

    f.seek(0, 2)
    size = f.tell()
    f.seek(max(size - (1 << 16), 0))
    tail = f.read()
    body = tail.rstrip(b"\r\n")  # the last line, without its end
    if size > 1 << 16 and b"\n" not in body and b"\r" not in body:
        raise NotPlain(path)  # a last line longer than the tail read: its start unseen
    last = body.rsplit(b"\n", 1)[-1].rsplit(b"\r", 1)[-1]
    if b'"' not in last:
        return
    text = last.decode("utf-8", errors="replace")
    unclosed: list = []
    _scan(text, delimiter, 0, len(text), path, _Positions(text), unclosed)
    if unclosed:
        raise NotPlain(path)


def _listed_lines(f, path: str, listed: list) -> dict:
    """{line number: its text} of the lines of the B502 listed (line, first line,
    index), read again from the open file `f`; NotPlain where it no longer holds
    one (cut short since its rows were read)."""
    if not listed:
        return {}
    wanted = {n for line, first, _ in listed for n in (line, first)}
    last = max(wanted)
    lines: dict = {}
    with _text(f) as text:
        try:
            for number, line in enumerate(text, start=1):
                if number in wanted:
                    lines[number] = line.rstrip("\r\n") if line.endswith("\n") else \
                        line.rstrip("\r")
                if number >= last:
                    break
        except UnicodeDecodeError:  # written anew since its rows were read
            raise NotPlain(path) from None
    if len(lines) < len(wanted):
        raise NotPlain(path)
    return lines


def listed_twice(path: str, listed: list, lines: dict) -> list:
    """B502 for each (line, first line, index) listed, as the duplicates stage says it
    of the full reader's events (their rows' spans), each line kept to be quoted;
    `lines`: the text of each line (`tally`'s)."""
    if not listed:
        return []
    if path.lower().endswith((".parquet", ".jsonl", ".ndjson")):  # a row's place, its line
        # kept as it was read
        return [listed_again(Span(path, first, 1, first, 2), Span(path, line, 1, line, 2), index)
                for line, first, index in listed]

    def span(n: int) -> Span:
        return Span(path, n, 1, n, max(len(lines[n]), 1) + 1)

    out = []
    for line, first, index in listed:
        SOURCES.keep(path, line, lines[line])
        out.append(listed_again(span(first), span(line), index))
    return out
