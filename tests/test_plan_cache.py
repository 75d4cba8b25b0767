"""The plan matches rules once per distinct answer an entry gives, and scores
once per distinct (category, recorded, rules matched): the same entries and
scores as asking every entry, on generated schemes whose conditions ask about
indices, categories, tags, text, dates and recorded scores. An evaluation scores
each distinct signature once and counts it as often as it occurs: the same
figures, or the same findings, as scoring every entry and adding one by one."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import load_catalogue, load_scheme
from barometer.dsl.domains import EXACT, FigureProblem
from barometer.engine.plan import Entry, EntryView, Plan

from .conftest import ROOT
from .helpers import examples
from .strategies import event_files, schemes, schemes_and_catalogues

SETTINGS = settings(max_examples=examples(30), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def every_entry_asked(plan, catalogue):
    entries = []
    for event in catalogue.events:
        for score in event.scores:
            view = EntryView(event, catalogue.period.end)
            view.index, view.recorded = score.index, score.value
            matched = tuple(r for r in plan.rules if r.condition.holds(view))
            entries.append(Entry(event, score.index, score.value, matched, catalogue.period.end))
    return entries


def load(tmp_path_factory, case):
    rules, events = case
    d = tmp_path_factory.mktemp("c")
    (d / "s.rules").write_text(rules.text, encoding="utf-8")
    (d / "e.events").write_text(events.text, encoding="utf-8")
    scheme = load_scheme(str(d / "s.rules"))
    return scheme, load_catalogue([str(d / "e.events")], scheme)


@SETTINGS
@given(case=schemes_and_catalogues(max_size=16))
def test_shared_matching_and_scoring_change_nothing(tmp_path_factory, case):
    scheme, catalogue = load(tmp_path_factory, case)
    plan = Plan(scheme)
    entries = plan.match(catalogue)
    assert entries == every_entry_asked(plan, catalogue)
    scores = plan.scores(entries)
    one_by_one = [plan.score(e, EXACT, plan.weight_of(e)) for e in entries]
    assert scores == one_by_one
    assert [type(s) for s in scores] == [type(s) for s in one_by_one]
    weights = {name: 5 for name in scheme.categories}
    assert plan.scores(entries, weights) == [plan.score(e, EXACT, plan.weight_of(e, weights))
                                             for e in entries]


def test_entries_that_answer_alike_share_their_rules(minsk):
    import attrs

    scheme = attrs.evolve(minsk, rules=minsk.rules + load_scheme_rules(minsk))
    from barometer.dsl.load import read_events
    from .conftest import EVENTS

    catalogue = read_events([str(EVENTS)], scheme)[0]  # the reader alone: no figures computed
    plan = Plan(scheme)
    entries = plan.match(catalogue)
    assert entries == every_entry_asked(plan, catalogue)
    by_answer = {}
    for e in entries:
        category = e.event.category
        answer = (e.index, e.recorded, category.name if category is not None else None)
        by_answer.setdefault(answer, set()).add(id(e.rules))
    assert any(e.rules for e in entries)
    assert all(len(ids) == 1 for ids in by_answer.values())
    assert len(by_answer) < len(entries)


def load_scheme_rules(scheme):
    """A rule on the index and the category, which No 19's scheme lacks."""
    from barometer.dsl.diagnostics import Span
    from barometer.dsl.nodes import Action, AllOf, CategoryIn, IndexIn, Rule

    span = Span("x", 1, 1, 1, 2)
    condition = AllOf((IndexIn(("russia",), span), CategoryIn(("contacts",), span)), span)
    return (Rule("double", "double", condition, (Action("multiply", 2, span),), span),)


# --- signatures: each scored once, counted as often as it occurs -------------------------------

def one_by_one(scheme, catalogue):
    """Every entry asked and scored, its score added alone: the figures, or the
    finding that stops them."""
    from barometer.dsl import model as m
    from barometer.dsl.domains import FigureProblem
    from barometer.dsl.diagnostics import InputError
    from barometer.engine.plan import figure_problem, ranks

    plan = Plan(scheme)
    plan.period = catalogue.period
    end = m.period_end(catalogue.period)
    ranked = ranks(scheme, catalogue) if scheme.ranks or scheme.scores_of else {}
    entries = []
    for event in catalogue.events:
        for score in event.scores:
            view = EntryView(event, end)
            mine = ranked.get((event.number, score.index))
            view.index, view.recorded, view.ranks = score.index, score.value, mine
            matched = tuple(r for r in plan.rules if r.condition.holds(view))
            entries.append(Entry(event, score.index, score.value, matched, end, mine))
    try:
        scores = [plan.scored(e, EXACT, plan.weight_of(e)) for e in entries]
        return figures(plan.totals(entries, scores))
    except FigureProblem as e:
        return InputError([figure_problem(e, catalogue)]).diagnostics


