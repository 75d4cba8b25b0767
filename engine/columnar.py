"""The columnar engine: a scheme's plan run on a catalogue where it lies, by DuckDB
(embedded) or Spark, on CSV, Parquet and JSON Lines catalogues of any size.

Nothing here is a second meaning of the language. The engine groups the entries
by the scheme's signature (engine/plan.py `Signature`: index, recorded score,
category, the tags tested, the outcome of each text and date condition, the
attribute values read) and counts them; the plan then scores each distinct
signature once, in Python, exactly, and counts its score as often as it occurs,
as the python engine does (issue 19). What the signature's columns ask, the
conditions and the attribute values, are the nodes of dsl/nodes.py in the SQL
domain (engine/sql.py); the query is a SQLGlot tree, written for DuckDB or for
Spark by SQLGlot.

The SQL domain also writes the whole score as a query: rules in order are layers
over the entries, one per rule, each computing the score after that rule (CASE
WHEN its condition THEN its actions ELSE the score so far) and whether it is
excluded, the last layer summed per index exactly (integers over a denominator
fixed when the query is built). That query serves explain's shares per rule and
category (`contributions`), a scheme whose scores the plan computes as floats
(whose sum depends on its order: the query's exact sums are taken), and B801: a
construct it cannot write falls back to the python engine.

The sub-package engine/columns/ reads the file where it lies (DuckDB or Spark)
and checks its values as the python engine checks them, before anything is
summed, and builds the query (engine/columns/query.py); this module runs it and
turns its sums into the python engine's results (and, for explain, each
category's and rule's share).

    result = evaluate_columnar(scheme, "events.parquet", engine="duckdb")
"""

from __future__ import annotations

import datetime as dt
import os
from fractions import Fraction

import attrs

from ..dsl import model as m
from ..dsl.diagnostics import Diagnostic, InputError, warning
from ..dsl.files import read_source
from ..dsl.domains import FigureProblem
from .choice import AUTO_BYTES, ENGINES, NEEDS, automatic, installed, readable  # noqa: F401
from .columns import (TEXT, WHOLE, DuckDB, EngineFailure, Overflow, Refused, Source, Spark,  # noqa: F401
                      Unavailable, _exp, check, describe, json_problems, read_warnings,
                      require, runner_for)
from .plan import Evaluation, IndexResult, Plan, colour_by_figures, figure_problem
from .plan import HistoryShort, history_short
from .columns.query import Compiled, _final, _when, _and, _counted, compile_scheme  # noqa: F401
from .columns.query import SignatureRows, signature_query, signature_rows


# --- results ------------------------------------------------------------------------------------

def _figure(num, den: int):
    if num is None:
        return 0
    value = Fraction(int(num), den)
    return int(value) if value.denominator == 1 else value


class ColumnarFigures:
    """What a derived index's expression may ask (see engine/plan.py's Figures),
    answered from the query's sums."""

    def __init__(self, results: dict, rows: dict, compiled: Compiled):
        self.results, self.rows, self.compiled = results, rows, compiled

    period = None  # for period_days and period_months

    def aggregate(self, name: str, d):
        if name in m.PERIOD_NAMES and name not in self.results:
            from .plan import calendar_figure

            return calendar_figure(name, self.period)
        result = self.results[name]
        if result.aggregate is None:
            raise result.problem()  # an index without a figure: nor has what reads it
        return result.aggregate

    def previous(self, name: str, n: int, d, span):
        """A columnar engine evaluates one catalogue alone (with history, the python
        engine runs): an earlier issue's figure is not there (HistoryShort, B704)."""
        from .plan import Figures

        return Figures({}, [], []).previous(name, n, d, span)

    def entries(self, function: str, name: str, condition, d, span):
        from ..dsl.domains import EXACT

        if function in ("positive", "negative", "events") and condition is None:
            result = self.results[name]
            return {"positive": result.positive, "negative": result.negative,
                    "events": result.events}[function]
        columns = self.compiled.requests[(name, condition.text() if condition else None)]
        row = self.rows.get(name, {})
        den = self.compiled.layers[-1].den
        total, count, high, low = (row.get(c) for c, _ in columns)
        count = int(count or 0)
        if function == "count":
            return count
        if function == "sum":
            return _figure(total, den)
        if not count:
            what = name if condition is None else f"{name} where {condition.text()}"
            raise FigureProblem(f"{function}() of {what} with no events", span)
        if function == "mean":
            return EXACT.divide(_figure(total, den), count, span)
        return _figure(high if function == "max" else low, den)


