"""The parts every query of the columnar engines is made of (SQLGlot trees): a
column by its place, the file's view `src`, a value as a literal, the rows that
are data, the rows numbered in the file's order; and `bound`, which takes every
text out of a query as a parameter, so that no value is ever read as SQL."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .layout import Source


def _exp():
    from sqlglot import exp

    return exp


def _col(name: str):
    exp = _exp()
    return exp.column(exp.to_identifier(name, quoted=True))


def _src():
    return _exp().to_table("src")


def _value(value):
    from ..sql import date_literal, literal

    exp = _exp()
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")),
                        exp.DataType.build("TIMESTAMP"))
    if isinstance(value, dt.date):
        return date_literal(value)
    if isinstance(value, float):
        # as a text the engine reads as a number: `nan` or `inf` is no numeral
        return exp.cast(exp.Literal.string(repr(value)), exp.DataType.build("DOUBLE"))
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[_value(v) for v in value])
    return literal(value)


def _nonblank(source: Source):
    """Rows that are data: not blank, and (in a CSV) not a comment row."""
    exp = _exp()
    cells = [_col(c) for c in source.columns]
    any_cell = exp.or_(*[exp.Not(this=exp.Is(this=c, expression=exp.null())) for c in cells])
    if source.kind != "csv":
        return any_cell
    first = _col(next(iter(source.columns)))
    comment = exp.and_(exp.Like(this=exp.Trim(this=first), expression=exp.Literal.string("#%")),
                       *[exp.Is(this=c, expression=exp.null()) for c in cells[1:]])
    return exp.and_(any_cell, exp.Not(this=exp.Paren(this=comment)))


def _distinct(expr):
    exp = _exp()
    return exp.ArrayAgg(this=exp.Distinct(expressions=[expr]))


def _numbered(source: Source):
    """The file's rows numbered in its order (`barometer_row`)."""
    exp = _exp()
    return exp.select(exp.Star(), exp.alias_(exp.Window(this=exp.RowNumber()), "barometer_row"),
                      copy=False).from_(_src(), copy=False)


def _norm_sql(column):
    """A text as the duplicates stage compares it (dsl/check_catalogue.py's
    `same_event`), coarser: lower case, without any space. Texts the stage finds the
    same have the same key (but where casefold is not lower); the stage's own
    comparison then decides among the rows of a key. A text of printable ASCII
    alone (most) is keyed by the cheap way, its one space taken away."""
    exp = _exp()
    value = exp.cast(column, exp.DataType.build("VARCHAR"))
    text = exp.Lower(this=value)
    # every space taken away in one pass (a character with none to stand for is deleted)
    text = exp.func("translate", text, exp.Literal.string(_SPACES), exp.Literal.string(""))
    for one, other in (("ß", "ss"), ("ẞ", "ss"), ("ς", "σ")):  # where casefold is not lower
        text = exp.func("replace", text, exp.Literal.string(one), exp.Literal.string(other))
    plain = exp.func("replace", exp.Lower(this=value), exp.Literal.string(" "),
                     exp.Literal.string(""))
    ascii_only = exp.func("regexp_full_match", value, exp.Literal.string("[ -~]*"))
    return exp.func("coalesce", exp.Case(ifs=[exp.If(this=ascii_only, true=plain)],
                                         default=text), exp.Literal.string(""))


# what Python's str.strip() takes away: a cell of nothing else is empty
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _blank_as_null(column):
    """The text, or null where it is blank (only a text that begins with a space is
    trimmed to see: a first character from `!` to `~`, or any up to U+0084, is none
    of Python's spaces, and such a text is kept without a trim; the trim of every
    cell was most of the cost of reading a CSV)."""
    exp = _exp()
    first = exp.Unicode(this=column)
    plain = exp.and_(exp.GT(this=first, expression=exp.Literal.number(32)),
                     exp.LT(this=first, expression=exp.Literal.number(133)))
    blank = exp.EQ(this=exp.Trim(this=column, expression=exp.Literal.string(_SPACES)),
                   expression=exp.Literal.string(""))
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=column, expression=exp.Literal.string("")),
                                true=exp.null()),
                         exp.If(this=plain, true=column), exp.If(this=blank, true=exp.null())],
                    default=column)


# a number written into a query: digits, made by barometer from a Python number
_NUMERAL = re.compile(r"[0-9]+(\.[0-9]+)?\Z")


def bound(query, dialect: str) -> tuple[str, dict]:
    """A query's text and its values: every text in it (a category, a date as
    printed, a score as written, a pattern...) becomes a parameter bound by the
    engine, so that no value is ever read as SQL. A number is written as digits,
    and only as digits."""
    exp = _exp()
    literals = list(query.find_all(exp.Literal))
    if query.parent is not None or isinstance(query, exp.Literal) or \
            len(set(map(id, literals))) < len(literals):
        # a part of another tree, a root no parameter can replace, or a tree holding a
        # part twice (`_norm_sql`'s text): a copy, each place its own node
        query = query.copy()
        literals = list(query.find_all(exp.Literal))
    values: dict = {}
    swapped = []  # (parameter, the text it stands for), put back once written: the tree is
    # the caller's, and a copy of it (every query's) took 10-15 ms of a run
    try:
        for node in literals:
            if node.is_string:
                name = f"p{len(values)}"
                values[name] = node.this
                placeholder = exp.Placeholder(this=name)
                node.replace(placeholder)
                swapped.append((placeholder, node))
            elif not _NUMERAL.match(str(node.this)):
                raise ValueError(f"a number that is no numeral in a query: {node.this!r}")
        return query.sql(dialect=dialect), values
    finally:
        for placeholder, node in reversed(swapped):
            placeholder.replace(node)
