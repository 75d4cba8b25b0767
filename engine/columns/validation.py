"""The catalogue's values judged as the python reader judges them (`check`):
each distinct category, tag, index name, score, date and attribute value is read
by barometer's own reading (dsl/judgements.py), and a bad one is an error located
at the first row that holds it, in the python engine's words."""

from __future__ import annotations

import datetime as dt
import os
import re

from ...dsl import judgements as judge, model as m, tables
from ...dsl.diagnostics import SOURCES, Diagnostic, Span, error
from ...dsl.files import read_source

from .layout import BOOL, LIST, TEXT, Source
from .places import _breaks_before, _csv_cell, _heading_span, _line_of, _place
from .runners import Spark
from .terms import _col, _distinct, _exp, _nonblank, _numbered, _src, _value


def _holds_nul(path: str, lines: list | None = None) -> bool:
    """Whether the file holds a NUL byte anywhere (read in blocks: a map of the file
    would count as the process's memory). `lines`, if given, is filled with what
    `never_closed` reads of the file: [line breaks, whether it ends with one, bytes]."""
    breaks = size = 0
    block = b""
    with open(path, "rb") as f:
        while more := f.read(1 << 20):
            if b"\x00" in more:
                return True
            if lines is not None:
                breaks += more.count(b"\n")
                size += len(more)
            block = more
    if lines is not None:
        lines[:] = [breaks, block.endswith(b"\n"), size]
    return False


def never_closed(source: Source, runner, lines) -> None:
    """B001 (InputError, as the python reader says it) where DuckDB's reading of a CSV
    ended inside a quote never closed: its reader (not strict) reads the rest of the
    file as the cell, without a word, and its sniffer sees such a quote only in the
    rows it samples (a quote never closed at row 40,000 scored the rows before it
    and dropped the rest). Told without reading the rows again: where the records
    DuckDB read are the file's lines (but the empty ones above the first and below
    the last), no record holds a line break, and only the last line can open a
    quote never closed, which is read alone; otherwise (a cell of several lines, an
    empty line between rows) the python reader reads the file for it. `lines`: what
    `_holds_nul` found of the file."""
    from .layout import _unclosed_quote
    from .places import _heading_cells, _quoted_after

    one = getattr(runner, "onepass", None)
    if source.kind != "csv" or not lines or one is None or not one.ran or \
            not os.path.isfile(source.path):
        return
    exp = _exp()
    breaks, ends, size = lines
    [(read,)] = runner.rows(exp.select(exp.func("coalesce", exp.func(
        "sum", exp.column("barometer_n")), exp.Literal.number(0)), copy=False).from_(
        one.groups(next(iter(one.sets))).subquery("g", copy=False), copy=False))
    skip = source.csv[0]
    empty = 0  # the empty lines DuckDB passes over: above the first record, below the last
    with open(source.path, "rb") as f:
        for _ in range(skip + 1):
            empty += f.readline() in (b"\n", b"\r\n", b"\r")
    last, below = _last_line(source.path, size)
    total = breaks + (0 if ends or not size else 1)
    if int(read) != total - (skip + 1) - empty - below or (
            last is not None and _quoted_after(last, False, source.csv[1])):
        _unclosed_quote(source.path, _heading_cells(source.path, source.csv) or [])


def _last_line(path: str, size: int) -> tuple[str | None, int]:
    """The file's last line that holds something (but a carriage return), and how
    many empty lines follow it: read from the end, in growing blocks."""
    want = 1 << 16
    with open(path, "rb") as f:
        while True:
            start = max(0, size - want)
            f.seek(start)
            parts = f.read(size - start).split(b"\n")
            if parts and parts[-1] == b"":
                parts.pop()  # the file's last break ends a line
            whole = parts if start == 0 else parts[1:]  # the first may be cut
            held = [n for n, p in enumerate(whole) if p not in (b"", b"\r")]
            if held:
                text = whole[held[-1]].decode("utf-8", "replace")
                return text.lstrip("\ufeff").rstrip("\r"), len(whole) - 1 - held[-1]
            if start == 0:
                return None, len(whole)
            want *= 16


