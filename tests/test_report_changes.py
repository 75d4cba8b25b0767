"""The report's change column and the charts it holds: a change since the last
figure known where the previous issue knows none, every panel of a series with its
issues and unit, a version read as a version."""

import re
import xml.etree.ElementTree as ET

import pytest

from .conftest import EVENTS, ROOT, RULES
from .helpers import run, write

pytest.importorskip("matplotlib")

HISTORY = ROOT / "examples" / "history"
SVG = "{http://www.w3.org/2000/svg}"


def figures_table(page: str) -> list[list[str]]:
    start = page.index('<section id="figures">')
    table = page[start:page.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                  r, re.S)] for r in rows]


def report(tmp_path, *history):
    out = tmp_path / "r.html"
    result = run("report", RULES, EVENTS, "-o", out, *(["--history", *history] if history else []))
    assert result.exit_code == 0, result.output
    return figures_table(out.read_text(encoding="utf-8"))


def test_the_change_comes_from_the_last_figure_known(tmp_path):
    rows = report(tmp_path, HISTORY)
    assert rows[0][6] == "Change since the last figure known"
    assert [r[6] for r in rows[1:]] == ["+29 (since No 14)", "-36 (since No 3)",
                                        "-23 (since No 3)", "-23 (since No 5)",
                                        "-36 (since No 5)", "+4 (since No 5)", ""]


def change_column(*history):
    """The figures table's change column, without drawing the report's charts."""
    from barometer import load_scheme
    from barometer.engine.series import load_series
    from barometer.output.report import _change_column, _current

    scheme = load_scheme(str(RULES))
    series, problems = load_series(scheme, [str(h) for h in history] + [str(EVENTS)])
    assert series is not None, problems
    issue = next(i for i in series.issues if "No 19" in i.label)
    ev = issue.evaluation
    return _change_column(ev, series, *_current(series, ev))


def test_the_change_since_the_previous_issue_where_it_is_known(tmp_path):
    no18 = write(tmp_path, "no18.events",
                 'period "Minsk Barometer No 18 (November and December 2020)" '
                 "from 2020-11-01 to 2020-12-31\npublished russia +12\npublished eu -3\n")
    heading, cells = change_column(no18)
    assert heading == "Change since Nov-Dec 2020"
    assert list(cells.values()) == ["+8", "+2", "", "", "", "", ""]


def test_no_change_known_leaves_the_column_out():
    assert change_column(HISTORY / "minsk-barometer-18.events") is None
    assert change_column() is None  # no issue before


def test_every_series_panel_has_its_issues_and_unit():
    result = run("series", RULES, *sorted(HISTORY.glob("*.events")), EVENTS, "--format", "svg")
    assert result.exit_code == 0, result.output
    words = [t.text for t in ET.fromstring(result.stdout).iter(SVG + "text") if t.text]
    panels = 7
    assert words.count("points") == panels
    for issue in ["1", "19", "20"]:
        assert words.count(issue) >= panels, issue
    assert words.count("issue (No)") == 1


def test_a_bare_version_number_reads_as_a_version():
    result = run("sensitivity", ROOT / "rules" / "minsk-by-category.rules", EVENTS,
                 "--samples", "50", "--format", "svg")
    assert result.exit_code == 0, result.output
    words = " ".join(t.text for t in ET.fromstring(result.stdout).iter(SVG + "text") if t.text)
    assert "Minsk Barometer, scored by category, version 1," in words
    table = run("eval", ROOT / "rules" / "minsk-by-category.rules", EVENTS).stdout
    assert table.splitlines()[1] == "Scheme: Minsk Barometer, scored by category, version 1"
    assert run("eval", RULES, EVENTS).stdout.splitlines()[1] == (
        "Scheme: Minsk Barometer, No 19 (2021)")
