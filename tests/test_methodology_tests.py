"""Methodology tests (`barometer test`): the shipped tests pass, a changed
expectation fails with the exact difference, mistakes in test files are
located, and the JSON is a stable shape."""

import json
import shutil

import pytest
from click.testing import CliRunner

from barometer.main import main

from .conftest import EVENTS, PUBLISHED, ROOT


def run(*args):
    return CliRunner().invoke(main, ["test", *args])


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """A copy of the project's rules/ and No 19, run from its root, so that the
    messages show the same relative paths as in the repository."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "examples").mkdir()
    for path in ROOT.glob("rules/*.rules"):
        shutil.copy(path, tmp_path / "rules")
    shutil.copy(EVENTS, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


HEAD = '''test "No 19 by category"
    rules "minsk-by-category.rules"
    events "../examples/minsk-barometer-19.events"
'''


def write(layout, text, name="rules/t.test"):
    (layout / name).write_text(text, encoding="utf-8")
    return name


# --- the shipped tests -------------------------------------------------------------


def shipped() -> list[str]:
    """`ok` lines for every test block of every shipped test file, in file order."""
    import re

    def files(folder):  # as the runner walks: a folder's files, then its folders
        yield from sorted(folder.glob("*.test"))
        for inner in sorted(p for p in folder.iterdir() if p.is_dir()):
            yield from files(inner)

    lines = []
    for path in files(ROOT / "rules"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = re.match(r'test\s+"([^"]*)"', line)
            if found:
                lines.append(f"ok   {path.relative_to(ROOT).as_posix()}:{n} {found.group(1)}")
    return lines


def test_the_shipped_tests_pass(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("rules/")
    expected = shipped()
    assert len(expected) >= 13
    assert result.output == "\n".join(expected) + f"\n{len(expected)} passed, 0 failed\n"
    assert result.exit_code == 0


def test_every_shipped_scheme_has_a_test_beside_it():
    for rules in ROOT.glob("rules/*.rules"):
        assert rules.with_suffix(".test").is_file(), rules.name


def test_the_published_test_states_every_published_figure():
    from barometer.dsl.methodtests import Expect, Ranking, read_test_file

    [(case, problems), *_], whole = read_test_file(str(ROOT / "rules" / "minsk-barometer.test"))
    assert problems == [] and whole == []
    stated = {}
    for e in case.expectations:
        if isinstance(e, Expect):
            for f in e.facts:
                stated[e.index.name, f.kind] = f.value
    for index, (aggregate, positive, negative) in PUBLISHED.items():
        assert stated[index, "aggregate"] == aggregate
        assert stated[index, "split"] == (positive, negative)
    assert stated["regional_tension", "colour"] == "yellow"
    [ranking] = [e for e in case.expectations if isinstance(e, Ranking)]
    assert [[d.name for d in tier] for tier in ranking.tiers] == [
        ["russia"], ["china"], ["eu"], ["ukraine"], ["us"]]


def test_from_python():
    import barometer

    result = barometer.test(ROOT / "rules")
    assert (result.passed, result.failed, result.status) == (len(shipped()), 0, 0)
    assert [o.status for o in result.outcomes] == ["passed"] * len(shipped())


# --- failures: expected and got ----------------------------------------------------


def test_a_changed_expectation_fails_with_the_difference(layout):
    name = write(layout, HEAD + "    expect regional_tension -13 orange\n"
                                "    expect russia +24 (+26 / -2) events 20\n"
                                "    expect eu +1 (+11 / -10) no colour\n"
                                "    expect ranking relationships russia > eu > china > ukraine > us\n"
                                "    expect national_security -2 positive +10\n")
    result = run(name)
    assert result.output == (
        "FAIL rules/t.test:1 No 19 by category\n"
        "rules/t.test:4:5: expected regional_tension -13 orange, got -14 orange\n"
        "rules/t.test:5:5: expected russia +24 (+26 / -2) events 20, got +24 (+27 / -3) events 21\n"
        "rules/t.test:7:5: expected ranking relationships russia > eu > china > ukraine > us, "
        "got russia > china > eu > ukraine > us\n"
        "0 passed, 1 failed\n")
    assert result.exit_code == 1


def test_colours_and_no_colour(layout):
    result = run(write(layout, HEAD + "    expect regional_tension no colour\n"
                                      "    expect russia no colour\n"))
    assert result.output.splitlines()[1:] == [
        "rules/t.test:4:5: expected regional_tension no colour, got orange", "0 passed, 1 failed"]
    result = run(write(layout, HEAD + "    expect russia yellow\n"))
    assert "rules/t.test:4:19: error[B603]: russia has no colour bands in "\
           "rules/minsk-by-category.rules" in result.output.splitlines()
    assert result.exit_code == 2


TIES = '''scheme "Ties" version "1"
range -3 to +3
score recorded
index a
index b
index c
group g [a, b, c]
'''
TIED = '''period "P" from 2021-01-01 to 2021-01-31
[1 January] One event
    a +2
    b +1
    c +1
'''


def test_equal_aggregates_rank_together(layout):
    write(layout, TIES, "rules/ties.rules")
    write(layout, TIED, "examples/ties.events")
    head = 'test "ties"\n    rules "ties.rules"\n    events "../examples/ties.events"\n'
    assert run(write(layout, head + "    expect ranking g a > c = b\n")).exit_code == 0
    result = run(write(layout, head + "    expect ranking g a > b > c\n"))
    assert result.output.splitlines()[1] == \
        "rules/t.test:4:5: expected ranking g a > b > c, got a > b = c"
    assert result.exit_code == 1


def test_one_test_failing_and_one_passing(layout):
    name = write(layout, HEAD + "    expect china +10\n" + HEAD.replace('"No 19 by category"', '"again"')
                 + "    expect china +11\n")
    result = run(name)
    assert result.output.splitlines() == [
        "ok   rules/t.test:1 No 19 by category",
        "FAIL rules/t.test:5 again",
        "rules/t.test:8:5: expected china +11, got +10",
        "1 passed, 1 failed"]
    assert result.exit_code == 1


# --- mistakes: located diagnostics, exit status 2 -----------------------------------


def test_an_unknown_index_names_the_nearest(layout):
    result = run(write(layout, HEAD + "    expect rusia +24\n"))
    assert result.output == (
        "FAIL rules/t.test:1 No 19 by category\n"
        "rules/t.test:4:12: error[B601]: unknown index `rusia`: rules/minsk-by-category.rules "
        "has no such index\n"
        " 4 |     expect rusia +24\n"
        "   |            ^^^^^\n"
        "   = hint: did you mean `russia`?\n"
        "0 passed, 1 failed\n")
    assert result.exit_code == 2


def test_unknown_colour_group_and_a_ranking_that_leaves_out(layout):
    result = run(write(layout, HEAD + "    expect regional_tension orang\n"
                                      "    expect ranking relationshps russia > eu\n"
                                      "    expect ranking relationships russia > eu > rusia\n"))
    lines = result.output.splitlines()
    assert "rules/t.test:4:29: error[B603]: `orang` is not a colour of regional_tension" in lines
    assert "rules/t.test:5:20: error[B602]: unknown group `relationshps`: "\
           "rules/minsk-by-category.rules has no such group" in lines
    assert "rules/t.test:6:20: error[B604]: the ranking of relationships leaves out china, us, "\
           "ukraine" in lines
    assert "rules/t.test:6:48: error[B604]: `rusia` is not in the group relationships" in lines
    assert lines.count("   = hint: did you mean `orange`?") == 1
    assert lines.count("   = hint: did you mean `russia`?") == 1
    assert result.exit_code == 2


def test_a_missing_catalogue_is_located_at_its_path(layout):
    name = write(layout, HEAD.replace("19.events", "91.events") + "    expect china +10\n")
    result = run(name)
    assert result.output == (
        "FAIL rules/t.test:1 No 19 by category\n"
        "rules/t.test:3:12: error[B605]: the catalogue examples/minsk-barometer-91.events "
        "cannot be read: no such file\n"
        ' 3 |     events "../examples/minsk-barometer-91.events"\n'
        "   |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "   = hint: paths in a test file are relative to the test file's folder (rules)\n"
        "0 passed, 1 failed\n")
    assert result.exit_code == 2


def test_a_syntax_error_stops_the_file(layout):
    result = run(write(layout, HEAD + "    expect russia +24 (+27 -3)\n    expect china +10\n"))
    assert result.output == (
        "rules/t.test:4:28: error[B001]: expected `/`, found `-`\n"
        " 4 |     expect russia +24 (+27 -3)\n"
        "   |                            ^\n"
        "   = hint: did you mean `/`?\n"
        "FAIL rules/t.test:1 No 19 by category (not run: the test file has errors)\n"
        "0 passed, 1 failed\n")
    assert result.exit_code == 2


def test_a_scheme_with_errors_fails_its_test_only(layout):
    write(layout, (layout / "rules" / "minsk-barometer.rules").read_text(encoding="utf-8")
          .replace("index china", "index china\nindex china"), "rules/broken.rules")
    name = write(layout, HEAD + "    expect china +10\n"
                 + HEAD.replace("minsk-by-category", "broken") + "    expect china +8\n")
    result = run(name)
    lines = result.output.splitlines()
    assert lines[0] == "ok   rules/t.test:1 No 19 by category"
    assert lines[1] == "FAIL rules/t.test:5 No 19 by category"
    assert lines[2].startswith("rules/broken.rules:") and "error[B102]" in lines[2]
    assert lines[-1] == "1 passed, 1 failed" and result.exit_code == 2
    assert "Traceback" not in result.output


def test_figures_that_cannot_hold(layout):
    result = run(write(layout, HEAD + "    expect russia +24 (+27 / -2) +25\n"
                                      "    expect eu events 2.5 negative +1\n"
                                      "    expect russia +23\n"))
    found = [line for line in result.output.splitlines() if "error[" in line]
    assert found == [
        "rules/t.test:4:19: error[B608]: the figures do not add up: +27 and -2 make +25, not +24",
        "rules/t.test:4:34: error[B608]: an aggregate is already given on this line (+24)",
        "rules/t.test:5:15: error[B608]: 2.5 is not a number of events",
        "rules/t.test:5:26: error[B608]: negative points cannot be +1",
        "rules/t.test:6:19: error[B609]: the aggregate of russia is already expected at line 4 "
        "(+24)",
    ]
    assert result.exit_code == 2


def test_a_test_without_scheme_catalogue_or_expectations(layout):
    result = run(write(layout, 'test "nothing"\n    rules "a.events"\n'))
    found = [line for line in result.output.splitlines() if "error[" in line]
    assert found == [
        "rules/t.test:1:6: error[B606]: the test `nothing` names no catalogue",
        "rules/t.test:1:6: error[B607]: the test `nothing` expects nothing, so it cannot fail",
        "rules/t.test:2:11: error[B606]: `a.events` is not a rules file",
    ]
    assert result.exit_code == 2


# --- finding test files, usage -----------------------------------------------------


def test_folders_are_searched_past_hidden_folders_and_environments(layout):
    write(layout, HEAD + "    expect china +10\n")
    for folder in (".git", "venv"):
        (layout / folder).mkdir()
        write(layout, "not a test", f"{folder}/x.test")
    (layout / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run()
    assert result.output == "ok   rules/t.test:1 No 19 by category\n1 passed, 0 failed\n"


def test_usage_errors(layout):
    assert run("nowhere").exit_code == 2
    assert "no such file or folder: nowhere" in run("nowhere").output
    result = run("rules/minsk-barometer.rules")
    assert "is not a test file: test files end in .test" in result.output
    assert result.exit_code == 2
    assert "no test files (*.test) in examples" in run("examples").output


# --- JSON --------------------------------------------------------------------------


def test_json_shape(layout):
    name = write(layout, HEAD + "    expect regional_tension -13 orange\n    expect china +10\n"
                 + 'test "broken"\n    rules "minsk-barometer.rules"\n'
                   '    events "../examples/minsk-barometer-19.events"\n    expect rusia +20\n')
    result = run(name, "--format", "json")
    data = json.loads(result.output)
    assert list(data) == ["tests", "diagnostics", "summary"]
    first, second = data["tests"]
    assert list(first) == ["name", "file", "line", "status", "rules", "events", "failures",
                           "diagnostics"]
    assert first == {
        "name": "No 19 by category", "file": "rules/t.test", "line": 1, "status": "failed",
        "rules": "rules/minsk-by-category.rules",
        "events": ["examples/minsk-barometer-19.events"],
        "failures": [{
            "file": "rules/t.test", "line": 4, "column": 5, "subject": "regional_tension",
            "expected": {"aggregate": -13, "colour": "orange"},
            "got": {"aggregate": -14, "colour": "orange"},
            "message": "expected regional_tension -13 orange, got -14 orange"}],
        "diagnostics": []}
    assert second["status"] == "error" and second["failures"] == []
    assert [(d["code"], d["line"], d["column"], d["hint"]) for d in second["diagnostics"]] == [
        ("B601", 9, 12, "did you mean `russia`?")]
    assert data["summary"] == {"passed": 0, "failed": 2, "errors": 1, "files": ["rules/t.test"]}
    assert result.exit_code == 2


# --- the grammar -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["minsk-barometer.test", "minsk-by-category.test"])
def test_the_driver_reads_test_files_as_lark_does(name):
    import re

    from lark import Lark

    from barometer.dsl.lalr import Parser, Tables, export_tables
    from barometer.grammar import grammar_text

    from .helpers import same_tree

    text = grammar_text("tests")
    same_tree(Lark(text, parser="lalr", lexer="contextual"),
              Parser(Tables(export_tables(text)), re.compile("$^")),
              (ROOT / "rules" / name).read_text(encoding="utf-8"))