def check(source: Source, scheme: m.Scheme, runner) -> tuple[dict, list[Diagnostic]]:
    """The distinct values the catalogue holds, judged as the python reader judges
    them: what the queries need to know (each date's days, each score's value),
    and every error, located at the first row that holds it."""
    from ...dsl.resolve import weighs

    exp = _exp()
    f = source.fields
    asked = []  # (what, expression)
    score_columns = [f["score"]] if source.long else list(source.index_columns.values())
    # the columns a row's score is written in: a misspelt index's too, whose cell the
    # python reader reads as a score of an unknown index (B101), not "no score" (B108)
    written = score_columns + ([] if source.long else list(source.misspelt))
    for column in score_columns:
        asked.append((("score", column), _distinct(_col(column))))
    if source.long:
        asked.append((("index", f["index"]), _distinct(_col(f["index"]))))
    if "category" in f:
        asked.append((("category", f["category"]), _distinct(_col(f["category"]))))
    if "tags" in f:
        asked.append((("tags", f["tags"]), _distinct(_col(f["tags"]))))
    asked.append((("date", f["date"]), _distinct(_col(f["date"]))))
    if "ongoing" in f:
        asked.append((("ongoing", f["ongoing"]), _distinct(_col(f["ongoing"]))))
    for name, column in source.attribute_columns.items():
        asked.append((("attribute", column), _distinct(_col(column))))
    for column in ([] if source.long else source.misspelt):
        asked.append((("misspelt", column), _distinct(_col(column))))
    data = _nonblank(source)
    no_scores = exp.and_(*[exp.Is(this=_col(c), expression=exp.null()) for c in written]
                         ) if written else exp.true()
    counts = [exp.Count(this=exp.Star()),
              exp.Count(this=exp.Case(ifs=[exp.If(this=no_scores, true=exp.Literal.number(1))]))]
    weighted = weighs(scheme)
    if weighted:
        missing = exp.Is(this=_col(f["category"]), expression=exp.null()) if "category" in f \
            else exp.true()
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=missing,
                                                           true=exp.Literal.number(1))])))
    # attributes without a default: every event must record a value (B115)
    required = [name for name, a in scheme.attributes.items() if a.default is None]
    for name in required:
        column = source.attribute_columns.get(name)
        missing = exp.Is(this=_col(column), expression=exp.null()) if column else exp.true()
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=missing,
                                                           true=exp.Literal.number(1))])))
    unnamed_rows = exp.and_(exp.Is(this=_col(f["index"]), expression=exp.null()), exp.Not(
        this=exp.Is(this=_col(f["score"]), expression=exp.null()))) if source.long else None
    if source.long:
        counts.append(exp.Count(this=exp.Case(ifs=[exp.If(this=unnamed_rows,
                                                           true=exp.Literal.number(1))])))
    # columns that must hold no score: a derived index's (a misspelt index's: its
    # distinct values, judged below)
    unscored = [(column, "B113", name) for name, column in source.index_columns.items()
                if scheme.indices[name].derived]
    counts += [exp.Count(this=_col(column)) for column, _, _ in unscored]
    # whether each column holds a null: Spark's collect_set leaves nulls out of the
    # distinct values, where DuckDB's array_agg keeps one
    nulls = [exp.Count(this=exp.Case(ifs=[exp.If(
        this=exp.Is(this=_col(column), expression=exp.null()), true=exp.Literal.number(1))]))
        for (_, column), _ in asked]
    # a NUL in a text file's cell: the python reader refuses the file (B003); looked
    # for in the file's bytes where it lies here (a scan of memory, where a test of
    # every cell was a third of the checks' pass), else in every text cell
    texts = [c for c, k in source.columns.items() if k == TEXT] \
        if source.kind in ("csv", "jsonl") else []
    lines: list = []  # the file's lines, as `never_closed` reads them
    if texts and os.path.isfile(source.path):
        if _holds_nul(source.path, lines if source.kind == "csv" else None):
            read_source(source.path)  # B003 at the NUL, as the python reader says it
        texts = []
    nul = [exp.Count(this=exp.Case(ifs=[exp.If(this=exp.or_(*[exp.GT(
        this=exp.StrPosition(this=_col(c), substr=exp.func("chr", exp.Literal.number(0))),
        expression=exp.Literal.number(0)) for c in texts]), true=exp.Literal.number(1))]))] \
        if texts else []
    picked = [*[e for _, e in asked], *counts, *nulls, *nul]
    comments = source.kind == "csv" and getattr(runner, "dialect", None) == "duckdb"
    past = comments and getattr(runner, "past", False)
    # DuckDB: the file read once for the checks, B502 and the signature (onepass.py)
    one = _read_once(source, scheme, runner, asked, [*counts, *nulls, *nul], comments, past)
    if one is not None:
        row = one
    elif comments:  # and the rows skipped as comments (B012 looks at them only if any):
        # every aggregate over the data rows, in the one pass over the file
        first = _col(next(iter(source.columns)))
        comment = exp.and_(
            exp.Like(this=exp.Trim(this=first), expression=exp.Literal.string("#%")),
            *[exp.Is(this=_col(c), expression=exp.null()) for c in list(source.columns)[1:]])
        # (whether a row is data, computed once a row, not once an aggregate)
        marked = exp.select(exp.Star(), exp.alias_(data, "barometer_data"),
                            exp.alias_(comment, "barometer_comment"), copy=False).from_(
            _src(), copy=False)
        picked = [exp.Filter(this=e, expression=exp.Where(this=exp.column("barometer_data")))
                  for e in picked]
        picked.append(exp.Count(this=exp.Case(ifs=[exp.If(
            this=exp.column("barometer_comment"), true=exp.Literal.number(1))])))
        if past:  # and the rows that hold something past the heading's last cell
            picked.append(exp.Count(this=exp.Case(ifs=[exp.If(
                this=exp.column("barometer_past"), true=exp.Literal.number(1))])))
        query = exp.select(*picked, copy=False).from_(marked.subquery("marked", copy=False),
                                                      copy=False)
    else:
        query = (exp.select(*picked, copy=False).from_(_src(), copy=False)
                 .where(data, copy=False))
    if one is None:
        [row] = runner.rows(query)
    never_closed(source, runner, lines)  # before any finding: the python reader says no other
    skipped = beyond = None  # rows skipped as comments, rows past the heading: how
    if comments and past:  # many, where counted
        row, skipped, beyond = row[:-2], row[-2], row[-1]
    elif comments:
        row, skipped = row[:-1], row[-1]
    if nul and row[-1]:
        read_source(source.path)  # B003 at the NUL, as the python reader says it
    row = row[:len(row) - len(nul)]
    row, held = row[:len(row) - len(nulls)], row[len(row) - len(nulls):]
    values = {what: list(distinct or []) + ([None] if n and None not in (distinct or []) else [])
              for (what, _), distinct, n in zip(asked, row[:len(asked)], held)}
    rows, empty = row[len(asked)], row[len(asked) + 1]
    without_category = row[len(asked) + 2] if weighted else 0
    lacking = dict(zip(required, row[len(asked) + 2 + weighted:]))
    unnamed = row[len(asked) + 2 + weighted + len(required)] if source.long else 0
    used = row[len(asked) + 2 + weighted + len(required) + source.long:]
    absent = []  # said once, at the heading: a column that must hold no score, does
    for (column, code, name), n in zip(unscored, used):
        if not n:
            continue
        said = judge.derived(name) if code == "B113" else judge.unknown(
            "index", name, scheme.indices)
        absent.append(said.at(_heading_span(source, column)))
    by_column = {c: n for n, c in source.attribute_columns.items()}
    titles = {name: index.title for name, index in scheme.indices.items()}

    # each distinct value judged by barometer's own reading (dsl/judgements.py)
    found: list[tuple] = []  # (Finding, column, value or a predicate)
    # a date's findings after the row's others, as the python reader says them (it
    # reads the date last): where they stand in one place, the order is the reader's
    dated: list[tuple] = []
    unread: list = []  # the `ongoing` cells that cannot be read
    misspelt_scored: list = []  # the misspelt indices' columns that hold a score
    known: dict = {"scores": {}, "dates": {}, "rows": rows, "comments": skipped,
                   "beyond_heading": beyond}
    for (what, column), distinct in values.items():
        for value in distinct or []:
            if value is None:
                known.setdefault("nulls", set()).add(column)
                if what == "date":  # an empty date is an error, as the python reader says
                    dated.append((judge.date("", source.period), column, None))
                continue
            if what == "score":
                said = judge.whole_score(judge.score_text(value), scheme)
                if isinstance(said, judge.Finding):
                    found.append((said, column, value))
                else:
                    known["scores"][value] = said
            elif what == "index":
                name = judge.index_named(str(value), titles)
                known.setdefault("index", {})[value] = name
                if name is None:
                    found.append((judge.unknown_index(str(value).strip(), list(scheme.indices)),
                                  column, value))
                elif scheme.indices[name].derived:
                    found.append((judge.derived(name), column, value))
            elif what == "category":
                if str(value) != str(value).strip():
                    known["untrimmed"] = True
                if str(value).strip() not in scheme.categories:
                    found.append((judge.unknown("category", str(value).strip(),
                                                scheme.categories), column, value))
            elif what == "tags":
                for tag in judge.tags(judge.cell_text(value)):
                    if tag not in scheme.tags:
                        found.append((judge.unknown("tag", tag, scheme.tags), column,
                                      ("tag", tag)))
            elif what == "misspelt":  # as the python reader reads the cells of an
                # unknown index: a mark is said where it stands, a cell that is no score
                # too (B001), and a score once, at the heading
                name = source.misspelt[column]
                said = judge.score(judge.score_text(value))
                if str(value).strip().lower() == judge.MARK:
                    found.append((judge.unknown("index", name, scheme.indices), column, value))
                elif isinstance(said, judge.Finding):
                    found.append((said, column, value))
                elif column not in misspelt_scored:
                    misspelt_scored.append(column)
                    absent.append(judge.unknown("index", name, scheme.indices).at(
                        _heading_span(source, column)))
            elif what == "attribute":
                name = by_column[column]
                if isinstance(value, str) and value != value.strip():
                    known.setdefault("untrimmed columns", set()).add(column)
                said = judge.attribute_cell(scheme.attributes[name], value)
                if isinstance(said, judge.Finding):
                    found.append((said, column, value))
                else:
                    known.setdefault("values", {}).setdefault(name, {})[value] = said
            elif what == "ongoing":
                flag = judge.ongoing(str(value), value if isinstance(value, bool) else None)
                if isinstance(flag, judge.Finding):
                    found.append((flag, column, value))
                    unread.append(value)
            elif what == "date":
                # a timestamp is a day at midnight only, as the python reader reads it
                text = judge.cell_text(value) if isinstance(value, dt.date) else str(value)
                days = judge.date(text, source.period)
                if isinstance(days, judge.Finding):
                    dated.append((days, column, value))
                    continue
                known["dates"][value] = days
                late = judge.past(text, *days, source.period)
                if late is not None:
                    known.setdefault("past", []).append((value, late))
    if unnamed:  # a score on no index: python says it of the row's index cell
        found.append((judge.no_index(), f["index"], ("where", unnamed_rows)))
    if empty and unread:  # "no score" is not said beside an `ongoing` cell that cannot
        # be read, as the python reader says it (its row is said once)
        column = f["score"] if source.long else None
        found.append((judge.no_score(), column, ("where", exp.and_(
            _where(source, written, column, None if source.long else ("empty",)),
            exp.Not(this=exp.Coalesce(this=exp.In(this=_col(f["ongoing"]), expressions=[
                _value(v) for v in unread]), expressions=[exp.false()]))))))
    elif empty and source.long:
        found.append((judge.no_score(), f["score"], None))
    elif empty:
        found.append((judge.no_score(), None, ("empty",)))
    if without_category:
        found.append((judge.no_category(), f.get("category"), ("empty category",)))
    # a required attribute without a column: said once, at the heading
    for name, count in lacking.items():
        a = scheme.attributes[name]
        example = a.choices[0] if not a.numeric else m.plain(a.low or 0)
        column = source.attribute_columns.get(name)
        if column is None:
            absent.append(_no_column(source, name, example))
        elif count:
            found.append((judge.no_value(name, example, cell=True), column, None))
    found += dated
    for value, late in known.get("past", []):
        ongoing = _ongoing(source)
        where = exp.and_(exp.EQ(this=_col(f["date"]), expression=_value(value)),
                         exp.Not(this=ongoing))
        found.append((late, f["date"], ("where", where)))
    if source.long:
        found = _left_out(found, source, written, known, unnamed_rows if unnamed else None)
    problems = absent + (_locate(found, source, runner, written) if found else [])
    return known, problems


