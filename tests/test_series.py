"""A barometer as a series (issue 10, items 1-3): each catalogue its own issue, the
change since the previous one, history in the language, published issues."""

import calendar
import datetime as dt
import json
import random
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl import InputError
from barometer.engine.series import build_series, load_series
from barometer.main import main

from .conftest import EVENTS, PUBLISHED, ROOT, RULES
from .strategies import event_file_text, event_lists, rules_files

HISTORY = sorted((ROOT / "examples" / "history").glob("*.events"))
SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- generated series -----------------------------------------------------------------


@st.composite
def series_cases(draw, extra: str = ""):
    """A generated scheme (with `extra` lines) and 1-4 issues of two months each, in a
    row from a drawn year; some issues known only by published figures (drawn)."""
    rules = draw(rules_files())
    year = draw(st.integers(2000, 2030))
    issues = []
    for k in range(draw(st.integers(1, 4))):
        first = 1 + 2 * k
        months = [first, first + 1]
        start = dt.date(year, first, 1)
        end = dt.date(year, first + 1, calendar.monthrange(year, first + 1)[1])
        title = f"No {k + 1}"
        if k and draw(st.booleans()):  # published figures only
            stated = draw(st.lists(st.sampled_from(rules.indices), unique=True))
            lines = [f'period "{title}" from {start} to {end}']
            lines += [f"published {i} {draw(st.integers(-40, 40)):+d}" for i in stated]
            issues.append("\n".join(lines) + "\n")
        else:
            events = draw(event_lists(rules, year, months, min_size=1, max_size=6))
            issues.append(event_file_text(draw, title, start, end, events))
    return rules.text + extra, issues


def figures_of(issue):
    return {n: (f.aggregate, f.positive, f.negative, f.events, f.colour)
            for n, f in issue.figures.items()}


def load(folder, rules_text, issues):
    scheme = load_scheme(write(folder, "s.rules", rules_text))
    paths = [write(folder, f"i{k}.events", text) for k, text in enumerate(issues)]
    return scheme, paths


@SETTINGS
@given(case=series_cases())
def test_a_series_of_one_catalogue_is_eval(tmp_path_factory, case):
    rules_text, issues = case
    scheme, paths = load(tmp_path_factory.mktemp("s"), rules_text, issues[:1])
    series, problems = load_series(scheme, paths)
    assert not [p for p in problems if p.severity == "error"]
    (issue,) = series.issues
    evaluation = evaluate(scheme, load_catalogue(paths, scheme))
    assert issue.evaluation == evaluation
    assert figures_of(issue) == {n: (r.aggregate, r.positive, r.negative, r.events, r.colour)
                                 for n, r in evaluation.indices.items()}
    assert all(f.change is None and f.previous_colour is None and not f.published
               for f in issue.figures.values())


@SETTINGS
@given(case=series_cases())
def test_the_change_is_the_difference_of_consecutive_figures(tmp_path_factory, case):
    rules_text, issues = case
    scheme, paths = load(tmp_path_factory.mktemp("s"), rules_text, issues)
    series = load_series(scheme, paths)[0]
    assert [i.period.start for i in series.issues] == sorted(i.period.start for i in series.issues)
    for before, issue in zip(series.issues, series.issues[1:]):
        for name, f in issue.figures.items():
            a, b = before.figures[name].aggregate, f.aggregate
            assert f.change == (None if a is None or b is None else b - a)
            assert f.previous_colour == before.figures[name].colour
    for name, f in series.issues[0].figures.items():
        assert f.change is None and f.previous_colour is None


@SETTINGS
@given(case=series_cases(), seed=st.integers(0, 2**16))
def test_the_order_of_the_files_does_not_matter(tmp_path_factory, case, seed):
    rules_text, issues = case
    scheme, paths = load(tmp_path_factory.mktemp("s"), rules_text, issues)
    shuffled = list(paths)
    random.Random(seed).shuffle(shuffled)
    a, b = load_series(scheme, paths)[0], load_series(scheme, shuffled)[0]
    assert a == b and a.to_records() == b.to_records()


