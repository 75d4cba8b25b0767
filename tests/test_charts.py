"""Charts (matplotlib): what is drawn where, named by titles, the same bytes every time."""

import re
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from barometer.dsl.numbers import signed
from barometer.main import main

from .conftest import EVENTS, PUBLISHED, ROOT, RULES
from .helpers import examples

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def texts(svg) -> list[str]:
    return [t.text for t in svg.iter(SVG + "text") if t.text]


def group(svg, gid):
    found = [g for g in svg.iter(SVG + "g") if g.get("id") == gid]
    assert len(found) == 1, gid
    return found[0]


def xs(svg, gid) -> list[float]:
    """The x coordinates a group draws: its paths' points and its markers' places."""
    g = group(svg, gid)
    out = [float(u.get("x")) for u in g.iter(SVG + "use")]
    for path in g.iter(SVG + "path"):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
        out += numbers[0::2]
    return out


def ys(svg, gid) -> list[float]:
    return [float(u.get("y")) for u in group(svg, gid).iter(SVG + "use")]


def test_one_issue_as_svg():
    result = run("eval", RULES, EVENTS, "--format", "svg")
    assert result.exit_code == 0, result.output
    svg = ET.fromstring(result.output)
    words = texts(svg)
    for name, (aggregate, positive, negative) in PUBLISHED.items():
        assert signed(aggregate) in words and signed(positive) in words
    titles = ["Relationship with Russia", "Relationship with the U.S.", "National security",
              "Regional tension", "Minsk Barometer No 19 (January and February 2021)"]
    assert all(t in words for t in titles) and "yellow" in words and "points" in words
    assert not {"us", "national_security", "regional_tension"} & set(words)
    # bars are as long as their points, on one axis: zero is where the bars meet
    zero = min(xs(svg, "positive-russia"))
    assert max(xs(svg, "negative-ukraine")) == zero

    def length(gid):
        points = xs(svg, gid)
        return max(points) - min(points)

    assert abs(length("negative-us") - length("positive-russia")) < 0.01  # -22 and +22
    assert abs(length("negative-ukraine") / length("negative-us") - 25 / 22) < 0.001
    # the aggregate's marker sits at its value: Russia +20 of a +22 bar, the U.S. at -18
    assert abs((xs(svg, "aggregate-russia")[0] - zero) / length("positive-russia") - 20 / 22) < 1e-3
    assert abs((zero - xs(svg, "aggregate-us")[0]) / length("negative-us") - 18 / 22) < 1e-3


def test_the_same_files_give_the_same_bytes(minsk):
    from barometer import evaluate, load_catalogue
    from barometer.output import charts

    ev = evaluate(minsk, load_catalogue([str(EVENTS)], minsk))
    svg = [charts.render(charts.scale(ev), "svg") for _ in range(2)]
    png = [charts.render(charts.scale(ev), "png") for _ in range(2)]
    assert svg[0] == svg[1] and png[0] == png[1]
    assert png[0].startswith(b"\x89PNG") and b"tIME" not in png[0]
    assert b"<dc:date>" not in svg[0] and b"Matplotlib v" not in svg[0]
    scale = ET.fromstring(svg[0])
    words = texts(scale)
    assert "Regional tension: -7 (yellow)" in words and "-12 to -7" in words
    # the value sits inside its band, which is drawn between its neighbours
    value = xs(scale, "value-regional_tension")[0]
    yellow, green = xs(scale, "band-regional_tension-yellow"), xs(scale, "band-regional_tension-green")
    assert min(yellow) < value < max(yellow) <= min(green)


def test_long_titles_wrap(tmp_path):
    rules = tmp_path / "long.rules"
    title = "Relationship with the Union State, its institutions and its member states"
    rules.write_text(f'scheme "Long" version "1"\nrange -3 to +3\nscore recorded\nindex union "{title}"\n', encoding="utf-8")
    events = tmp_path / "one.events"
    events.write_text('period "One" from 2021-01-01 to 2021-01-31\n\n[4 January] A call\n'
                      "    union +2\n", encoding="utf-8")
    result = run("eval", rules, events, "--format", "svg")
    assert result.exit_code == 0, result.output
    lines = [t for t in texts(ET.fromstring(result.output)) if t in title]
    assert len(lines) >= 3 and " ".join(lines) == title and max(map(len, lines)) <= 26


def test_sensitivity_as_a_picture():
    result = run("sensitivity", ROOT / "rules" / "minsk-by-category.rules", EVENTS,
                 "--samples", "500", "--format", "svg")
    assert result.exit_code == 0, result.output
    svg = ET.fromstring(result.output)
    words = texts(svg)
    written = " ".join(words)
    assert "Sensitivity: Minsk Barometer, scored by category" in written
    assert "Minsk Barometer No 19 (January and February 2021)" in written
    assert "Regional tension" in words and "regional_tension" not in written
    # every sample has one colour: the shares fill the axis, and each is written on the chart
    axis = xs(svg, "shares-axis")
    shares = [g.get("id") for g in svg.iter(SVG + "g")
              if (g.get("id") or "").startswith("share-regional_tension-")]
    assert len(shares) >= 3
    assert abs(sum(max(xs(svg, s)) - min(xs(svg, s)) for s in shares)
               - (max(axis) - min(axis))) < 0.05
    assert all(re.search(s.rsplit("-", 1)[1] + r"\s(<?[\d.]+%)", written, re.I) for s in shares)


def test_a_sensitivity_chart_of_one_sample_says_one_sample():
    result = run("sensitivity", RULES, EVENTS, "--samples", "1", "--vary",
                 "bands of regional_tension by 2", "--format", "svg")
    assert result.exit_code == 0, result.output
    written = " ".join(texts(ET.fromstring(result.output)))
    assert "1 sample, seed 0" in written and "1 samples" not in written