def _left_out(found, source: Source, score_columns, known: dict, unnamed_rows):
    """The findings, none of them at a long form's row that names no index the scheme
    declares (or gives a score and no index) but the finding of its index cell: the
    python reader leaves such a row out (tables.py `widened`)."""
    exp = _exp()
    f = source.fields
    unknown = [v for v, name in known.get("index", {}).items() if name is None]
    out = []
    if unknown:
        out.append(exp.In(this=_col(f["index"]), expressions=[_value(v) for v in unknown]))
    if unnamed_rows is not None:
        out.append(unnamed_rows)
    if not out:
        return found
    kept = exp.Not(this=exp.Coalesce(this=exp.or_(*out), expressions=[exp.false()]))
    return [(finding, column, value) if column == f["index"] else
            (finding, column, ("where", exp.and_(_where(source, score_columns, column, value),
                                                 kept)))
            for finding, column, value in found]


def _read_once(source: Source, scheme: m.Scheme, runner, asked, counts, comments, past):
    """The checks' row (each column's distinct values among the data rows, then each
    count, then the comment rows and the rows past the heading, where counted),
    from the one reading of the file that B502 and the signature read too
    (onepass.py; kept as `runner.onepass`). None where that cannot be (Spark)."""
    from .onepass import planned

    exp = _exp()
    unfiltered = []
    if comments:
        cells = [_col(c) for c in source.columns]
        unfiltered.append(exp.and_(*[exp.Is(this=c, expression=exp.null()) for c in cells[1:]],
                                   exp.Like(this=exp.Trim(this=cells[0]),
                                            expression=exp.Literal.string("#%"))))
        if past:
            unfiltered.append(exp.column("barometer_past"))
    one = planned(source, scheme, runner, [column for (_, column), _ in asked], counts,
                  unfiltered)
    runner.onepass = None
    if one is None:
        return None
    one.run(runner)
    runner.onepass = one
    row = []
    for (_, column), _ in asked:
        groups = one.groups(one.distinct[column], _col("barometer_data")).subquery(
            "g", copy=False)
        row.append([v for (v,) in runner.rows(
            exp.select(_col(column), copy=False).from_(groups, copy=False)
            .group_by(_col(column), copy=False)
            .order_by(exp.Min(this=exp.column("barometer_first")), copy=False))])
    counts: list = [None] * len(one.counted)
    for purpose in dict.fromkeys(p for p, _ in one.counted):  # one query a set
        mine = [(k, test) for k, (p, test) in enumerate(one.counted) if p == purpose]
        groups = one.groups(purpose).subquery("g", copy=False)
        [sums] = runner.rows(exp.select(*[exp.func("coalesce", exp.func("sum", exp.Case(
            ifs=[exp.If(this=test, true=exp.column("barometer_n"))])), exp.Literal.number(0))
            for _, test in mine], copy=False).from_(groups, copy=False))
        for (k, _), n in zip(mine, sums):
            counts[k] = int(n)
    return [*row, *counts]


