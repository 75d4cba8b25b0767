"""One reading of the file for DuckDB (issue 19): the checks of every distinct
value (validation.py `check`), B502's groups (reader_warnings.py `_listed_twice`)
and the signature's groups (query.py `signature_query`) each read the whole file;
here the file is read once, its rows grouped by each of their keys at once
(GROUPING SETS: one hash table a set, one scan), into a temporary table of groups
(`barometer_sets`), with how many rows each group holds (`barometer_n`) and the
first of them (`barometer_first`, the row's place in the file). Each of the three
then reads its groups from that table: a distinct value, a count or a group is
the same there as in the rows (10^6 rows of a CSV: 1.4 s of CPU in three passes,
0.6 s in one).

Every key is a column of `src` or a named test of one row (an expression of
SQLGlot over `src`'s columns): no value of the file enters a query as text."""

from __future__ import annotations

from .terms import _col, _exp

TABLE = "barometer_sets"

# DuckDB's GROUPING() is a 64-bit mask, one bit a key
MOST_KEYS = 62


class OnePass:
    """The sets of keys the file's rows are grouped by, gathered before the one
    reading (`run`), then each set's groups (`groups`)."""

    def __init__(self):
        self.tests: dict = {}  # a test's name -> its expression over a row of `src`
        self.first: dict = {}  # tests the others may read (`barometer_data`)
        self.sets: dict = {}  # what a set serves -> its keys (names), in order
        self.ran = False

    def test(self, name: str, expression) -> str:
        """A test of one row, grouped on as a key by `name`."""
        self.tests[name] = expression
        return name

    def add(self, purpose: str, keys) -> None:
        self.sets[purpose] = list(dict.fromkeys(keys))

    def holding(self, *keys: str) -> str:
        """A set that holds all these keys (one is added if none does)."""
        for purpose, held in self.sets.items():
            if all(k in held for k in keys):
                return purpose
        purpose = "keys " + " ".join(keys)
        self.add(purpose, keys)
        return purpose

    def keys(self) -> list[str]:
        return list(dict.fromkeys(k for held in self.sets.values() for k in held))

    def runs(self) -> bool:
        return 0 < len(self.keys()) <= MOST_KEYS

    def query(self):
        """CREATE TEMPORARY TABLE barometer_sets AS the rows grouped by every set."""
        exp = _exp()
        keys = self.keys()
        marked = exp.select(exp.Star(), exp.alias_(exp.Window(this=exp.RowNumber()),
                                                   "barometer_row"),
                            *[exp.alias_(e, name, quoted=True) for name, e in self.first.items()],
                            copy=False).from_(exp.to_table("src"), copy=False)
        marked = exp.select(exp.Star(), *[exp.alias_(e, name, quoted=True)
                                          for name, e in self.tests.items()],
                            copy=False).from_(marked.subquery("first", copy=False), copy=False)
        sets = [exp.Tuple(expressions=[_col(k) for k in held]) for held in self.sets.values()]
        grouped = exp.select(
            *[_col(k) for k in keys],
            exp.alias_(exp.Grouping(expressions=[_col(k) for k in keys]), "barometer_set"),
            exp.alias_(exp.Count(this=exp.Star()), "barometer_n"),
            exp.alias_(exp.Min(this=exp.column("barometer_row")), "barometer_first"),
            copy=False).from_(marked.subquery("marked", copy=False), copy=False)
        grouped.set("group", exp.Group(expressions=[exp.GroupingSets(expressions=sets)]))
        return exp.Create(this=exp.to_table(TABLE), kind="TABLE", expression=grouped,
                          properties=exp.Properties(expressions=[exp.TemporaryProperty()]))

    def run(self, runner) -> None:
        runner.rows(self.query())
        self.ran = True

    def id(self, purpose: str) -> int:
        """The set's number in GROUPING(): a bit for each key it does not hold."""
        keys = self.keys()
        held = set(self.sets[purpose])
        return sum(1 << (len(keys) - 1 - n) for n, k in enumerate(keys) if k not in held)

    def groups(self, purpose: str, where=None):
        """The set's groups: its keys, `barometer_n`, `barometer_first`."""
        exp = _exp()
        test = exp.EQ(this=exp.column("barometer_set"),
                      expression=exp.Literal.number(self.id(purpose)))
        return (exp.select(*[_col(k) for k in self.sets[purpose]], exp.column("barometer_n"),
                           exp.column("barometer_first"), copy=False)
                .from_(exp.to_table(TABLE), copy=False)
                .where(exp.and_(test, where) if where is not None else test, copy=False))


