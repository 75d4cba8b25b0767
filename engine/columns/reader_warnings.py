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
from .terms import _col, _exp, _nonblank, _norm_sql, _numbered, _src, _value


def read_warnings(source: Source, scheme: m.Scheme, runner, index_names=None,
                  comments=None) -> "Said":
    """The warnings the python reader gives of the file, in its words and at its
    places: a column it ignores (B010), a row skipped as a comment that looks like
    an event's (B012), and the duplicates stage's event listed twice (B502: the
    first LISTED, and how many more, `unlisted`)."""
    found = _ignored_columns(source, scheme, runner)
    if isinstance(runner, Spark):  # rows have no order in a distributed file: no line
        return Said(found)
    unlisted = {}
    if source.kind == "csv":
        rows = []  # B012 and B019, in the file's order, as the python reader reads them
        if comments != 0:  # `comments`: how many rows the checks found skipped as
            rows += _skipped_rows(source, runner)  # comments, if they counted them
        unheaded, more = _unheaded_cells(source, runner)
        if more:
            unlisted["B019"] = more
        found += sorted(rows + unheaded, key=lambda d: (d.span.line, d.span.column))
    twice = _listed_twice(source, scheme, runner, index_names)
    return Said(found + twice, {**unlisted, **twice.unlisted})


def _unheaded_cells(source: Source, runner) -> tuple[list[Diagnostic], int]:
    """B019 at each cell that holds something in a column whose heading is blank,
    as the python reader says it: the first LISTED, and how many more."""
    exp = _exp()
    columns = [c for c, heading in source.headings.items() if not heading.strip()]
    if not columns:
        return [], 0
    held = exp.or_(*[exp.Not(this=exp.Is(this=_col(c), expression=exp.null()))
                     for c in columns])
    [(total,)] = runner.rows(exp.select(_sum_counts(columns), copy=False).from_(
        _src(), copy=False).where(_nonblank(source), copy=False))
    if not total:
        return [], 0
    query = (exp.select(exp.column("barometer_row"), *[_col(c) for c in columns], copy=False)
             .from_(_numbered(source).subquery("numbered", copy=False), copy=False)
             .where(exp.and_(_nonblank(source), held), copy=False)
             .order_by(exp.column("barometer_row"), copy=False).limit(LISTED, copy=False))
    cells = []  # (row, place of the column, value)
    place = {c: n for n, c in enumerate(source.columns)}
    for row, *values in runner.rows(query):
        cells += [(row, place[c], v) for c, v in zip(columns, values) if v is not None]
    cells = cells[:LISTED]
    breaks = _breaks_of(source, [row for row, _, _ in cells], runner)
    out = []
    for row, n, value in cells:
        line = source.csv[0] + 1 + row + breaks[row]
        span = _csv_cell(source, line, n)
        text = _line_of(source.path, line)
        if text is not None:
            SOURCES.keep(source.path, line, text)
        out.append(judge.unheaded_cell(str(value)).at(span or Span(source.path, line, 1,
                                                                   line, 2)))
    return out, int(total) - len(out)


def _sum_counts(columns):
    exp = _exp()
    total = exp.Count(this=_col(columns[0]))
    for c in columns[1:]:
        total = exp.Add(this=total, expression=exp.Count(this=_col(c)))
    return total


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


