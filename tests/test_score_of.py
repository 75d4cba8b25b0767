"""Another index's score of the same event: `attribute NAME score of INDEX` is the
score the event records on INDEX (0, or the written default, where it records
none), read by rules, score expressions and selections like a number attribute.
Against a hand loop on generated catalogues ("halve zero-sum moves") in every
domain; the columnar engines hand such a scheme to the python engine (B801)."""

import re
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.api import read_scheme
from barometer.dsl import files as dsl_files
from barometer.dsl.check_rules import domain
from barometer.dsl.domains import EXACT, INTERVALS, Interval
from barometer.engine.columnar import check_compiles
from barometer.engine.sensitivity import _Arrays

from .conftest import EVENTS, ROOT
from .helpers import run, write
from .strategies import event_files, rules_files

SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

BASES = {"recorded": lambda v, w: v, "recorded + 0": lambda v, w: v,
         "direction * weight": lambda v, w: ((v > 0) - (v < 0)) * w,
         "recorded * weight": lambda v, w: v * w}


@pytest.fixture(autouse=True)
def clean_overlay():
    yield
    for key in [k for k in dsl_files.OVERLAY if k.startswith("/virtual")]:
        del dsl_files.OVERLAY[key]


def _child(tmp_path, text, name="s.rules"):
    return write(tmp_path, name, f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\n{text}')


@SETTINGS
@given(data=st.data(), default=st.sampled_from([None, 0, 1, -2]))
def test_halving_zero_sum_moves_is_the_hand_loop_in_every_domain(data, default):
    rules = data.draw(rules_files(with_rules=False).filter(lambda r: len(r.indices) >= 2))
    events = data.draw(event_files(rules))
    a, b = data.draw(st.permutations(rules.indices))[:2]
    written = "" if default is None else f" default {default}"
    text = (rules.text.split("\nbands ")[0].rstrip("\n")  # halves: no whole-number bands
            + f"\nattribute a_score score of {a}{written}\nattribute b_score score of {b}\n"
            f"rule zero_sum \"Zero-sum\" when index in [{a}, {b}]\n"
            "    then multiply by if a_score + b_score = 0 then 0.5 else 1\n")
    dsl_files.OVERLAY["/virtual/s.rules"] = text
    dsl_files.OVERLAY["/virtual/e.events"] = events.text
    scheme, problems = read_scheme("/virtual/s.rules", errors_only=True)
    assert not [p for p in problems if p.severity == "error"], problems
    ev = evaluate(scheme, load_catalogue(["/virtual/e.events"], scheme))

    # the hand loop: each score from the generated values, halved where the event's
    # scores on a and b (0, or a's default, where it has none) add up to 0
    base = BASES[re.search(r"^score (.*)$", rules.text, re.M).group(1)]
    positive = {i: 0 for i in rules.indices}
    negative, counted = dict(positive), dict(positive)
    for event in events.events:
        scores = dict(event.scores)
        moved = scores.get(a, default or 0) + scores.get(b, 0) == 0
        for index, value in event.scores:
            score = Fraction(base(value, rules.categories[event.category]))
            if index in (a, b) and moved:
                score /= 2
            counted[index] += 1
            if score > 0:
                positive[index] += score
            else:
                negative[index] += score
    for index in rules.indices:
        got = ev.indices[index]
        assert (got.aggregate, got.positive, got.negative, got.events) == (
            positive[index] + negative[index], positive[index], negative[index], counted[index])

    plan = ev.plan
    for entry in ev.entries:
        recorded = {s.index: s.value for s in entry.event.scores}
        assert entry.values("a_score") == recorded.get(a, default or 0)
        assert entry.values("b_score") == recorded.get(b, 0)
        # the checks' interval for the attribute and for the score hold the exact ones
        assert domain(scheme, "a_score").lo <= entry.values("a_score") <= domain(
            scheme, "a_score").hi
        exact = plan.score(entry, EXACT, plan.weight_of(entry))
        wide = Interval.of(plan.score(entry, INTERVALS, Interval(1, 3)))
        assert wide.lo <= exact <= wide.hi
    arrays = _Arrays(ev)  # sensitivity's arrays, at zero perturbation
    for name, value in zip(arrays.index_names, arrays.totals(arrays.weights[None, :])[0]):
        assert value == pytest.approx(float(ev.indices[name].aggregate), abs=1e-9)


def test_the_interval_of_a_score_of_is_the_range_with_its_default(tmp_path):
    scheme = load_scheme(str(_child(tmp_path, "attribute eu_score score of eu\n"
                                    "attribute us_score score of us default 7\n")))
    assert (domain(scheme, "eu_score").lo, domain(scheme, "eu_score").hi) == (-3, 3)
    assert (domain(scheme, "us_score").lo, domain(scheme, "us_score").hi) == (-3, 7)
    found = run("check", _child(tmp_path, "attribute eu_score score of eu\n"
                                "rule never when eu_score > 3 then exclude\n", "n.rules"))
    assert "warning[B401]: the condition of rule `never` can never hold" in found.output


def test_selections_and_scores_read_another_index_on_no19(tmp_path):
    # No 19's one event on both Russia and the EU: the transshipment agreement, +1 / -2
    path = _child(tmp_path, "attribute eu_score score of eu\n"
                  "attribute russia_score score of russia\n"
                  'index west_loss "EU points of events Russia gains by" = '
                  "sum(eu where russia_score > 0)\n"
                  'index both "Russia events also on the EU" = count(russia where eu_score != 0)\n'
                  "rule east when index is china then add russia_score\n")
    scheme = load_scheme(str(path))
    figures = evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices
    assert figures["west_loss"].aggregate == -2 and figures["both"].aggregate == 1
    assert figures["china"].aggregate == 8  # no China event has a Russia score
    assert figures["russia"].aggregate == 20 and figures["eu"].aggregate == -1


def test_an_index_in_a_rule_condition_says_how_to_read_its_score(tmp_path):
    path = _child(tmp_path, 'rule half "Half" when russia > 0 then multiply by 0.5\n'
                  "drop bands regional_tension\n")
    out = run("check", path).output
    assert out == (
        f"{path}:3:23: error[B101]: `russia` is an index, not an attribute: a rule's condition "
        "reads the score of the event on the index being scored, as `recorded`\n"
        ' 3 | rule half "Half" when russia > 0 then multiply by 0.5\n'
        "   |" + " " * 23 + "^^^^^^^^^^\n"
        "   = hint: write: index is russia and recorded > 0; to read the same event's score on "
        "russia whatever index is scored, declare: attribute russia_score score of russia, and "
        "write russia_score > 0\n"
        "1 error, 0 warnings in 1 file\n")


@pytest.mark.parametrize("line, expected", [
    ("attribute eu_score score of eo",
     ":3:29: error[B101]: unknown index `eo`\n 3 | attribute eu_score score of eo\n"
     "   |                             ^^\n   = hint: did you mean `eu`?\n"),
    ('index ew "EW" = russia - eu\nattribute ew_score score of ew',
     ":4:29: error[B114]: `ew` is a derived index: it has a figure per issue, not a score per "
     "event\n"),
    ("attribute eu score of russia", ":3:11: error[B114]: `eu` cannot name an attribute: it is "
     "already an index\n"),
    ("attribute eu_score score of eu default high",
     ":3:40: error[B209]: `eu_score` is a score: its default is a number, not `high`\n"),
    ("attribute eu_score score of eu\nrule r when eu_score is high then exclude",
     ":4:13: error[B114]: `eu_score` is a score (score of eu), not one of names\n"),
])
def test_score_of_mistakes_are_located(tmp_path, line, expected):
    path = _child(tmp_path, line + "\n")
    out = run("check", path).output
    assert f"{path}{expected}" in out


def test_an_event_cannot_record_a_score_of(tmp_path):
    rules = _child(tmp_path, "attribute eu_score score of eu\n")
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n\n'
                   "[4 January] Talks\n    russia +1\n    eu_score -1\n")
    result = run("eval", rules, events)
    assert result.exit_code == 2
    assert (f"{events}:5:5: error[B114]: `eu_score` is computed from the catalogue (score of "
            "eu), not recorded") in result.output


def test_the_columnar_engine_hands_a_score_of_to_the_python_engine():
    pytest.importorskip("sqlglot", reason="the columnar extra is not installed")
    pytest.importorskip("duckdb", reason="the columnar extra is not installed")
    rules = ROOT / "rules" / "minsk-zero-sum.rules"
    found = check_compiles(load_scheme(str(rules)))
    assert found.code == "B801" and ("a score read from another index (attribute russia_score "
                                      "score of russia)") in found.message
    csv = ROOT / "examples" / "minsk-barometer-19.csv"
    python = run("eval", rules, csv, "--format", "csv", "--engine", "python").output
    duck = run("eval", rules, csv, "--format", "csv", "--engine", "duckdb").output
    assert python.splitlines()[-7:] == duck.splitlines()[-7:]