class ColumnarEvaluation(Evaluation):
    """A scheme run on a catalogue by a columnar engine: the same figures as the
    python engine's Evaluation; the catalogue's events stay in the file, so there
    is no per-event record (explain reads contributions per rule and category)."""

    __slots__ = ("engine", "source", "compiled", "runner", "warnings", "unlisted")

    @property
    def scored(self):
        raise TypeError("a columnar evaluation keeps no per-event record: explain it with "
                        "contributions(), or run the python engine")


def _lines_of(path: str, period, scheme: m.Scheme, source: Source, runner):
    """What reads the file's lines, for the reader's warnings (B010, B012, B502, in
    the python reader's words and places) and the cells past its heading: the
    engine itself, or, for Spark, whose rows have no order and so no line, DuckDB
    reading the same file where this machine can read it (a local path or one
    mounted here; DuckDB comes with every install). (the file as described, runner)"""
    if isinstance(runner, Spark) and os.path.isfile(path):
        local = DuckDB()
        return describe(path, period, scheme, local), local
    return source, runner


def evaluate_columnar(scheme: m.Scheme, path: str, period: m.Period | None = None,
                      engine: str = "duckdb", master: str | None = None,
                      progress: bool = False) -> ColumnarEvaluation:
    """The scheme's figures on the catalogue in `path`, computed by DuckDB or Spark.
    Raises InputError for mistakes in the catalogue (located), NotCompilable for a
    construct that cannot be computed exactly as a query, Unavailable when the
    engine cannot run here."""
    runner = runner_for(engine, master, progress)
    try:
        return _evaluate(scheme, path, period, engine, runner)
    finally:  # its memory and threads given back, even where an exception is kept (a
        # query after this, explain's, opens the file again)
        if isinstance(runner, DuckDB):
            runner.close()


def _evaluate(scheme: m.Scheme, path: str, period, engine: str, runner) -> ColumnarEvaluation:
    source = describe(path, period, scheme, runner)
    try:
        known, problems = check(source, scheme, runner)
    except EngineFailure:
        if source.kind == "jsonl":  # a line that is no JSON object, past DuckDB's sample
            json_problems(path)
        elif source.kind == "csv":  # bytes that are not UTF-8, past DuckDB's sniffing
            read_source(path)
        raise
    if [p for p in problems if p.severity == "error"]:
        raise InputError(problems)
    lines, reader = _lines_of(path, period, scheme, source, runner)
    past = known.get("beyond_heading") if reader is runner else None  # counted by the checks
    if (source.kind == "csv" and isinstance(reader, DuckDB) and os.path.isfile(path)
            and (past if past is not None else reader.past_heading(path, source.csv))):
        # cells the reader would drop
        raise PastHeading(f"{path} has cells past its heading's last")
    try:
        said = read_warnings(lines, scheme, reader, known.get("index"),
                             known.get("comments") if reader is runner else None)
    finally:
        if reader is not runner:
            reader.close()
    compiled = compile_scheme(scheme, source, known, by_category=True)
    catalogue = m.Catalogue(source.period, (), (path,))
    try:
        indices = _by_signature(scheme, runner, compiled, source.period)
        if indices is None:  # a score the plan computes as a float: the query's sums
            indices = _indices(scheme, _run(runner, _final(compiled, ["idx"])), compiled,
                               source.period)
    except FigureProblem as e:
        raise InputError([figure_problem(e, catalogue)]) from None
    except HistoryShort as e:  # previous(), mean(x over N issues): there is no issue before
        raise InputError([history_short(e, catalogue)]) from None
    result = ColumnarEvaluation(scheme, catalogue, indices, Plan(scheme), ())
    result.engine, result.source, result.compiled, result.runner = engine, source, compiled, runner
    result.warnings = tuple(said)
    result.unlisted = dict(said.unlisted)  # {code: how many more, not listed}
    return result