def _listed_twice(source: Source, scheme: m.Scheme, runner, index_names=None) -> Said:
    """B502 at each event listed again, as the duplicates stage says it of the python
    reader's events (dsl/check_catalogue.py): a row with the date and text of an
    earlier one (in any case and spacing) and a score on a common index, at the
    earliest such row: the first LISTED of them, and how many more.

    The file's rows are read once, grouped by their date, text and indices as
    written (how many, the first); all else is done on those groups, not on rows:
    each distinct date and text is keyed as the stage compares them, coarser
    (`_norm_sql`: lower case, no space), and where a key holds more than one
    distinct date and text the stage's own comparison (`same_event`) decides among
    them, in Python. The rows are read again only for the first LISTED listed again.
    `index_names`: the long form's index cells -> the index each names (the checks'
    `known["index"]`)."""
    exp = _exp()
    f = source.fields
    order = {name: k for k, name in enumerate(scheme.indices)}
    date, event = _col(f["date"]), _col(f["event"])
    sigs, _ = _sigs(source)
    if not sigs:
        return Said()
    if source.long:
        index = _col(f["index"])
        if index_names is None:
            index_names = {v: judge.index_named(v, {n: i.title for n, i in
                                                    scheme.indices.items()})
                           for (v,) in runner.rows(exp.select(index, copy=False).from_(
                               _src(), copy=False).distinct(copy=False))
                           if v is not None}
        names = {k: v for k, v in index_names.items() if v is not None}
        named = exp.cast(exp.column("barometer_s"), exp.DataType.build("VARCHAR"))
        if all(isinstance(k, str) and k == v for k, v in names.items()):
            names = {}  # each cell the index's own name: the text as it is (a CASE of 10
            # names took 20-40 ms for the 288,039 groups of gdelt 10^6)
        if names:
            named = exp.Case(this=exp.column("barometer_s"),
                             ifs=[exp.If(this=_value(k), true=exp.Literal.string(v))
                                  for k, v in names.items()], default=named)
        expand = [(None, named)]
    else:
        expand = [(f"barometer_m{j}", exp.Literal.string(name))
                  for j, name in enumerate(source.index_columns)]
    held = ["barometer_d", "barometer_e", *[name for name, _ in sigs]]
    rows = (exp.select(exp.column("barometer_row"), exp.alias_(date, "barometer_d"),
                       exp.alias_(event, "barometer_e"),
                       *[exp.alias_(s, name) for name, s in sigs], copy=False)
            .from_(_numbered(source).subquery("numbered", copy=False), copy=False)
            .where(_data_rows(source), copy=False))
    # the rows grouped as written: how many, the first (the one pass over the file)
    groups = (exp.select(*[exp.column(c) for c in held],
                         exp.alias_(exp.Count(this=exp.Star()), "barometer_n"),
                         exp.alias_(exp.Min(this=exp.column("barometer_row")), "barometer_first"),
                         copy=False)
              .from_(rows.subquery("listed", copy=False), copy=False)
              .group_by(*[exp.column(c) for c in held], copy=False))
    one = getattr(runner, "onepass", None)
    if one is not None and getattr(one, "listed", None) and "listed" in one.sets:
        # the groups as the one reading of the file made them (onepass.py)
        # (a row that scores an index is data: its set's `barometer_data` is true, and
        # the groups are those of the rows as written)
        groups = exp.select(*[exp.alias_(_col(one.listed[c]), c) for c in held],
                            exp.column("barometer_n"), exp.column("barometer_first"),
                            copy=False).from_(one.groups("listed", _col("barometer_scored"))
                                              .subquery("g", copy=False), copy=False)
    # each group's key, normalized once per group (not once per index: the key's
    # expression is long, its folding tables its values)
    groups = exp.select(exp.Star(), exp.alias_(_coarse_key(exp.column("barometer_d"),
                                                           exp.column("barometer_e")),
                                               "barometer_h"),
                        copy=False).from_(groups.subquery("keyed", copy=False), copy=False)
    # each group on each index it scores, with its key
    branches = []
    for mask, idx in expand:
        branch = (exp.select(*[exp.column(c) for c in held], exp.column("barometer_n"),
                             exp.column("barometer_first"), exp.column("barometer_h"),
                             exp.alias_(idx, "barometer_i"), copy=False)
                  .from_(exp.to_table("barometer_groups"), copy=False))
        if mask is not None:
            branch = branch.where(exp.column(mask), copy=False)
        branches.append(branch)
    keyed = branches[0]
    for branch in branches[1:]:
        keyed = exp.union(keyed, branch, distinct=False, copy=False)
    keys = ["barometer_h", "barometer_i"]
    # the groups of a key held more than once: each key's rows and groups summed
    # (a hash table of the keys; a window sorted every group, 0.5 s for 3*10^5),
    # joined to the groups of those keys (most often few). The keyed groups are
    # made once (a CTE read twice would key every group twice). A key is held as
    # its hash (`barometer_h`, 8 bytes, where the lower-cased date and text were
    # held twice more beside the texts as written: 10^6 distinct texts took 190 MiB
    # more): two keys of one hash are one coarse key, which the stage's own
    # comparison then parts (`_again`), as it parts the texts of one key
    sums = (exp.select(*[exp.column(c) for c in keys],
                       exp.alias_(exp.func("sum", exp.column("barometer_n")), "barometer_total"),
                       exp.alias_(exp.Count(this=exp.Star()), "barometer_raws"), copy=False)
            .from_(exp.to_table("barometer_keyed"), copy=False)
            .group_by(*[exp.column(c) for c in keys], copy=False)
            .having(exp.GT(this=exp.func("sum", exp.column("barometer_n")),
                           expression=exp.Literal.number(1)), copy=False))
    twice = (exp.select(*[exp.column(c, table="k") for c in [*held, "barometer_n",
                                                              "barometer_first", *keys]],
                        exp.column("barometer_total", table="s"),
                        exp.column("barometer_raws", table="s"), copy=False)
             .from_(exp.to_table("barometer_keyed", alias="k"), copy=False)
             .join(sums.subquery("s", copy=False), on=exp.and_(*[exp.NullSafeEQ(
                 this=exp.column(c, table="k"), expression=exp.column(c, table="s"))
                 for c in keys]), copy=False)
             .with_("barometer_groups", as_=groups, materialized=len(branches) > 1,
                    copy=False)
             .with_("barometer_keyed", as_=keyed, materialized=True, copy=False))
    try:
        runner.rows(_temporary("barometer_twice", twice))
        return _again(source, runner, held, order, len(branches) == 1)
    finally:
        runner.rows(_dropped("barometer_twice"))