def _no_column(source: Source, name: str, example: str) -> Diagnostic:
    """B115 at the heading, as the python reader says it."""
    what = "spreadsheet" if source.kind == "csv" else "catalogue"
    span = Span(source.path, 1, 1, 1, 2)
    if source.kind == "csv" and os.path.isfile(source.path):
        line = source.csv[0] + 1
        text = _line_of(source.path, line)
        if text is not None:
            SOURCES.keep(source.path, line, text)
            span = Span(source.path, line, 1, line, len(text) + 1)
    return judge.no_attribute_column(what, name, example).at(span)


def _ongoing(source: Source):
    exp = _exp()
    if "ongoing" not in source.fields:
        return exp.false()
    column = _col(source.fields["ongoing"])
    if source.columns[source.fields["ongoing"]] == BOOL:
        return exp.Coalesce(this=column, expressions=[exp.false()])
    return exp.Coalesce(this=exp.In(this=exp.Lower(this=exp.Trim(this=column)),
                                    expressions=[exp.Literal.string(v) for v in
                                                 ("yes", "y", "true", "1", "x", "ongoing")]),
                        expressions=[exp.false()])


def _tag_holds(source: Source, tag: str):
    exp = _exp()
    column = _col(source.fields["tags"])
    if source.columns[source.fields["tags"]] == LIST:
        return exp.ArrayContains(this=column, expression=exp.Literal.string(tag))
    return exp.RegexpLike(this=column, expression=exp.Literal.string(
        r"(^|[;,])\s*" + re.escape(tag) + r"\s*([;,]|$)"))


