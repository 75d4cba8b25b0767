"""Small helpers the test modules share."""

import csv
import io
import json
import os
import re

from click.testing import CliRunner
from lark import Lark, Token as LarkToken

from barometer.dsl.lalr import Parser, Tables, Token, export_tables
from barometer.grammar import grammar_text
from barometer.main import main


def run(*args):
    """The CLI run in-process; a Python exception other than an exit fails the test."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    return result


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the LALR driver beside Lark (test_grammar, test_meanings, test_methodology_tests) ---

def lark_shape(tree):
    if isinstance(tree, LarkToken):
        return (tree.type, str(tree))
    return (tree.data, [lark_shape(c) for c in tree.children])


def our_shape(node):
    if isinstance(node, Token):
        return (node.type, node.value)
    if isinstance(node, list):  # `_rule` results spliced in by a callback-free parse
        return [our_shape(c) for c in node]
    return (node.data, [our_shape(c) for c in node.children])


def same_tree(lark, ours, text):
    value, problems = ours.parse(text)
    assert problems == []
    assert our_shape(value) == lark_shape(lark.parse(text))


_LARK = {}


def lark_for(kind):
    if kind not in _LARK:
        text = grammar_text(kind)
        _LARK[kind] = (Lark(text, parser="lalr", lexer="contextual"),
                       Parser(Tables(export_tables(text)), re.compile("$^")))
    return _LARK[kind]


# --- generated catalogues as files, and figures to compare (test_columnar, test_spark) ---

# How many examples the differential property ran and how many of them gave
# figures (the others: findings, the same on both engines); printed at the end.
COUNTS = {"examples": 0, "figures": 0, "findings": 0, "entries": 0}


def figures(result) -> dict:
    return {name: (r.aggregate, r.positive, r.negative, r.events, r.colour)
            for name, r in result.indices.items()}


def signed(v: int) -> str:
    return f"+{v}" if v > 0 else str(v)


def write_catalogue(folder, events, fmt: str, long: bool, typed_dates: bool,
                    values: dict | None = None) -> str:
    """The generated catalogue as a file of this format and layout; `values`: for
    each attribute, each event's value (None: not recorded)."""
    import datetime as dt

    indices = sorted({i for e in events.events for i, _ in e.scores}) or ["alpha"]
    values = values or {}
    records = []
    for n, e in enumerate(events.events):
        date = e.start if typed_dates and e.start == e.end else e.when
        base = {"date": date, "event": e.text, "category": e.category,
                "tags": list(e.tags), **{k: v[n] for k, v in values.items()}}
        if long:
            records += [{**base, "index": i, "score": v} for i, v in e.scores]
        else:
            records.append({**base, **dict(e.scores)})
    path = folder / f"catalogue.{fmt}"
    period = f'period "{events.title}" from {events.start} to {events.end}'
    if fmt == "csv":
        out = io.StringIO()
        columns = ["date", "event", "category", "tags", *values] + (
            ["index", "score"] if long else indices)
        w = csv.writer(out, lineterminator="\n")
        w.writerow([f"# {period}"])
        w.writerow(columns)
        for r in records:
            w.writerow([";".join(r[c]) if c == "tags" else
                        (r[c].isoformat() if isinstance(r.get(c), dt.date) else
                         signed(r[c]) if isinstance(r.get(c), int) else r.get(c) or "")
                        for c in columns])
        path.write_text(out.getvalue(), encoding="utf-8")
        return str(path)
    (folder / f"catalogue.{fmt}.period").write_text(period + "\n", encoding="utf-8")
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps({k: (v.isoformat() if isinstance(v, dt.date) else v)
                                    for k, v in r.items()}) + "\n")
        return str(path)
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {"date": [r["date"] for r in records] if typed_dates else
               [str(r["date"]) for r in records],
               "event": [r["event"] for r in records],
               "category": [r["category"] for r in records],
               "tags": [r["tags"] for r in records]}
    for c in [*values, *(["index", "score"] if long else indices)]:
        columns[c] = [r.get(c) for r in records]
    if typed_dates and any(isinstance(d, str) for d in columns["date"]):
        columns["date"] = [str(d) for d in columns["date"]]
    table = pa.table(columns) if records else pa.table(
        {k: pa.array([], type=pa.string()) for k in columns})
    pq.write_table(table, str(path))
    return str(path)


# the thorough run (CI set, as conftest.py picks hypothesis's `ci` profile) or the quick
# one (a methodologist's or developer's machine: the suite within 45 s on two cores)
THOROUGH = os.environ.get("CI", "").lower() not in ("", "0", "false")


def examples(n: int) -> int:
    """How many examples a heavy property draws: `n` in the thorough run, two thirds
    of it in the quick one; BAROMETER_EXAMPLES_SCALE (a number, 1 = thorough)
    overrides both, for a long local run."""
    scale = os.environ.get("BAROMETER_EXAMPLES_SCALE")
    factor = float(scale) if scale else (1.0 if THOROUGH else 2 / 3)
    return max(5, round(n * factor))
