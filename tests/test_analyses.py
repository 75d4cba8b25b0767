"""explain, compare and sensitivity: on No 19, and as properties over generated
schemes and catalogues."""

import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.main import main
from barometer.dsl.diagnostics import Span
from barometer.dsl.model import Vary
from barometer.engine.compare import compare
from barometer.engine.explain import explain, nearest_change
from barometer.engine.sensitivity import _Arrays, _at, analyse, scales

from .conftest import EVENTS, ROOT, RULES
from .helpers import run, write, examples
from .strategies import rules_files, schemes_and_catalogues

SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
HERE = Span("test", 1, 1, 1, 2)


def evaluated(rules_path, events_path=EVENTS):
    scheme = load_scheme(str(rules_path))
    return evaluate(scheme, load_catalogue([str(events_path)], scheme))


def write_case(folder, case):
    rules, events = case
    (folder / "s.rules").write_text(rules.text, encoding="utf-8")
    (folder / "e.events").write_text(events.text, encoding="utf-8")
    return folder / "s.rules", folder / "e.events"


# --- No 19 -------------------------------------------------------------------------


def test_explain_regional_tension_on_no19():
    [x] = explain(evaluated(RULES), "regional_tension")
    assert (x.result.aggregate, x.result.colour) == (-7, "yellow")
    assert (x.up.points, x.up.at, x.up.colour) == (1, -6, "green")
    assert (x.down.points, x.down.at, x.down.colour) == (6, -13, "orange")
    assert [line.running for line in x.lines][-1] == -7
    dates = [line.scored.entry.event.when.start for line in x.lines]
    assert dates == sorted(dates)


def test_explain_cli_plain_words_first():
    out = CliRunner().invoke(main, ["explain", str(RULES), str(EVENTS), "--index",
                                    "regional_tension"]).output
    assert out.startswith("Regional tension: -7, yellow  (+6 positive, -13 negative, 22 events)\n"
                          "  1 point from green (at -6); 6 points from orange (at -13)\n")
    result = CliRunner().invoke(main, ["explain", str(RULES), str(EVENTS), "--index", "rusia"])
    assert result.exit_code == 2 and "did you mean `russia`?" in result.output


def test_one_of_a_count_is_said_in_the_singular(tmp_path):
    # "1 samples", "(1 lines)", "1 events"
    out = CliRunner().invoke(main, ["sensitivity", str(RULES), str(EVENTS), "--samples", "1",
                                    "--vary", "bands of regional_tension by 2"]).output
    assert out.startswith("1 sample, seed 0; varied uniformly: ")
    assert "1 sample (seed 0)" in repr(analyse(evaluated(RULES), [Vary("bands", None, 1, HERE)],
                                               1))
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n')
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n\n'
                   "[1 January] e\n    a +1\n")
    out = CliRunner().invoke(main, ["explain", str(rules), str(events)]).output
    assert out.startswith("A: +1  (+1 positive, 0 negative, 1 event)\n"), out
    ev = evaluated(rules, events)
    assert "(1 line)" in repr(explain(ev)) and "; 1 line" in repr(explain(ev)[0])
    assert repr(ev.indices["a"]).endswith(", 1 event>")


def test_explain_an_event_filter_that_names_no_event_says_so():
    # it printed nothing at all, exit 0: a mistyped filter looked like an empty index
    for event in ("Lukashenka meets with Ptuin", "9999"):
        result = CliRunner().invoke(main, ["explain", str(RULES), str(EVENTS), "--event", event])
        assert result.exit_code == 0
        assert result.output == f"note: --event {event} names no event: nothing to explain\n"
    result = CliRunner().invoke(main, ["explain", str(RULES), str(EVENTS), "--event", "Putin",
                                       "--index", "china"])
    assert result.output.startswith("note: --event Putin names no event scored on china: "
                                    "nothing to explain\nRelationship with China: +8")