# The python reader says a finding at every row that holds it: the first LOCATED
# rows that hold one are said, each finding at the rows among them that hold it, and
# a finding none of them holds at its first row; FINDINGS findings at most (each is
# a term of one query: a file of garbage holds millions of distinct bad values).
LOCATED = 200
FINDINGS = 500


def _where(source: Source, score_columns, column, value):
    """Where a finding holds: the rows whose cell holds the value, or a predicate."""
    exp = _exp()
    if isinstance(value, tuple) and value and value[0] == "where":
        return value[1]
    if isinstance(value, tuple) and value and value[0] == "tag":
        return _tag_holds(source, value[1])
    if isinstance(value, tuple) and value == ("empty",):
        return exp.and_(*[exp.Is(this=_col(c), expression=exp.null())
                          for c in score_columns]) if score_columns else exp.true()
    if isinstance(value, tuple) and value == ("empty category",):
        return exp.Is(this=_col(column), expression=exp.null()) if column else exp.true()
    if value is None:
        return exp.Is(this=_col(column), expression=exp.null())
    return exp.EQ(this=_col(column), expression=_value(value))


def _locate(found, source: Source, runner, score_columns) -> list[Diagnostic]:
    """Each finding at the rows that hold it, as the python reader says it of each
    (see LOCATED): its line in the file (CSV, JSON Lines) or its row (Parquet,
    heading as line 1). None where no row holds it (a date run past the period,
    but ongoing)."""
    exp = _exp()
    found = found[:FINDINGS]
    wheres = [_where(source, score_columns, column, value) for _, column, value in found]
    if isinstance(runner, Spark):  # no rows in order: each finding once, naming the file
        return [d for (finding, column, _), where in list(zip(found, wheres))[:50]
                for d in _diagnostic(finding, column, where, source, runner)]
    numbered = _numbered(source).subquery("numbered", copy=False)
    data = _nonblank(source)
    row = exp.column("barometer_row")
    [firsts] = runner.rows(exp.select(*[exp.Min(this=exp.Case(ifs=[exp.If(
        this=where, true=row)])) for where in wheres], copy=False)
        .from_(numbered, copy=False).where(data, copy=False))
    flags = [exp.Case(ifs=[exp.If(this=where, true=exp.true())], default=exp.false())
             for where in wheres]
    held = runner.rows(exp.select(row, *flags, copy=False).from_(numbered, copy=False)
                       .where(exp.and_(exp.or_(*wheres), data), copy=False)
                       .order_by(row, copy=False).limit(LOCATED, copy=False))
    said = [(n, i) for n, *hits in held for i, hit in enumerate(hits) if hit]
    seen = {i for _, i in said}
    said += [(first, i) for i, first in enumerate(firsts) if first is not None and i not in seen]
    return [_at_row(found[i][0], found[i][1], n, _numbered(source), source, runner)
            for n, i in said]


