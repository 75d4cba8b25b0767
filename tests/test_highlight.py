"""Highlighting: the Pygments lexers and the TextMate grammars know the
grammar's keywords, and read the shipped files without an error token."""

import json
import re

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Keyword

from barometer.dsl.diagnostics import Diagnostic, Span, render
from barometer.highlight import grammar_keywords, terminal_line

from .conftest import EVENTS, ROOT, RULES

SHIPPED = sorted(ROOT.glob("rules/*.rules")) + sorted(ROOT.glob("examples/**/*.events"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_lexers_read_shipped_files_cleanly(path):
    lexer = get_lexer_for_filename(path.name)
    tokens = list(lexer.get_tokens(path.read_text(encoding="utf-8")))
    assert not [t for t in tokens if t[0] is Error]
    assert "".join(value for _, value in tokens) == path.read_text(encoding="utf-8")


def test_plugins_are_registered_and_keywords_come_from_the_grammar():
    rules = get_lexer_by_name("barometer-rules")
    text = 'rule r when index is russia then clamp'
    keywords = [v for t, v in rules.get_tokens(text) if t in Keyword]
    assert keywords == ["rule", "when", "index", "is", "then", "clamp"]
    assert {"bands", "vary", "exclude", "recorded"} <= set(grammar_keywords("rules"))
    assert get_lexer_by_name("barometer-events").name == "barometer events"


@pytest.mark.parametrize("kind", ["rules", "events"])
def test_textmate_grammars_match_the_grammar(kind):
    path = ROOT / "editors" / "vscode" / "syntaxes" / f"barometer-{kind}.tmLanguage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    keyword = next(p["match"] for p in data["patterns"] if p.get("name") == "keyword.other.barometer")
    listed = re.search(r"\((.*)\)", keyword).group(1).split("|")
    assert sorted(listed) == sorted(grammar_keywords(kind))
    for p in data["patterns"]:
        re.compile(p["match"])  # the patterns are plain enough for any regex engine
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text())
    assert f"./syntaxes/barometer-{kind}.tmLanguage.json" in [
        g["path"] for g in package["contributes"]["grammars"]]


def test_quoted_lines_are_coloured_with_the_caret_still_aligned():
    from barometer.dsl.files import read_source

    line = read_source(str(RULES)).splitlines()[10]
    d = Diagnostic("B001", "error", "test", Span(str(RULES), 11, 1, 11, 7))
    plain = render(d).splitlines()
    coloured = render(d, colour=True, highlight=terminal_line).splitlines()
    assert "\x1b[" in coloured[1] and re.sub(r"\x1b\[[0-9;]*m", "", coloured[1]) == plain[1]
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured[2]) == plain[2]
    assert plain[1].endswith(line)