def _by_signature(scheme: m.Scheme, runner, compiled: Compiled, period) -> dict | None:
    """Each index's figures (issue 19): the engine groups the entries by the
    scheme's signature (engine/plan.py `Signature`) and counts them, where the
    catalogue lies (DuckDB, or Spark's executors); the plan scores each distinct
    signature once, exactly, and counts its score as often as it occurs, as the
    python engine does: on the driver, or, for Spark when the distinct signatures
    are many, on its executors (engine/executors.py). None where the plan computes
    a score as a float, whose sum depends on its order (then the layered query's
    exact sums are taken)."""
    plan = Plan(scheme)
    query = signature_query(compiled, plan.signature, getattr(runner, "onepass", None))
    if isinstance(runner, Spark):  # many signatures: scored on the executors
        from .executors import grouped_on_spark

        where, found = grouped_on_spark(runner, query, scheme, plan,
                                        SignatureRows(compiled, plan.signature), period)
        if where == "executors":
            if found is None:  # a score the plan computes as a float
                return None
            plan.period = period
            return plan.totals(*found[:2], times=found[2])
    else:
        found = runner.rows(query)
    rows, counts = signature_rows(compiled, plan.signature, found)
    signed = plan.signed(rows, period)
    scores = plan.scores(signed)
    if any(type(score) is float for score in scores):
        return None
    return plan.totals(signed, scores, times=counts)


def _run(runner, query) -> dict:
    """The query's rows by index, each as a dict of its columns."""
    names = [e.alias_or_name for e in query.expressions]
    return {row[0]: dict(zip(names, row)) for row in runner.rows(query)}


def _indices(scheme: m.Scheme, rows: dict, compiled: Compiled, period=None) -> dict:
    den = compiled.layers[-1].den
    results = {}
    for name, index in scheme.indices.items():
        if index.derived:
            continue
        row = rows.get(name, {})
        positive, negative = _figure(row.get("positive"), den), _figure(row.get("negative"), den)
        events = int(row.get("events") or 0)
        aggregate = positive + negative
        bands = scheme.bands.get(name)
        colour = bands.colour_of(aggregate, events) if bands else None
        results[name] = IndexResult(index, aggregate, positive, negative, events, colour)
    figures = ColumnarFigures(results, rows, compiled)
    figures.period = period
    if len(results) < len(scheme.indices):
        Plan(scheme).derive(results, figures)
    colour_by_figures(scheme, results, figures)
    return {name: results[name] for name in scheme.indices if name in results}


# --- explain: contributions per rule and per category --------------------------------------------

@attrs.frozen
class Contribution:
    index: str
    category: str | None
    rule: str | None  # None: the category's scores as summed
    entries: int
    points: m.Number  # the rule's change to the index's total (or the category's total)


