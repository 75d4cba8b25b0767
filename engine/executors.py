"""Spark's executors score the signatures where they lie (issue 19), when there are
many of them.

The Spark engine groups a catalogue by the scheme's signature on the cluster
(engine/columns/query.py `signature_query`) and counts the distinct rows there
first. Up to `EXECUTORS_ABOVE` of them come to the driver, where the plan scores
them (engine/columnar.py `_by_signature`). Above it (a scheme that reads `age`,
or a text condition, over 10^7 events: millions of signatures), the plan runs on
the executors instead: each partition of the grouped rows reads them
(`SignatureRows`), scores each once with the plan (`Plan.signed`, `Plan.scores`:
the same code as on the driver), and keeps of each scored signature only what
`Plan.totals` reads: its index, recorded score and category, and what the
derived indices' selections and groupings ask of it (`sum(us where C)`, `us by
level`: the tags, text and date outcomes and attribute values of their
conditions and fields), with its exact score. Signatures alike in that are
added up on the executors (their counts summed), and only those come back: the
driver runs `Plan.totals` on them, so every figure, derived ones included, is
the python engine's, exactly (ints and Fractions; a score the plan computes as
a float sends the scheme to the layered query, as on the driver).

What is shipped is data: the scheme (pickled as the objects it is; nothing of
the catalogue becomes code or SQL text) and the plain layout of the rows. The
executors' Python needs barometer installed (the same environment as the
driver's, PYSPARK_PYTHON); where it cannot import it, the rows come to the
driver as before."""

from __future__ import annotations

import os

from ..dsl import model as m
from ..dsl.domains import FigureProblem

# distinct signatures above which the executors score them (the driver scores fewer);
# BAROMETER_SPARK_EXECUTORS_ABOVE, a whole number, sets it for a process (tests, the
# cluster run)
EXECUTORS_ABOVE = 100_000

# signatures an executor reads and scores at a time (of a partition's)
_CHUNK = 20_000

_FIGURE, _PROBLEM, _FLOAT = 0, 1, 2  # what a pair an executor gives back holds


def threshold() -> int:
    said = os.environ.get("BAROMETER_SPARK_EXECUTORS_ABOVE", "").strip()
    return int(said) if said.isdigit() else EXECUTORS_ABOVE


class Projection:
    """What `Plan.totals` reads of a scored signature beyond its index, recorded
    score and category: the tags, text and date outcomes and attribute values the
    derived indices' selections and groupings ask about (everything, where the
    signature is not `known`). Asked as SignatureView asks a signature (its
    `questions` and `values`): a question it does not keep raises, never answers."""

    __slots__ = ("tags", "tests", "values", "questions", "names")

    def __init__(self, scheme: m.Scheme, signature):
        from ..dsl.nodes import Grouping, Selection, parts, subexpressions

        every = not signature.known
        tags: set[str] = set()
        texts: set[str] = set()
        names: set[str] = set()
        for index in scheme.indices.values():
            for e in subexpressions(index.formula) if index.formula is not None else ():
                if isinstance(e, Grouping):
                    names.update(f for f in e.fields if f != "category")
                if isinstance(e, (Selection, Grouping)) and e.condition is not None:
                    for c in parts(e.condition):
                        kind = type(c).__name__
                        if kind == "Tagged":
                            tags.add(c.tag)
                        elif kind in ("ValueIn", "ValueCompare"):
                            names.add(c.name)
                        elif kind in ("TextContains", "DateBefore", "DateAfter", "DateWithin"):
                            texts.add(c.text())
        self.tags = None if every else frozenset(tags)
        # the places kept of the signature's tests and values
        self.tests = tuple(n for n, c in enumerate(signature.tests) if every or c.text() in texts)
        self.values = tuple(n for n, name in enumerate(signature.values)
                            if every or name in names)
        self.questions = tuple(signature.questions[n] for n in self.tests)
        self.names = tuple(signature.values[n] for n in self.values)

    def __getstate__(self):
        return self.tags, self.tests, self.values, self.questions, self.names

    def __setstate__(self, state):
        self.tags, self.tests, self.values, self.questions, self.names = state

    def __call__(self, row: tuple) -> tuple:
        """The signature row (`Signature.row`) cut to what the figures read."""
        index, recorded, category, held, answers, values = row
        tags = self.tags
        return (index, recorded, category,
                held if tags is None else tuple(t for t in held if t in tags),
                tuple(answers[n] for n in self.tests), tuple(values[n] for n in self.values))

    @property
    def signature(self):
        """What SignatureView reads a cut row with."""
        from types import SimpleNamespace

        return SimpleNamespace(questions=self.questions, values=self.names)