def test_a_picture_as_png(tmp_path):
    out = tmp_path / "no19.png"
    result = run("eval", RULES, EVENTS, "--format", "png", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1125 and height > 600  # 7.5 inches at 150 dpi


def test_without_matplotlib_charts_say_how_to_get_it(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    for args in (["eval", RULES, EVENTS, "--format", "svg"],
                 ["report", RULES, EVENTS]):
        result = run(*args)
        assert result.exit_code == 2
        assert "pip install 'barometer[charts]'" in result.output


def test_a_picture_goes_to_standard_output_as_it_is(capsysbinary):
    from barometer.writing import write_output

    write_output(b"\x89PNG\r\n\x1a\n\x00\xff", "-")
    assert capsysbinary.readouterr().out == b"\x89PNG\r\n\x1a\n\x00\xff"


# --- text is text: a `$` is a dollar, never TeX -------------------------------------------

MATHS_RULES = r'''scheme "S $x$"
range -3 to +3
score recorded * weight
category c "$c_1^2$" weight 2
index a "Cost $5 and $10"
index b "$\foo$"
bands a {
    low <= 0 "a_b^{c} $y$"
    high >= 1 "$\bar"
}
'''
MATHS_ISSUE = r'''period "P $1 \frac{1}{2}$" from 2021-01-01 to 2021-02-28

[4 January] One
    a +1
    b -2
    category c
'''
MATHS_BEFORE = '''period "Q {$}" from 2020-11-01 to 2020-12-31

[4 November] One
    a +1
    category c
'''


def test_dollars_in_titles_are_drawn_as_written_in_every_chart(tmp_path):
    """matplotlib read `$...$` as TeX: `index b "$\\foo$"` ended `eval --format svg`,
    `series`, `sensitivity` and `report` in a traceback, and "Cost $5 and $10"
    was drawn as "Cost 5*and*10" in italics."""
    rules, issue, before = tmp_path / "m.rules", tmp_path / "m.events", tmp_path / "q.events"
    rules.write_text(MATHS_RULES, encoding="utf-8")
    issue.write_text(MATHS_ISSUE, encoding="utf-8")
    before.write_text(MATHS_BEFORE, encoding="utf-8")
    charts = {
        "eval": ["eval", rules, issue, "--format", "svg"],
        "series": ["series", rules, before, issue, "--format", "svg"],
        "sensitivity": ["sensitivity", rules, issue, "--samples", "20", "--vary",
                        "weights by 1", "--format", "svg"],
    }
    for verb, argv in charts.items():
        result = run(*argv)
        assert result.exit_code == 0, (verb, result.output[-300:])
        words = texts(ET.fromstring(result.output))
        assert "Cost $5 and $10" in words and r"$\foo$" in words, (verb, words)
    assert r"P $1 \frac{1}{2}$" in texts(ET.fromstring(run(*charts["eval"]).output))
    assert "Q {$} to P $1 \\frac{1}{2}$" in texts(ET.fromstring(run(*charts["series"]).output))
    result = run("report", rules, issue, "--history", before)
    assert result.exit_code == 0, result.output[-300:]
    svgs = re.findall(r"<svg .*?</svg>", result.output, re.S)
    drawn = [w for svg in svgs for w in texts(ET.fromstring(svg))]
    assert {"Cost $5 and $10", r"$\foo$", "Cost $5 and $10: +2 (high)"} <= set(drawn)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# A title as a rules file can write it (no quote, no line break), its spaces single.
TITLES = st.text(alphabet="ab $\\_^{}%~#&", min_size=1, max_size=20).map(
    lambda t: " ".join(t.split())).filter(bool)


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TITLES, TITLES)
def test_any_title_is_drawn_as_written(first, second):
    """No title ends in a traceback, and each is drawn as it is written."""
    import tempfile
    from pathlib import Path

    from barometer import evaluate, load_catalogue, load_scheme
    from barometer.output import charts

    with tempfile.TemporaryDirectory() as folder:
        rules, events = Path(folder) / "t.rules", Path(folder) / "t.events"
        rules.write_text(f'scheme "{second}"\nrange -3 to +3\nscore recorded\n'
                         f'index a "{first}"\nindex b "{second}"\n', encoding="utf-8")
        events.write_text(f'period "{first}" from 2021-01-01 to 2021-02-28\n\n'
                          "[4 January] One\n    a +1\n    b -2\n", encoding="utf-8")
        scheme = load_scheme(str(rules))
        ev = evaluate(scheme, load_catalogue([str(events)], scheme))
    words = texts(ET.fromstring(charts.render(charts.issue(ev), "svg")))
    assert first in words and second in words  # the period's title, the indices' titles


def test_a_sensitivity_chart_says_what_was_varied():
    from barometer.engine.sensitivity import Parameter
    from barometer.output.charts import _varied

    said = _varied([Parameter("score", "score", "score among [recorded, direction]", -1.0, 2.0),
                    Parameter("rule", "older#0", "rule older: 2, its number 1 of 2", 2.0, 1.0),
                    Parameter("rule", "older#1", "rule older: 30, its number 2 of 2", 30.0, 1.0),
                    Parameter("weight", "visits", "weight of visits", 2.0, 1.0)], str)
    # was: "weights (score among [...]) ±2; weights (rule older: 2, ...) ±1; ..."
    assert said == ("score among [recorded, direction], one per sample; the numbers of rule "
                    "older (2, 30) \u00b11; weights (visits) \u00b11")