def test_compare_published_and_alternatives_on_no19():
    result = CliRunner().invoke(main, ["compare", str(RULES),
                                       str(ROOT / "rules" / "minsk-direction-only.rules"),
                                       str(ROOT / "rules" / "minsk-by-category.rules"),
                                       str(EVENTS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schemes"] == ["Minsk Barometer", "Minsk Barometer, direction only",
                               "Minsk Barometer, scored by category"]
    values = {k: v["values"] for k, v in data["indices"].items()}
    assert values == {"russia": [20, 17, 24], "eu": [-1, 0, 1], "china": [8, 8, 10],
                      "us": [-18, -16, -17], "ukraine": [-13, -7, -12],
                      "national_security": [4, 0, -2], "regional_tension": [-7, -8, -14]}
    assert data["indices"]["regional_tension"]["colours"] == ["yellow", "yellow", "orange"]
    assert data["rankings"]["relationships"][0] == ["russia", "china", "eu", "ukraine", "us"]
    oil = [e for e in data["events"] if "oil products" in e["text"] and e["index"] == "eu"]
    assert oil[0]["scores"] == [-2, -1, -2]
    assert oil[0]["how"][2] == "recorded -2; direction * weight, agreements weight 2 = -2"


def test_even_bands_keep_yellow_and_sensitivity_finds_the_one_point_flip():
    ev = evaluated(RULES)
    result = analyse(ev, list(ev.scheme.varies), samples=500, seed=3)
    flip = result.smallest_flips["regional_tension"]
    assert (flip.parameter.key, flip.delta, flip.before, flip.after) == (
        "regional_tension:green", -1.0, "yellow", "green")
    assert evaluated(ROOT / "rules" / "minsk-even-bands.rules").indices[
        "regional_tension"].colour == "yellow"


def test_sensitivity_is_deterministic_for_a_seed():
    ev = evaluated(ROOT / "rules" / "minsk-by-category.rules")
    varies = list(ev.scheme.varies)
    a, b = analyse(ev, varies, 2000, seed=7), analyse(ev, varies, 2000, seed=7)
    assert a == b
    c = analyse(ev, varies, 2000, seed=8)
    assert a.indices != c.indices


def test_sensitivity_cli_vary_and_errors():
    run = CliRunner().invoke
    result = run(main, ["sensitivity", str(RULES), str(EVENTS), "--samples", "200", "--vary",
                        "bands of regional_tension by 2", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["samples"] == 200 and len(data["parameters"]) == 4
    rt = data["indices"]["regional_tension"]
    assert abs(sum(rt["colour_probability"].values()) - 1) < 1e-9
    assert run(main, ["sensitivity", str(RULES), str(EVENTS), "--vary", "wieghts by 1"]
               ).exit_code == 2
    result = run(main, ["sensitivity", str(RULES), str(EVENTS), "--vary", "weights by 1"])
    assert result.exit_code == 2 and "have no weight to vary" in result.output


# --- properties --------------------------------------------------------------------


@SETTINGS
@given(case=schemes_and_catalogues())
def test_compare_a_with_itself_shows_no_difference(tmp_path_factory, case):
    rules, events = write_case(tmp_path_factory.mktemp("c"), case)
    a = evaluated(rules, events)
    c = compare([a, evaluated(rules, events)])
    assert c.events == ()
    assert all(d in (0, None) for i in c.indices for d in i.differences())
    assert len(set(c.rankings.get("x", [()]))) <= 1


@SETTINGS
@given(one=schemes_and_catalogues(), data=st.data())
def test_compare_is_antisymmetric(tmp_path_factory, one, data):
    from .strategies import ACTIONS, CATEGORIES, TAGS, conditions

    folder = tmp_path_factory.mktemp("c")
    rules_a, events = write_case(folder, one)
    score = data.draw(st.sampled_from(["direction", "recorded * 2", "direction * weight",
                                       "recorded - 1"]))
    condition = data.draw(conditions(list(one[0].indices), CATEGORIES, list(TAGS)))
    # a decimal action would leave gaps between the parent's whole-number bands,
    # which makes the child an error of its own (B201)
    action = data.draw(ACTIONS.filter(lambda a: "." not in a))
    rules_b = folder / "b.rules"
    rules_b.write_text(f'scheme "B"\nextends "s.rules"\nscore {score}\n'
                       f"rule extra when {condition} then {action}\n", encoding="utf-8")
    a, b = evaluated(rules_a, events), evaluated(rules_b, events)
    ab, ba = compare([a, b]), compare([b, a])
    for x, y in zip(ab.indices, ba.indices):
        assert x.differences()[1] == -y.differences()[1]
    assert {(d.event.number, d.index, d.scores) for d in ab.events} == {
        (d.event.number, d.index, tuple(reversed(d.scores))) for d in ba.events}


@SETTINGS
@given(case=schemes_and_catalogues())
def test_extending_without_overriding_changes_nothing(tmp_path_factory, case):
    folder = tmp_path_factory.mktemp("x")
    rules, events = write_case(folder, case)
    child = folder / "child.rules"
    child.write_text('scheme "Child" version "1"\nextends "s.rules"\n', encoding="utf-8")
    a, b = evaluated(rules, events), evaluated(child, events)
    assert [(r.aggregate, r.positive, r.negative, r.events, r.colour) for r in a.indices.values()] \
        == [(r.aggregate, r.positive, r.negative, r.events, r.colour) for r in b.indices.values()]
    assert [s.score for s in a.scored] == [s.score for s in b.scored]


@SETTINGS
@given(case=schemes_and_catalogues())
def test_explained_scores_add_up_to_eval(tmp_path_factory, case):
    rules, events = write_case(tmp_path_factory.mktemp("e"), case)
    ev = evaluated(rules, events)
    for x in explain(ev):
        scores = [line.scored.score for line in x.lines if line.scored.score is not None]
        assert sum(scores) == x.result.aggregate
        assert sum(s for s in scores if s > 0) == x.result.positive
        assert (x.lines[-1].running if x.lines else 0) == x.result.aggregate
        bands = ev.scheme.bands.get(x.result.index.name)
        for b in (x.up, x.down):
            if b is not None:
                assert bands.colour(b.at) != x.result.colour
                step = 1 if b.at > x.result.aggregate else -1
                # nothing nearer changes colour
                assert all(bands.colour(x.result.aggregate + k * step) == x.result.colour
                           for k in range(1, int(b.points)))


@SETTINGS
@given(rules=rules_files(with_rules=False), data=st.data())
def test_zero_perturbation_is_a_single_point_equal_to_eval(tmp_path_factory, rules, data):
    from .strategies import event_files

    events = data.draw(event_files(rules))
    path_r, path_e = write_case(tmp_path_factory.mktemp("s"), (rules, events))
    ev = evaluated(path_r, path_e)
    varies = [Vary("weights", None, 0, HERE), Vary("bands", None, 0, HERE)]
    result = analyse(ev, varies, samples=50, seed=data.draw(st.integers(0, 99)))
    for i in result.indices:
        nominal = ev.indices[i.name]
        assert i.nominal == i.median == i.p5 == i.p95 == nominal.aggregate
        if nominal.colour is not None:
            assert i.colour_probability == {nominal.colour: 1.0}
            assert i.colour_changes == 0
        if i.rank_shift is not None:
            assert i.rank_shift == 0
    assert all(kept == 1.0 for kept in result.ranking_kept.values())


@SETTINGS
@given(rules=rules_files(with_rules=False), data=st.data())
def test_smallest_flip_flips_and_nothing_smaller_does(tmp_path_factory, rules, data):
    from .strategies import event_files

    events = data.draw(event_files(rules))
    path_r, path_e = write_case(tmp_path_factory.mktemp("f"), (rules, events))
    ev = evaluated(path_r, path_e)
    varies = [Vary("weights", None, 1, HERE), Vary("bands", None, 1, HERE)]
    result = analyse(ev, varies, samples=10, seed=0)
    params = list(result.parameters)
    arrays, all_scales = _Arrays(ev), scales(ev.scheme)
    nominal = _at(ev, params, arrays, all_scales, {})[1]
    for name, flip in result.smallest_flips.items():
        if flip is None:
            continue
        j = params.index(flip.parameter)
        # a flip `past` delta happens for any move beyond it (the smallest real change)
        beyond = flip.delta + (flip.direction * 1e-6 if flip.past else 0)
        assert _at(ev, params, arrays, all_scales, {j: beyond})[1][name] == flip.after \
            != nominal[name]
        for k in range(len(params)):
            for step in range(1, int(abs(flip.delta))):
                for delta in (-step, step):
                    assert _at(ev, params, arrays, all_scales, {k: delta})[1][name] == nominal[name]


def test_nearest_change_on_the_published_scale(minsk):
    bands = minsk.bands["regional_tension"]
    assert nearest_change(bands, -1, -1).at == -2
    assert nearest_change(bands, 5, 1) is None
    assert nearest_change(bands, -18, -1) is None
    assert nearest_change(bands, -18, 1).colour == "orange"


def test_scale_orders_an_exclusive_start_after_an_inclusive_one(tmp_path):
    rules = tmp_path / "s.rules"
    rules.write_text('scheme "s"\nrange 0 to 1\nindex beta\nbands beta {\n'
                     '    orange > +1\n    yellow +1 to +1\n    green +0 to +0\n    white <= -1\n}\n',
                     encoding="utf-8")
    scale = scales(load_scheme(str(rules)))["beta"]
    assert scale.names == ("white", "green", "yellow", "orange")
    assert scale.starts == (0.0, 1.0, 1.0) and scale.inclusive == (True, True, False)


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


def test_compare_names_a_weight_only_where_the_score_reads_one(tmp_path):
    # the word `weight` inside an attribute's name is no weight: compare asks the nodes
    scheme = ('scheme "{}" version "1"\nrange -3 to +3\nindex a "A"\n'
              'attribute weightless "W" number from 0 to 10 default 1\n'
              "category talks weight 2\nscore {}\n")
    a = write(tmp_path, "a.rules", scheme.format("A", "recorded * weightless"))
    b = write(tmp_path, "b.rules", scheme.format("B", "direction * weight"))
    events = write(tmp_path, "e.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                   "[3 January] x\n    a +1\n    category talks\n    weightless 3\n")
    how = json.loads(run("compare", a, b, events, "--format", "json").output)["events"][0]["how"]
    assert how == ["recorded +1; recorded * weightless = +3",
                   "recorded +1; direction * weight, talks weight 2 = +2"]


def test_sensitivity_and_compare_take_the_issues_before_as_eval_does(tmp_path):
    # a scheme with previous() could not be analysed at all: B704 said to give the
    # history, which only eval and explain took; and once given, the search for the
    # smallest flip stopped with HistoryShort
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index ch "Change" = a - previous(a)\nbands ch { down < 0  up >= 0 }\n'
                  "rule dbl when always then multiply by 2\nvary rule dbl by 1\n")
    before = write(tmp_path, "i1.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                   "[3 January] x\n    a +1\n")
    now = write(tmp_path, "i2.events", 'period "No 2" from 2021-02-01 to 2021-02-28\n'
                "[3 February] x\n    a -2\n")
    assert "error[B704]" in run("sensitivity", rules, now).output
    result = run("sensitivity", rules, now, "--history", before, "--samples", 50,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    flips = json.loads(result.output)["smallest_flips"]["ch"]
    # ch = -2m - 2 with the multiplier m, so up from m = -1: the 2 moved by -3
    assert (flips["parameter"], flips["delta"], flips["to"]) == ("dbl#0", -3.0, "up")
    plain = write(tmp_path, "p.rules", 'scheme "P" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index ch "Change" = a - previous(a)\n')
    result = run("compare", plain, rules, now, "--history", before, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["indices"]["ch"]["values"] == [-3, -6]