def scorer(scheme: m.Scheme, read, cut, period):
    """The function each executor runs over a partition of grouped rows: pairs
    (key, value) to add up by key. (_FIGURE, cut row, score): how many entries;
    (_PROBLEM,): [a figure that cannot be computed, as (line, column, message,
    span)]; (_FLOAT,): 1, a score the plan computes as a float."""

    def run(rows):
        from itertools import islice

        from ..dsl.nodes import EXCLUDED
        from .plan import Plan

        plan = Plan(scheme)
        added: dict = {}
        rows = iter(rows)
        while True:
            chunk = [read(tuple(r)) for r in islice(rows, _CHUNK)]
            if not chunk:
                break
            signed = plan.signed([row for row, _ in chunk], period)
            try:
                scores = plan.scores(signed)
            except FigureProblem as e:
                span = e.span
                yield (_PROBLEM,), [(getattr(span, "line", 0), getattr(span, "column", 0),
                                     e.message, span)]
                return
            if any(type(score) is float for score in scores):
                yield (_FLOAT,), 1
                return
            for (row, n), score in zip(chunk, scores):
                if score is EXCLUDED:  # counts nowhere
                    continue
                key = (_FIGURE, cut(row), score)
                added[key] = added.get(key, 0) + n
        yield from added.items()

    return run


def _add(a, b):
    return a + b  # counts, or lists of figure problems


def score_on_executors(frame, scheme: m.Scheme, plan, read, period):
    """The grouped rows of `frame` scored on the executors: (entries, scores,
    counts) for `Plan.totals`, None where a score is a float; raises
    FigureProblem as the driver's scoring would."""
    from .plan import Signed, SignatureView

    cut = Projection(scheme, plan.signature)
    found = (frame.rdd.mapPartitions(scorer(scheme, read, cut, period))
             .reduceByKey(_add).collect())
    problems = [p for key, value in found if key[0] == _PROBLEM for p in value]
    if problems:  # the first in the scheme's text, where several are met
        line, column, message, span = min(problems, key=lambda p: p[:3])
        raise FigureProblem(message, span)
    if any(key[0] == _FLOAT for key, _ in found):
        return None
    shape = cut.signature
    entries, scores, counts = [], [], []
    for (_, row, score), n in found:
        entries.append(Signed(SignatureView(shape, row), ()))
        scores.append(score)
        counts.append(n)
    return entries, scores, counts


def grouped_on_spark(runner, query, scheme: m.Scheme, plan, read, period):
    """The signature query run by Spark, its distinct rows counted there first:
    ("driver", the rows) where they are at most `threshold()` (or where the
    executors cannot import barometer), ("executors", what `score_on_executors`
    gives) where more."""
    from .columns.runners import _failure
    from .columns.terms import bound

    sql, values = bound(query, runner.dialect)
    frame = None
    try:
        frame = runner.spark.sql(sql, args=values).persist()
        if frame.count() > threshold():
            try:
                return "executors", score_on_executors(frame, scheme, plan, read, period)
            except FigureProblem:
                raise
            except Exception as e:
                if "No module named 'barometer'" not in str(e):
                    raise
                # executors whose Python has no barometer: the rows come to the driver
        return "driver", [tuple(r) for r in frame.collect()]
    except FigureProblem:
        raise
    except Exception as e:  # Spark says AnalysisException, Py4JJavaError, ...
        raise _failure(str(e).strip().splitlines()[0][:300]) from None
    finally:
        if frame is not None:
            try:
                frame.unpersist()
            except Exception:  # a session already stopped: nothing held
                pass