@SETTINGS
@given(case=series_cases(extra="index change_ \"Change\" = alpha - previous(alpha)\n"
                               "index back2 = previous(alpha, 2)\n"))
def test_previous_reads_the_issues_before(tmp_path_factory, case):
    rules_text, issues = case
    if "index alpha " not in rules_text:
        rules_text = rules_text.replace("\nindex ", '\nindex alpha "Alpha"\nindex ', 1)
    scheme, paths = load(tmp_path_factory.mktemp("s"), rules_text, issues)
    series = load_series(scheme, paths)[0]
    for k, issue in enumerate(series.issues):
        if issue.evaluation is None:
            continue  # a published issue states no derived figure
        alpha = issue.figures["alpha"]
        assert issue.figures["change_"].aggregate == alpha.change
        two_back = series.issues[k - 2].figures["alpha"].aggregate if k >= 2 else None
        assert issue.figures["back2"].aggregate == two_back


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(-50, 50), min_size=1, max_size=12),
       p=st.integers(0, 100))
def test_percentiles_are_numpys_linear_ones_exactly(values, p):
    import numpy

    from barometer.dsl.model import percentile

    exact = percentile(values, p)
    assert isinstance(exact, (int, Fraction))
    assert float(exact) == pytest.approx(numpy.percentile(values, p), abs=1e-9)


# --- the language: previous and relative bands ---------------------------------------

RELATIVE = """scheme "Relative"
range -5 to +5
index russia "Relationship with Russia"
index change "Change" = russia - previous(russia)
bands russia relative to history over 2 issues {
    low   < p25
    usual p25 to p75
    high  > p75
}
"""


def issue_file(folder, n, score):
    month = 2 * n - 1
    end = calendar.monthrange(2021, month + 1)[1]
    return write(folder, f"i{n}.events",
                 f'period "Test No {n}" from 2021-{month:02d}-01 to 2021-{month + 1:02d}-{end}\n'
                 f"[1 {calendar.month_name[month]}] Something\n    russia {score:+d}\n")


def test_relative_bands_and_previous_in_a_series(tmp_path):
    scheme = load_scheme(write(tmp_path, "r.rules", RELATIVE))
    paths = [issue_file(tmp_path, n, s) for n, s in [(1, 1), (2, 3), (3, 2), (4, 5)]]
    series, problems = load_series(scheme, paths)
    russia = [i.figures["russia"] for i in series.issues]
    assert [f.colour for f in russia] == [None, None, "usual", "high"]
    # No 3: the two before are 1 and 3, p25 = 3/2, p75 = 5/2: 2 is usual
    bands = series.issues[2].evaluation.scheme.bands["russia"]
    assert [b.describe() for b in bands.bands] == ["< +1.5", "+1.5 to +2.5", "> +2.5"]
    assert [i.figures["change"].aggregate for i in series.issues] == [None, 2, -1, 3]
    warned = sorted((p.code, p.span.line) for p in problems if p.severity == "warning")
    assert warned == [("B705", 5)]  # one warning for the series, naming each figure
    [b705] = [p for p in problems if p.code == "B705"]
    assert f"{tmp_path / 'r.rules'}:4)" in b705.message  # the other one's place
    assert "russia has no colour in Test No 1, Test No 2" in str(problems)


