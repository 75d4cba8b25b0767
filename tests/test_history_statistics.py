"""Across issues: mean, min, max and sd (the sample standard deviation) of an
index's figure over the N issues before (`mean(russia over 8 issues)`), in a
series or after `--history`, against Python's `statistics` on the same figures;
too short a history gives no figure (B705 in a series, B704 alone)."""

import math
import statistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_scheme
from barometer.dsl.load import read_events
from barometer.engine.plan import Past
from barometer.engine.sensitivity import _Arrays

from .conftest import EVENTS, ROOT


def load_catalogue(paths, scheme):
    """The catalogue as read, its figures not computed alone (they read history)."""
    catalogue, problems = read_events(paths, scheme)
    assert not [p for p in problems if p.severity == "error"], problems
    return catalogue
from .helpers import run, write

HISTORY = ROOT / "examples" / "history"
SCHEME = f'''scheme "S" version "1"
extends "{ROOT}/rules/minsk-barometer.rules"
index m = mean(russia over {{n}} issues)
index lo = min(russia over {{n}} issues)
index hi = max(russia over {{n}} issues)
index z = (russia - mean(russia over {{n}} issues)) / max(sd(russia over {{n}} issues), 1)
'''


@settings(max_examples=20, deadline=None)
@given(figures=st.lists(st.integers(-60, 60) | st.fractions(-60, 60, max_denominator=7),
                        min_size=2, max_size=9), data=st.data())
def test_the_figures_over_issues_are_those_of_pythons_statistics(tmp_path_factory, figures,
                                                                   data):
    n = data.draw(st.integers(2, len(figures)))
    folder = tmp_path_factory.mktemp("across")
    scheme = load_scheme(str(write(folder, "s.rules", SCHEME.format(n=n))))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    history = tuple(Past(f"No {k}", {"russia": f}) for k, f in enumerate(figures))
    ev = evaluate(scheme, catalogue, history)
    last = figures[-n:]
    assert ev.indices["m"].aggregate == Fraction(sum(last), n)
    assert ev.indices["lo"].aggregate == min(last)
    assert ev.indices["hi"].aggregate == max(last)
    sd = statistics.stdev([Fraction(f) for f in last])  # the sample one, n - 1
    z = (20 - Fraction(sum(last), n)) / max(sd, 1)
    assert ev.indices["z"].aggregate == pytest.approx(float(z), rel=1e-12)
    # sensitivity's arrays: history is not sampled, so every sample has these figures
    arrays = _Arrays(ev)
    totals = dict(zip(arrays.index_names, arrays.totals(arrays.weights[None, :])[0]))
    for name in ("m", "lo", "hi", "z"):
        assert totals[name] == pytest.approx(float(ev.indices[name].aggregate), rel=1e-12)


def test_the_normalised_scheme_on_no19_after_the_issues_that_publish_russia():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-normalised.rules"))
    history = [Past("No 3", {"russia": 25}), Past("No 8", {"russia": -9}),
               Past("No 14", {"russia": -9})]
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme), tuple(history))
    assert ev.indices["russia_minmax"].aggregate == Fraction(29, 34)
    assert ev.indices["russia_baseline"].aggregate == Fraction(53, 3)
    assert ev.indices["russia_z"].aggregate == pytest.approx(
        (20 - 7 / 3) / statistics.stdev([25, -9, -9]))
    assert not ev.indices["russia_z"].exact


def test_too_short_a_history_gives_no_figure_in_a_series_and_says_why():
    result = run("series", ROOT / "rules" / "minsk-normalised.rules", HISTORY, EVENTS,
                 "--format", "csv")
    assert result.exit_code == 0
    rows = [r for r in result.output.splitlines() if "No 19" in r and ",russia_z," in r]
    assert rows and rows[0].endswith(",history")
    assert "warning[B705]: min(russia over 3 issues) needs 3 earlier issues with the figure" \
        in result.output


def test_evaluated_alone_it_is_an_error_with_the_way_out():
    result = run("eval", ROOT / "rules" / "minsk-normalised.rules", EVENTS)
    assert result.exit_code == 2
    assert "error[B704]: min(russia over 3 issues) needs 3 earlier issues" in result.output
    assert "--history" in result.output


@pytest.mark.parametrize("formula, message", [
    ("sd(russia over 1 issues)", "sd() counts issues back with a whole number, 2 or more, "
     "not 1"),
    ("mean(russia over 2.5 issues)", "mean() counts issues back with a whole number, 1 or "
     "more, not 2.5"),
    ("sum(russia over 3 issues)", "`russia over 3 issues` is read by mean, min, max or sd "
     "alone, not by sum()"),
    ("mean(rusia over 3 issues)", "unknown index `rusia`"),
    ("sd(russia)", "sd() takes an index's figures over issues"),
])
def test_mistakes_over_issues_are_located(tmp_path, formula, message):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\nindex x = {formula}\n')
    result = run("check", path)
    assert result.exit_code == 1 and f"{path}:3:" in result.output
    assert message in result.output


def test_the_sd_is_exact_in_its_square_and_rounded_only_at_the_root():
    # 2, 4, 4, 4, 5, 5, 7, 9: the sample variance is 32/7
    history = tuple(Past(str(k), {"russia": v}) for k, v in enumerate([2, 4, 4, 4, 5, 5, 7, 9]))
    scheme_text = SCHEME.format(n=8).replace("max(sd(russia over 8 issues), 1)",
                                             "sd(russia over 8 issues)")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        scheme = load_scheme(str(write(Path(folder), "s.rules", scheme_text)))
        ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme), history)
    assert ev.indices["z"].aggregate == pytest.approx((20 - 5) / math.sqrt(32 / 7))


@pytest.mark.parametrize("formula", ["previous(russia)", "mean(russia over 2 issues)"])
def test_the_columnar_engine_says_as_the_python_one_that_there_is_no_issue_before(tmp_path,
                                                                                formula):
    pytest.importorskip("duckdb")
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\nindex x = {formula}\n')
    csv = ROOT / "examples" / "minsk-barometer-19.csv"
    outputs = [run("eval", path, csv, "--engine", engine) for engine in ("python", "duckdb")]
    for result in outputs:
        assert result.exit_code == 2
        assert f"{path}:3:" in result.output and "error[B704]" in result.output
    assert outputs[0].output == outputs[1].output


def test_two_indices_without_a_figure_have_none(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index x "X" = y + 1\nindex y "Y" = previous(a)\n')
    one = write(tmp_path, "one.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                "[4 January] x\n    a +1\n")
    # was "y, x has no figure in No 1"
    assert "with the figure: y, x have no figure in No 1" in run("series", rules, one).output
