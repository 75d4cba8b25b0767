"""Invariants over generated schemes and catalogues, written as real files."""

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme

from .strategies import event_files, rules_files, schemes_and_catalogues
from .helpers import examples

SETTINGS = settings(max_examples=examples(50), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def figures(result):
    return {n: (r.aggregate, r.positive, r.negative, r.events, r.colour)
            for n, r in result.indices.items()}


def split_file(text: str, keep) -> str:
    """The header and the events whose number satisfies `keep`."""
    head, *blocks = text.split("\n[")
    return head + "".join("\n[" + b for n, b in enumerate(blocks) if keep(n))


def not_the_same_catalogue(events, keep) -> None:
    """Two parts that list the same events are one catalogue given twice, an error
    (B507), not two catalogues to add up: such a split is not a case. The same
    events as B507 sees them: date and text (any case, any spacing) and scores,
    however written (`0` and `+0`, a comment between the lines)."""
    def same(e):
        return (" ".join(e.when.casefold().split()), " ".join(e.text.casefold().split()),
                tuple(sorted(e.scores)))

    assume({same(e) for n, e in enumerate(events.events) if keep(n)}
           != {same(e) for n, e in enumerate(events.events) if not keep(n)})


@SETTINGS
@given(case=schemes_and_catalogues())
def test_aggregate_is_positive_plus_negative(tmp_path_factory, case):
    rules, events = case
    d = tmp_path_factory.mktemp("p")
    scheme = load_scheme(write(d, "s.rules", rules.text))
    result = evaluate(scheme, load_catalogue([write(d, "e.events", events.text)], scheme))
    for r in result.indices.values():
        assert r.aggregate == r.positive + r.negative
        assert r.positive >= 0 >= r.negative
        assert r.events == sum(1 for s in result.scored
                               if s.entry.index == r.index.name and s.score is not None)


@SETTINGS
@given(case=event_files(), seed=st.integers(0, 2**32))
def test_written_events_read_back_the_same(tmp_path_factory, case, seed):
    d = tmp_path_factory.mktemp("p")
    rules_text = ('scheme "s"\nrange -5 to +5\n'
                  + "".join(f"index {i}\n" for i in ["alpha", "beta", "gamma", "delta_x", "eps2"])
                  + "".join(f"category {c}\n" for c in ["contacts", "visits", "sanctions",
                                                         "exercises"])
                  + "".join(f"tag {t}\n" for t in ["energy", "covid", "nuclear"]))
    scheme = load_scheme(write(d, "s.rules", rules_text))
    catalogue = load_catalogue([write(d, "e.events", case.text)], scheme)
    assert (catalogue.period.title, catalogue.period.start, catalogue.period.end) == (
        case.title, case.start, case.end)
    got = [(e.when.text, e.when.start, e.when.end, e.text,
            tuple((s.index, s.value) for s in e.scores), e.category.name,
            tuple(t.name for t in e.tags)) for e in catalogue.events]
    want = [(e.when, e.start, e.end, e.text, e.scores, e.category, e.tags) for e in case.events]
    assert got == want


@SETTINGS
@given(case=schemes_and_catalogues(), seed=st.integers(0, 2**32))
def test_results_do_not_depend_on_event_or_file_order(tmp_path_factory, case, seed):
    rules, events = case
    d = tmp_path_factory.mktemp("p")
    scheme = load_scheme(write(d, "s.rules", rules.text))
    whole = figures(evaluate(scheme, load_catalogue([write(d, "e.events", events.text)], scheme)))

    head, *blocks = events.text.split("\n[")
    random.Random(seed).shuffle(blocks)
    shuffled = head + "".join("\n[" + b for b in blocks)
    assert figures(evaluate(scheme, load_catalogue([write(d, "f.events", shuffled)],
                                                   scheme))) == whole

    not_the_same_catalogue(events, lambda n: n % 2)
    odd = write(d, "odd.events", split_file(events.text, lambda n: n % 2))
    even = write(d, "even.events", split_file(events.text, lambda n: not n % 2))
    assert figures(evaluate(scheme, load_catalogue([odd, even], scheme))) == whole
    assert figures(evaluate(scheme, load_catalogue([even, odd], scheme))) == whole


@SETTINGS
@given(case=schemes_and_catalogues(), cut=st.integers(0, 12))
def test_disjoint_catalogues_add_up(tmp_path_factory, case, cut):
    rules, events = case
    d = tmp_path_factory.mktemp("p")
    scheme = load_scheme(write(d, "s.rules", rules.text))
    not_the_same_catalogue(events, lambda n: n < cut)
    first = write(d, "a.events", split_file(events.text, lambda n: n < cut))
    second = write(d, "b.events", split_file(events.text, lambda n: n >= cut))
    both = evaluate(scheme, load_catalogue([first, second], scheme)).indices
    parts = [evaluate(scheme, load_catalogue([f], scheme)).indices for f in (first, second)]
    for name, r in both.items():
        assert r.positive == parts[0][name].positive + parts[1][name].positive
        assert r.negative == parts[0][name].negative + parts[1][name].negative
        assert r.aggregate == parts[0][name].aggregate + parts[1][name].aggregate
        assert r.events == parts[0][name].events + parts[1][name].events


@SETTINGS
@given(rules=rules_files(with_rules=False), values=st.lists(st.integers(-40, 40), min_size=2,
                                                          max_size=6))
def test_colour_never_moves_down_the_scale_as_the_value_rises(tmp_path_factory, rules, values):
    d = tmp_path_factory.mktemp("p")
    scheme = load_scheme(write(d, "s.rules", rules.text))
    for index, bandset in scheme.bands.items():
        names = [b.name for b in bandset.bands]
        if rules.band_order == "down":
            names.reverse()  # the scale from low values to high
        ranks = [names.index(bandset.colour(v)) for v in sorted(values)]
        assert ranks == sorted(ranks)
        # and each value is in the band the generator meant
        for v in values:
            [meant] = [n for n, lo, hi in rules.bands[index]
                       if (lo is None or v >= lo) and (hi is None or v <= hi)]
            assert bandset.colour(v) == meant
