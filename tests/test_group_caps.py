"""Per-group caps: `clamp(x by category, low, high)` sums an index's scores per
category (or attribute), clamps each sum and adds them up; `count`, `max` and
`min` of a grouping count the groups or take the largest or smallest sum. Each
domain (exact, the checks' intervals, sensitivity's arrays) against a hand loop,
and the columnar engine hands such a scheme to the python engine (B801)."""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl import files as dsl_files
from barometer.api import read_scheme
from barometer.engine.columnar import check_compiles
from barometer.engine.sensitivity import _Arrays

from .conftest import EVENTS, ROOT
from .helpers import run, write
from .strategies import schemes_and_catalogues

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def hand(ev, index, low, high):
    """The capped figure, by a loop over the scored entries."""
    sums = defaultdict(int)
    for s in ev.scored:
        if s.entry.index == index and s.score is not None:
            category = s.entry.event.category
            sums[category.name if category else None] += s.score
    return sums, sum(min(max(v, low), high) for v in sums.values())


@pytest.fixture(autouse=True)
def clean_overlay():
    yield
    for key in [k for k in dsl_files.OVERLAY if k.startswith("/virtual")]:
        del dsl_files.OVERLAY[key]


@SETTINGS
@given(case=schemes_and_catalogues(), low=st.integers(-6, 0), width=st.integers(0, 8))
def test_a_cap_per_category_is_the_hand_loops_in_every_domain(case, low, width):
    rules, events = case
    index, high = rules.indices[0], low + width
    text = rules.text + (f"index capped = clamp({index} by category, {low}, {high})\n"
                         f"index groups = count({index} by category)\n")
    dsl_files.OVERLAY["/virtual/s.rules"] = text
    dsl_files.OVERLAY["/virtual/e.events"] = events.text
    scheme, problems = read_scheme("/virtual/s.rules", errors_only=True)
    assert not [p for p in problems if p.severity == "error"], problems
    ev = evaluate(scheme, load_catalogue(["/virtual/e.events"], scheme))
    sums, capped = hand(ev, index, low, high)
    assert ev.indices["capped"].aggregate == capped
    assert ev.indices["groups"].aggregate == len(sums)
    arrays = _Arrays(ev)  # sensitivity's arrays, at zero perturbation
    totals = dict(zip(arrays.index_names, arrays.totals(arrays.weights[None, :])[0]))
    assert totals["capped"] == pytest.approx(float(capped))
    assert totals["groups"] == len(sums)


def test_the_category_caps_scheme_is_the_hand_loops_on_no19():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-category-caps.rules"))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    for name in ["russia", "eu", "china", "us", "ukraine", "national_security",
                 "regional_tension"]:
        assert ev.indices[f"{name}_capped"].aggregate == hand(ev, name, -4, 4)[1]
    assert ev.indices["us_capped"].aggregate == -6  # statements -16 count -4


def test_max_and_min_of_a_grouping_with_a_condition(tmp_path):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\n'
                 "index worst = min(us where recorded < 0 by category)\n"
                 "index best = max(us by [category])\n")
    scheme = load_scheme(str(path))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    negative = defaultdict(int)
    for s in ev.scored:
        if s.entry.index == "us" and s.entry.recorded < 0:
            negative[s.entry.event.category.name] += s.score
    assert ev.indices["worst"].aggregate == min(negative.values()) == -17
    assert ev.indices["best"].aggregate == max(hand(ev, "us", -99, 99)[0].values()) == 1


def test_the_columnar_engine_hands_a_grouping_to_the_python_engine():
    pytest.importorskip("sqlglot", reason="the columnar extra is not installed")
    pytest.importorskip("duckdb", reason="the columnar extra is not installed")
    scheme = load_scheme(str(ROOT / "rules" / "minsk-category-caps.rules"))
    found = check_compiles(scheme)
    assert found.code == "B801" and "a sum per group of events (russia by category)" in \
        found.message
    csv = ROOT / "examples" / "minsk-barometer-19.csv"
    python = run("eval", ROOT / "rules" / "minsk-category-caps.rules", csv, "--format", "csv",
                 "--engine", "python").output
    duck = run("eval", ROOT / "rules" / "minsk-category-caps.rules", csv, "--format", "csv",
               "--engine", "duckdb")
    assert python.splitlines()[-7:] == duck.stdout.splitlines()[-7:]


@pytest.mark.parametrize("formula, message", [
    ("clamp(us by category, -4)", "`us by category` is read by clamp(..., low, high), count, "
     "max or min, and clamp() takes 2 more numbers"),
    ("sum(us by category)", "`us by category` is read by clamp(..., low, high), count, max or "
     "min, not by sum()"),
    ("clamp(us by categry, -4, 4)", "unknown field `categry` to group by"),
    ("clamp(5, us by category, 4)", "`us by category` stands only as the first argument"),
])
def test_grouping_mistakes_are_located(tmp_path, formula, message):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\nindex x = {formula}\n')
    result = run("check", path)
    assert result.exit_code == 1
    assert f"{path}:3:" in result.output and message in result.output


def test_a_grouping_cannot_stand_in_a_score(tmp_path):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\n'
                 "score clamp(us by category, -4, 4)\n")
    result = run("check", path)
    assert f"{path}:3:13: error[B113]: `us by category` cannot stand in a score" in result.output
