"""Results in a notebook: short reprs, records, frames, HTML tables, and
docs/python.md run line by line."""

import ast
import io
import re
import sys
import tokenize

import pytest

import barometer
from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl.model import Catalogue, Scheme
from barometer.engine.records import NEEDS_PANDAS, bounded, number

from .conftest import EVENTS, PUBLISHED, ROOT, RULES

BY_CATEGORY = ROOT / "rules" / "minsk-by-category.rules"
TITLES = {"russia": "Relationship with Russia", "eu": "Relationship with the EU",
          "china": "Relationship with China", "us": "Relationship with the U.S.",
          "ukraine": "Relationship with Ukraine", "national_security": "National security",
          "regional_tension": "Regional tension"}


def run(rules):
    scheme = load_scheme(str(rules))
    return evaluate(scheme, load_catalogue([str(EVENTS)], scheme))


@pytest.fixture(scope="module")
def results():
    published, other = run(RULES), run(BY_CATEGORY)
    return {"published": published, "other": other,
            "comparison": barometer.compare([published, other]),
            "explanations": barometer.explain(published),
            "sensitivity": barometer.sensitivity(other, list(other.scheme.varies), samples=500)}


# --- repr -----------------------------------------------------------------------------


def test_every_result_has_a_short_repr_naming_what_matters(results):
    ev = results["published"]
    report = barometer.check([str(RULES), str(EVENTS)])
    expected = [
        (ev.scheme, ["<Scheme 'Minsk Barometer' (",
                     "minsk-barometer.rules): 7 indices, 15 categories, 0 rules>"]),
        (ev.catalogue, ["<Catalogue 'Minsk Barometer No 19 (January and February 2021)' "
                        "2021-01-01 to 2021-02-28: 121 events>"]),
        (ev, ["<Evaluation of 'Minsk Barometer No 19", "russia +20", "regional_tension -7"]),
        (ev.indices["regional_tension"],
         ["regional_tension 'Regional tension': -7 (+6/-13), 22 events, yellow"]),
        (results["comparison"],
         ["2 schemes", "A 'Minsk Barometer'", "B 'Minsk Barometer, scored by category'",
          "1 with a colour changed"]),
        (results["explanations"], ["<Explanations of 7 indices: russia +20 (21 lines)"]),
        (results["explanations"][-1],
         ["regional_tension 'Regional tension': -7, yellow; 22 lines; "
          "1 point from green (at -6); 6 points from orange (at -13)"]),
        (results["sensitivity"],
         ["7 indices to 19 parameters, 500 samples (seed 0)",
          "regional_tension orange changes in", "ranking of relationships kept in"]),
        (report, ["<Report on 2 files: 0 errors, 1 warning (B501)>"]),
    ]
    for value, parts in expected:
        text = repr(value)
        assert len(text) < 300, text
        for part in parts:
            assert part in text, (part, text)


def test_reprs_leave_equality_and_hashing_alone(results):
    again = run(RULES)
    ev = results["published"]
    assert again.scheme == ev.scheme
    with pytest.raises(TypeError):
        hash(ev.scheme)  # as before: a scheme holds dicts
    assert hash(again.indices["eu"]) == hash(ev.indices["eu"])
    assert hash(barometer.explain(again)[0]) == hash(results["explanations"][0])
    assert again.catalogue == ev.catalogue and hash(again.catalogue) == hash(ev.catalogue)
    assert again.indices == ev.indices
    assert barometer.explain(again) == results["explanations"]
    assert barometer.explain(again) == list(results["explanations"])  # still a list
    assert barometer.compare([again, results["other"]]) == results["comparison"]
    assert results["other"].scheme != ev.scheme
    assert results["comparison"] != barometer.compare([results["other"], again])