# What the python reader says of a whole row: no score, no category, no value.
_WHOLE_ROW = {"B107", "B108", "B115"}


def _diagnostic(finding, column, where, source: Source, runner, limit: int = 1
                ) -> list[Diagnostic]:
    """The finding at each of the first `limit` rows `where` holds (none if none
    does), as the python reader says it of each row; its `within`, the part of the
    cell's text it is about (a date's offsets)."""
    exp = _exp()
    code, message, hint = finding.code, finding.message, finding.hint
    if isinstance(runner, Spark):  # rows have no order in a distributed file: no line
        query = exp.select(exp.Count(this=exp.Star()), copy=False).from_(_src(), copy=False).where(
            exp.and_(where, _nonblank(source)), copy=False)
        if not runner.rows(query)[0][0]:
            return []
        return [error(code, f"{source.path}: {message}", None, hint)]
    numbered = exp.select(exp.Star(), exp.alias_(
        exp.Window(this=exp.RowNumber()), "barometer_row"), copy=False).from_(_src(), copy=False)
    query = (exp.select(exp.column("barometer_row"), copy=False)
             .from_(numbered.subquery("numbered", copy=False), copy=False)
             .where(exp.and_(where, _nonblank(source)), copy=False)
             .order_by(exp.column("barometer_row"), copy=False).limit(limit, copy=False))
    return [_at_row(finding, column, row, numbered, source, runner)
            for (row,) in runner.rows(query)]


