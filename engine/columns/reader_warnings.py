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


def read_warnings(source: Source, scheme: m.Scheme, runner) -> "Said":
    """The warnings the python reader gives of the file, in its words and at its
    places: a column it ignores (B010), a row skipped as a comment that looks like
    an event's (B012), and the duplicates stage's event listed twice (B502: the
    first LISTED, and how many more, `unlisted`)."""
    found = _ignored_columns(source, scheme, runner)
    if isinstance(runner, Spark):  # rows have no order in a distributed file: no line
        return Said(found)
    if source.kind == "csv":
        found += _skipped_rows(source, runner)
    twice = _listed_twice(source, runner)
    return Said(found + twice, twice.unlisted)


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


# The events listed again that are said one by one, the first in the file's order;
# the others are counted (`Said.unlisted`): a generated catalogue of 10^7 rows held
# 10^7, and `eval` shows 20 of a code (`barometer check`, by the python reader,
# lists every one).
LISTED = 100


class Said(list):
    """Warnings, in order, and how many more of a code there are, not listed."""

    def __init__(self, found=(), unlisted=None):
        super().__init__(found)
        self.unlisted = dict(unlisted or {})


def _listed_twice(source: Source, runner) -> Said:
    """B502 at each event listed again, the same date and text as one before it,
    as the duplicates stage says it of the python reader's events: the first
    LISTED of them, and how many more. DuckDB groups the rows by a key coarser than
    the stage's (`_norm_sql`) and counts each distinct date and text of a key held
    twice; the stage's own comparison (`same_event`) then decides among the distinct
    ones, so that no list of rows comes back to Python."""
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
    held = (exp.select(exp.column("barometer_row", table="keyed"),
                       *[exp.alias_(exp.column(c, table="keyed", quoted=True), name)
                         for c, name in ((f["date"], "barometer_d"), (f["event"], "barometer_e"))],
                       exp.column("barometer_k1", table="keyed"),
                       exp.column("barometer_k2", table="keyed"), copy=False)
            .from_(keyed.subquery("keyed", copy=False), copy=False)
            .join(twice.subquery("twice", copy=False), using=["barometer_k1", "barometer_k2"],
                  copy=False))
    columns = ("barometer_k1", "barometer_k2", "barometer_d", "barometer_e")
    # each distinct date and text of a key held twice: how many rows, and the first
    pairs = (exp.select(*[exp.column(c) for c in columns], exp.alias_(
        exp.Count(this=exp.Star()), "barometer_n"), exp.alias_(
        exp.Min(this=exp.column("barometer_row")), "barometer_first"), copy=False)
             .from_(held.subquery("held", copy=False), copy=False)
             .group_by(*[exp.column(c) for c in columns], copy=False))
    found = runner.rows(pairs)
    if not found:
        return Said()
    groups: dict = {}  # the stage's key -> [rows, first row]
    raw_firsts = []  # (first row of a distinct date and text, the stage's key)
    for _, _, when, text, n, first in found:
        key = same_event(judge.cell_text(when), judge.cell_text(text))
        group = groups.setdefault(key, [0, first])
        group[0] += n
        group[1] = min(group[1], first)
        raw_firsts.append((first, key))
    total = sum(n - 1 for n, _ in groups.values())
    if not total:
        return Said()
    # the first LISTED again: a row after the first of its own date and text, or the
    # first of a date and text that the stage finds the same as an earlier one
    again = [(row, groups[key][1]) for row, key in raw_firsts if row != groups[key][1]]
    matched = exp.and_(*[exp.NullSafeEQ(this=exp.column(c, table="held"),
                                        expression=exp.column(c, table="pairs"))
                         for c in columns])
    later = (exp.select(exp.column("barometer_row", table="held"),
                        exp.column("barometer_d", table="held"),
                        exp.column("barometer_e", table="held"), copy=False)
             .from_(held.subquery("held", copy=False), copy=False)
             .join(pairs.subquery("pairs", copy=False), on=matched, copy=False)
             .where(exp.GT(this=exp.column("barometer_row", table="held"),
                           expression=exp.column("barometer_first", table="pairs")), copy=False)
             .order_by(exp.column("barometer_row", table="held"), copy=False)
             .limit(LISTED, copy=False))
    again += [(row, groups[same_event(judge.cell_text(when), judge.cell_text(text))][1])
              for row, when, text in runner.rows(later)]
    again = sorted(again)[:LISTED]
    places = _row_places(source, runner, _breaks_of(source, [r for pair in again for r in pair],
                                                    runner))
    out = Said(unlisted={"B502": total - len(again)} if total > len(again) else {})
    for row, first in again:
        line, text = places[row]
        if text is not None:
            SOURCES.keep(source.path, line, text)
        end = len(text) + 1 if source.kind == "csv" and text is not None else 2
        out.append(listed_again(Span(source.path, places[first][0], 1, places[first][0], 2),
                                Span(source.path, line, 1, line, max(end, 2))))
    return out
