"""Regressions for what testing from outside found (issue 13): silent wrong
figures, misleading claims, tracebacks and hangs. Each test failed before."""

import json
import time

from click.testing import CliRunner

from barometer import evaluate, load_catalogue, load_scheme
from barometer.engine.sensitivity import analyse
from barometer.main import main

from .helpers import run, write
from .conftest import CSV, EVENTS, ROOT, RULES




SCHEME = 'scheme "S" version "1"\nrange -3 to +3\n'


def test_an_index_named_like_an_event_word_is_refused_where_declared(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME + 'index note "North-East"\nindex source "S"\n')
    result = run("check", rules)
    assert result.exit_code == 1
    assert f"{rules}:3:7: error[B110]: `note` cannot name an index: in an event file, a line " \
           "`note +1` is read as a `note` line, not as a score" in result.output
    assert f"{rules}:4:7: error[B110]: `source` cannot name an index" in result.output
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n'
                   "[4 January] x\n    note +2\n")
    assert run("eval", rules, events).exit_code == 2


def test_the_same_catalogue_twice_is_an_error_not_double_figures():
    result = run("eval", RULES, EVENTS, CSV)
    assert result.exit_code == 2
    assert "error[B507]" in result.output and "every figure would count them twice" in result.output
    assert "+40" not in result.output


def test_an_event_in_two_files_is_a_warning_that_eval_shows(tmp_path):
    head = 'period "P" from 2021-01-01 to 2021-01-31\n'
    a = write(tmp_path, "a.events", head + "[4 January] Call\n    russia +1\n"
              "[5 January] Visit\n    russia +2\n")
    b = write(tmp_path, "b.events", head + "[4 January] Call\n    russia +1\n"
              "[6 January] Other\n    eu -1\n")
    result = run("eval", RULES, a, b, "--format", "json")
    assert result.exit_code == 0
    assert f"{b}:2:1: warning[B506]: this event is also listed at {a}:2:1: it counts twice" \
        in result.output


def test_a_child_that_repeats_a_category_keeps_its_parents_weight(tmp_path):
    write(tmp_path, "p.rules", SCHEME + "index russia\nscore direction * weight\n"
          "category sanctions weight 3\n")
    child = write(tmp_path, "c.rules", 'scheme "C"\nextends "p.rules"\n'
                  'category sanctions "Sanctions, retitled"\n')
    scheme = load_scheme(str(child))
    assert scheme.categories["sanctions"].weight == 3
    assert scheme.categories["sanctions"].title == "Sanctions, retitled"


def test_a_variant_is_not_held_to_the_published_totals():
    result = run("check", ROOT / "rules" / "minsk-by-category.rules", EVENTS)
    assert "B503" not in result.output and result.exit_code == 0


def test_published_totals_are_compared_under_the_root_scheme(tmp_path):
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n'
                   "published russia +5\n[4 January] Call\n    russia +1\n    category contacts\n")
    result = run("check", ROOT / "rules" / "minsk-by-category.rules", events)
    assert "the catalogue publishes +5 for russia, but its events add up to +1 under " \
           f"{ROOT / 'rules' / 'minsk-barometer.rules'}" in result.output.replace("\n", "")
    assert run("eval", ROOT / "rules" / "minsk-by-category.rules", events).exit_code == 2
    misspelt = write(tmp_path, "m.events", 'period "P" from 2021-01-01 to 2021-01-31\n'
                     "published rusia +1\n[4 January] Call\n    russia +1\n")
    assert "error[B101]: unknown index `rusia`" in run("eval", RULES, misspelt).output


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


def test_the_smallest_flip_is_the_smallest_real_change():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-by-category.rules"))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    flip = analyse(ev, list(scheme.varies), samples=50).smallest_flips["regional_tension"]
    # armament -0.5 would flip it, with a weight of 1.5 that leaves regional tension's totals
    # between the bands, a scheme eval refuses (B201): the smallest move eval can show
    assert (flip.parameter.key, flip.delta, flip.past, flip.before, flip.after) == (
        "exercises", -1.0, False, "orange", "yellow")
    assert [(key, delta) for key, delta, _, _ in flip.ties] == [("armament", -1.0),
                                                               ("armament", 1.0)]
    result = run("sensitivity", ROOT / "rules" / "minsk-by-category.rules", EVENTS,
                 "--samples", "50")
    assert "regional_tension: weight of exercises moved by -1 turns orange into yellow" \
        in result.output


def test_compare_writes_parentheses_so_its_text_adds_up(tmp_path):
    a = write(tmp_path, "a.rules", f'scheme "A"\nextends "{RULES}"\n'
              "score (recorded + 1) * 2 - -(recorded - 1)\n")
    result = run("compare", RULES, a, EVENTS, "--format", "json")
    how = json.loads(result.output)["events"][0]["how"][1]
    assert "(recorded + 1) * 2 - -(recorded - 1)" in how


def test_dates_and_calendars_are_said_plainly(tmp_path):
    leap = write(tmp_path, "l.events", 'period "P" from 2021-01-01 to 2021-02-28\n'
                 "[29 February] x\n    russia +1\n")
    assert "February 2021 has 28 days, not 29" in run("eval", RULES, leap).output
    for period, date in (("0001-01-01 to 0001-02-28", "[29 February]"),
                         ("9999-12-01 to 9999-12-31", "[December-January]")):
        edge = write(tmp_path, "e.events", f'period "P" from {period}\n{date} x\n    russia +1\n')
        result = run("eval", RULES, edge)
        assert result.exit_code == 2 and "error[B301]" in result.output


def test_huge_numbers_and_long_expressions_are_located_errors(tmp_path):
    big = write(tmp_path, "b.rules", SCHEME + "index russia\nscore recorded * " + "9" * 5000 + "\n")
    result = run("check", big)
    assert "error[B206]: the number 9999999999...999999 (5000 characters)" in result.output
    assert len(result.output) < 1000  # the line is quoted around the caret, not whole
    weight = write(tmp_path, "w.rules", SCHEME + "index russia\nscore recorded * weight\n"
                   "category c weight 1" + "0" * 400 + ".5\n")
    assert "error[B206]" in run("check", weight).output
    long = write(tmp_path, "x.rules", SCHEME + "index russia\nscore "
                 + " + ".join(["recorded"] * 1000) + "\n")
    result = run("check", long)
    assert "error[B109]: the score expression is nested 1000 deep" in result.output


def test_checking_costs_what_the_file_does_not_what_its_numbers_say(tmp_path):
    wide = write(tmp_path, "w.rules", 'scheme "W"\nrange -1000000000 to +1000000000\n'
                 "index russia\nbands russia {\n    low < -10000000\n    high >= -10000000\n}\n"
                 "rule r when recorded > 5 then multiply by 2\n")
    rules = [f"rule r{i} when index is russia and category is c then exclude" if i % 2 else
             f"rule r{i} when recorded > {i % 3} and tagged t then add 1" for i in range(2000)]
    many = write(tmp_path, "m.rules", SCHEME + "index russia\nindex eu\ncategory c\ntag t\n"
                 + "\n".join(rules) + "\n")
    started = time.process_time()
    assert run("check", wide).exit_code == 0
    result = run("check", many)
    # seconds here, where the search over every value and pair of rules took minutes;
    # a loose bound, so that a slow machine does not fail it
    assert time.process_time() - started < 30
    assert result.output.count("warning[B402]") == 999
