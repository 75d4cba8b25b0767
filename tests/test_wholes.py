"""Whole-number reasoning: which totals are surely whole, index by index, through
the rules' own conditions (the `WHOLES` domain of the nodes, dsl/wholes.py), and
what it decides: the values bands must cover (B201), the boundaries sensitivity
moves, and which of its smallest flips `eval` can show."""

import json
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer.dsl.domains import WHOLES, Whole
from barometer.dsl.events import read_catalogue
from barometer.dsl.resolve import resolve_scheme
from barometer.dsl.wholes import non_whole
from barometer.engine.plan import evaluate

from .conftest import EVENTS, RULES
from .helpers import examples, run, write
from .strategies import CATEGORIES, TAGS, conditions, event_files, rules_files

US_HALF = 'rule us_half "U.S. counts one and a half" when index is us then multiply by 1.5\n'


def child(tmp_path, body, name="c.rules", parent=RULES):
    return write(tmp_path, name, f'scheme "C" version "1"\nextends "{parent}"\n{body}')


def test_a_rule_on_one_index_leaves_the_bands_of_another_alone(tmp_path):
    path = child(tmp_path, US_HALF)
    assert "B201" not in run("check", path).output
    result = run("eval", path, EVENTS, "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["indices"]
    assert (figures["us"]["aggregate"], figures["regional_tension"]["colour"]) == (-27, "yellow")


def test_a_rule_that_can_make_the_banded_total_non_whole_is_named(tmp_path):
    path = child(tmp_path, 'rule rt_half "h" when index in [us, regional_tension] '
                 "then multiply by 1.5\n")
    result = run("eval", path, EVENTS)
    assert result.exit_code == 2
    assert ("error[B201]: regional_tension: values between -2 and -1 fall in no band (white is "
            ">= -1, green is -6 to -2); totals of regional_tension can be non-whole because of "
            f"rule `rt_half` (multiply by 1.5) ({path}:3)") in result.output


def test_a_derived_index_is_as_whole_as_what_it_reads(tmp_path):
    body = US_HALF + ('index us_twice "U" = us * 2\nbands us_twice { low <= -1  high >= 0 }\n'
                      'index rt_twice "R" = regional_tension * 2\n'
                      "bands rt_twice { low <= -1  high >= 0 }\n")
    output = run("check", child(tmp_path, body)).output
    assert ("us_twice: values between -1 and 0 fall in no band (low is <= -1, high is >= 0); "
            "totals of us_twice can be non-whole because of rule `us_half` (multiply by 1.5) in "
            "`us`") in output
    assert "rt_twice:" not in output


def test_a_decimal_weight_reaches_only_where_no_rule_rounds_it_away(tmp_path):
    weights = "score direction * weight\n" + "".join(
        f"category {c} weight {1.5 if c == 'armament' else 1}\n"
        for c in ("contacts", "visits", "agreements", "statements", "media", "diplomacy",
                  "economy", "aid", "sanctions", "public_action", "exercises", "armament",
                  "arms_control", "defence_policy", "conflict"))
    rounded = child(tmp_path, weights + 'rule arm "a" when category is armament and index is '
                    "regional_tension then round\n")
    assert "B201" not in run("check", rounded).output
    assert run("eval", rounded, EVENTS).exit_code == 0
    unrounded = child(tmp_path, weights + 'rule arm "a" when category is armament and index is '
                      "us then round\n", name="u.rules")
    output = run("check", unrounded).output
    assert ("totals of regional_tension can be non-whole because of the weight 1.5 of category "
            "`armament`") in output


def test_sensitivitys_smallest_flip_is_one_eval_shows_on_the_shipped_bands(tmp_path):
    by_category = RULES.parent / "minsk-by-category.rules"
    result = run("sensitivity", by_category, EVENTS, "--samples", "200", "--format", "json")
    flip = json.loads(result.output)["smallest_flips"]["regional_tension"]
    assert flip["kind"] == "weight"
    weight = {"contacts": 1, "statements": 1, "media": 1, "diplomacy": 1, "public_action": 1,
              "exercises": 1, "visits": 2, "agreements": 2, "economy": 2, "aid": 2,
              "armament": 2, "arms_control": 2, "defence_policy": 2, "sanctions": 3,
              "conflict": 3}[flip["parameter"]] + flip["delta"]
    moved = child(tmp_path, f"category {flip['parameter']} weight {weight:g}\n",
                  parent=by_category)
    shown = run("eval", moved, EVENTS, "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["indices"]["regional_tension"]["colour"] == flip["to"]


def test_the_wholes_domain_computes_with_the_nodes_own_code():
    scheme, _ = resolve_scheme(str(RULES))
    half = Whole(frozenset({"a cause"}))
    assert (WHOLES.const(3) + WHOLES.const(2)).whole
    assert not WHOLES.divide(WHOLES.const(3), WHOLES.const(2)).whole
    assert WHOLES.call("trunc", [half]).whole and not WHOLES.call("abs", [half]).whole
    assert (half * WHOLES.sign(half)).causes == {"a cause"}
    assert non_whole(scheme) == {}


# --- the domain against exact evaluation ---------------------------------------------

DECIMAL_ACTIONS = st.sampled_from(["multiply by 1.5", "add 0.5", "set to score / 2",
                                   "multiply by weight", "add 1", "round", "trunc",
                                   "set to trunc(score * 1.5)", "clamp -0.5 to 2", "exclude"])


@st.composite
def decimal_schemes(draw):
    rules = draw(rules_files())
    text = re.sub(r"weight (\d)", lambda m: f"weight {m.group(1)}.5"
                  if draw(st.booleans()) else m.group(0), rules.text)
    text = re.sub(r"\nbands [^{]*\{[^}]*\}", "", text)  # bands are not the question here
    for n in range(draw(st.integers(0, 3))):
        condition = draw(conditions(list(rules.indices), CATEGORIES, list(TAGS)))
        actions = ", ".join(draw(st.lists(DECIMAL_ACTIONS, min_size=1, max_size=2)))
        text += f"rule d{n} when {condition} then {actions}\n"
    leaves = st.one_of(st.sampled_from(rules.indices), st.sampled_from(["2", "0.5"]),
                       st.sampled_from(rules.indices).map(lambda i: f"positive({i})"),
                       st.sampled_from(rules.indices).map(lambda i: f"events({i})"))
    formula = draw(st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(" ".join),
        inner.map(lambda x: f"({x}) / 4"), inner.map(lambda x: f"round({x})"),
        inner.map(lambda x: f"max({x}, 1)")), max_leaves=4))
    text += f"index derived = {formula}\n"
    return rules, text