def test_eval_without_history_says_so(tmp_path):
    scheme = load_scheme(write(tmp_path, "r.rules", RELATIVE))
    result = run("eval", tmp_path / "r.rules", issue_file(tmp_path, 1, 1))
    assert result.exit_code == 2
    assert ("r.rules:5:7: error[B704]: the colour of russia (bands relative to history over 2 "
            "issues) needs 2 earlier issues; Test No 1 is evaluated alone") in result.output
    assert "barometer series RULES EARLIER... THIS" in result.output
    with pytest.raises(InputError) as e:
        evaluate(scheme, load_catalogue([issue_file(tmp_path, 1, 1)], scheme))
    assert e.value.diagnostics[0].code == "B704"
    plain = write(tmp_path, "p.rules", 'scheme "P"\nrange -5 to +5\nindex russia\n'
                  "index rolling = (russia + previous(russia, 2)) / 2\n")
    result = run("eval", plain, issue_file(tmp_path, 1, 1))
    assert result.exit_code == 2
    assert "p.rules:4:27: error[B704]: previous(russia, 2) needs 2 earlier issues" in result.output


def test_mistakes_in_history_are_located(tmp_path):
    path = write(tmp_path, "bad.rules", """scheme "Bad"
range -5 to +5
index russia
index a = previous(russia, 0)
index b = previous(russia + 1)
index c = previous(rusia)
bands russia relative to history over 0 issues {
    low   < p20
    usual p20 to 3
    high  > p180
}
""")
    found = {(d.code, d.span.line, d.span.column) for d in run_check(path)}
    assert {("B111", 4, 28), ("B111", 5, 11), ("B101", 6, 20), ("B706", 7, 39),
            ("B706", 9, 5), ("B706", 10, 13)} <= found
    score = write(tmp_path, "score.rules", 'scheme "S"\nrange -5 to +5\nindex russia\n'
                  "score previous(russia)\n")
    assert ("B113", 4, 7) in {(d.code, d.span.line, d.span.column) for d in run_check(score)}


def run_check(path):
    from barometer.checker import check_files

    return check_files([path]).diagnostics


def test_relative_bands_keep_their_layout(tmp_path):
    from barometer.dsl.format import format_text

    assert format_text(RELATIVE, "rules", "r.rules") == RELATIVE


# --- issues in order -----------------------------------------------------------------


def test_overlapping_periods_and_numbers_against_the_dates(tmp_path, minsk):
    again = write(tmp_path, "again.events", 'period "Spring" from 2021-02-01 to 2021-03-31\n'
                  "published russia +1\n")
    result = run("series", RULES, again, EVENTS)
    assert result.exit_code == 2
    assert ("again.events:1:1: error[B701]: the period of 'Spring' (2021-02-01 to 2021-03-31) "
            "overlaps that of 'Minsk Barometer No 19 (January and February 2021)'") in result.output
    assert run("series", RULES, EVENTS, EVENTS).exit_code == 2  # the same file twice
    late = write(tmp_path, "18.events", 'period "Minsk Barometer No 18" from 2021-03-01 to '
                 "2021-04-30\npublished russia +1\n")
    result = run("series", RULES, late, EVENTS)
    assert result.exit_code == 2
    assert ("18.events:1:1: error[B702]: 'Minsk Barometer No 18' is numbered 18, but its period "
            "(2021-03-01 to 2021-04-30) comes after that of 'Minsk Barometer No 19 (January and "
            "February 2021)', numbered 19") in result.output


def test_a_gap_is_a_warning(tmp_path, minsk):
    early = write(tmp_path, "17.events", 'period "Minsk Barometer No 17" from 2020-09-01 to '
                  "2020-10-31\npublished russia +5\n")
    series, problems = load_series(minsk, [str(EVENTS), early])
    assert [(p.code, p.severity) for p in problems] == [("B703", "warning")]
    assert "61 days between 'Minsk Barometer No 17' (to 2020-10-31)" in problems[0].message
    assert series.issues[1].figures["russia"].change == 15
    early = write(tmp_path, "18.events", 'period "Minsk Barometer No 18" from 2020-11-01 to '
                  "2020-12-30\npublished russia +5\n")
    series, problems = load_series(minsk, [str(EVENTS), early])
    assert problems[0].message.startswith("1 day between 'Minsk Barometer No 18' (to "
                                          "2020-12-30) and "), problems[0].message  # "1 days"
    assert problems[0].message.endswith(" belongs to no issue")
    one = load_series(minsk, [str(EVENTS)])[0]._repr_html_()
    assert "Minsk Barometer: 1 issue, 2021-01-01 to 2021-02-28" in one, one  # "1 issues"