def figures(indices):
    return {name: (r.aggregate, type(r.aggregate), r.positive, r.negative, r.events, r.colour,
                   r.missing) for name, r in indices.items()}


def from_rows(scheme, catalogue):
    """The figures from the catalogue's signatures given as data, as a columnar engine
    groups a catalogue (one row per distinct signature, with its count)."""
    plan = Plan(scheme)
    counts: dict = {}
    for entry, n in zip(*plan.group(catalogue)):
        row = plan.signature.row(entry)
        counts[row] = counts.get(row, 0) + n
    other = Plan(scheme)
    signed = other.signed(list(counts), catalogue.period)
    try:
        return figures(other.totals(signed, other.scores(signed), times=list(counts.values())))
    except FigureProblem as e:
        return e.message


def grouped(scheme, catalogue):
    from barometer.dsl.diagnostics import InputError
    from barometer.engine.plan import evaluate

    try:
        return figures(evaluate(scheme, catalogue).indices)
    except InputError as e:
        return e.diagnostics


GROUPINGS = ["", "index capped = clamp({0} by category, -2, 2)\n",
             "index worst = min({0} where recorded < 0 by [category, level])\n"
             "index many = count({0} by level)\n"]


@settings(max_examples=examples(20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data())
def test_signatures_scored_once_give_every_entrys_figures(tmp_path_factory, case, data):
    rules, text = case
    text += data.draw(st.sampled_from(GROUPINGS)).format(rules.indices[0])
    events = data.draw(event_files(rules, max_size=15))
    scheme, catalogue = load(tmp_path_factory, (type("R", (), {"text": text}), events))
    expected = one_by_one(scheme, catalogue)
    assert grouped(scheme, catalogue) == expected
    if isinstance(expected, dict):
        assert from_rows(scheme, catalogue) == expected


@pytest.mark.parametrize("name", sorted(p.stem for p in ROOT.glob("rules/minsk-*.rules")
                                         if p.stem not in ("minsk-security", "minsk-normalised")))
def test_shipped_schemes_scored_by_signature_give_every_entrys_figures(name):
    """Ranks, calendar built-ins, powers (floats, added entry by entry), group caps.
    (minsk-security's catalogue is Appendix 2 alone; minsk-normalised reads issues
    before.)"""
    from .conftest import EVENTS

    scheme = load_scheme(str(ROOT / "rules" / f"{name}.rules"))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    expected = one_by_one(scheme, catalogue)
    assert grouped(scheme, catalogue) == expected
    if not any(t is float for t, *_ in (v[1:] for v in expected.values())):
        assert from_rows(scheme, catalogue) == expected  # floats: added in catalogue order
    firsts, counts = Plan(scheme).group(catalogue)
    assert sum(counts) == sum(len(e.scores) for e in catalogue.events) > len(firsts)


@settings(max_examples=examples(15), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes_and_catalogues(max_size=12), data=st.data())
def test_signatures_alike_in_what_the_conditions_read_match_alike(tmp_path_factory, case, data):
    """`signed` asks the rules once per distinct part of a signature they read (the
    recorded score only where a condition compares it): each signature gets the
    rules asking it alone gives, whatever the order of the rows."""
    from barometer.engine.plan import SignatureView

    scheme, catalogue = load(tmp_path_factory, case)
    plan = Plan(scheme)
    rows = list(dict.fromkeys(plan.signature.row(e) for e in plan.group(catalogue)[0]))
    rows = data.draw(st.permutations(rows))
    signed = Plan(scheme).signed(rows, catalogue.period)
    alone = Plan(scheme)
    assert [[r.name for r in s.rules] for s in signed] == [
        [r.name for r in alone.rules if r.condition.holds(SignatureView(alone.signature, row))]
        for row in rows]