def counted_test(aggregate):
    """The test of a row a COUNT counts (COUNT(*), COUNT(x), COUNT(CASE WHEN t THEN
    1 END), each perhaps FILTER(WHERE f)): summed over the groups, the same count.
    None for any other aggregate."""
    exp = _exp()
    where = None
    if isinstance(aggregate, exp.Filter):
        where, aggregate = aggregate.expression.this, aggregate.this
    if not isinstance(aggregate, exp.Count) or aggregate.args.get("big_int"):
        return None
    inner = aggregate.this
    if isinstance(inner, exp.Star):
        test = exp.true()
    elif isinstance(inner, exp.Case) and len(inner.args.get("ifs") or []) == 1 \
            and inner.args.get("default") is None and inner.args.get("this") is None:
        test = inner.args["ifs"][0].this
    elif isinstance(inner, (exp.Column, exp.Func, exp.Binary)):
        test = exp.Not(this=exp.Is(this=inner, expression=exp.null()))
    else:
        return None
    return test.copy() if where is None else exp.and_(where.copy(), test.copy())


def dropped():
    import sqlglot

    return sqlglot.parse_one(f"DROP TABLE IF EXISTS {TABLE}", dialect="duckdb")


def planned(source, scheme, runner, distinct: list[str], counts: list, unfiltered: list):
    """The one reading of the file for the checks (`distinct`: the columns whose
    distinct values among the data rows are asked; `counts`: COUNTs of the data
    rows; `unfiltered`: tests of any row, counted), B502's groups and the
    signature's. None where it cannot be (not DuckDB; a test not a COUNT; more keys
    than GROUPING() holds): then each reads the file itself."""
    if getattr(runner, "dialect", None) != "duckdb":
        return None
    exp = _exp()
    one = OnePass()
    one.first["barometer_data"] = _data(source)
    tests = [counted_test(c) for c in counts]
    if any(t is None for t in tests):
        return None
    data = exp.column(exp.to_identifier("barometer_data", quoted=True))
    _listed(one, source, scheme)
    _signature(one, source, scheme)
    # each count summed over the groups of a set whose keys hold every column its test
    # reads (the test asked of a group's keys: each of its rows has them); only the
    # others are keys of a set of their own (a hash table of 10^7 rows on 12 tests
    # was 0.16 s of the pass at gdelt 10^7 Parquet)
    whole = [exp.and_(data.copy(), t) for t in tests] + [t.copy() for t in unfiltered]
    one.counted = []  # (the set, the test over its keys), in the order of `whole`
    named = []
    for k, test in enumerate(whole):
        held = _holder(one, test)
        if held is None:
            held = "counts"
            test = exp.column(exp.to_identifier(one.test(f"barometer_c{k}", test), quoted=True))
            named.append(test.name)
        one.counted.append((held, test))
    if named:
        one.add("counts", named)
    one.distinct = {c: one.holding(c, "barometer_data") for c in distinct}
    return one if one.runs() else None


def _holder(one: OnePass, test) -> str | None:
    """A set whose keys hold every column the test reads, if one does."""
    read = {c.name for c in test.find_all(_exp().Column)}
    return next((purpose for purpose, keys in one.sets.items() if read <= set(keys)), None)


def _data(source):
    """The data rows (terms.py `_nonblank`), its cheap tests first: a row is a
    comment only if every cell but the first is empty."""
    from .terms import _nonblank

    exp = _exp()
    if source.kind != "csv":
        return _nonblank(source)
    cells = [_col(c) for c in source.columns]
    any_cell = exp.or_(*[exp.Not(this=exp.Is(this=c, expression=exp.null())) for c in cells])
    comment = exp.and_(*[exp.Is(this=c, expression=exp.null()) for c in cells[1:]],
                       exp.Like(this=exp.Trim(this=cells[0]), expression=exp.Literal.string("#%")))
    return exp.and_(any_cell, exp.Not(this=exp.Paren(this=comment)))


def _listed(one: OnePass, source, scheme) -> None:
    """B502's set: the data rows that score an index, by date, text and what says
    the indices they score (reader_warnings.py `_listed_twice`)."""
    from .reader_warnings import _data_rows, _sigs

    f = source.fields
    sigs, _ = _sigs(source)
    if not sigs or "date" not in f or "event" not in f:
        return
    keys = ["barometer_data", one.test("barometer_scored", _data_rows(source)), f["date"],
            f["event"]]
    for name, s in sigs:
        if source.long:
            keys.append(f["index"])
        else:
            keys.append(one.test(name, s))
    one.add("listed", keys)
    one.listed = dict(zip(["barometer_d", "barometer_e", *[n for n, _ in sigs]], keys[2:]))


def _signature(one: OnePass, source, scheme) -> None:
    """The signature's set: the columns of `src` the entries are made of, as the
    scheme's query reads them (learnt from the query written without the checks'
    findings; `signature_query` takes the set only if the query it is given reads
    no other column)."""
    exp = _exp()
    try:
        from .query import compile_scheme

        compiled = compile_scheme(scheme, source, {"scores": {}, "dates": {}}, by_category=True)
    except Exception:  # a construct no query computes, say: the signature reads src
        return
    read = sorted({c.name for c in compiled.ctes[0][1].find_all(exp.Column)})
    if read and all(c in source.columns for c in read):
        one.add("signature", [*read, "barometer_data"])