# --- the shipped history --------------------------------------------------------------


@pytest.fixture(scope="module")
def history():
    scheme = load_scheme(str(RULES))
    return load_series(scheme, [str(p) for p in HISTORY] + [str(EVENTS)])


def test_the_shipped_history_reads_cleanly(history):
    series, problems = history
    assert problems == []
    assert [i.label.split(" (")[0] for i in series.issues] == [
        f"Minsk Barometer No {n}" for n in range(1, 21)]
    no19 = series.issues[18]
    assert not no19.published
    assert {n: (f.aggregate, f.positive, f.negative) for n, f in no19.figures.items()} == PUBLISHED


def test_published_figures_as_the_sources_state_them(history):
    series = history[0]
    known = {(i.label.split(" (")[0].split()[-1], n): f.aggregate for i in series.issues
             for n, f in i.figures.items() if i.published and f.aggregate is not None}
    assert known == {("3", "eu"): 35, ("3", "russia"): 25, ("3", "china"): 31,
                     ("5", "ukraine"): 23, ("5", "us"): 5, ("5", "national_security"): 0,
                     ("8", "russia"): -9, ("14", "russia"): -9,
                     ("20", "russia"): 36, ("20", "us"): -31, ("20", "ukraine"): -31}
    no20 = series.issues[19].figures
    assert (no20["russia"].change, no20["us"].change, no20["ukraine"].change) == (16, -13, -18)
    assert all(f.published and f.positive is None and f.events is None for f in no20.values())
    tension = [i.figures["regional_tension"] for i in series.issues]
    assert [(n + 1, f.colour) for n, f in enumerate(tension) if f.colour] == [
        (3, "green"), (4, "green"), (5, "yellow"), (6, "green"), (16, "orange"), (19, "yellow"),
        (20, "orange")]
    assert [(n + 1, f.previous_colour) for n, f in enumerate(tension) if f.transition] == [
        (5, "green"), (6, "yellow"), (20, "yellow")]


def test_every_published_figure_has_its_source():
    for path in HISTORY:
        text = path.read_text(encoding="utf-8")
        if "\npublished " in text:
            assert "# Source: http" in text, path.name
        else:
            assert "found" in text, path.name  # says what was looked for


