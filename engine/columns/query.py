"""A scheme as one query over a catalogue's columns (engine/columns/layout.py): the
entries (one row per score, with what the conditions ask), one layer per rule
(`CASE WHEN condition THEN actions ELSE the score so far`, and whether excluded),
and the sums per index with the aggregates derived indices ask for. The numbers
and conditions are the language's nodes computing in the SQL domain
(engine/sql.py); the tree is SQLGlot's, written for each engine by SQLGlot."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import attrs

from ...dsl import model as m
from ...dsl.nodes import Call, Grouping, Selection, subexpressions

from .layout import DATE, LIST, NUMBER, TEXT, WHOLE, Source  # noqa: F401
from .terms import _SPACES, _col, _exp, _src, _value  # noqa: F401


# --- the query ----------------------------------------------------------------------------------

class Columns:
    """The columns of the entries' relation, as a condition's subject and the
    score's expression read them."""

    def __init__(self, source: Source, index=None):
        exp = _exp()
        self.source = source
        self.index = index if index is not None else exp.column("idx")
        self.recorded = exp.column("recorded")
        self.category = exp.column("category")
        self.text = exp.column("text")
        self.start = exp.column("day_start")
        self.end = exp.column("day_end")
        self.dens: dict = {}  # a number attribute's column -> its denominator
        self.constants: dict = {}  # an attribute no column holds -> its default

    def value(self, name: str):
        """An attribute's value: a text (a choice), or a number (Scaled, or the
        default where the catalogue has no column for it)."""
        from ..sql import Scaled

        if name in self.constants:
            return self.constants[name]
        column = _exp().column(f"v_{name}")
        return Scaled(column, self.dens[name]) if name in self.dens else column

    def tagged(self, tag: str):
        exp = _exp()
        if "tags" not in self.source.fields:
            return exp.false()
        tags = exp.column("tags")
        if self.source.columns[self.source.fields["tags"]] == LIST:
            # joined with `;` as the python reader joins a list (judgements.cell_text), so
            # that ` t1` in a list is t1 there too
            tags = exp.ArrayToString(this=tags, expression=exp.Literal.string(";"))
        return exp.RegexpLike(this=tags, expression=exp.Literal.string(
            r"(^|[;,])" + _SPACE_RUN + re.escape(tag) + _SPACE_RUN + r"([;,]|$)"))


# what str.strip() takes from around a tag (a no-break space too, not only \s), as a
# pattern both RE2 (DuckDB) and Java (Spark) read
_SPACE_RUN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]*"


@attrs.define
class Layer:
    """The score after a rule: its column, denominator and exclusion flag."""

    score: str
    den: int
    excluded: str | None  # the column saying the entry is excluded, if a rule can say so


@attrs.define
class Compiled:
    """A scheme as a query: the entries (with what conditions ask), the layers of
    rules, and the aggregate columns derived indices ask for."""

    ctes: list  # (name, select)
    layers: list  # Layer per step: the score expression's, then each rule's
    rules: list  # (rule, layer index) for rules that can apply
    requests: dict  # (function, index, condition text) -> (column names)
    needs: set
    columns: object = None  # the entries' Columns: what the signature's query reads


def _asks(scheme: m.Scheme) -> set:
    """What the rules' and derived indices' conditions ask of an entry."""
    from ...dsl.nodes import parts

    asked = set()
    conditions = [r.condition for r in scheme.rules]
    for index in scheme.indices.values():
        if index.formula is not None:
            conditions += [e.arguments[0].condition for e in subexpressions(index.formula)
                           if isinstance(e, Call) and e.over_index()
                           and isinstance(e.arguments[0], Selection)]
    for condition in conditions:
        for c in parts(condition):
            kind = type(c).__name__
            if kind == "Tagged":
                asked.add("tags")
            elif kind == "TextContains":
                asked.add("text")
            elif kind in ("DateBefore", "DateAfter", "DateWithin"):
                asked.add("dates")
            elif kind == "CategoryIn":
                asked.add("category")
            elif kind in ("ValueIn", "ValueCompare"):
                asked.add(("value", c.name))
    from ..plan import reads

    asked |= {("value", name) for name in reads(scheme)}
    if {("value", "age"), ("value", "days"), ("value", "days_in_period")} & asked:
        asked.add("dates")  # the built-in attributes count days
    return asked