def test_reprs_stay_short_with_long_names_and_many_indices(tmp_path):
    long = "x" * 400
    indices = "\n".join(f'index i{k} "{long}"' for k in range(60))
    rules = tmp_path / ("d" * 150) / "s.rules"
    rules.parent.mkdir()
    rules.write_text(f'scheme "{long}" version "1"\nrange -3 to +3\nscore recorded\n{indices}\n'
                     "bands i0 {\n    low < 0 \"\"\n    high >= 0 \"\"\n}\n", encoding="utf-8")
    events = tmp_path / "e.events"
    events.write_text(f'period "{long}" from 2021-01-01 to 2021-02-28\n\n[1 January] {long}\n'
                      "    i0 +1\n    i1 -2\n", encoding="utf-8")
    scheme = load_scheme(str(rules))
    ev = evaluate(scheme, load_catalogue([str(events)], scheme))
    values = [scheme, ev.catalogue, ev, ev.indices["i0"], barometer.explain(ev),
              barometer.explain(ev)[0], barometer.compare([ev, ev])]
    for value in values:
        assert len(repr(value)) < 300, repr(value)
    shown = re.findall(r"\bi\d+ [+-]?\d+", repr(ev))
    left = re.search(r"\.\.\. (\d+) more>$", repr(ev))
    assert left and len(shown) + int(left[1]) == 60  # the indices left out, counted


def test_bounded_counts_what_it_leaves_out():
    assert bounded("<a: ", ["x", "y"]) == "<a: x, y>"
    text = bounded("<a: ", [str(k) * 10 for k in range(100)], size=60)
    assert len(text) <= 60 and text.endswith(" more>")
    shown = text.removeprefix("<a: ").split(", ")[:-1]
    assert int(text.rsplit("... ", 1)[1].split()[0]) == 100 - len(shown)


# --- records --------------------------------------------------------------------------


def test_evaluation_records_are_the_published_figures(results):
    records = results["published"].to_records()
    assert [r["index"] for r in records] == list(PUBLISHED)
    for r in records:
        assert list(r) == ["index", "name", "aggregate", "positive", "negative", "events",
                           "colour"]
        assert (r["aggregate"], r["positive"], r["negative"]) == PUBLISHED[r["index"]]
        assert r["name"] == TITLES[r["index"]]
        assert all(type(r[k]) is int for k in ("aggregate", "positive", "negative", "events"))
    assert [r["colour"] for r in records] == [None] * 6 + ["yellow"]


def test_numbers_are_int_where_whole_else_float():
    from fractions import Fraction

    assert [number(v) for v in (Fraction(4, 2), Fraction(3, 2), -14.0, 0.25, None, True)] \
        == [2, 1.5, -14, 0.25, None, True]
    assert [type(number(v)) for v in (Fraction(4, 2), Fraction(3, 2), -14.0)] \
        == [int, float, int]


def test_fractional_figures_are_floats_in_records(tmp_path):
    rules = tmp_path / "s.rules"
    rules.write_text('scheme "halves" version "1"\nrange -3 to +3\nscore recorded * 0.5\n'
                     'index a "A"\n', encoding="utf-8")
    events = tmp_path / "e.events"
    events.write_text('period "P" from 2021-01-01 to 2021-01-31\n\n[1 January] one\n    a +3\n\n'
                      "[2 January] two\n    a +1\n", encoding="utf-8")
    scheme = load_scheme(str(rules))
    ev = evaluate(scheme, load_catalogue([str(events)], scheme))
    [record] = ev.to_records()
    assert (record["aggregate"], record["positive"], record["negative"]) == (2, 2, 0)
    assert type(record["aggregate"]) is int
    lines = barometer.explain(ev).to_records()
    assert [(x["score"], x["total"]) for x in lines] == [(1.5, 1.5), (0.5, 2)]
    assert type(lines[0]["score"]) is float and type(lines[1]["total"]) is int


def test_comparison_records_per_index_and_scheme(results):
    records = results["comparison"].to_records()
    assert len(records) == 14
    assert {tuple(r) for r in records} == {("index", "name", "scheme", "file", "value",
                                            "colour", "difference")}
    tension = [r for r in records if r["index"] == "regional_tension"]
    assert [(r["scheme"], r["value"], r["colour"], r["difference"]) for r in tension] == [
        ("Minsk Barometer", -7, "yellow", 0),
        ("Minsk Barometer, scored by category", -14, "orange", -7)]
    assert tension[1]["file"].endswith("minsk-by-category.rules")
    russia = [r["value"] for r in records if r["index"] == "russia"]
    assert russia == [20, 24]