def _coarse_key(date, text):
    """A date and text's coarse key as a hash: `_norm_sql` of the two joined by `|`
    (one lower-casing and one test of the characters for both: the keys of 288,039
    groups took 0.1 s at gdelt 10^6, most of it spent on each text's own calls).
    Two that collide (`a|b`, `c` and `a`, `b|c`) are one coarse key to the queries,
    and the stage's comparison parts them."""
    exp = _exp()
    varchar = exp.DataType.build("VARCHAR")
    return exp.func("hash", _norm_sql(exp.Concat(expressions=[
        exp.func("coalesce", exp.cast(date, varchar), exp.Literal.string("")),
        exp.Literal.string("|"),
        exp.func("coalesce", exp.cast(text, varchar), exp.Literal.string(""))])))


def _sigs(source: Source):
    """What of a row says the indices it scores, as written: the long form's index
    cell (`barometer_s`), or whether each index column holds a score
    (`barometer_m0`, ... in the order of `source.index_columns`); and the test of a
    row that scores one."""
    exp = _exp()
    f = source.fields
    if source.long:
        index = _col(f["index"])
        return [("barometer_s", index)], exp.and_(*[
            exp.Not(this=exp.Is(this=c, expression=exp.null())) for c in (index, _col(f["score"]))])
    sigs = [(f"barometer_m{j}", exp.Not(this=exp.Is(this=_col(c), expression=exp.null())))
            for j, c in enumerate(source.index_columns.values())]
    return sigs, (exp.or_(*[s for _, s in sigs]) if sigs else None)


def _data_rows(source: Source):
    """The rows that score an index: data (`_nonblank`), which a row with a score in
    another column than the first is in any case (neither blank nor a comment)."""
    exp = _exp()
    sigs, scored = _sigs(source)
    tested = [source.fields["index"], source.fields["score"]] if source.long else list(
        source.index_columns.values())
    if source.kind == "csv" and next(iter(source.columns)) in tested:
        return exp.and_(_nonblank(source), scored)
    return scored


def _temporary(name: str, query):
    exp = _exp()
    return exp.Create(this=exp.to_table(name), kind="TABLE", expression=query,
                      properties=exp.Properties(expressions=[exp.TemporaryProperty()]))


def _dropped(name: str):
    import sqlglot

    return sqlglot.parse_one(f"DROP TABLE IF EXISTS {name}", dialect="duckdb")