def contributions(result: ColumnarEvaluation) -> list[Contribution]:
    """Per index, each category's total and events, and each rule's change to the
    total and how many scores it changed (excluded ones included), from one query."""
    exp = _exp()
    compiled = compile_scheme(result.scheme, result.source, check(
        result.source, result.scheme, result.runner)[0], by_category=True)
    extra = []
    for rule, n in compiled.rules:
        layer, before = compiled.layers[n], compiled.layers[n - 1]
        den = layer.den
        applied = _counted(before)
        from .sql import literal

        old = exp.column(before.score)
        old = old if den == before.den else exp.Mul(this=old, expression=literal(
            den // before.den))
        if layer.excluded != before.excluded:  # the rule excludes: its change is the score
            hit = _and(applied, exp.column(layer.excluded))
            change = exp.Neg(this=old)
        else:
            hit = _and(applied, exp.Not(this=exp.EQ(this=exp.column(layer.score), expression=old)))
            change = exp.Sub(this=exp.column(layer.score), expression=old)
        extra += [exp.alias_(exp.Count(this=_when(hit, exp.Literal.number(1))), f"r{n}_count"),
                  exp.alias_(exp.Sum(this=_when(hit, change)), f"r{n}_sum")]
    query = _final(compiled, ["idx", "category"], extra)
    names = [e.alias_or_name for e in query.expressions]
    out = []
    last = compiled.layers[-1].den
    rows = sorted((dict(zip(names, r)) for r in result.runner.rows(query)),
                  key=lambda r: (str(r["idx"]), str(r["category"])))
    for row in rows:
        total = _figure(row["positive"], last) + _figure(row["negative"], last)
        out.append(Contribution(row["idx"], row["category"], None, int(row["events"] or 0),
                                total))
    for rule, n in compiled.rules:
        per_index: dict = {}
        for row in rows:
            count, points = int(row[f"r{n}_count"] or 0), row[f"r{n}_sum"]
            if count:
                c, p = per_index.get(row["idx"], (0, 0))
                per_index[row["idx"]] = (c + count, p + _figure(points, compiled.layers[n].den))
        out += [Contribution(index, None, rule.name, c, p) for index, (c, p) in per_index.items()]
    return out


# --- the located warning when a scheme cannot run as a query ----------------------------------

def not_compilable(e, scheme: m.Scheme) -> Diagnostic:
    return warning("B801", f"{e.message}: the columnar engine cannot compute this exactly, "
                   "so the python engine runs the scheme", e.span,
                   "rewrite it without it, or run with --engine python")


def overflowed(e: Overflow, engine: str) -> Diagnostic:
    return warning("B801", f"the {engine} engine's whole numbers overflow on these figures "
                   f"({e}): the python engine runs the scheme", None,
                   "weights and factors with fewer decimals keep the columnar engine's numbers "
                   "small, or run with --engine python")


class PastHeading(EngineFailure):
    """A row of the CSV holds cells past the heading's last: the engines' readers
    drop them, the python reader says where each is (B019)."""


def unreadable(e: EngineFailure, engine: str, path: str) -> Diagnostic | None:
    """B801 where the engine's CSV reader refuses a file the python reader may read
    (a line longer than DuckDB's buffer, a cell of line breaks its reader gives up
    on): the python engine then reads it, and says what it finds where it finds it.
    None for any other failure."""
    said = str(e)
    if isinstance(e, Refused):
        return warning("B801", f"the {engine} engine's reader could not read {said}: the "
                       "python engine reads it", None,
                       "the python engine reads any JSON Lines file; it is slower on large "
                       "files")
    if isinstance(e, PastHeading):
        return warning("B801", f"{said}, which the {engine} engine's reader would drop: the "
                       "python engine reads the file, and says where they are", None,
                       "head those columns, or take the cells out")
    if "CSV Error" not in said and "maximum line size" not in said:
        return None
    first = said.strip().splitlines()[0] if said.strip() else said
    return warning("B801", f"the {engine} engine's reader could not read {path} ({first}): "
                   "the python engine reads it", None,
                   "the python engine reads any line length; it is slower on large files")


def check_compiles(scheme: m.Scheme) -> Diagnostic | None:
    """B801 where a construct of the scheme cannot be a query, found without any
    catalogue (a wide, text-typed one stands in)."""
    from .sql import NotCompilable

    source = Source("-", "csv", {"date": TEXT, "event": TEXT, "category": TEXT, "tags": TEXT},
                    {"date": "date", "event": "event", "category": "category", "tags": "tags"},
                    {name: name for name, i in scheme.indices.items() if not i.derived},
                    m.Period("", dt.date(2000, 1, 1), dt.date(2000, 1, 1), None))
    source.columns.update({name: WHOLE for name in source.index_columns})
    # every attribute in a column of its own: one without a default has a value on
    # every event (a catalogue without its column is refused before any query)
    source.attribute_columns.update({name: f"a_{name}" for name in scheme.attributes})
    source.columns.update({f"a_{name}": TEXT for name in scheme.attributes})
    try:
        compile_scheme(scheme, source, {"scores": {}, "dates": {}})
    except NotCompilable as e:
        return not_compilable(e, scheme)
    return None


__all__ = ["evaluate_columnar", "contributions", "check_compiles", "AUTO_BYTES", "ENGINES",
           "Unavailable", "require", "EngineFailure", "Overflow", "overflowed", "readable", "automatic", "installed"]