def test_sensitivity_records_per_index(results):
    s = results["sensitivity"]
    records = s.to_records()
    assert [r["index"] for r in records] == list(PUBLISHED)
    assert all(list(r) == list(s.columns) for r in records)
    tension = records[-1]
    assert (tension["nominal"], tension["colour"]) == (-14, "orange")
    assert type(tension["nominal"]) is int
    assert tension["p5"] < tension["median"] < tension["p95"]
    assert abs(sum(tension["colours"].values()) - 1) < 1e-9
    assert tension["colour_changes"] == pytest.approx(1 - tension["colours"]["orange"])
    assert records[0]["rank"] == 1 and records[0]["colour_changes"] is None


def test_explanation_records_per_line(results):
    explanations = results["explanations"]
    records = explanations.to_records()
    assert len(records) == sum(r.events for r in results["published"].indices.values())
    tension = explanations[-1].to_records()
    assert records[-len(tension):] == tension
    assert [x["total"] for x in tension][-1] == -7
    assert tension[0]["date"] == "Early January" and tension[0]["index"] == "regional_tension"
    assert [x["start"] for x in tension] == sorted(x["start"] for x in tension)
    picked = barometer.explain(results["published"], "russia", event="no such text")
    assert picked.to_records() == []


def test_explanation_records_name_the_rules_that_fired(tmp_path):
    rules = tmp_path / "s.rules"
    rules.write_text('scheme "s" version "1"\nrange -3 to +3\nscore recorded\nindex a "A"\n'
                     'rule halve "Halve texts about talks"\n    when text contains "talks"\n'
                     "    then multiply by 0.5\n"
                     'rule drop "Drop rumours"\n    when text contains "rumour"\n'
                     "    then exclude\n", encoding="utf-8")
    events = tmp_path / "e.events"
    events.write_text('period "P" from 2021-01-01 to 2021-01-31\n\n[1 January] talks\n    a +2\n\n'
                      "[2 January] a rumour\n    a -3\n", encoding="utf-8")
    scheme = load_scheme(str(rules))
    ev = evaluate(scheme, load_catalogue([str(events)], scheme))
    lines = barometer.explain(ev).to_records()
    assert [(x["rules"], x["score"], x["total"]) for x in lines] == [
        (["halve"], 1, 1), (["drop"], None, 1)]


# --- frames ---------------------------------------------------------------------------


def test_frames_hold_the_records(results):
    pd = pytest.importorskip("pandas")
    for value in (results["published"], results["comparison"], results["sensitivity"],
                  results["explanations"], results["explanations"][0]):
        frame = value.to_frame()
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == list(value.columns)
        assert len(frame) == len(value.to_records())
    frame = results["published"].to_frame().set_index("index")
    assert frame["aggregate"].to_dict() == {k: v[0] for k, v in PUBLISHED.items()}
    empty = barometer.explain(results["published"], "russia", event="no such text")
    assert list(empty.to_frame().columns) == list(empty.columns)