def test_series_command_in_every_format(tmp_path):
    args = ["series", RULES, *HISTORY, EVENTS]
    table = run(*args)
    assert table.exit_code == 0
    assert "│ Minsk Barometer No 20 (March and April 2021)       │ Relationship with Russia   │" \
           "          +36* │    +16 │" in table.output
    assert "* a published figure or colour, with no catalogue behind it" in table.output
    md = run(*args, "--format", "markdown").output
    assert "| Relationship with the U.S. | -31* | -13 |  |  |  |  |" in md
    csv = run(*args, "--format", "csv").output.splitlines()
    assert csv[0] == ("issue,start,end,published,index,name,aggregate,positive,negative,events,"
                      "colour,change,previous_colour,missing")
    assert ("Minsk Barometer No 19 (January and February 2021),2021-01-01,2021-02-28,false,"
            "regional_tension,Regional tension,-7,6,-13,22,yellow,,,") in csv
    out = tmp_path / "s.json"
    assert run(*args, "--format", "json", "-o", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [i["published"] for i in data["issues"]] == [True] * 18 + [False, True]
    assert data["issues"][19]["indices"]["ukraine"] == {
        "name": "Relationship with Ukraine", "aggregate": -31, "positive": None,
        "negative": None, "events": None, "colour": None, "published": True, "change": -18,
        "previous_colour": None, "missing": None}


def test_files_of_published_figures(tmp_path):
    no20 = HISTORY[-1]
    result = run("eval", RULES, no20)
    assert result.exit_code == 2
    assert "minsk-barometer-20.events:14:11: error[B707]" in result.output
    assert run("check", RULES, no20).exit_code == 0  # not held to events it does not have
    assert "Minsk Barometer No 20" in run("series", RULES, no20).output


def test_eval_and_explain_read_the_history_they_are_given(tmp_path):
    write(tmp_path, "r.rules", RELATIVE)
    paths = [issue_file(tmp_path, n, s) for n, s in [(1, 1), (2, 3), (3, 2)]]
    result = run("eval", tmp_path / "r.rules", paths[2], "--history", paths[1],
                 "--history", paths[0], "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert (data["indices"]["russia"]["colour"], data["indices"]["change"]["aggregate"]) == (
        "usual", -1)
    explained = run("explain", tmp_path / "r.rules", paths[2], "--history", paths[1],
                    "--index", "change").output
    assert "with russia +2, previous(russia) +3" in explained
    result = run("eval", tmp_path / "r.rules", paths[1], "--history", paths[2])
    assert result.exit_code == 2
    assert ("i3.events:1:1: error[B708]: the history must come before the issue evaluated: "
            "'Test No 3' (2021-05-01 to 2021-06-30) does not end before 'Test No 2' begins "
            "(2021-03-01)") in result.output


def test_a_published_issue_takes_its_colour_from_bands_relative_to_its_history(tmp_path):
    scheme = load_scheme(write(tmp_path, "r.rules", RELATIVE))
    paths = [issue_file(tmp_path, n, s) for n, s in [(1, 1), (2, 3)]]
    paths.append(write(tmp_path, "i3.events", 'period "Test No 3" from 2021-05-01 to 2021-06-30\n'
                       "published russia +20\n"))
    series = load_series(scheme, paths)[0]
    assert [i.figures["russia"].colour for i in series.issues] == [None, None, "high"]


def test_published_colours_are_checked(tmp_path):
    wrong = write(tmp_path, "19.events", EVENTS.read_text(encoding="utf-8").replace(
        "published regional_tension   -7 yellow", "published regional_tension   -7 orange"))
    result = run("check", RULES, wrong)
    assert ("19.events:20:33: error[B503]: the catalogue publishes orange for regional_tension, "
            "but its events add up to -7, yellow") in result.output
    bad = write(tmp_path, "20.events", 'period "No 20" from 2021-03-01 to 2021-04-30\n'
                "published regional_tension orang\npublished russia +3 red\n")
    result = run("check", RULES, bad)
    assert "20.events:2:28: error[B101]: unknown band `orang` of regional_tension" in result.output
    assert "did you mean `orange`?" in result.output
    assert "20.events:3:21: error[B101]: russia has no bands" in result.output


def test_a_variant_with_other_bands_still_reads_the_reports_colour(tmp_path):
    variant = write(tmp_path, "v.rules", f'scheme "V"\nextends "{RULES}"\n'
                    "bands regional_tension { calm >= -5  tense < -5 }\n")
    result = run("eval", variant, EVENTS)
    assert result.exit_code == 0 and "│ tense  │" in result.output


def test_a_folder_of_the_whole_history_reads_the_issues_before_and_sets_later_ones_aside(
        tmp_path):
    from .conftest import EVENTS, ROOT, RULES

    rules = tmp_path / "change.rules"
    rules.write_text(f'scheme "C" version "1"\nextends "{RULES}"\n'
                     'index change "Change" = russia - previous(russia)\n', encoding="utf-8")
    history = ROOT / "examples" / "history"
    alone = CliRunner().invoke(main, ["check", str(rules), str(EVENTS)])
    assert "error[B704]" in alone.output and alone.exit_code == 1
    result = CliRunner().invoke(main, ["check", str(rules), str(EVENTS), "--history",
                                       str(history)])
    codes = [line.split("[")[1][:4] for line in result.output.splitlines() if "]: " in line]
    assert "B704" not in codes and "B703" not in codes and codes.count("B709") == 1
    assert ("warning[B709]: 'Minsk Barometer No 20 (March and April 2021)' comes after "
            "'Minsk Barometer No 19 (January and February 2021)': not read as its history"
            in result.output)
    result = CliRunner().invoke(main, ["eval", str(rules), str(EVENTS), "--history",
                                       str(history), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["indices"]["russia"]["aggregate"] == 20


def test_series_takes_a_folder_as_its_files(tmp_path):
    from .conftest import EVENTS, ROOT, RULES

    history = ROOT / "examples" / "history"
    by_files = CliRunner().invoke(main, ["series", str(RULES), *sorted(map(str, history.glob(
        "*.events"))), str(EVENTS), "--format", "csv"])
    by_folder = CliRunner().invoke(main, ["series", str(RULES), str(history), str(EVENTS),
                                          "--format", "csv"])
    assert by_folder.exit_code == by_files.exit_code == 0
    assert by_folder.stdout == by_files.stdout and by_folder.stdout.count("\n") > 100
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["series", str(RULES), str(empty)])
    assert result.exit_code == 2 and "holds no catalogue (.events, .csv, .xlsx)" in result.output


def test_a_folder_stands_for_its_json_lines_and_parquet_issues_too(tmp_path):
    # a folder of issues left its JSON Lines (and Parquet) catalogues out without a word
    from .conftest import RULES

    (tmp_path / "a.csv").write_text('# period "No 1" from 2021-01-01 to 2021-01-31\n'
                                    "date,event,russia\n2 January,e,+1\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"date": "2 February", "event": "f", "russia": -2}\n',
                                      encoding="utf-8")
    (tmp_path / "b.jsonl.period").write_text('period "No 2" from 2021-02-01 to 2021-02-28\n',
                                             encoding="utf-8")
    result = CliRunner().invoke(main, ["series", str(RULES), str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[:7] for line in result.stdout.splitlines() if ",russia," in line] \
        == [["No 1", "2021-01-01", "2021-01-31", "false", "russia", "Relationship with Russia",
             "1"],
            ["No 2", "2021-02-01", "2021-02-28", "false", "russia", "Relationship with Russia",
             "-2"]]


def test_series_says_why_a_figure_is_missing(tmp_path):
    from .conftest import EVENTS, ROOT, RULES

    rules = tmp_path / "c.rules"
    rules.write_text(f'scheme "C" version "1"\nextends "{RULES}"\n'
                     'index change "Change" = russia - previous(russia)\n', encoding="utf-8")
    history = ROOT / "examples" / "history"
    result = CliRunner().invoke(main, ["series", str(rules), str(history / "minsk-barometer-18.events"),
                                       str(EVENTS), "--format", "json"])
    issues = json.loads(result.stdout)["issues"]
    assert [(i["indices"]["change"]["missing"], i["indices"]["russia"]["missing"])
            for i in issues] == [("not known", "not known"), ("history", None)]


def test_relative_bands_give_their_percentiles_in_json(tmp_path):
    write(tmp_path, "r.rules", RELATIVE)
    paths = [issue_file(tmp_path, n, s) for n, s in [(1, 1), (2, 3), (3, 2)]]
    data = json.loads(run("series", tmp_path / "r.rules", *paths, "--format", "json").stdout)
    assert data["issues"][2]["indices"]["russia"]["percentiles"] == {"p25": 1.5, "p75": 2.5}
    assert "percentiles" not in data["issues"][0]["indices"]["russia"]
    alone = json.loads(run("eval", tmp_path / "r.rules", paths[2], "--history", paths[0],
                           "--history", paths[1], "--format", "json").stdout)
    assert alone["indices"]["russia"]["percentiles"] == {"p25": 1.5, "p75": 2.5}
