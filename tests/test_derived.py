"""Derived indices: computed from other indices' figures after the sums, and then
like any other index. Their figures are checked against independent arithmetic."""

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl import files as dsl_files
from barometer.dsl.diagnostics import InputError
from barometer.engine.explain import explain
from barometer.engine.sensitivity import _Arrays
from barometer.main import main

from .conftest import EVENTS, RULES
from .helpers import examples
from .strategies import CATEGORIES, TAGS, conditions, formulas, schemes_and_catalogues

SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

DERIVED = f'''scheme "Derived" version "1"
extends "{RULES}"
index east_west "East-West balance" = (russia + china) / 2 - (eu + us) / 2
index coop_us   "Cooperation share, U.S." = positive(us) / (positive(us) - negative(us))
index us_capped "U.S., statements capped at 4 points"
    = us - sum(us where category is statements) + clamp(sum(us where category is statements), -4, 4)
index mean_rt   "Mean regional tension score" = mean(regional_tension)
index spread    = max(russia, eu, china, us, ukraine) - min(russia, eu, china, us, ukraine)
index growth    = log(positive(russia)) + sqrt(abs(us))
'''


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    return result


@pytest.fixture(scope="module")
def no19_derived(tmp_path_factory):
    path = tmp_path_factory.mktemp("d") / "derived.rules"
    path.write_text(DERIVED, encoding="utf-8")
    scheme = load_scheme(str(path))
    return path, evaluate(scheme, load_catalogue([str(EVENTS)], scheme))


def test_no19_derived_figures_are_the_formulas_of_the_published_ones(no19_derived):
    _, ev = no19_derived
    got = {name: r.aggregate for name, r in ev.indices.items()}
    # the published figures are unchanged by deriving from them
    assert (got["russia"], got["eu"], got["china"], got["us"], got["ukraine"]) == (
        20, -1, 8, -18, -13)
    assert got["east_west"] == Fraction(20 + 8, 2) - Fraction(-1 - 18, 2) == Fraction(47, 2)
    assert got["coop_us"] == Fraction(4, 4 + 22)
    statements = sum(s.value for e in ev.catalogue.events if e.category
                     and e.category.name == "statements" for s in e.scores if s.index == "us")
    assert got["us_capped"] == -18 - statements + min(max(statements, -4), 4)
    assert got["mean_rt"] == Fraction(-7, 22)
    assert got["spread"] == 20 - (-18)
    assert ev.indices["east_west"].positive is None and ev.indices["east_west"].events is None


def test_outputs_show_derived_figures_and_say_when_rounded(no19_derived):
    path, _ = no19_derived
    data = json.loads(run("eval", path, EVENTS, "--format", "json").output)["indices"]
    assert data["east_west"] == {"name": "East-West balance", "aggregate": 23.5,
                                 "positive": None, "negative": None, "events": None,
                                 "colour": None,
                                 "formula": "(russia + china) / 2 - (eu + us) / 2",
                                 "exact": True}
    assert data["coop_us"]["aggregate"] == 0.153846 and data["coop_us"]["exact"] is False
    assert "formula" not in data["russia"]  # a base index's keys are as before
    import math

    assert data["growth"]["aggregate"] == round(math.log(22) + math.sqrt(18), 6)
    assert data["growth"]["exact"] is False
    assert f"+{round(math.log(22) + math.sqrt(18), 6)}" in run("eval", path, EVENTS).output
    table = run("eval", path, EVENTS).output
    assert "│ East-West balance" in table and "+23.5" in table and "+0.153846" in table
    text = run("explain", path, EVENTS, "--index", "coop_us").output
    assert text.splitlines()[:3] == [
        "Cooperation share, U.S.: +0.153846",
        "  = positive(us) / (positive(us) - negative(us))",
        "  with positive(us) +4, negative(us) -22"]
    compared = json.loads(run("compare", RULES, path, EVENTS, "--format", "json").output)
    assert compared["indices"]["east_west"]["values"] == [None, 23.5]


