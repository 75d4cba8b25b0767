"""Richer `vary`: a rule's numbers (`vary rule NAME by N`) and a choice of score
expression (`vary score among [...]`), sampled with the same node code as exact
evaluation; held to exact evaluation of the scheme changed by hand."""

import textwrap

import attrs
import pytest
from click.testing import CliRunner

from barometer import api, evaluate, load_catalogue, load_scheme
from barometer.engine.problems import NothingToVary
from barometer.engine.sensitivity import _Arrays, _at, _with_number, analyse, scales
from barometer.main import main

from .conftest import EVENTS, ROOT
from .helpers import run, write

SCHEME = textwrap.dedent("""\
    scheme "Varied" version "1"
    extends "{root}/rules/minsk-by-category.rules"
    rule halve "Statements count half" when category is statements
        then set to trunc(score / 2), add 1
    vary rule halve by 1
    vary score among [recorded, direction, direction * weight]
""")


def scheme_at(tmp_path, text=SCHEME):
    path = tmp_path / "v.rules"
    path.write_text(text.format(root=ROOT), encoding="utf-8")
    return load_scheme(str(path))


def exact(scheme):
    return {k: float(r.aggregate) for k, r in
            evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices.items()}


def test_zero_variation_reproduces_the_nominal_figures(tmp_path):
    scheme = scheme_at(tmp_path, SCHEME.replace("by 1", "by 0").replace(
        "[recorded, direction, direction * weight]", "[direction * weight, direction * weight]"))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    result = analyse(ev, list(scheme.varies), samples=200, seed=1)
    for i in result.indices:
        assert i.p5 == i.median == i.p95 == float(ev.indices[i.name].aggregate), i.name


def test_a_rule_number_moved_in_arrays_is_the_scheme_changed_exactly(tmp_path):
    # every number of the rule, each moved by each of these: the scheme, its
    # evaluation and its arrays built once for all ten
    from fractions import Fraction

    scheme = scheme_at(tmp_path)
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    params = [p for p in analyse(ev, list(scheme.varies), samples=5).parameters]
    arrays = _Arrays(ev, list(scheme.varies))
    for k in (0, 1):
        j = next(n for n, p in enumerate(params) if p.key == f"halve#{k}")
        for delta in (-1, -0.5, 0.25, 1, 3):
            totals, _ = _at(ev, params, arrays, scales(scheme), {j: delta})
            want = exact(_with_number(scheme, f"halve#{k}", Fraction(delta)))
            assert totals == want, (k, delta)


def test_each_score_expression_sampled_is_that_scheme_exactly(tmp_path):
    scheme = scheme_at(tmp_path, SCHEME.replace("vary rule halve by 1\n", ""))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    (vary,) = scheme.varies
    arrays = _Arrays(ev, [vary])
    params = list(analyse(ev, [vary], samples=5).parameters)
    for k, option in enumerate(vary.options):
        totals, _ = _at(ev, params, arrays, scales(scheme), {0: k})
        assert totals == exact(attrs.evolve(scheme, score=option)), option.text()
    # sampled: every figure is one of the three schemes', and all three come up
    result = analyse(ev, [vary], samples=300, seed=2)
    russia = next(i for i in result.indices if i.name == "russia")
    figures = {exact(attrs.evolve(scheme, score=o))["russia"] for o in vary.options}
    assert russia.p5 == min(figures) and russia.p95 == max(figures)


def test_vary_mistakes_are_located(tmp_path):
    path = tmp_path / "bad.rules"
    path.write_text(textwrap.dedent(f"""\
        scheme "Bad" version "1"
        extends "{ROOT}/rules/minsk-barometer.rules"
        rule cut when category is statements then round
        vary rule halv by 1
        vary rule cut by 1
        vary score among [recorded]
        vary score among [recorded, weigth]
    """), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    lines = [line for line in result.output.splitlines() if "error[" in line or "hint" in line]
    assert lines == [
        f"{path}:4:1: error[B101]: unknown rule `halv`",
        "   = hint: the scheme has no rule of that name",
        f"{path}:5:1: error[B117]: rule `cut` has no number to vary",
        "   = hint: vary a rule whose actions write numbers: add 1, multiply by 2, set to "
        "trunc(score / 2)",
        f"{path}:6:1: error[B117]: `vary score among` needs two expressions or more to choose "
        "between",
        "   = hint: e.g. vary score among [recorded, direction]",
        f"{path}:7:29: error[B101]: unknown attribute `weigth`",
        "   = hint: did you mean `weight`?",
    ]


def test_the_cli_varies_a_rule_and_the_score(tmp_path):
    scheme_at(tmp_path)
    result = CliRunner().invoke(main, ["sensitivity", str(tmp_path / "v.rules"), str(EVENTS),
                                       "--samples", "500"])
    assert result.exit_code == 0, result.output
    assert "rule halve: 2, its number 1 of 2 ±1" in result.output
    assert "score among [recorded, direction, direction * weight], one per sample" in result.output
    assert "  score recorded instead: " in result.output


def test_one_at_a_time_moves_each_parameter_by_its_declared_width(tmp_path):
    scheme = scheme_at(tmp_path, SCHEME.replace("vary rule halve by 1", "vary rule halve by 0.5")
                       + "vary weights by 2\n")
    result = analyse(evaluate(scheme, load_catalogue([str(EVENTS)], scheme)), scheme.varies,
                     samples=50)
    moves = {(e.parameter.kind, abs(e.delta)) for e in result.one_at_a_time
             if e.parameter.kind != "score"}
    assert moves == {("rule", 0.5), ("weight", 2.0)}


def test_sensitivity_says_every_kind_of_vary_it_takes():
    result = run("sensitivity", ROOT / "rules" / "minsk-barometer.rules",
                 ROOT / "examples" / "minsk-barometer-19.events", "--vary", "rule by 1")
    assert result.exit_code == 2
    assert "'rule older by 1', 'score among [recorded, direction]'" in result.output


def test_bands_all_chosen_by_other_figures_say_why_nothing_varies():
    result = CliRunner().invoke(main, ["sensitivity", str(ROOT / "rules/minsk-conditions.rules"),
                                       str(EVENTS), "--vary", "bands by 1"])
    assert result.exit_code == 2
    assert ("nothing to vary: the bands of regional_tension are chosen by other figures too "
            "(`when`), so their boundaries cannot be moved, and no other index has bands"
            in result.output)


def test_the_engine_names_no_flag_and_the_command_line_names_it(tmp_path):
    # the engine raises a typed problem in its own words; the front adds its flags
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n')
    events = write(tmp_path, "e.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                   "published a +1\n[3 January] x\n    a +1\n")
    scheme = load_scheme(str(rules))
    with pytest.raises(NothingToVary) as raised:
        analyse(evaluate(scheme, load_catalogue([str(events)], scheme)), [], 20)
    assert str(raised.value) == ("nothing to vary: the scheme declares no `vary`, and none "
                                 "was given")
    with pytest.raises(api.UsageProblem, match=r"^nothing to fit: [^-]*$"):
        api.calibrate(str(rules), [str(events)], samples=20)
    said = run("sensitivity", rules, events, "--samples", 20).output
    assert ("nothing to vary: the scheme declares no `vary`, and none was given (e.g. "
            "--vary 'weights by 1' or --vary 'bands by 1')") in said
    said = run("sensitivity", rules, events, "--samples", 20, "--fit").output
    assert ("nothing to fit: the scheme declares no `vary`, and none was given (e.g. "
            "--vary 'weights by 1')") in said