@settings(max_examples=int(os.environ.get("BAROMETER_EXAMPLES", examples(25))), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(case=decimal_schemes(), data=st.data())
def test_a_total_the_domain_calls_whole_is_whole_when_computed_exactly(tmp_path_factory, case,
                                                                       data):
    from barometer.dsl.diagnostics import InputError

    rules, text = case
    events = data.draw(event_files(rules, max_size=12))
    folder = tmp_path_factory.mktemp("w")
    (folder / "s.rules").write_text(text, encoding="utf-8")
    (folder / "e.events").write_text(events.text, encoding="utf-8")
    scheme, problems = resolve_scheme(str(folder / "s.rules"))
    assert scheme is not None and not [p for p in problems if p.severity == "error"], problems
    catalogue, _ = read_catalogue([str(folder / "e.events")], scheme)
    causes = non_whole(scheme)
    try:
        ev = evaluate(scheme, catalogue)
    except InputError:  # a division by zero in the derived index
        return
    for name, result in ev.indices.items():
        if name not in causes:
            figures = [result.aggregate, result.positive, result.negative]
            assert all(getattr(f, "denominator", 1) == 1 and not isinstance(f, float)
                       for f in figures if f is not None), (name, figures, text)
    for s in ev.scored:
        if s.score is not None and s.entry.index not in causes:
            assert getattr(s.score, "denominator", 1) == 1, (s, text)