def compile_scheme(scheme: m.Scheme, source: Source, known: dict, by_category: bool = False
                   ) -> Compiled:
    """The scheme as a query over `src`; NotCompilable names what cannot be."""
    from ...dsl.resolve import uses_weight, weighs
    from ..sql import SQL, Scaled, SqlSubject, literal

    exp = _exp()
    if scheme.ranks:  # a rank is counted over the events in date order: not one query here
        from ..sql import NotCompilable

        first = next(iter(scheme.ranks.values()))
        raise NotCompilable(f"a rank among events (attribute {first.name} "
                            f"{first.describe()})", first.span)
    if scheme.scores_of:  # another entry's recorded score: the python engine reads it
        from ..sql import NotCompilable

        first = next(iter(scheme.scores_of.values()))
        raise NotCompilable(f"a score read from another index (attribute {first.name} "
                            f"{first.describe()})", first.span)
    f = source.fields
    needs = _asks(scheme) | ({"category"} if by_category else set())
    weighted = weighs(scheme)
    if weighted:
        needs.add("weight")
    # the entries: one row per score, with what the conditions ask
    common = []
    if needs & {"category", "weight"}:
        common.append(exp.alias_(_text_of(source, "category", known), "category"))
    if "tags" in needs:
        common.append(exp.alias_(_col(f["tags"]) if "tags" in f else exp.null(), "tags"))
    if "text" in needs:
        event = _col(f["event"])
        if source.columns[f["event"]] != TEXT:  # numbers, say: their text, as python reads it
            event = exp.cast(event, exp.DataType.build("VARCHAR"))
        common.append(exp.alias_(_trimmed(event), "text"))
    if "dates" in needs:
        start, end = _days_of(source, known)
        common += [exp.alias_(start, "day_start"), exp.alias_(end, "day_end")]
    columns = Columns(source)
    for name in sorted(n for kind, n in (x for x in needs if isinstance(x, tuple))):
        expression = _attribute(name, scheme, source, known, columns)
        if expression is not None:
            common.append(exp.alias_(expression, f"v_{name}"))
    if source.long:
        name_of = _index_case(source, known)
        entries = (exp.select(exp.alias_(name_of, "idx"),
                              exp.alias_(_recorded(source, f["score"], known), "recorded"),
                              *common, copy=False)
                   .from_(_src(), copy=False).where(exp.Not(this=exp.Is(this=_col(f["score"]),
                                                           expression=exp.null())), copy=False))
    else:
        branches = []
        for index, column in source.index_columns.items():
            branches.append(exp.select(exp.alias_(literal(index), "idx"),
                                       exp.alias_(_recorded(source, column, known), "recorded"),
                                       *common, copy=False)
                            .from_(_src(), copy=False).where(exp.Not(this=exp.Is(
                                this=_col(column), expression=exp.null())), copy=False))
        if not branches:  # no column of scores: no entries (a row is then without a score)
            branches.append(exp.select(exp.alias_(exp.cast(exp.null(), exp.DataType.build(
                "VARCHAR")), "idx"), exp.alias_(exp.cast(exp.null(), exp.DataType.build(
                    "BIGINT")), "recorded"), *common, copy=False)
                .from_(_src(), copy=False).where(exp.false(), copy=False))
        entries = branches[0]
        for branch in branches[1:]:
            entries = exp.union(entries, branch, distinct=False, copy=False)
    ctes = [("entries", entries)]
    weight = None
    if weighted:
        weights = {c.name: c.weight for c in scheme.categories.values() if c.weight is not None}
        den = 1
        for w in weights.values():
            den = math.lcm(den, Fraction(w).denominator)
        if weights:
            table = exp.Values(expressions=[exp.Tuple(expressions=[literal(name),
                                                                   literal(Fraction(w) * den)])
                                            for name, w in weights.items()],
                               alias=exp.TableAlias(this=exp.to_identifier("w"), columns=[
                                   exp.to_identifier("wname"), exp.to_identifier("wnum")]))
            # every event has a weighted category where the score reads `weight` (B107)
            weighted_entries = (exp.select(exp.Star(), copy=False)
                                .from_(exp.to_table("entries"), copy=False)
                                .join(table, on=exp.EQ(this=exp.column("category"),
                                                       expression=exp.column("wname")),
                                      join_type="inner" if uses_weight(scheme.score)
                                      else "left", copy=False))
            ctes.append(("weighted", weighted_entries))
            weight = Scaled(exp.column("wnum"), den)
        else:
            weight = 0
    recorded = Scaled(columns.recorded)
    values = columns.value
    base = scheme.score.evaluate(recorded, weight, SQL, None, values)
    layers = [_layer(ctes, base, None, None, 0)]
    subject = SqlSubject(columns)
    low, high = scheme.range.low, scheme.range.high
    applied = []
    for rule in scheme.rules:
        condition = rule.condition.holds(subject)
        if condition is False:
            continue
        previous = layers[-1]
        value = _one_reference(rule, previous, condition, recorded, weight, values)
        excluded = False
        if value is None:
            value = Scaled(exp.column(previous.score), previous.den)
            for action in rule.actions:
                if action.kind == "exclude":
                    excluded = True
                    break
                value = action.apply(value, SQL, low, high, recorded, weight, values)
        else:
            condition = True  # the choice is inside the value
        layers.append(_layer(ctes, value, condition, previous, len(layers), excluded))
        applied.append((rule, len(layers) - 1))
    requests = _requests(scheme, subject, layers[-1])
    return Compiled(ctes, layers, applied, requests, needs, columns)


