"""The LALR driver shapes trees exactly as Lark does, from the same grammar."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Tree

from barometer.dsl.lalr import Node, Parser, export_tables, Tables, load_tables
from barometer.grammar import grammar_text

from .conftest import EVENTS, RULES
from .helpers import lark_for, same_tree, examples
from .strategies import event_files, rules_files


@pytest.fixture(scope="module", params=["rules", "events"])
def pair(request):
    text = grammar_text(request.param)
    lark = Lark(text, parser="lalr", lexer="contextual")
    ours = Parser(Tables(export_tables(text)), re.compile("$^"))
    return request.param, lark, ours


def test_shipped_files_parse_as_lark_parses_them(pair):
    kind, lark, ours = pair
    same_tree(lark, ours, (RULES if kind == "rules" else EVENTS).read_text(encoding="utf-8"))


@settings(max_examples=examples(60), deadline=None)
@given(rules_files())
def test_generated_rules_files_parse_as_lark_parses_them(case):
    lark, ours = lark_for("rules")
    same_tree(lark, ours, case.text)


@settings(max_examples=examples(60), deadline=None)
@given(event_files())
def test_generated_event_files_parse_as_lark_parses_them(case):
    lark, ours = lark_for("events")
    same_tree(lark, ours, case.text)


def test_tables_are_cached_per_grammar(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = grammar_text("events")
    first = load_tables("events", text)
    [cached] = list((tmp_path / "barometer").glob("events-*.tables"))
    second = load_tables("events", text)
    assert first.states == second.states
    # a changed grammar gets tables of its own, never the stale ones
    load_tables("events", text + "\n// changed\n")
    assert len(list((tmp_path / "barometer").glob("events-*.tables"))) == 2
    assert cached.exists()
    # a damaged cache (marshal data cut short, or another interpreter's) is made again
    for damaged in (cached.read_bytes()[:100], b"\xff\x00", b""):
        cached.write_bytes(damaged)
        again = load_tables("events", text)  # Lark numbers the states anew
        assert load_tables("events", text).states == again.states  # from the cache
        assert cached.read_bytes() != damaged


def test_unwritable_cache_still_parses(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    tables = load_tables("rules", grammar_text("rules"))
    assert tables.start in range(len(tables.states))


def test_deep_nesting_does_not_overflow_the_parser():
    _, ours = lark_for("rules")
    depth = 5000
    text = ('scheme "x"\nrange -1 to 1\nindex a\nrule deep when ' + "(" * depth
            + "index is a" + ")" * depth + " then add 1\n")
    value, problems = ours.parse(text)
    assert problems == []


def test_declaration_keywords_are_the_grammars():
    from barometer.dsl.syntax import RULES_DECLARATIONS

    text = grammar_text("rules")
    items = re.search(r"^_item: (.*?)\n\n", text, re.S | re.M).group(1)
    names = re.findall(r"\w+", items)
    opening = {re.search(rf'^{n}: "(\w+)"', text, re.M).group(1) for n in names}
    assert opening == set(RULES_DECLARATIONS)
