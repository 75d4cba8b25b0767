"""One meaning per construct, several domains: properties that tie exact
evaluation, the checks' interval and abstract-entry reasoning, sensitivity's
arrays, `eval` and `check`, and the LALR driver and Lark together."""

import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate
from barometer.dsl import files as dsl_files
from barometer.dsl import model as m
from barometer.dsl.check_rules import AbstractEntry, _cells, _fact, worlds
from barometer.dsl.domains import EXACT, INTERVALS, Interval
from barometer.api import load_catalogue, read_scheme
from barometer.dsl.nodes import EXCLUDED, parts
from barometer.engine.plan import EntryView
from barometer.engine.sensitivity import _Arrays
from barometer.main import main

from .helpers import lark_for, examples
from .strategies import CATEGORIES, TAGS, conditions, mutate, schemes_and_catalogues

SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def in_memory(case, folder="/virtual"):
    """The generated scheme and catalogue, read from memory (no files written)."""
    rules, events = case
    rules_path, events_path = f"{folder}/s.rules", f"{folder}/e.events"
    dsl_files.OVERLAY[rules_path] = rules.text
    dsl_files.OVERLAY[events_path] = events.text
    return rules_path, events_path


@pytest.fixture(autouse=True)
def clean_overlay():
    yield
    for key in [k for k in dsl_files.OVERLAY if k.startswith("/virtual")]:
        del dsl_files.OVERLAY[key]


def evaluation_of(case):
    rules_path, events_path = in_memory(case)
    scheme, problems = read_scheme(rules_path, errors_only=True)
    assert not [p for p in problems if p.severity == "error"], problems
    return evaluate(scheme, load_catalogue([events_path], scheme))


@SETTINGS
@given(case=schemes_and_catalogues())
def test_exact_scores_lie_inside_the_intervals_the_checks_compute(case):
    ev = evaluation_of(case)
    scheme, plan = ev.scheme, ev.plan
    weights = [c.weight for c in scheme.categories.values() if c.weight is not None] or [0]
    anything = Interval(min(weights), max(weights))
    recorded = Interval(scheme.range.low, scheme.range.high)
    for entry in ev.entries:
        exact = plan.score(entry, EXACT, plan.weight_of(entry))
        # the same entry, its recorded score and weight known only as intervals
        wide = entry.__class__(entry.event, entry.index, recorded, entry.rules)
        interval = plan.score(wide, INTERVALS, anything)
        if exact is EXCLUDED:
            assert interval is EXCLUDED
        else:
            assert Interval.of(interval).lo <= exact <= Interval.of(interval).hi


@SETTINGS
@given(case=schemes_and_catalogues())
def test_arrays_at_zero_perturbation_equal_exact_evaluation(case):
    ev = evaluation_of(case)
    arrays = _Arrays(ev)
    totals = arrays.totals(arrays.weights[None, :])[0]
    for name, value in zip(arrays.index_names, totals):
        assert value == pytest.approx(float(ev.indices[name].aggregate), abs=1e-9)


def abstraction(scheme, condition, event, index, recorded):
    """The abstract entry the checks would imagine for a real one."""
    named = {n for c in parts(condition) if isinstance(c, m.CategoryIn) for n in c.names}
    category = event.category.name if event.category else None
    view = EntryView(event)
    view.index, view.recorded = index, recorded
    facts = frozenset(f for c in parts(condition) if (f := _fact(c)) is not None
                      and c.holds(view))
    [cell] = [c for c in _cells(scheme, [condition]) if recorded in c]
    return view, AbstractEntry(index, category if category in named or category is None
                               else category, cell.lo, cell, facts)


@SETTINGS
@given(case=schemes_and_catalogues(), data=st.data())
def test_a_condition_holds_on_an_entry_exactly_when_the_checks_say_it_can(case, data):
    ev = evaluation_of(case)
    scheme = ev.scheme
    condition = data.draw(conditions(list(scheme.indices), CATEGORIES, list(TAGS)))
    import attrs

    probing = attrs.evolve(case[0], text=case[0].text + f"rule probe when {condition} then add 1\n")
    rules_path = in_memory((probing, case[1]), "/virtual/probe")[0]
    probe = read_scheme(rules_path)[0].rules[-1].condition
    found = worlds(scheme, [probe])
    for event in ev.catalogue.events:
        for score in event.scores:
            view, abstract = abstraction(scheme, probe, event, score.index, score.value)
            assert probe.holds(view) == probe.holds(abstract)
            if probe.holds(view) and found is not None:
                # some entry the checks try stands for this one
                assert any(probe.holds(w) for w in found)


CODE = re.compile(r"(error|warning)\[(B\d{3})\]")


@SETTINGS
@given(case=schemes_and_catalogues(), data=st.data())
def test_eval_refuses_exactly_what_check_calls_an_error(case, data):
    rules, events = case
    which = data.draw(st.sampled_from(["rules", "events"]))
    broken = mutate(rules.text if which == "rules" else events.text, data)
    rules_path, events_path = in_memory(case)
    dsl_files.OVERLAY[rules_path if which == "rules" else events_path] = broken
    run = CliRunner().invoke
    evaluated = run(main, ["eval", rules_path, events_path, "--format", "json"])
    checked = run(main, ["check", "--rules", rules_path, rules_path, events_path])
    eval_errors = {c for kind, c in CODE.findall(evaluated.output) if kind == "error"}
    check_errors = {c for kind, c in CODE.findall(checked.output) if kind == "error"}
    assert eval_errors <= check_errors
    assert (evaluated.exit_code == 2) == bool(check_errors), (evaluated.output, checked.output)


# --- the LALR driver against Lark, on text that does not parse ----------------------

@settings(max_examples=examples(80), deadline=None)
@given(case=schemes_and_catalogues(), data=st.data())
def test_the_driver_fails_where_lark_fails_expecting_the_same(case, data):
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    kind = data.draw(st.sampled_from(["rules", "events"]))
    text = mutate(case[0].text if kind == "rules" else case[1].text, data)
    lark, ours = lark_for(kind)
    _, problems = ours.parse(text)
    try:
        lark.parse(text)
    except UnexpectedInput as e:
        assert problems, f"Lark fails at {e.line}:{e.column}, the driver does not"
        first = problems[0]
        at_end = isinstance(e, UnexpectedToken) and e.token.type == "$END"
        if not at_end:  # at the end, Lark gives the last token's place; we give the end's
            assert (first.token.line, first.token.column) == (e.line, e.column)
        if isinstance(e, UnexpectedToken):
            assert set(first.expected) == set(e.accepts or e.expected)
        elif isinstance(e, UnexpectedCharacters):
            assert first.unlexable
    else:
        assert problems == []