def signature_query(compiled: Compiled, signature, onepass=None):
    """The entries grouped by the scheme's signature (engine/plan.py `Signature`),
    in the engine: one row per distinct signature, with how many entries share it
    (`n`). Its columns, in order: index, recorded score, category, whether it has
    each tag of `sorted(signature.tags)`, the outcome of each text and date
    condition of `signature.tests`, and the value of each attribute of
    `signature.values` held in a column (numbers as whole numerators: see
    `signature_rows`). `onepass`: the groups of the one reading of the file
    (onepass.py), read where the entries read no other column than its set's."""
    from ..sql import Scaled, SqlSubject, false_if_null, predicate

    exp = _exp()
    columns = compiled.columns
    subject = SqlSubject(columns)
    picked = [exp.column("idx"), exp.column("recorded"), exp.column("category")]
    for tag in sorted(signature.tags):
        picked.append(false_if_null(predicate(subject.tagged(tag))))
    for condition in signature.tests:
        picked.append(false_if_null(predicate(condition.holds(subject))))
    for name in signature.values:
        if name in columns.constants:
            continue
        value = columns.value(name)
        picked.append(value.num if isinstance(value, Scaled) else value)
    names = [f"g{k}" for k in range(len(picked))]
    read = sorted({c.name for e in picked for c in e.find_all(exp.Column)})
    entries = exp.to_table(compiled.ctes[0][0])
    count = exp.Count(this=exp.Star())
    cte = _from_groups(compiled.ctes[0][1], onepass)
    weighed = cte is not None  # each entry a group of rows, of `barometer_n`
    cte = cte if weighed else compiled.ctes[0][1]
    if weighed:
        count = exp.func("sum", exp.column("barometer_n"))
    if "text" not in read:  # the entries grouped as they are first, and each test (a
        # tag's pattern, a date's) asked of each distinct one, not of every row; not
        # where a test reads the texts, as many as the rows
        entries = (exp.select(*[exp.column(c) for c in read], exp.alias_(
            count, "barometer_n"), copy=False).from_(entries, copy=False)
                   .group_by(*[exp.column(c) for c in read], copy=False)
                   ).subquery("entries_as_read", copy=False)
        count = exp.func("sum", exp.column("barometer_n"))
    inner = exp.select(*[exp.alias_(e, n) for e, n in zip(picked, names)],
                       *([exp.column("barometer_n")] if "text" not in read or weighed else []),
                       copy=False).from_(entries, copy=False)
    query = exp.select(*[exp.column(n) for n in names],
                       exp.alias_(count, "n"), copy=False).from_(
        inner.subquery("signatures", copy=False), copy=False).group_by(
        *[exp.column(n) for n in names], copy=False)
    return query.with_(compiled.ctes[0][0], as_=cte, copy=False)