def _again(source: Source, runner, held: list[str], order: dict, single: bool = False
           ) -> Said:
    """The listings again among the groups of `barometer_twice` (each group of rows
    as written, on an index, with the coarse key of its date and text): said as the
    duplicates stage says them. `single`: each group of rows on one index (the long
    form), one row of `barometer_twice` a group."""
    from ...dsl.check_catalogue import listed_again, same_event

    exp = _exp()
    # where a coarse key holds more than one date and text as written: the stage's
    # comparison parts them (`sub`, 0 for the first of them)
    mixed = runner.rows(exp.select("barometer_h", "barometer_i", "barometer_d", "barometer_e",
                                   copy=False)
                        .from_(exp.to_table("barometer_twice"), copy=False)
                        .where(exp.GT(this=exp.column("barometer_raws"),
                                      expression=exp.Literal.number(1)), copy=False)
                        .order_by("barometer_first", copy=False))
    parts: dict = {}  # coarse key -> {the stage's key: sub}
    subs = []  # (date, text, index, sub) where sub is not 0
    for key, idx, when, text in mixed:
        seen = parts.setdefault((key, idx), {})
        sub = seen.setdefault(same_event(judge.cell_text(when), judge.cell_text(text), idx),
                              len(seen))
        if sub:
            subs.append((when, text, idx, sub))
    parted = (exp.select(exp.Star(), exp.alias_(exp.Literal.number(0), "barometer_part"),
                         copy=False).from_(exp.to_table("barometer_twice"), copy=False))
    if subs:
        values = exp.Values(expressions=[exp.Tuple(expressions=[_value(v) for v in row])
                                         for row in subs],
                            alias=exp.TableAlias(this=exp.to_identifier("parts"), columns=[
                                exp.to_identifier(c) for c in ("pd", "pe", "pi", "ps")]))
        parted = (exp.select(exp.column(exp.Star(), table="t"), exp.alias_(exp.func(
            "coalesce", exp.column("ps", table="parts"), exp.Literal.number(0)),
            "barometer_part"), copy=False)
                  .from_(exp.to_table("barometer_twice", alias="t"), copy=False)
                  .join(values, on=exp.and_(*[exp.NullSafeEQ(
                      this=exp.column(a, table="t"), expression=exp.column(b, table="parts"))
                      for a, b in (("barometer_d", "pd"), ("barometer_e", "pe"),
                                   ("barometer_i", "pi"))]), join_type="left", copy=False))
    # each listing's first on its index, ranked with the index's order: the earliest
    # listing on a common index, and (of those) the index the scheme declares first
    width = len(order) + 1
    rank = exp.Literal.number(len(order))
    if order:
        rank = exp.Case(this=exp.column("barometer_i"),
                        ifs=[exp.If(this=exp.Literal.string(name), true=exp.Literal.number(k))
                             for name, k in order.items()], default=rank)
    stage = ["barometer_h", "barometer_i", "barometer_part"]
    # (each listing's first by a hash aggregate joined back, not a window sorting
    # every group)
    firsts = (exp.select(*[exp.column(c) for c in stage], exp.alias_(exp.Min(
        this=exp.column("barometer_first")), "barometer_min"), copy=False)
              .from_(exp.to_table("barometer_parted"), copy=False)
              .group_by(*[exp.column(c) for c in stage], copy=False))
    rank = rank.transform(lambda node: exp.column("barometer_i", table="p") if isinstance(
        node, exp.Column) and node.name == "barometer_i" else node)
    ranked = (exp.select(exp.column(exp.Star(), table="p"), exp.alias_(exp.Add(this=exp.Mul(
        this=exp.column("barometer_min", table="f"), expression=exp.Literal.number(width)),
        expression=rank), "barometer_key"), copy=False)
              .from_(exp.to_table("barometer_parted", alias="p"), copy=False)
              .join(firsts.subquery("f", copy=False), on=exp.and_(*[exp.NullSafeEQ(
                  this=exp.column(c, table="p"), expression=exp.column(c, table="f"))
                  for c in stage]), copy=False))
    # each group of rows as written: its first listing on a common index
    per_group = (exp.select(*[exp.column(c) for c in held],
                            exp.alias_(exp.Min(this=exp.column("barometer_n")), "barometer_n"),
                            exp.alias_(exp.Min(this=exp.column("barometer_first")),
                                       "barometer_first"),
                            exp.alias_(exp.Min(this=exp.column("barometer_key")),
                                       "barometer_key"), copy=False)
                 .from_(ranked.subquery("ranked", copy=False), copy=False)
                 .group_by(*[exp.column(c) for c in held], copy=False))
    if single and not subs:  # a group is one row already
        per_group = exp.select(*[exp.column(c) for c in held], *[exp.column(c) for c in (
            "barometer_n", "barometer_first", "barometer_key")], copy=False).from_(
            ranked.subquery("ranked", copy=False), copy=False)
    before = exp.func("floor", exp.Div(this=exp.column("barometer_key"),
                                       expression=exp.Literal.number(width)))
    first_again = exp.LT(this=before, expression=exp.column("barometer_first"))
    again = (exp.select(*[exp.column(c) for c in held], exp.column("barometer_first"),
                        exp.column("barometer_key"),
                        exp.alias_(exp.cast(first_again, exp.DataType.build("INT")),
                                   "barometer_also"), exp.column("barometer_n"), copy=False)
             .from_(per_group.subquery("per_group", copy=False), copy=False)
             .where(exp.or_(exp.GT(this=exp.column("barometer_n"),
                                   expression=exp.Literal.number(1)), first_again), copy=False)
             .with_("barometer_parted", as_=parted, materialized=True, copy=False))
    try:
        [(total,)] = runner.rows(_temporary("barometer_again", again))
        if not total:
            return Said()
        [(total,)] = runner.rows(exp.select(exp.func("sum", exp.Add(
            this=exp.Sub(this=exp.column("barometer_n"), expression=exp.Literal.number(1)),
            expression=exp.column("barometer_also"))), copy=False)
            .from_(exp.to_table("barometer_again"), copy=False))
        total = int(total or 0)
        if not total:
            return Said()
        # the first LISTED listed again, in the file's order: the rows read again, the
        # first 2^14 of the file, then 16 times as many, ... until they are found (DuckDB
        # stops reading at the limit: they are most often near the top)
        f = source.fields
        matched = exp.and_(*[exp.NullSafeEQ(this=exp.column(c, table="listed"),
                                            expression=exp.column(c, table="barometer_again"))
                             for c in held])
        row = exp.column("barometer_row", table="listed")
        first = exp.column("barometer_first", table="barometer_again")
        limit, wanted = 2 ** 14, min(total, LISTED)
        while True:
            numbered = _numbered(source).subquery("numbered", copy=False)
            rows = (exp.select(exp.column("barometer_row"),
                               exp.alias_(_col(f["date"]), "barometer_d"),
                               exp.alias_(_col(f["event"]), "barometer_e"),
                               *[exp.alias_(s, n) for n, s in _sigs(source)[0]], copy=False)
                    .from_(exp.select(exp.Star(), copy=False).from_(numbered, copy=False)
                           .limit(limit, copy=False).subquery("top", copy=False), copy=False)
                    .where(_data_rows(source), copy=False))
            later = (exp.select(row, exp.column("barometer_key", table="barometer_again"),
                                copy=False)
                     .from_(rows.subquery("listed", copy=False), copy=False)
                     .join(exp.to_table("barometer_again"), on=matched, copy=False)
                     .where(exp.or_(exp.GT(this=row, expression=first), exp.and_(
                         exp.EQ(this=row, expression=first), exp.EQ(
                             this=exp.column("barometer_also", table="barometer_again"),
                             expression=exp.Literal.number(1)))), copy=False)
                     .order_by(row, copy=False).limit(LISTED, copy=False))
            again_rows = [(int(r), divmod(int(key), width)) for r, key in runner.rows(later)]
            if len(again_rows) >= wanted or limit > 2 ** 62:
                break
            limit *= 16
    finally:
        runner.rows(_dropped("barometer_again"))
    names = list(order)
    places = _row_places(source, runner, _breaks_of(
        source, [r for r, (first, _) in again_rows for r in (r, first)], runner))
    out = Said(unlisted={"B502": total - len(again_rows)} if total > len(again_rows) else {})
    for row, (first, k) in again_rows:
        line, text = places[row]
        if text is not None:
            SOURCES.keep(source.path, line, text)
        end = len(text) + 1 if source.kind == "csv" and text is not None else 2
        out.append(listed_again(Span(source.path, places[first][0], 1, places[first][0], 2),
                                Span(source.path, line, 1, line, max(end, 2)),
                                names[k] if k < len(names) else "?"))
    return out
