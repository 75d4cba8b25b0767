"""The plan matches rules once per distinct answer an entry gives, and scores
once per distinct (category, recorded, rules matched): the same entries and
scores as asking every entry, on generated schemes whose conditions ask about
indices, categories, tags, text, dates and recorded scores."""

from hypothesis import HealthCheck, given, settings

from barometer import load_catalogue, load_scheme
from barometer.dsl.domains import EXACT
from barometer.engine.plan import Entry, EntryView, Plan

from .strategies import schemes_and_catalogues

SETTINGS = settings(max_examples=60, deadline=None,
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