def _from_groups(entries, onepass):
    """The entries' query reading the signature's groups of the one reading of the
    file (onepass.py) in place of `src`, each entry with the rows it stands for
    (`barometer_n`); None where it reads a column the set does not hold."""
    exp = _exp()
    if onepass is None or "signature" not in getattr(onepass, "sets", {}):
        return None
    held = set(onepass.sets["signature"])
    if not {c.name for c in entries.find_all(exp.Column)} <= held:
        return None
    tree = entries.copy()
    tables = [t for t in tree.find_all(exp.Table) if t.name == "src"]
    if not tables:
        return None
    for table in tables:
        select = table.find_ancestor(exp.Select)
        if select is None:
            return None
        select.select(exp.column("barometer_n"), append=True, copy=False)
        table.replace(onepass.groups("signature").subquery("src", copy=False))
    return tree


def signature_rows(compiled: Compiled, signature, found) -> tuple[list[tuple], list[int]]:
    """The rows of `signature_query` as `Signature.row` gives them (numbers exact:
    a whole numerator over the column's denominator, an int where whole), and the
    count of each."""
    read = SignatureRows(compiled, signature)
    rows, counts = [], []
    for found_row in found:
        row, n = read(found_row)
        rows.append(row)
        counts.append(n)
    return rows, counts


class SignatureRows:
    """Reads one row of `signature_query` as `Signature.row` gives it, with its
    count: plain data (the tags, how many tests, each value's constant or
    denominator), so that Spark's executors read the rows where they lie."""

    __slots__ = ("tags", "tests", "values")

    def __init__(self, compiled: Compiled, signature):
        from ..sql import Scaled

        columns = compiled.columns
        self.tags = tuple(sorted(signature.tags))
        self.tests = len(signature.tests)
        # each value read: (True, the constant) where no column holds it, else (False,
        # the denominator of a number attribute held as a whole numerator, or None)
        self.values = tuple(
            (True, columns.constants[name]) if name in columns.constants else
            (False, columns.dens[name] if isinstance(columns.value(name), Scaled) else None)
            for name in signature.values)

    def __getstate__(self):
        return self.tags, self.tests, self.values

    def __setstate__(self, state):
        self.tags, self.tests, self.values = state

    def __call__(self, found_row) -> tuple[tuple, int]:
        from fractions import Fraction

        index, recorded, category, *rest, n = found_row
        tags = self.tags
        held = tuple(t for t, b in zip(tags, rest) if b)
        rest = rest[len(tags):]
        answers = tuple(bool(b) for b in rest[:self.tests])
        rest = iter(rest[self.tests:])
        values = []
        for constant, known in self.values:
            if constant:
                values.append(known)
                continue
            value = next(rest)
            if value is not None and known is not None:
                value = Fraction(int(value), known)
                value = int(value) if value.denominator == 1 else value
            values.append(value)
        return (index, int(recorded), category, held, answers, tuple(values)), int(n)


