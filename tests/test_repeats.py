"""Repeats: `attribute NAME rank by [fields] within N days` is an event's rank
among the events alike in the fields that began at most N days before it (1 for
the first), read by conditions and score expressions like a number attribute.
Against a brute-force count in every domain; the columnar engines hand such a
scheme to the python engine (B801)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl import files as dsl_files
from barometer.dsl.domains import EXACT, INTERVALS, Interval
from barometer.api import read_scheme
from barometer.engine.columnar import check_compiles
from barometer.engine.sensitivity import _Arrays

from .conftest import EVENTS, ROOT
from .helpers import run, write
from .strategies import schemes_and_catalogues

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def field(event, index, name):
    if name == "index":
        return index
    if name == "category":
        return event.category.name if event.category else None
    if name == "tags":
        return frozenset(t.name for t in event.tags)
    return " ".join(event.text.casefold().split())


def brute_rank(catalogue, event, index, fields, days):
    """How many entries alike in `fields` began at most `days` before this one
    (ties by catalogue order), itself included: every pair looked at."""
    count = 0
    for other in catalogue.events:
        for s in other.scores if "index" in fields else [None]:
            where = s.index if s is not None else None
            if "index" in fields and where != index:
                continue
            if any(field(other, where, f) != field(event, index, f) for f in fields):
                continue
            gap = (event.when.start - other.when.start).days
            if 0 <= gap <= days and (gap > 0 or other.number <= event.number):
                count += 1
    return count


@pytest.fixture(autouse=True)
def clean_overlay():
    yield
    for key in [k for k in dsl_files.OVERLAY if k.startswith("/virtual")]:
        del dsl_files.OVERLAY[key]


@SETTINGS
@given(case=schemes_and_catalogues(), days=st.integers(0, 40),
       fields=st.lists(st.sampled_from(["index", "category", "tags", "text"]), unique=True,
                       max_size=3))
def test_a_rank_is_the_brute_force_count_in_every_domain(case, days, fields):
    rules, events = case
    by = f" by [{', '.join(fields)}]" if fields else ""
    text = rules.text.replace("\nscore ", f"\nattribute nth rank{by} within {days} days\nscore ",
                              1).replace("score recorded + 0", "score recorded * nth")
    dsl_files.OVERLAY["/virtual/s.rules"] = text
    dsl_files.OVERLAY["/virtual/e.events"] = events.text
    scheme, problems = read_scheme("/virtual/s.rules", errors_only=True)
    assert not [p for p in problems if p.severity == "error"], problems
    ev = evaluate(scheme, load_catalogue(["/virtual/e.events"], scheme))
    for entry in ev.entries:
        assert entry.values("nth") == brute_rank(ev.catalogue, entry.event, entry.index,
                                                 fields, days)
        # the checks' interval for the score holds the exact one (a rank is 1 or more)
        plan = ev.plan
        exact = plan.score(entry, EXACT, plan.weight_of(entry))
        if exact is not None and "nth" in plan.reads:
            wide = plan.score(entry, INTERVALS, Interval(1, 3))
            assert Interval.of(wide).lo <= exact <= Interval.of(wide).hi
    arrays = _Arrays(ev)  # sensitivity's arrays, at zero perturbation
    for name, value in zip(arrays.index_names, arrays.totals(arrays.weights[None, :])[0]):
        assert value == pytest.approx(float(ev.indices[name].aggregate), abs=1e-9)


def test_the_repeats_scheme_is_the_brute_force_count_on_no19():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-repeats.rules"))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    ev = evaluate(scheme, catalogue)
    totals = {name: 0 for name in scheme.indices}
    for event in catalogue.events:
        for s in event.scores:
            n = brute_rank(catalogue, event, s.index, ["index", "category"], 7)
            totals[s.index] += s.value * __import__("fractions").Fraction(1, 2 ** min(n - 1, 3))
    assert {k: r.aggregate for k, r in ev.indices.items()} == totals
    assert totals["us"] == -7 and totals["regional_tension"] == __import__(
        "fractions").Fraction(-17, 4)
    assert ev.indices["regional_tension"].colour == "green"


def test_repeats_of_a_kind_within_7_days_count_once(tmp_path):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\n'
                 "attribute repeat rank by [index, category] within 7 days\n"
                 "rule once when repeat > 1 then exclude\n")
    scheme = load_scheme(str(path))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    ev = evaluate(scheme, catalogue)
    counted = {name: 0 for name in scheme.indices}
    for event in catalogue.events:
        for s in event.scores:
            if brute_rank(catalogue, event, s.index, ["index", "category"], 7) == 1:
                counted[s.index] += 1
    assert {k: r.events for k, r in ev.indices.items()} == counted


def test_the_columnar_engine_hands_a_rank_to_the_python_engine():
    pytest.importorskip("sqlglot", reason="the columnar extra is not installed")
    pytest.importorskip("duckdb", reason="the columnar extra is not installed")
    scheme = load_scheme(str(ROOT / "rules" / "minsk-repeats.rules"))
    found = check_compiles(scheme)
    assert found.code == "B801" and "a rank among events (attribute repeat rank by " \
        "[index, category] within 7 days)" in found.message
    csv = ROOT / "examples" / "minsk-barometer-19.csv"
    rules = ROOT / "rules" / "minsk-repeats.rules"
    python = run("eval", rules, csv, "--format", "csv", "--engine", "python").output
    duck = run("eval", rules, csv, "--format", "csv", "--engine", "duckdb").output
    assert python.splitlines()[-7:] == duck.splitlines()[-7:]


@pytest.mark.parametrize("line, message", [
    ("attribute repeat rank by [categry] within 7 days",
     "unknown field `categry` for events to be alike in"),
    ("attribute russia rank within 7 days", "`russia` cannot name an attribute: it is already "
     "an index"),
    ("attribute repeat rank within 7 days\nrule r when repeat is first then exclude",
     "`repeat` is a rank (a number from 1), not one of names"),
    ("attribute repeat rank within 7.5 days", "a rank counts whole days, not 7.5"),
])
def test_rank_mistakes_are_located(tmp_path, line, message):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\n{line}\n')
    result = run("check", path)
    assert result.exit_code == 1 and f"{path}:" in result.output
    assert message in result.output


def test_an_event_cannot_record_a_rank(tmp_path):
    rules = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                  f'extends "{ROOT}/rules/minsk-barometer.rules"\n'
                  "attribute repeat rank within 7 days\n")
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n\n'
                   "[4 January] Talks\n    russia +1\n    repeat 2\n")
    result = run("eval", rules, events)
    assert result.exit_code == 2
    assert (f"{events}:5:5: error[B114]: `repeat` is computed from the catalogue (rank within 7 "
            "days), not recorded") in result.output
