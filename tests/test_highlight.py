"""Highlighting: the Pygments lexers and the TextMate grammars know the
grammar's keywords, read the shipped files without an error token, take notes
and sources as text, and content detection recognises the files; the VS Code
extension can be packaged."""

import json
import re

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename, guess_lexer
from pygments.token import Error, Keyword, Number, String

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


NOTES = ("[4 January] A call #1 at 10:00\n"
         "    russia +1\n"
         "    note Page 3 of https://example.org/report.pdf#page=3 says -1, \"not\" +2\n"
         "    source https://example.org/a?b=1#top -1\n")


def test_notes_and_sources_are_text_to_the_end_of_the_line():
    lexer = get_lexer_by_name("barometer-events")
    tokens = [(t, v) for t, v in lexer.get_tokens(NOTES) if v.strip()]
    for keyword, rest in (("note", NOTES.splitlines()[2]), ("source", NOTES.splitlines()[3])):
        at = tokens.index((Keyword, keyword))
        kind, value = tokens[at + 1]
        assert kind in String and value == rest.split(keyword, 1)[1]
    assert (Number, "+1") in tokens  # a score line is still code


def test_content_detection_does_not_take_the_files_for_perl():
    for path in SHIPPED + sorted(ROOT.glob("examples/mistakes/*.rules")):
        expected = "barometer rules" if path.suffix == ".rules" else "barometer events"
        assert guess_lexer(path.read_text(encoding="utf-8")).name == expected, path
    assert guess_lexer('#!/usr/bin/perl\nmy $x = 1;\nprint "$x";\n').name == "Perl"
    assert guess_lexer("import os\n\ndef f(x):\n    return x + 1\n").name == "Python"


def textmate_tokens(patterns: list[dict], line: str) -> list[tuple[str, str]]:
    """What a TextMate engine makes of one line with top-level `match` patterns:
    at each place, the pattern that matches earliest (the first listed on a tie)."""
    compiled = [(re.compile(p["match"]), p) for p in patterns]
    out, at = [], 0
    while at < len(line):
        found = [(m.start(), i, m, p) for i, (rx, p) in enumerate(compiled)
                 if (m := rx.search(line, at)) is not None and m.end() > m.start()]
        if not found:
            break
        start, _, m, p = min(found, key=lambda f: (f[0], f[1]))
        if "name" in p:
            out.append((p["name"], m.group()))
        for group, capture in sorted(p.get("captures", {}).items()):
            if m.group(int(group)):
                out.append((capture["name"], m.group(int(group))))
        at = m.end()
    return out


def test_textmate_grammar_reads_notes_and_sources_as_text():
    path = ROOT / "editors" / "vscode" / "syntaxes" / "barometer-events.tmLanguage.json"
    patterns = json.loads(path.read_text(encoding="utf-8"))["patterns"]
    for line in NOTES.splitlines()[2:]:
        tokens = textmate_tokens(patterns, line)
        assert [scope for scope, _ in tokens] == ["keyword.other.barometer",
                                                 "string.unquoted.barometer"], tokens
    assert ("constant.numeric.barometer", "+1") in textmate_tokens(patterns, "    russia +1")


def test_the_vscode_extension_can_be_packaged():
    folder = ROOT / "editors" / "vscode"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    # vscode-languageclient 9 needs VS Code 1.82 or later
    assert package["dependencies"]["vscode-languageclient"].startswith("^9")
    assert re.fullmatch(r"\^1\.(8[2-9]|9\d)\.\d+", package["engines"]["vscode"])
    assert package["license"] == "MIT" and "MIT License" in (folder / "LICENSE").read_text()
    ignored = (folder / ".vscodeignore").read_text().split()
    assert "node_modules/**" not in ignored  # the language client ships inside the package
    assert {"**/*.vsix", ".vscode/**"} <= set(ignored)
    # no repository is named, so packaging says it may go without one (vsce asks otherwise)
    assert "--allow-missing-repository" in package["scripts"]["package"]