def _one_reference(rule, previous: Layer, condition, recorded, weight, values):
    """The score after a rule that adds to it or multiplies it by an amount that
    does not read the score, written so that the score so far is read once (DuckDB
    writes the layers into one expression, where `CASE WHEN c THEN s * 2 ELSE s`
    would read `s`, and all it is made of, twice): `s * CASE WHEN c THEN 2 ELSE 1`.
    None for any other rule."""
    from ...dsl.nodes import Current
    from ..sql import SQL, Scaled, _times, literal, predicate

    exp = _exp()
    if condition is True or len(rule.actions) != 1:
        return None
    action = rule.actions[0]
    if action.kind not in ("add", "multiply") or any(
            isinstance(e, Current) for e in subexpressions(action.value)):
        return None
    amount = action.value.evaluate(recorded, weight, SQL, None, values)
    den = amount.den if isinstance(amount, Scaled) else Fraction(amount).denominator
    num = amount.at(den) if isinstance(amount, Scaled) else literal(Fraction(amount) * den)
    old = exp.column(previous.score)

    def pick(then, otherwise):
        return exp.Paren(this=exp.Case(ifs=[exp.If(this=predicate(condition), true=then)],
                                       default=otherwise))

    if action.kind == "multiply":
        return Scaled(exp.Mul(this=old, expression=pick(num, literal(den))), previous.den * den)
    common = math.lcm(previous.den, den)
    return Scaled(exp.Add(this=_times(old, common // previous.den),
                          expression=pick(_times(num, common // den), literal(0))), common)


def _layer(ctes: list, value, condition, previous: Layer | None, n: int,
           excludes: bool = False) -> Layer:
    """A layer over the previous one: the score after a rule whose condition is
    `condition` (None: the score expression's own), and whether it is excluded."""
    from ..sql import Scaled, literal, predicate

    exp = _exp()
    name = f"s{n}"
    before = ctes[-1][0]
    outputs = [exp.Star()]
    den = value.den if isinstance(value, Scaled) else Fraction(value).denominator
    if previous is None:
        score = value.at(den) if isinstance(value, Scaled) else literal(Fraction(value) * den)
        layer = Layer(name, den, None)
    else:
        den = math.lcm(previous.den, den)
        old = exp.column(previous.score)
        old = old if den == previous.den else exp.Mul(this=old, expression=literal(
            den // previous.den))
        new = old if excludes else (value.at(den) if isinstance(value, Scaled)
                                    else literal(Fraction(value) * den))
        when = predicate(condition)
        score = new if condition is True else exp.Case(ifs=[exp.If(this=when, true=new)],
                                                       default=old)
        excluded = previous.excluded
        if excludes:
            from ..sql import false_if_null

            when = false_if_null(when)  # a flag never NULL: `not` of it must hold
            flag = when if excluded is None else exp.or_(exp.column(excluded), when)
            outputs.append(exp.alias_(flag, f"x{n}"))
            excluded = f"x{n}"
        layer = Layer(name, den, excluded)
    outputs.append(exp.alias_(score, name))
    ctes.append((f"l{n}", exp.select(*outputs, copy=False).from_(exp.to_table(before), copy=False)))
    return layer


def _counted(layer: Layer):
    exp = _exp()
    if layer.excluded is None:
        return True
    return exp.Not(this=exp.column(layer.excluded))


def _when(condition, then):
    exp = _exp()
    from ..sql import predicate

    if condition is True:
        return then
    return exp.Case(ifs=[exp.If(this=predicate(condition), true=then)])


def _and(a, b):
    from ..sql import SqlSubject

    return SqlSubject.all_of([a, b])


def _requests(scheme: m.Scheme, subject, last: Layer) -> dict:
    """The aggregates derived indices ask for: sum, count, mean, max and min of an
    index's scores (where a condition holds), as columns of the final query."""
    exp = _exp()
    out = {}
    for index in scheme.indices.values():
        if index.formula is None:
            continue
        for e in subexpressions(index.formula):
            if isinstance(e, Grouping):
                from ..sql import NotCompilable

                raise NotCompilable(f"a sum per group of events ({e.text()})", e.span)
            if not (isinstance(e, Call) and e.over_index()):
                continue
            if e.function in ("positive", "negative", "events"):
                continue
            arg = e.arguments[0]
            name, condition = (arg.index, arg.condition) if isinstance(arg, Selection) else \
                (arg.name, None)
            key = (name, condition.text() if condition is not None else None)
            if key in out:
                continue
            when = _counted(last)
            if condition is not None:
                when = _and(when, condition.holds(subject))
            score = exp.column(last.score)
            n = len(out)
            out[key] = [
                (f"q{n}_sum", exp.Sum(this=_when(when, score))),
                (f"q{n}_count", exp.Count(this=_when(when, exp.Literal.number(1)))),
                (f"q{n}_max", exp.Max(this=_when(when, score))),
                (f"q{n}_min", exp.Min(this=_when(when, score))),
            ]
    return out


def _final(compiled: Compiled, group: list[str], extra=()):
    """The query: the layers as CTEs, then the sums per `group`."""
    exp = _exp()
    last = compiled.layers[-1]
    counted = _counted(last)
    score = exp.column(last.score)
    positive = _when(_and(counted, exp.GT(this=score, expression=exp.Literal.number(0))), score)
    negative = _when(_and(counted, exp.LTE(this=score, expression=exp.Literal.number(0))), score)
    outputs = [exp.column(g) for g in group] + [
        exp.alias_(exp.Sum(this=positive), "positive"),
        exp.alias_(exp.Sum(this=negative), "negative"),
        exp.alias_(exp.Count(this=_when(counted, exp.Literal.number(1))), "events")]
    for columns in compiled.requests.values():
        outputs += [exp.alias_(e, name) for name, e in columns]
    outputs += list(extra)
    query = exp.select(*outputs, copy=False).from_(
        exp.to_table(compiled.ctes[-1][0]), copy=False).group_by(
        *[exp.column(g) for g in group], copy=False)
    for name, cte in compiled.ctes:
        query = query.with_(name, as_=cte, copy=False)
    return query


def _attribute(name: str, scheme: m.Scheme, source: Source, known: dict, columns: Columns):
    """An attribute's column in the entries (None where it is a constant, noted in
    `columns`): a choice as text, a number as a whole numerator over a denominator
    noted in `columns`, the built-ins `age` and `days` counted from the days."""
    from ..sql import literal

    exp = _exp()

    def days(later, earlier):
        return exp.DateDiff(this=later, expression=earlier, unit=exp.var("DAY"))

    if name not in scheme.attributes:  # the built-ins
        from ..sql import NotCompilable, date_literal

        period = source.period
        if name in m.PERIOD_NAMES:  # the same for every entry
            columns.constants[name] = m.calendar_value(name, period.start, period.end)
            return None
        if name == "days_in_period":
            columns.dens[name] = 1
            return exp.Add(this=days(exp.Least(this=columns.end, expressions=[
                date_literal(period.end)], ignore_nulls=True), exp.Greatest(
                this=columns.start, expressions=[date_literal(period.start)], ignore_nulls=True)),
                expression=literal(1))
        if name not in ("age", "days"):
            raise NotCompilable(f"`{name}`, an event's days in a month, is not written in SQL")
        columns.dens[name] = 1
        if name == "age":
            from ..sql import date_literal

            return exp.Greatest(this=days(date_literal(source.period.end), columns.end),
                                expressions=[literal(0)], ignore_nulls=True)
        return exp.Add(this=days(columns.end, columns.start), expression=literal(1))
    attribute = scheme.attributes[name]
    column = source.attribute_columns.get(name)
    default = attribute.default
    if column is None:
        columns.constants[name] = default
        return None
    kind = source.columns[column]
    empty = column in known.get("nulls", ())  # else every row has a value: no default needed
    if not attribute.numeric:
        text = _trimmed(_col(column)) if kind == TEXT and column in known.get(
            "untrimmed columns", ()) else _col(column)
        return exp.Coalesce(this=text, expressions=[literal(default)]) \
            if default is not None and empty else text
    said = known.get("values", {}).get(name, {})
    den = 1
    for v in list(said.values()) + ([default] if default is not None else []):
        den = math.lcm(den, Fraction(v).denominator)
    columns.dens[name] = den
    otherwise = literal(Fraction(default) * den) if default is not None else exp.null()
    if kind == WHOLE:
        value = exp.cast(_col(column), exp.DataType.build("BIGINT"))
        value = value if den == 1 else exp.Mul(this=value, expression=literal(den))
        return exp.Coalesce(this=value, expressions=[otherwise]) if empty else value
    if not said:
        return otherwise
    return exp.Case(this=_col(column), ifs=[exp.If(this=_value(raw), true=literal(
        Fraction(v) * den)) for raw, v in said.items()], default=otherwise)


def _trimmed(column):
    """The text as Python's str.strip() leaves it (SQL's TRIM takes only spaces: a tab
    after `k2` made it no category k2)."""
    exp = _exp()
    return exp.Trim(this=column, expression=exp.Literal.string(_SPACES))


def _text_of(source: Source, field: str, known: dict):
    exp = _exp()
    if field not in source.fields:
        return exp.null()
    column = _col(source.fields[field])
    if source.columns[source.fields[field]] == TEXT:
        return _trimmed(column) if known.get("untrimmed") else column
    return exp.cast(column, exp.DataType.build("VARCHAR"))


def _index_case(source: Source, known: dict):
    """The long form's index column as the scheme's names: as it is where it holds
    them as they are; else each value the catalogue holds (a title, another case)
    with the name it stands for."""
    from ..sql import literal

    exp = _exp()
    column = _col(source.fields["index"])
    said = {k: v for k, v in known.get("index", {}).items() if v is not None}
    if all(k == v for k, v in said.items()):
        return column
    return exp.Case(this=column, ifs=[exp.If(this=literal(k), true=literal(v))
                                      for k, v in said.items()])


def _recorded(source: Source, column: str, known: dict):
    """A column of scores as whole numbers: typed numbers as they are, scores
    written as text by the value the python reader gives each."""
    exp = _exp()
    from ..sql import literal

    kind = source.columns[column]
    if kind in (WHOLE, NUMBER):
        return exp.cast(_col(column), exp.DataType.build("BIGINT"))
    texts = {k: v for k, v in known["scores"].items() if isinstance(k, str)}
    if not texts:
        return exp.cast(_col(column), exp.DataType.build("BIGINT"))
    return exp.Case(this=_col(column), ifs=[exp.If(this=literal(k), true=literal(v))
                                            for k, v in texts.items()])


def _days_of(source: Source, known: dict):
    """The first and last day of each entry, from an ISO or typed date (one day)
    or from the days the python reader resolved each printed date to."""
    exp = _exp()
    from ..sql import date_literal

    column = _col(source.fields["date"])
    if source.columns[source.fields["date"]] == DATE:
        day = exp.cast(column, exp.DataType.build("DATE"))
        return day, day
    dates = known["dates"]
    if not dates:
        nothing = exp.cast(exp.null(), exp.DataType.build("DATE"))
        return nothing, nothing
    start = exp.Case(this=column, ifs=[exp.If(this=exp.Literal.string(str(k)),
                                              true=date_literal(v[0])) for k, v in dates.items()])
    end = exp.Case(this=column, ifs=[exp.If(this=exp.Literal.string(str(k)),
                                            true=date_literal(v[1])) for k, v in dates.items()])
    return start, end