def _at_row(finding, column, row: int, numbered, source: Source, runner) -> Diagnostic:
    """The finding said of the file's `row`-th row, at its line and cell."""
    exp = _exp()
    code, message, hint, within = finding.code, finding.message, finding.hint, finding.within
    names = list(source.columns)
    cell = names.index(column) if column in names else 0
    whole = code in _WHOLE_ROW  # said of the row, as the python reader says it
    if source.kind == "parquet" and os.path.isfile(source.path):
        # the row's cells separated by ` | `, as the python reader quotes a Parquet row
        [cells] = runner.rows(
            exp.select(exp.Star(), copy=False)
            .from_(numbered.subquery("numbered", copy=False), copy=False)
            .where(exp.EQ(this=exp.column("barometer_row"), expression=exp.Literal.number(row)),
                   copy=False))
        cells = _raw_blanks(source, row, list(cells[:len(names)]), runner)
        shown = [judge.cell_text(v).replace("\n", " ") for v in cells]
        col = 1 if whole else sum(len(t) + len(tables.SEPARATOR) for t in shown[:cell]) + 1
        end = col + 1 if whole else col + max(len(shown[cell]), 1)
        line, text = row + 1, tables.SEPARATOR.join(shown)
    else:
        breaks = _breaks_before(source, numbered, row, runner) if source.kind == "csv" else 0
        if source.kind == "csv" and not whole:  # the cell as the python reader spans it
            span = _csv_cell(source, source.csv[0] + 1 + row + breaks, cell)
            if span is not None:
                text = _line_of(source.path, span.line)
                if text is not None:
                    SOURCES.keep(source.path, span.line, text)
                if within is None or text is None:
                    return error(code, message, span, hint)
                value = text[span.column - 1:] if span.end_line > span.line else \
                    text[span.column - 1:span.end_column - 1]
                lead = len(value) - len(value.lstrip()) if value.strip() else 0
                col = span.column + lead + within[0]
                return error(code, message, Span(source.path, span.line, col, span.line, max(
                    span.column + lead + within[1], col + 1)), hint)
        line, col, end, text = _place(source, row, 0 if whole else cell, breaks, whole)
        if source.kind == "csv" and not whole and text is not None and end - col >= 2 \
                and text[col - 1] == '"' and text[end - 2] == '"':
            col, end = col + 1, end - 1  # a quoted cell: its text, as the reader spans it
        if whole:  # a CSV's row is its line; the reader's JSON Lines row, its first character
            end = len(text) + 1 if source.kind == "csv" and text is not None else col + 1
    if text is not None:
        SOURCES.keep(source.path, line, text)
    if within is not None and not whole and text is not None:
        cell_text = text[col - 1:end - 1]
        lead = len(cell_text) - len(cell_text.lstrip()) if cell_text.strip() else 0
        col, end = col + lead + within[0], col + lead + max(within[1], within[0] + 1)
    return error(code, message, Span(source.path, line, col, line, max(end, col + 1)), hint)


def _raw_blanks(source: Source, row: int, cells: list, runner) -> list:
    """A row's cells, a text of nothing but spaces as the file holds it (no value
    in `src`), as the python reader quotes it."""
    if not any(v is None for v in cells) or isinstance(runner, Spark):
        return cells
    exp = _exp()
    names = list(source.columns)
    raw = exp.Table(this=exp.to_identifier("barometer_file"), alias=exp.TableAlias(
        this=exp.to_identifier("f"), columns=[exp.to_identifier(c, quoted=True) for c in names]))
    numbered = exp.select(*[_col(c) for c in names], exp.alias_(
        exp.Window(this=exp.RowNumber()), "barometer_row"), copy=False).from_(raw, copy=False)
    found = runner.rows(exp.select(*[_col(c) for c in names], copy=False).from_(
        numbered.subquery("numbered", copy=False), copy=False).where(exp.EQ(
            this=exp.column("barometer_row"), expression=exp.Literal.number(row)), copy=False))
    if not found:
        return cells
    return [held if v is None and isinstance(held, str) and not held.strip() else v
            for v, held in zip(cells, found[0])]
