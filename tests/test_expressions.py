"""Powers, exp, geomean, if/then/else, = and !=, and bands chosen by more than
one figure: one meaning in every number domain (exact, the checks' intervals,
sensitivity's arrays, SQL), what they read and write back, and what check says."""

import json
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl.domains import ARRAYS, EXACT, INTERVALS, FigureProblem, Interval

from .conftest import EVENTS, RULES
from .helpers import run

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def expression(text: str):
    """A score expression as the parser reads it (over `recorded` and the built-in
    `age`)."""
    from barometer.dsl.syntax import parse

    value, problems = parse("rules", f"score {text}\n", "x.rules")
    assert not problems, problems
    return value[0].value[0]


numbers = st.one_of(st.integers(-6, 6), st.sampled_from(["0.5", "1.5", "2.25", "30"]))


@st.composite
def expressions(draw, depth=3):
    """Expressions over recorded and age with the new constructs."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        leaf = draw(st.sampled_from(["recorded", "age", "n"]))
        return str(draw(numbers)).lstrip("-") if leaf == "n" else leaf
    a, b = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    kind = draw(st.sampled_from(["^", "exp", "geomean", "if", "+", "*", "-"]))
    if kind == "^":
        return f"({a}) ^ {draw(st.sampled_from(['2', '-1', '0.5', '(age / 30)', '3']))}"
    if kind == "exp":
        return f"exp(({a}) / 10)"
    if kind == "geomean":
        return f"geomean(abs({a}), abs({b}))"
    if kind == "if":
        op = draw(st.sampled_from([">", ">=", "<", "<=", "=", "!="]))
        joiner = draw(st.sampled_from(["", " and recorded != 0", " or not (age = 0)"]))
        return f"(if {a} {op} {b}{joiner} then {a} else {b})"
    return f"({a}) {kind} ({b})"


@SETTINGS
@given(text=expressions(), recorded=st.integers(-3, 3), age=st.integers(0, 90))
def test_every_domain_agrees_with_exact_evaluation(text, recorded, age):
    expr = expression(text)
    try:
        exact = expr.evaluate(recorded, None, EXACT, None, {"age": age}.get)
    except FigureProblem:
        return
    # the checks' intervals hold the exact value, the recorded score and age known
    # only within their ranges
    # (a float's last bit aside: the checks' intervals are not rounded outwards)
    slack = 1e-9 * max(1, abs(exact)) if isinstance(exact, float) else 0
    wide = Interval.of(expr.evaluate(Interval(-3, 3), None, INTERVALS, None,
                                     lambda name: Interval(0, 90)))
    assert wide.lo - slack <= exact <= wide.hi + slack
    point = Interval.of(expr.evaluate(Interval(recorded), None, INTERVALS, None,
                                      lambda name: Interval(age)))
    assert point.lo - slack <= exact <= point.hi + slack
    # sensitivity's arrays at the same values give the same number
    import numpy as np

    array = expr.evaluate(np.array([[float(recorded)]]), None, ARRAYS, None,
                          lambda name: np.array([[float(age)]]))
    assert float(np.asarray(array).ravel()[0]) == pytest.approx(float(exact), rel=1e-9,
                                                                   abs=1e-9)
    # the canonical text reads back to the same expression
    assert expression(expr.text()).text() == expr.text()


@pytest.mark.parametrize("text, value", [
    ("2 ^ 3 ^ 2", 512), ("-2 ^ 2", -4), ("(-2) ^ 2", 4), ("2 ^ -1", Fraction(1, 2)),
    ("0.5 ^ 2", Fraction(1, 4)), ("4 ^ 0.5", 2), ("geomean(4, 9)", 6), ("geomean(2, 0, 8)", 0),
    ("exp(0)", 1), ("if 1 = 1 then 2 else 3", 2), ("if 1 != 1 then 2 else 3 + 4", 7),
    ("2 * 3 ^ 2", 18), ("(2 * 3) ^ 2", 36),
])
def test_powers_bind_and_stay_exact_where_they_can(text, value):
    result = expression(text).evaluate(0, None, EXACT)
    assert result == value and not isinstance(result, float)


def test_powers_that_are_not_fractions_are_floats_and_no_value_is_a_finding():
    assert isinstance(expression("0.5 ^ 1.5").evaluate(0, None, EXACT), float)
    assert expression("geomean(2, 3)").evaluate(0, None, EXACT) == pytest.approx(math.sqrt(6))
    for text, words in (("(-8) ^ 0.5", "a negative number to a power that is not whole"),
                        ("0 ^ -1", "a division by zero"),
                        ("geomean(-1, 4)", "a geometric mean takes numbers 0 or above")):
        with pytest.raises(FigureProblem, match=words):
            expression(text).evaluate(0, None, EXACT)


def test_a_float_below_zero_to_a_whole_power_has_a_value():
    # (-0.5 ^ 0.5 ...) is a float below 0; to the power 2 or 3 it has a value, as -2 ^ 2 has
    below = "(0 - 2 ^ 0.5)"
    assert expression(f"{below} ^ 2").evaluate(0, None, EXACT) == pytest.approx(2)
    assert expression(f"{below} ^ 3").evaluate(0, None, EXACT) == pytest.approx(-2 * 2 ** 0.5)
    assert expression(f"{below} ^ -1").evaluate(0, None, EXACT) == pytest.approx(-2 ** -0.5)
    with pytest.raises(FigureProblem, match="a negative number to a power that is not whole"):
        expression(f"{below} ^ 0.5").evaluate(0, None, EXACT)


def test_only_the_branch_chosen_is_computed():
    assert expression("if recorded = 0 then 0 else 6 / recorded").evaluate(0, None, EXACT) == 0


def _scheme(tmp_path, body, name="s.rules"):
    path = tmp_path / name
    path.write_text(f'scheme "S" version "1"\nextends "{RULES}"\n{body}', encoding="utf-8")
    return path


def test_equality_in_a_rule_and_what_check_makes_of_it(tmp_path):
    path = _scheme(tmp_path, 'rule twos "x" when recorded = 2 and not (recorded != 2) then '
                   "add 1\nrule never \"y\" when recorded = 1.5 then add 1\n")
    scheme = load_scheme(str(path))
    figures = evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices
    plain = evaluate(load_scheme(str(RULES)), load_catalogue([str(EVENTS)],
                                                             load_scheme(str(RULES)))).indices
    catalogue = load_catalogue([str(EVENTS)], scheme)
    twos = {s.index: 0 for e in catalogue.events for s in e.scores}
    for e in catalogue.events:
        for s in e.scores:
            twos[s.index] += s.value == 2
    for name, count in twos.items():
        assert figures[name].aggregate == plain[name].aggregate + count
    out = run("check", path).output
    assert "warning[B401]: the condition of rule `never` can never hold" in out
    assert "rule `twos`" not in out


def test_a_band_chosen_by_two_figures(tmp_path):
    bands = ("bands regional_tension {\n  white >= -1\n  green -6 to -2\n"
             "  yellow -12 to -7 when national_security > 10\n  orange <= -7\n}\n")
    path = _scheme(tmp_path, bands)
    scheme = load_scheme(str(path))
    figures = evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices
    assert figures["regional_tension"].colour == "orange"  # national security is +4
    held = _scheme(tmp_path, bands.replace("> 10", "> 3"), "t.rules")
    scheme = load_scheme(str(held))
    assert evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices[
        "regional_tension"].colour == "yellow"
    assert "error[" not in run("check", held).output
    gap = _scheme(tmp_path, bands.replace("  orange <= -7\n", "  orange <= -13\n"), "g.rules")
    out = run("check", gap).output
    assert ("error[B201]: regional_tension: the values -12 to -7 fall in no band where "
            "`national_security > 10` does not hold") in out
    assert "B202" not in out
    wrong = _scheme(tmp_path, bands.replace("national_security > 10", "category is visits"),
                    "w.rules")
    assert "error[B113]: `category is visits` cannot stand in a band's condition" in run(
        "check", wrong).output


def test_if_in_a_derived_index_and_its_names(tmp_path):
    path = _scheme(tmp_path, 'index a "A" = if regional_tension <= -7 and national_security '
                   "<= 5 then 1 else 0\n"
                   'index m "M" = if count(us where recorded > 3) > 0 then mean(us where '
                   "recorded > 3) else 0\n")
    scheme = load_scheme(str(path))
    figures = evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices
    assert (figures["a"].aggregate, figures["m"].aggregate) == (1, 0)
    bad = _scheme(tmp_path, 'index a "A" = if tagged x then 1 else 0\n', "b.rules")
    assert "error[B113]: `tagged x` cannot stand in the condition of `if`" in run(
        "check", bad).output
    rule = _scheme(tmp_path, 'rule r "r" when recorded * 2 > 2 then add 1\n', "r.rules")
    assert "error[B113]: `recorded * 2 > 2`: a rule's condition compares" in run(
        "check", rule).output


def test_an_index_in_a_rule_condition_and_a_misspelt_category(tmp_path):
    path = _scheme(tmp_path, 'rule r "r" when russia > 0 then add 1\n'
                   'rule s "s" when categry is sanctions then add 1\n')
    out = run("check", path).output
    assert ("error[B101]: `russia` is an index, not an attribute: a rule's condition reads the "
            "score of the event on the index being scored, as `recorded`") in out
    assert "hint: write: index is russia and recorded > 0" in out
    assert "unknown attribute `categry`" in out and "hint: did you mean `category`?" in out


def test_new_constructs_on_the_columnar_engine(tmp_path):
    pytest.importorskip("duckdb")
    csv = str(EVENTS).replace(".events", ".csv")
    exact = _scheme(tmp_path, "score if recorded = -3 then recorded * 2 else recorded\n"
                    "rule r \"r\" when recorded != 0 then set to if score >= 2 then score ^ 2 "
                    "else score\n"
                    'index rate "R" = russia / period_days * 30\n'
                    "drop bands regional_tension\n")
    python = json.loads(run("eval", exact, csv, "--format", "json").stdout)
    duck = run("eval", exact, csv, "--format", "json", "--engine", "duckdb")
    assert "B801" not in duck.output
    assert json.loads(duck.stdout)["indices"] == python["indices"]
    decay = _scheme(tmp_path, "score recorded * 0.5 ^ (age / 30)\ndrop bands regional_tension\n",
                    "d.rules")
    fallback = run("eval", decay, csv, "--format", "json", "--engine", "duckdb")
    assert "warning[B801]: a power whose exponent is not a constant" in fallback.output
    assert json.loads(fallback.stdout)["indices"] == json.loads(
        run("eval", decay, csv, "--format", "json").stdout)["indices"]


def test_compare_of_one_scheme_points_to_series():
    out = run("compare", RULES, EVENTS).output
    assert "use barometer series RULES ISSUE1 ISSUE2" in out


def test_events_group_by_their_category_s_name():
    scheme = load_scheme(str(RULES))
    events = load_catalogue([str(EVENTS)], scheme).events
    by_category = {}
    for event in events:
        by_category.setdefault(event.category, []).append(event)
    names = {e.category.name for e in events if e.category is not None}
    assert len([c for c in by_category if c is not None]) == len(names)
    assert events[0].category == events[0].category.name


def test_explain_shows_the_events_a_selection_took():
    rules = RULES.parent / "minsk-capped-statements.rules"
    out = run("explain", rules, EVENTS).output
    assert "  china where category is statements took event 44\n" in out
    data = json.loads(run("explain", rules, EVENTS, "--format", "json").stdout)
    scheme = load_scheme(str(rules))
    events = load_catalogue([str(EVENTS)], scheme).events
    took = data["indices"]["eu_capped"]["picked"]["eu where category is statements"] \
        if "eu_capped" in data["indices"] else None
    for name, entry in data["indices"].items():
        for what, numbers in entry.get("picked", {}).items():
            index = what.split(" where ")[0]
            assert numbers == [e.number for e in events if e.category == "statements"
                               and any(s.index == index for s in e.scores)]
    assert took is None or took
