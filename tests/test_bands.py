"""Bands: a scheme whose totals can fall between its bands is refused, naming what
makes them non-whole; an index without events has no colour unless its bands give
one; bands relative to history are worded in percentiles and drawn issue by issue."""

import json

from barometer import load_scheme

from .conftest import EVENTS, RULES
from .helpers import run, write


def test_eval_refuses_bands_with_a_gap_and_names_the_weight_that_makes_it(tmp_path):
    child = write(tmp_path, "c.rules", f'scheme "C"\nextends "{RULES}"\n'
                  "score recorded * weight\n"
                  + "".join(f"category {c} weight 1\n" for c in load_scheme(str(RULES)).categories
                            if c != "armament")
                  + "category armament weight 1.5\n")
    result = run("eval", child, EVENTS)
    assert result.exit_code == 2
    assert "error[B201]: regional_tension: values between -2 and -1 fall in no band" \
        in result.output
    assert "totals of regional_tension can be non-whole because of the weight 1.5 of category "\
           "`armament`" \
        in result.output
    # sensitivity reads the scheme the same way: no colour for a total the bands miss
    assert run("sensitivity", child, EVENTS, "--samples", "10").exit_code == 2


def test_an_index_without_events_has_no_colour(tmp_path):
    events = write(tmp_path, "e.events", 'period "P" from 2021-03-01 to 2021-03-31\n'
                   "[4 March] Call\n    russia +1\n")
    result = run("eval", RULES, events, "--format", "json")
    assert json.loads(result.output)["indices"]["regional_tension"]["colour"] is None
    assert "no events" in run("eval", RULES, events).output
    empty = write(tmp_path, "x.rules", f'scheme "X"\nextends "{RULES}"\n'
                  "bands regional_tension {\n    white >= -1\n    red < -1\n    empty white\n}\n")
    result = run("eval", empty, events, "--format", "json")
    assert json.loads(result.output)["indices"]["regional_tension"]["colour"] == "white"


def test_relative_bands_mistakes_are_worded_in_percentiles(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  "bands a relative to history over 2 issues { low < p20  mid p20 to p10  "
                  "high > p10 }\nbands b relative to history over 2 issues { low < p-1 }\n")
    result = run("check", rules)
    # was "write it low to high: +10 to +20", and "expected percentile, a number or ..."
    assert "= hint: write it low to high: p10 to p20\n" in result.output
    assert (f"{rules}:5:51: error[B001]: expected a number, a percentile (p0 to p100) or a sign "
            "(+ or -), found `p-1`") in result.output


def test_a_series_chart_draws_bands_relative_to_history_issue_by_issue(tmp_path):
    # the percentiles (p25, p75) were drawn as the values 25 and 75: one band, `low`,
    # behind every issue, though issue 4 is `mid`
    import xml.etree.ElementTree as ET

    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  "bands a relative to history over 2 issues { low < p25  mid p25 to p75  "
                  "high > p75 }\n")
    issues = []
    for k, score in enumerate([0, 2, -1, 1], start=1):
        month = f"{2 * k - 1:02d}"
        issues.append(write(tmp_path, f"i{k}.events", f'period "No {k}" from 2021-{month}-01 '
                            f"to 2021-{month}-28\n[3 {['January', 'March', 'May', 'July'][k - 1]}]"
                            f" x\n    a {score:+d}\n"))
    result = run("series", rules, *issues, "--format", "svg")
    assert result.exit_code == 0, result.output
    svg = ET.fromstring(result.output[result.output.index("<?xml"):])
    drawn = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")
             if (g.get("id") or "").startswith("band-a-")}
    # issues 3 and 4 (columns 2 and 3) have two issues before them; 1 and 2 have too few
    assert drawn == {f"band-a-{band}-{x}" for band in ("low", "mid", "high") for x in (2, 3)}
