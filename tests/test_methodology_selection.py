"""`barometer test` as pytest is used: -k selects tests by file and name, -x stops
at the first test that does not pass, --junit-xml writes results for CI."""

import shutil
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st

from barometer.engine.methodtests import UsageProblem, selection
from barometer.engine.problems import SelectionProblem

from .conftest import EVENTS, ROOT
from .helpers import run


@pytest.fixture
def layout(tmp_path, monkeypatch):
    (tmp_path / "rules").mkdir()
    (tmp_path / "examples").mkdir()
    for path in ROOT.glob("rules/minsk-b*.rules"):
        shutil.copy(path, tmp_path / "rules")
    shutil.copy(EVENTS, tmp_path / "examples")
    (tmp_path / "rules" / "a.test").write_text(
        'test "published, wrong colour"\n'
        '    rules "minsk-barometer.rules"\n'
        '    events "../examples/minsk-barometer-19.events"\n'
        '    expect regional_tension -7 (+6 / -13) orange\n\n'
        'test "published, right"\n'
        '    rules "minsk-barometer.rules"\n'
        '    events "../examples/minsk-barometer-19.events"\n'
        '    expect russia +20 (+22 / -2)\n', encoding="utf-8")
    (tmp_path / "rules" / "b.test").write_text(
        'test "by category"\n'
        '    rules "minsk-by-category.rules"\n'
        '    events "../examples/minsk-barometer-19.events"\n'
        '    expect regional_tension -14 (+7 / -21) orange\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_k_selects_by_name_and_file(layout):
    result = run("test", "rules", "-k", "right or b.test")
    assert result.exit_code == 0
    assert result.stdout == ("ok   rules/a.test:6 published, right\n"
                             "ok   rules/b.test:1 by category\n"
                             "2 passed, 0 failed, 1 deselected\n")
    result = run("test", "rules", "-k", "PUBLISHED and not (right)")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "FAIL rules/a.test:1 published, wrong colour"
    assert result.stdout.endswith("0 passed, 1 failed, 2 deselected\n")


def test_k_that_does_not_read_is_a_usage_error(layout):
    result = run("test", "rules", "-k", "right and")
    assert result.exit_code == 2
    assert "-k 'right and': expected a word, found the end" in result.output


def test_k_that_selects_nothing_is_a_usage_error_not_a_pass(layout):
    result = run("test", "rules", "-k", "nomatch")
    assert result.exit_code == 2
    assert "-k 'nomatch' selects none of the 3 tests in rules" in result.output
    result = run("test", "rules/b.test", "-k", "nomatch")
    assert "-k 'nomatch' selects none of the 1 test in rules/b.test" in result.output


def test_junit_xml_never_replaces_what_the_tests_read(layout):
    """--junit-xml wrote over the test file, or the scheme it names, and through a
    link; the results were not shown when the write failed."""
    (layout / "l.xml").symlink_to(layout / "rules" / "a.test")
    for target, name in [("rules/a.test", "rules/a.test"),
                         ("rules/minsk-barometer.rules", "rules/minsk-barometer.rules"),
                         ("l.xml", "l.xml")]:
        before = (layout / name).read_bytes()
        result = run("test", "rules/a.test", "--junit-xml", target)
        assert result.exit_code == 2, result.output
        assert f"cannot write {target}: it is " in result.output
        assert "1 passed, 1 failed" in result.output  # the results, shown first
        assert (layout / name).read_bytes() == before


def test_x_stops_at_the_first_failure(layout):
    result = run("test", "rules", "-x")
    assert result.exit_code == 1
    assert result.stdout == (
        "FAIL rules/a.test:1 published, wrong colour\n"
        "rules/a.test:4:5: expected regional_tension -7 (+6 / -13) orange, got -7 (+6 / -13) "
        "yellow\n"
        "stopped at the first test that did not pass (-x)\n"
        "0 passed, 1 failed\n")
    assert run("test", "rules", "-x", "-k", "not wrong").stdout.endswith(
        "2 passed, 0 failed, 1 deselected\n")


def test_junit_xml(layout):
    result = run("test", "rules", "--junit-xml", "out/results.xml")
    assert result.exit_code == 2 and "cannot write out/results.xml" in result.output
    result = run("test", "rules", "--junit-xml", "results.xml")
    assert result.exit_code == 1
    root = ET.parse(layout / "results.xml").getroot()
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == (
        "testsuites", "3", "1", "0")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == ["rules/a.test", "rules/b.test"]
    cases = [(c.get("name"), c.get("line"), c.find("failure") is not None)
             for c in suites["rules/a.test"].iter("testcase")]
    assert cases == [("published, wrong colour", "1", True), ("published, right", "6", False)]
    failure = suites["rules/a.test"].find("testcase/failure")
    assert failure.get("message") == ("expected regional_tension -7 (+6 / -13) orange, "
                                      "got -7 (+6 / -13) yellow")
    # CI runs it again over the results of the last run: they are an output, not an input
    (layout / "results.xml").write_text("old")
    result = run("test", "rules", "--junit-xml", "results.xml")
    assert result.exit_code == 1 and "cannot write" not in result.output
    assert ET.parse(layout / "results.xml").getroot().get("tests") == "3"


def test_junit_xml_names_tests_that_could_not_run(layout):
    (layout / "rules" / "c.test").write_text('test "broken"\n    rules "nowhere.rules"\n'
                                             '    events "../examples/minsk-barometer-19.events"\n'
                                             '    expect russia +20\n', encoding="utf-8")
    result = run("test", "rules", "-k", "broken", "--junit-xml", "r.xml")
    assert result.exit_code == 2
    root = ET.parse(layout / "r.xml").getroot()
    assert (root.get("tests"), root.get("errors")) == ("1", "1")
    assert "nowhere.rules" in root.find("testsuite/testcase/error").text


WORDS = ["alpha", "beta", "No 19"]


def expressions():
    leaf = st.sampled_from(WORDS)
    return st.recursive(leaf, lambda inner: st.one_of(
        st.builds("not {}".format, inner),
        st.builds("({}) and ({})".format, inner, inner),
        st.builds("({}) or ({})".format, inner, inner)), max_leaves=6)


@settings(max_examples=60, deadline=None)
@given(expressions(), st.sets(st.sampled_from(WORDS)))
def test_k_reads_as_python_reads_the_same_logic(expression, present):
    text = " / ".join(sorted(present)).upper()
    python = expression
    for k, word in enumerate(WORDS):
        python = python.replace(word, f"_{k}")
    expected = eval(python, {f"_{k}": w.casefold() in text.casefold()  # noqa: S307
                             for k, w in enumerate(WORDS)})
    assert selection(expression)(text) == expected


def test_k_rejects_what_is_not_an_expression():
    for bad in ["", "and x", "(x", "x )", "not"]:
        with pytest.raises(UsageProblem):
            selection(bad)


def test_the_engine_says_the_expression_and_the_command_line_names_the_flag():
    with pytest.raises(SelectionProblem) as raised:
        selection("(x")
    assert str(raised.value) == "'(x': a `(` is not closed"
    assert "-k '(x': a `(` is not closed" in run("test", "rules", "-k", "(x").output


def test_a_control_character_in_a_tests_name_is_shown_as_a_sign(layout):
    """A test named with ESC [2J cleared the screen of whoever ran `barometer test`."""
    (layout / "rules" / "c.test").write_text(
        'test "clears \x1b[2J"\n    rules "minsk-barometer.rules"\n'
        '    events "../examples/minsk-barometer-19.events"\n    expect russia +20\n',
        encoding="utf-8")
    result = run("test", "rules/c.test")
    assert result.exit_code == 0
    assert result.output == "ok   rules/c.test:1 clears ␛[2J\n1 passed, 0 failed\n"