def test_to_frame_without_pandas_says_how_to_get_it(results, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` fails
    with pytest.raises(ImportError) as caught:
        results["published"].to_frame()
    assert str(caught.value) == NEEDS_PANDAS and "pip install pandas" in NEEDS_PANDAS
    assert "\n" not in NEEDS_PANDAS


def test_barometer_imports_no_pandas():
    import subprocess

    code = ("import sys, barometer; from barometer.engine import records, explain, compare, "
            "sensitivity; print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# --- HTML -----------------------------------------------------------------------------


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
             for r in rows]
    return [c for c in cells if c]  # the heading row has no <td>


def test_evaluation_html_has_every_title_and_figure(results):
    html = results["published"]._repr_html_()
    rows = _cells(html)
    assert [r[0] for r in rows] == list(TITLES.values())
    for row, (a, p, n) in zip(rows, PUBLISHED.values()):
        signed = [f"{v:+d}" if v else "0" for v in (a, p, n)]
        assert row[1:4] == signed
    assert rows[-1][5] == "Yellow" and "background:yellow" in html
    assert "Minsk Barometer No 19 (January and February 2021)" in html


def test_comparison_html_has_every_title_and_figure(results):
    rows = _cells(results["comparison"]._repr_html_())
    assert [r[0] for r in rows] == list(TITLES.values())
    assert rows[-1][1:] == ["-7 Yellow", "-14 Orange", "-7"]
    assert rows[0][1:] == ["+20", "+24", "+4"]


def test_sensitivity_html_has_every_index_and_figure(results):
    s = results["sensitivity"]
    rows = _cells(s._repr_html_())
    assert [r[0] for r in rows] == list(PUBLISHED)
    assert [r[1] for r in rows] == [str(int(i.nominal)) for i in s.indices]
    assert rows[-1][5].startswith("yellow") and "orange" in rows[-1][5]


def test_explanation_html_lists_every_line(results):
    [x] = barometer.explain(results["published"], "regional_tension")
    rows = _cells(x._repr_html_())
    assert len(rows) == 22 and [r[0] for r in rows] == ["regional_tension"] * 22
    assert rows[0][2] == "Early January" and rows[-1][10] == "-7"
    assert rows[0][5] == ("Rearmament of the Taman infantry division of the Russian Western "
                          "Military District")


def test_html_escapes_text(tmp_path):
    rules = tmp_path / "s.rules"
    rules.write_text('scheme "<b>s</b>" version "1"\nrange -3 to +3\nscore recorded\n'
                     'index a "A & <i>B</i>"\n', encoding="utf-8")
    events = tmp_path / "e.events"
    events.write_text('period "<script>x</script>" from 2021-01-01 to 2021-01-31\n\n'
                      "[1 January] e\n    a +2\n", encoding="utf-8")
    scheme = load_scheme(str(rules))
    ev = evaluate(scheme, load_catalogue([str(events)], scheme))
    html = ev._repr_html_() + barometer.compare([ev, ev])._repr_html_()
    assert "<script>" not in html and "<i>" not in html and "<b>" not in html
    assert "A &amp; &lt;i&gt;B&lt;/i&gt;" in html and "&lt;script&gt;" in html


# --- docs/python.md -------------------------------------------------------------------


def _blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)


def _comments(block: str) -> dict[int, str]:
    return {tok.start[0]: tok.string[1:].strip()
            for tok in tokenize.generate_tokens(io.StringIO(block).readline)
            if tok.type == tokenize.COMMENT}


def _matches(shown: str, actual: str) -> bool:
    pattern = ".*?".join(re.escape(part) for part in shown.split("..."))
    return re.fullmatch(pattern, actual, re.S) is not None


def test_python_md_runs_and_shows_what_it_says(monkeypatch):
    have_pandas = True
    try:
        import pandas  # noqa: F401
    except ImportError:
        have_pandas = False
    monkeypatch.chdir(ROOT)
    import importlib.util

    have_duckdb = importlib.util.find_spec("duckdb") is not None
    blocks = _blocks((ROOT / "docs" / "python.md").read_text(encoding="utf-8"))
    assert len(blocks) == 11
    namespace: dict = {}
    checked = 0
    for block in blocks:
        if "to_frame()" in block and not have_pandas:
            continue  # the one block that needs pandas
        if ("evaluate_columnar" in block or 'engine="duckdb"' in block) and not have_duckdb:
            continue  # the ones that need the columnar extra
        comments = _comments(block)
        for statement in ast.parse(block).body:
            code = ast.get_source_segment(block, statement)
            shown = comments.get(statement.end_lineno)
            if isinstance(statement, ast.Expr) and shown is not None:
                actual = repr(eval(compile(ast.Expression(statement.value), "python.md",
                                           "eval"), namespace))
                assert _matches(shown, actual), (code, shown, actual)
                checked += 1
            else:
                assert shown is None, f"a comment on a line that is not an expression: {code}"
                exec(compile(ast.Module([statement], []), "python.md", "exec"), namespace)
    assert checked == (33 if have_pandas else 30) + (4 if have_duckdb else 0)  # every comment


def test_python_md_checks_would_catch_a_wrong_comment():
    assert _matches("<Report on 2 files: ...>", "<Report on 2 files: 0 errors>")
    assert not _matches("<Report on 2 files: ...>", "<Report on 3 files: 0 errors>")
    assert not _matches("[20, -1]", "[20, -1, 8]")


def test_readme_points_to_python_md():
    assert "`docs/python.md`" in (ROOT / "README.md").read_text(encoding="utf-8")
