"""The warnings the python reader gives of what it read, given by the columnar
engines in its words and at its places: a column it ignores (B010), a row
skipped as a comment that looks like an event's (B012), an event listed twice
(B502)."""

from __future__ import annotations

from ...dsl import judgements as judge, model as m
from ...dsl.diagnostics import SOURCES, Diagnostic, Span

from .layout import Source
from .places import _breaks_of, _csv_cell, _heading_span, _line_of, _row_places
from .runners import Spark
from .terms import _col, _exp, _nonblank, _norm_sql, _numbered, _src


def read_warnings(source: Source, scheme: m.Scheme, runner) -> list[Diagnostic]:
    """The warnings the python reader gives of the file, in its words and at its
    places: a column it ignores (B010), a row skipped as a comment that looks like
    an event's (B012), and the duplicates stage's event listed twice (B502)."""
    found = _ignored_columns(source, scheme, runner)
    if isinstance(runner, Spark):  # rows have no order in a distributed file: no line
        return found
    if source.kind == "csv":
        found += _skipped_rows(source, runner)
    return found + _listed_twice(source, runner)


def _ignored_columns(source: Source, scheme: m.Scheme, runner) -> list[Diagnostic]:
    """B010 at the heading of each column that is neither a field, nor an index or
    an attribute of the scheme, nor a misspelt index that holds a value."""
    exp = _exp()
    named = {name: index.title for name, index in scheme.indices.items()}
    for name, attribute in scheme.attributes.items():
        named.setdefault(name, attribute.title)
    judged = judge.Headings(named)  # as the python reader judges it, the long form read
    long = {"index", "score"} if source.long else set()
    ignored = [column for column, heading in source.headings.items()
               if judged.key(heading) and judged.key(heading) not in long
               and judged.target(heading) is None]
    if not ignored:
        return []
    misspelt = [c for c in ignored if c in source.misspelt]
    if misspelt:  # held anywhere, comments included: read as an index, and an error
        [held] = runner.rows(exp.select(*[exp.Count(this=_col(c)) for c in misspelt],
                                        copy=False).from_(_src(), copy=False))
        ignored = [c for c in ignored if c not in dict(zip(misspelt, held)) or
                   not dict(zip(misspelt, held))[c]]
    indices = {name: index.title for name, index in scheme.indices.items()}
    out = []
    for column in ignored:
        finding = judge.ignored_column(source.heading(column).strip(), indices,
                                       scheme.attributes)
        out.append(finding.at(_heading_span(source, column)))
    return out


def _skipped_rows(source: Source, runner) -> list[Diagnostic]:
    """B012 at each row of a CSV skipped as a comment that looks like an event's
    (`#MeToo`, alone in its row)."""
    exp = _exp()
    cells = [_col(c) for c in source.columns]
    first = cells[0]
    comment = exp.and_(exp.Like(this=exp.Trim(this=first), expression=exp.Literal.string("#%")),
                       *[exp.Is(this=c, expression=exp.null()) for c in cells[1:]])
    query = (exp.select(exp.column("barometer_row"), first, copy=False)
             .from_(_numbered(source).subquery("numbered", copy=False), copy=False)
             .where(comment, copy=False).order_by(exp.column("barometer_row"), copy=False))
    out = []
    skipped = [(row, judge.skipped_row(str(text).strip())) for row, text in runner.rows(query)]
    skipped = [(row, finding) for row, finding in skipped if finding is not None]
    breaks = _breaks_of(source, [row for row, _ in skipped], runner)
    for row, finding in skipped:
        line = source.csv[0] + 1 + row + breaks[row]
        span = _csv_cell(source, line, 0)
        text = _line_of(source.path, line)
        if text is not None:
            SOURCES.keep(source.path, line, text)
        out.append(finding.at(span or Span(source.path, line, 1, line, 2)))
    return out


def _listed_twice(source: Source, runner) -> list[Diagnostic]:
    """B502 at each event listed again, the same date and text as one before it,
    as the duplicates stage says it of the python reader's events."""
    from ...dsl.check_catalogue import listed_again, same_event

    exp = _exp()
    f = source.fields
    date, event = _col(f["date"]), _col(f["event"])
    keyed = (exp.select(exp.column("barometer_row"), date, event,
                        exp.alias_(_norm_sql(date), "barometer_k1"),
                        exp.alias_(_norm_sql(event), "barometer_k2"), copy=False)
             .from_(_numbered(source).subquery("numbered", copy=False), copy=False)
             .where(_nonblank(source), copy=False))
    twice = (exp.select(exp.column("barometer_k1"), exp.column("barometer_k2"), copy=False)
             .from_(keyed.subquery("keyed", copy=False), copy=False)
             .group_by(exp.column("barometer_k1"), exp.column("barometer_k2"), copy=False)
             .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)),
                     copy=False))
    query = (exp.select(exp.column("barometer_row", table="keyed"),
                        *[exp.column(c, table="keyed", quoted=True)
                          for c in (f["date"], f["event"])], copy=False)
             .from_(keyed.subquery("keyed", copy=False), copy=False)
             .join(twice.subquery("twice", copy=False), using=["barometer_k1", "barometer_k2"],
                   copy=False)
             .order_by(exp.column("barometer_row", table="keyed"), copy=False))
    rows = runner.rows(query)
    if not rows:
        return []
    firsts: dict = {}
    again = []
    for row, when, text in rows:
        key = same_event(judge.cell_text(when), judge.cell_text(text))
        if firsts.setdefault(key, row) != row:
            again.append((row, firsts[key]))
    if not again:
        return []
    places = _row_places(source, runner, _breaks_of(source, [r for pair in again for r in pair],
                                                    runner))
    out = []
    for row, first in again:
        line, text = places[row]
        if text is not None:
            SOURCES.keep(source.path, line, text)
        end = len(text) + 1 if source.kind == "csv" and text is not None else 2
        out.append(listed_again(Span(source.path, places[first][0], 1, places[first][0], 2),
                                Span(source.path, line, 1, line, max(end, 2))))
    return out