def test_mistakes_in_derived_indices_are_located(tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text(f'scheme "B"\nextends "{RULES}"\n'
                   "index a = rusia + 1\n"
                   "index b = avg(russia)\n"
                   "index c = d\nindex d = c\n"
                   "index e = recorded * 2\n"
                   "index f = positive(a)\n"
                   "score russia\n", encoding="utf-8")
    result = run("check", bad)
    lines = [line for line in result.output.splitlines() if "error[" in line]
    assert lines == [
        f"{bad}:3:11: error[B101]: unknown index `rusia`",
        f"{bad}:4:11: error[B111]: unknown function `avg`",
        f"{bad}:5:7: error[B112]: `c` depends on itself: c -> d -> c",
        f"{bad}:7:11: error[B113]: `recorded` cannot stand in a derived index: it is computed "
        "from other indices' figures, after every event is scored",
        f"{bad}:8:20: error[B111]: positive() looks at an index's events, and `a` is derived "
        "from other indices: it has none",
        f"{bad}:9:7: error[B113]: `russia` cannot stand in a score: a score is computed for one "
        "event from its recorded score, direction, weight and attributes",
    ]
    assert "hint: did you mean `russia`?" in result.output
    assert "hint: did you mean `abs`?" in result.output or "the functions are" in result.output


def test_a_division_by_zero_leaves_that_index_without_a_figure_and_the_run_goes_on(tmp_path):
    rules = tmp_path / "z.rules"
    rules.write_text(f'scheme "Z"\nextends "{RULES}"\n'
                     "index share = positive(us) / (positive(us) - negative(us))\n"
                     "index after = share + 1\n",
                     encoding="utf-8")
    empty = tmp_path / "e.events"
    empty.write_text('period "Empty" from 2021-03-01 to 2021-03-31\n'
                     "[4 March] Call\n    russia +1\n", encoding="utf-8")
    result = run("eval", rules, empty)
    assert result.exit_code == 0
    assert (f"{rules}:3:28: warning[B210]: `share` has no figure in Empty: division by zero; "
            "the other figures stand") in result.output
    assert "no figure: share: division by zero (" in result.output
    data = json.loads(run("eval", rules, empty, "--format", "json").stdout)
    assert data["indices"]["russia"]["aggregate"] == 1
    assert data["indices"]["share"]["aggregate"] is None
    assert data["indices"]["share"]["missing"] == f"division by zero ({rules}:3:28)"
    assert data["indices"]["after"]["missing"] == (
        f"share has no figure (division by zero) ({rules}:4:7)")
    checked = run("check", rules, empty)
    assert "warning[B210]" in checked.output and checked.exit_code == 0
    assert "warning[B408]: `share` divides by positive(us) - negative(us), which can be 0" \
        in run("check", rules).output
    scheme = load_scheme(str(rules))
    figures = evaluate(scheme, load_catalogue([str(empty)], scheme)).indices
    assert figures["share"].aggregate is None and figures["russia"].aggregate == 1


# --- properties over generated schemes and catalogues -------------------------------

def derived_case(draw_case, data):
    rules, events = draw_case
    formula, value = data.draw(formulas(list(rules.indices)))
    condition = data.draw(conditions(list(rules.indices), CATEGORIES, list(TAGS)))
    base = rules.indices[0]
    text = (rules.text + f"index derived = {formula}\n"
            f"index part_in = sum({base} where {condition})\n"
            f"index part_out = sum({base} where not ({condition}))\n")
    dsl_files.OVERLAY["/virtual/d.rules"] = text
    dsl_files.OVERLAY["/virtual/d.events"] = events.text
    scheme = load_scheme("/virtual/d.rules")
    return scheme, value, base, load_catalogue(["/virtual/d.events"], scheme)


@SETTINGS
@given(case=schemes_and_catalogues(), data=st.data())
def test_a_derived_index_is_its_formula_of_the_base_results(case, data):
    try:
        scheme, value, base, catalogue = derived_case(case, data)
        ev = evaluate(scheme, catalogue)
        assert ev.indices["derived"].aggregate == value(ev.indices)
        # sum(x where C) over a partition of conditions adds up to x
        assert (ev.indices["part_in"].aggregate + ev.indices["part_out"].aggregate
                == ev.indices[base].aggregate)
        # sensitivity's arrays at zero perturbation give the same derived figures
        arrays = _Arrays(ev)
        totals = arrays.totals(arrays.weights[None, :])[0]
        for name in ("derived", "part_in", "part_out"):
            assert totals[arrays.index_names.index(name)] == pytest.approx(
                float(ev.indices[name].aggregate), abs=1e-9)
        assert explain(ev, "derived")[0].result.aggregate == value(ev.indices)
    finally:
        dsl_files.OVERLAY.pop("/virtual/d.rules", None)
        dsl_files.OVERLAY.pop("/virtual/d.events", None)


# --- actions over the score so far ----------------------------------------------------

ACTIONS = f'''scheme "Actions" version "1"
extends "{RULES.parent / 'minsk-by-category.rules'}"
rule halve "Statements count half" when category is statements then set to trunc(score / 2)
rule visits "Visits: one more point" when category is visits then add direction
rule cap when always then clamp -2 to 2
'''


def test_actions_over_the_score_so_far_are_a_hand_loops(tmp_path):
    import math

    path = tmp_path / "a.rules"
    path.write_text(ACTIONS, encoding="utf-8")
    scheme = load_scheme(str(path))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    totals = {name: 0 for name in scheme.indices}
    for event in ev.catalogue.events:
        category = event.category.name
        weight = scheme.categories[category].weight
        for s in event.scores:
            direction = (s.value > 0) - (s.value < 0)
            score = direction * weight
            if category == "statements":
                score = math.trunc(Fraction(score, 2))
            if category == "visits":
                score += direction
            totals[s.index] += min(max(score, -2), 2)
    assert {n: r.aggregate for n, r in ev.indices.items()} == totals
    text = run("explain", path, EVENTS, "--index", "us").output
    assert "rule halve (" in text and "set to trunc(score / 2), -1 -> 0" in text


def test_the_score_so_far_only_in_actions(tmp_path):
    bad = tmp_path / "b.rules"
    bad.write_text(f'scheme "B"\nextends "{RULES}"\nscore recorded + score\n'
                   "index x = score\nrule r when always then clamp 2 to -2\n", encoding="utf-8")
    lines = [line for line in run("check", bad).output.splitlines() if "error[" in line]
    assert lines == [
        f"{bad}:3:18: error[B113]: `score` cannot stand here: it is the score so far, which "
        "only a rule's action can use (set to trunc(score / 2))",
        f"{bad}:4:11: error[B113]: `score` cannot stand here: it is the score so far, which "
        "only a rule's action can use (set to trunc(score / 2))",
        f"{bad}:5:25: error[B203]: `clamp 2 to -2` runs from high to low",
    ]


def test_hovering_over_a_derived_index_shows_its_expression(no19_derived):
    from barometer.lsp import _describe

    path, ev = no19_derived
    assert _describe("index", ev.scheme.indices["east_west"]) == (
        "**index east_west**: East-West balance\n\n= `(russia + china) / 2 - (eu + us) / 2`")


def test_weights_vary_by_a_share_of_themselves(tmp_path):
    from barometer.engine.sensitivity import analyse

    path = tmp_path / "p.rules"
    path.write_text(f'scheme "P"\nextends "{RULES.parent / "minsk-by-category.rules"}"\n'
                    "vary weights of sanctions, contacts by 20%\n", encoding="utf-8")
    scheme = load_scheme(str(path))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    result = analyse(ev, list(scheme.varies), samples=50)
    by = {p.key: p.by for p in result.parameters}
    assert by == pytest.approx({"sanctions": 0.6, "contacts": 0.2})
    out = run("sensitivity", path, EVENTS, "--samples", "50", "--vary", "weights by 50%").output
    assert "weight of sanctions ±1.5" in out and "weight of contacts ±0.5" in out


# --- what testing from outside found in derived indices and actions -----------------

def _scheme(tmp_path, body, name="h.rules", parent=RULES):
    path = tmp_path / name
    path.write_text(f'scheme "H" version "1"\nextends "{parent}"\n{body}', encoding="utf-8")
    return path


def test_a_figure_an_action_cannot_compute_is_a_located_error_in_eval_and_check(tmp_path):
    path = _scheme(tmp_path, "bands regional_tension { all >= -1000000  low < -1000000 }\n"
                   'rule r "r" when index is us then set to score / (recorded + 1)\n')
    for verb in ("eval", "check", "explain", "sensitivity"):
        result = run(verb, path, EVENTS)
        assert "error[B208]: division by zero" in result.output, (verb, result.output)
        assert result.exit_code in (1, 2)


def test_sensitivity_passes_over_moves_that_make_a_figure_impossible(tmp_path):
    path = _scheme(tmp_path, 'index q "Q" = sqrt(eu + 5)\nbands q { lo < 0  hi >= 0 }\n',
                   parent=RULES.parent / "minsk-by-category.rules")
    result = run("sensitivity", path, EVENTS, "--vary", "weights by 3", "--samples", "200",
                 "--format", "json")
    assert result.exit_code == 0
    json.loads(result.output)  # no NaN or Infinity in it


def test_numbers_too_large_are_findings_not_overflows(tmp_path):
    big = " * ".join(["999999999999999"] * 24)
    path = _scheme(tmp_path, f'index x "X" = sqrt(russia * {big})\n')
    result = run("eval", path, EVENTS)
    assert result.exit_code == 2 and "error[B208]: a number too large" in result.output


def test_a_derived_index_has_no_points_to_expect(tmp_path):
    rules = _scheme(tmp_path, 'index b "B" = -us\n')
    test = tmp_path / "b.test"
    test.write_text(f'test "b"\n    rules "h.rules"\n    events "{EVENTS}"\n'
                    "    expect b +18 (+18 / 0)\n", encoding="utf-8")
    result = run("test", test)
    assert result.exit_code == 1
    assert "no points (a derived index has none)" in result.output


def test_round_after_a_decimal_keeps_totals_whole_and_derived_bands_are_checked(tmp_path):
    whole = _scheme(tmp_path, 'rule r3 "h" when index is regional_tension then multiply by 1.5, '
                    "round\n")
    assert "B201" not in run("check", whole).output
    gap = _scheme(tmp_path, 'index x "X" = russia / 3\nbands x { low <= 6  high >= 7 }\n',
                  name="g.rules")
    assert "error[B201]: x: values between +6 and +7 fall in no band" in run("check", gap).output


def test_events_cannot_score_a_derived_index_and_a_child_keeps_its_formula(tmp_path):
    derived = _scheme(tmp_path, 'index a "third" = russia / 3\n')
    events = tmp_path / "e.events"
    events.write_text('period "P" from 2021-01-01 to 2021-02-28\n[4 January] x\n'
                      "    russia +1\n    a +2\n", encoding="utf-8")
    assert "error[B113]: `a` is a derived index" in run("check", derived, events).output
    child = tmp_path / "c.rules"
    child.write_text(f'scheme "C"\nextends "{derived}"\nindex a "retitled"\n', encoding="utf-8")
    assert load_scheme(str(child)).indices["a"].formula.text() == "russia / 3"


def test_suppression_is_a_comment_not_a_text(tmp_path):
    path = tmp_path / "s.rules"
    path.write_text('scheme "S" version "1"\nrange -3 to +3\nindex us\n'
                    'rule r1 "x # barometer: ignore B405" when index is us then add 5\n',
                    encoding="utf-8")
    assert "warning[B405]" in run("check", path).output


def test_clamp_with_its_bounds_reversed_is_an_error(tmp_path):
    path = _scheme(tmp_path, 'index x "X" = clamp(russia, 5, 1)\n')
    assert "error[B208]: clamp from 5 down to 1" in run("eval", path, EVENTS).output


def test_sensitivity_names_the_smallest_flip_of_a_derived_index_too(tmp_path):
    path = _scheme(tmp_path, 'index x "X" = russia\nbands russia { lo < 20  hi >= 20 }\n'
                   "bands x { lo < 20  hi >= 20 }\n")
    out = run("sensitivity", path, EVENTS, "--vary", "bands by 1", "--samples", "100").output
    assert "x: start of hi (+20) moved up by any amount turns hi into lo" in out
    assert "russia: start of hi (+20) moved up by any amount turns hi into lo" in out


def test_a_selection_that_selects_nothing_is_said(tmp_path):
    from barometer.checker import check_files

    from .conftest import RULES

    path = tmp_path / "w.rules"
    path.write_text(f'scheme "W" version "1"\nextends "{RULES}"\n'
                    'index odd "Odd" = sum(us where index is eu) + count(russia where '
                    'recorded > 5) + sum(china where category is contacts)\n', encoding="utf-8")
    found = [(d.code, d.span.column, d.message) for d in check_files([str(path)]).diagnostics]
    assert found == [
        ("B401", 23, "`us where index is eu` selects nothing: no event of `us` can meet the "
                     "condition"),
        ("B401", 53, "`russia where recorded > +5` selects nothing: no event of `russia` can "
                     "meet the condition")]


def test_a_division_by_zero_whatever_the_catalogue_is_an_error_of_the_scheme(tmp_path):
    from barometer.checker import check_files

    from .conftest import RULES

    path = tmp_path / "z.rules"
    path.write_text(f'scheme "Z" version "1"\nextends "{RULES}"\n'
                    'index z "Z" = russia / (1 - 1) + eu / 0 + us / max(us, 1)\n',
                    encoding="utf-8")
    found = [(d.code, d.severity, d.span.column, d.message)
             for d in check_files([str(path)]).diagnostics]
    assert found == [
        ("B208", "error", 27, "`z` divides by 1 - 1, which is 0 whatever the catalogue: its "
                              "figure can never be computed"),
        ("B208", "error", 39, "`z` divides by 0: its figure can never be computed")]


def test_json_says_exact_of_every_figure_shown_in_full(tmp_path):
    path = _scheme(tmp_path, 'index fifth "F" = china / 40\n'
                   'index neg "N" = us * 1.8 - 1.4\n'
                   'index long "L" = russia / 3.2 + 0.41125\n'
                   'index half "H" = eu / 2\n'
                   'index third "T" = russia / 60\n'
                   'index tiny "Y" = eu / 10000000\n'
                   'index root "R" = sqrt(china * 2)\n')
    data = json.loads(run("eval", path, EVENTS, "--format", "json").output)["indices"]
    shown = {k: (data[k]["aggregate"], data[k]["exact"])
             for k in ("fifth", "neg", "long", "half", "third", "tiny", "root")}
    assert shown == {"fifth": (0.2, True), "neg": (-33.8, True), "long": (6.66125, True),
                     "half": (-0.5, True), "third": (0.333333, False), "tiny": (-1e-07, True),
                     "root": (4, False)}
