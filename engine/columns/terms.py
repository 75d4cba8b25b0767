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
    same have the same key: where casefold is not lower (`µ` is `μ`, `ſ` is `s`, `ﬁ`
    is `fi`, `İ` is `i̇`...), each letter is made what casefold makes it (`_FOLDS`,
    `_FOLDED`), and the marks and letters casefold adds beside one (`_GONE`: `ι`
    after a Greek vowel, a combining mark) are taken away everywhere; the stage's own
    comparison then decides among the rows of a key. A text of printable ASCII alone
    (most) is keyed by the cheap way, its one space taken away; a text holding none
    of `_FOLDED`'s letters without their replacements."""
    exp = _exp()
    value = exp.cast(column, exp.DataType.build("VARCHAR"))

    def translated(text):  # every space and `_GONE` taken away, single letters folded
        return exp.func("translate", text, exp.Literal.string(_FOLDS[0] + _SPACES + _GONE),
                        exp.Literal.string(_FOLDS[1]))

    lower = exp.Lower(this=value)
    folded = lower
    for one, other in _FOLDED:  # letters casefold makes two ASCII letters: a few texts
        folded = exp.func("replace", folded, exp.Literal.string(one), exp.Literal.string(other))
    rare = exp.func("regexp_matches", lower, exp.Literal.string(
        "[" + "".join(one for one, _ in _FOLDED) + "]"))
    text = exp.Case(ifs=[exp.If(this=rare, true=translated(folded))], default=translated(lower))
    plain = exp.func("replace", exp.Lower(this=value), exp.Literal.string(" "),
                     exp.Literal.string(""))
    ascii_only = exp.func("regexp_full_match", value, exp.Literal.string("[ -~]*"))
    return exp.func("coalesce", exp.Case(ifs=[exp.If(this=ascii_only, true=plain)],
                                         default=text), exp.Literal.string(""))


# Where casefold (the duplicates stage's comparison) is not the engines' lower case
# (Unicode 14, as Python 3.11 and DuckDB 1-2 make them; tests/test_columnar_reading.py
# holds every letter to it): each letter of the first text made the letter at its place
# in the second (after lower case; a letter casefold makes two, the one of them kept),
_FOLDS = ("\u00b5\u017f\u01f0\u03b0\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u13f8"
          "\u13f9\u13fa\u13fb\u13fc\u13fd\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87"
          "\u1c88\u1e96\u1e97\u1e98\u1e99\u1e9b\u1f50\u1f52\u1f54\u1f56\u1fb6\u1fc6\u1fe2"
          "\u1fe3\u1fe4\u1fe6\u1fe7\u1ff6\u0149\u1e9a\u1f80\u1f81\u1f82\u1f83\u1f84\u1f85"
          "\u1f86\u1f87\u1f90\u1f91\u1f92\u1f93\u1f94\u1f95\u1f96\u1f97\u1fa0\u1fa1\u1fa2"
          "\u1fa3\u1fa4\u1fa5\u1fa6\u1fa7\u1fb2\u1fb3\u1fb4\u1fb7\u1fc2\u1fc3\u1fc4\u1fc7"
          "\u1ff2\u1ff3\u1ff4\u1ff7\ufb13\ufb14\ufb15\ufb16\ufb17"
          + "".join(map(chr, range(0xAB70, 0xABC0))),
          "\u03bcsj\u03c5\u03c3\u03b2\u03b8\u03c6\u03c0\u03ba\u03c1\u03b5\u13f0\u13f1\u13f2"
          "\u13f3\u13f4\u13f5\u0432\u0434\u043e\u0441\u0442\u0442\u044a\u0463\ua64bhtwy"
          "\u1e61\u03c5\u03c5\u03c5\u03c5\u03b1\u03b7\u03c5\u03c5\u03c1\u03c5\u03c5\u03c9na"
          "\u1f00\u1f01\u1f02\u1f03\u1f04\u1f05\u1f06\u1f07\u1f20\u1f21\u1f22\u1f23\u1f24"
          "\u1f25\u1f26\u1f27\u1f60\u1f61\u1f62\u1f63\u1f64\u1f65\u1f66\u1f67\u1f70\u03b1"
          "\u03ac\u03b1\u1f74\u03b7\u03ae\u03b7\u1f7c\u03c9\u03ce\u03c9\u0574\u0574\u0574"
          "\u057e\u0574"
          + "".join(map(chr, range(0x13A0, 0x13F0))))
# the marks and letters taken away (a combining mark casefold leaves beside a letter,
# `ǰ` being `j` and U+030C; the second letter of a pair casefold makes of one, `ᾳ`
# being `αι`; the letters whose fold is one of these),
_GONE = ("\u0300\u0301\u0307\u0308\u030a\u030c\u0313\u0331\u0342"
         "\u02bc\u02be\u0345\u0390\u03b9\u0565\u056b\u056d\u0576\u0582\u0587\u1fbe\u1fd2"
         "\u1fd3\u1fd6\u1fd7")
# and the letters casefold makes two ASCII letters, replaced by them (an ASCII text's key
# holds them)
_FOLDED = (("\u00df", "ss"), ("\ufb00", "ff"), ("\ufb01", "fi"), ("\ufb02", "fl"),
           ("\ufb03", "ffi"), ("\ufb04", "ffl"), ("\ufb05", "st"), ("\ufb06", "st"))


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
