"""Decay and prorating, each against a hand loop over the catalogue: the shipped
schemes on No 19, and generated events (some running past the period) on
generated periods."""

import datetime as dt
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme

from .conftest import EVENTS, ROOT


def hand(catalogue, value):
    """Each index's positive and negative points, adding `value(event, recorded)`
    over the catalogue in its order, as a methodologist's loop would."""
    positive, negative = {}, {}
    for event in catalogue.events:
        for score in event.scores:
            v = value(event, score.value)
            positive.setdefault(score.index, 0)
            negative.setdefault(score.index, 0)
            if v > 0:
                positive[score.index] += v
            else:
                negative[score.index] += v
    return positive, negative


def overlap(a, b, c, d) -> int:
    return max((min(b, d) - max(a, c)).days + 1, 0)


def test_a_30_day_half_life_on_no_19_is_the_hand_loop():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-decay.rules"))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    end = catalogue.period.end

    def decayed(event, recorded):
        age = max((end - event.when.end).days, 0)
        return recorded * 0.5 ** (age / 30)

    positive, negative = hand(catalogue, decayed)
    figures = evaluate(scheme, catalogue).indices
    for name in positive:
        assert figures[name].positive == pytest.approx(positive[name], rel=1e-12, abs=1e-12)
        assert figures[name].negative == pytest.approx(negative[name], rel=1e-12, abs=1e-12)
        assert not figures[name].exact  # a power that is not whole: floats, said so
    assert figures["russia"].aggregate == pytest.approx(12.609998, abs=1e-6)
    assert figures["regional_tension"].colour == "green"


def test_prorating_by_days_on_no_19_is_the_hand_loop_exactly():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-prorated.rules"))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    p = catalogue.period

    def prorated(event, recorded):
        days = (event.when.end - event.when.start).days + 1
        return Fraction(recorded * overlap(event.when.start, event.when.end, p.start, p.end),
                        days)

    positive, negative = hand(catalogue, prorated)
    figures = evaluate(scheme, catalogue).indices
    for name in positive:
        assert (figures[name].positive, figures[name].negative) == (positive[name],
                                                                     negative[name])
    # only the camp assembly (15 February to 12 March, 14 of 26 days) runs past No 19
    assert figures["national_security"].aggregate == Fraction(4) - 1 + Fraction(14, 26)
    assert figures["russia_rate"].aggregate == Fraction(20 * 30, 59)


def test_january_share_on_no_19_is_the_hand_loop_exactly():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-january.rules"))
    catalogue = load_catalogue([str(EVENTS)], scheme)
    january = (dt.date(2021, 1, 1), dt.date(2021, 1, 31))

    def share(event, recorded):
        if event.when.start > january[1]:
            return 0  # excluded by the scheme's rule; 0 adds nothing
        days = (event.when.end - event.when.start).days + 1
        return Fraction(recorded * overlap(event.when.start, event.when.end, *january), days)

    positive, negative = hand(catalogue, share)
    figures = evaluate(scheme, catalogue).indices
    for name in positive:
        assert (figures[name].positive, figures[name].negative) == (positive[name],
                                                                     negative[name])


def _event_lines(events):
    lines = []
    for k, (start, length, score, ongoing) in enumerate(events):
        end = start + dt.timedelta(days=length - 1)
        when = (start.isoformat() if start == end else
                f"{start.day} {start:%B} {start.year} - {end.day} {end:%B} {end.year}")
        lines.append(f"[{when}] Event {k}\n    a {score:+d}\n"
                     + ("    ongoing\n" if ongoing else ""))
    return "".join(lines)


@st.composite
def periods_and_events(draw):
    start = draw(st.dates(dt.date(2019, 1, 1), dt.date(2022, 12, 1)))
    length = draw(st.integers(1, 120))
    end = start + dt.timedelta(days=length - 1)
    events = []
    for _ in range(draw(st.integers(1, 8))):
        first = draw(st.dates(start, end))
        days = draw(st.integers(1, 90))
        last = first + dt.timedelta(days=days - 1)
        events.append((first, days, draw(st.integers(-3, 3)), last > end))
    return start, end, events


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=periods_and_events())
def test_prorating_and_calendar_figures_are_the_hand_loop(tmp_path, case):
    start, end, events = case
    rules = tmp_path / "p.rules"
    rules.write_text('scheme "P" version "1"\nrange -3 to +3\nindex a\n'
                     "score recorded * days_in_period / days + days_in_month(2) - days_in_month(2)"
                     "\nindex rate = a / period_days * 30 + period_months - period_months\n",
                     encoding="utf-8")
    catalogue_path = tmp_path / "p.events"
    catalogue_path.write_text(f'period "P" from {start} to {end}\n\n' + _event_lines(events),
                              encoding="utf-8")
    scheme = load_scheme(str(rules))
    catalogue = load_catalogue([str(catalogue_path)], scheme)
    want = sum((Fraction(score * overlap(first, first + dt.timedelta(days=days - 1), start, end),
                         days) for first, days, score, _ in events), Fraction(0))
    figures = evaluate(scheme, catalogue).indices
    assert figures["a"].aggregate == want
    assert figures["rate"].aggregate == want / ((end - start).days + 1) * 30


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=periods_and_events(), half_life=st.integers(1, 90))
def test_decay_is_the_hand_loop(tmp_path, case, half_life):
    start, end, events = case
    rules = tmp_path / "d.rules"
    rules.write_text('scheme "D" version "1"\nrange -3 to +3\nindex a\n'
                     f"score recorded * 0.5 ^ (age / {half_life})\n", encoding="utf-8")
    catalogue_path = tmp_path / "d.events"
    catalogue_path.write_text(f'period "D" from {start} to {end}\n\n' + _event_lines(events),
                              encoding="utf-8")
    scheme = load_scheme(str(rules))
    catalogue = load_catalogue([str(catalogue_path)], scheme)
    positive = negative = 0.0
    for first, days, score, _ in events:
        last = first + dt.timedelta(days=days - 1)
        value = score * 0.5 ** (max((end - last).days, 0) / half_life)
        if value > 0:
            positive += value
        else:
            negative += value
    result = evaluate(scheme, catalogue).indices["a"]
    assert float(result.positive) == pytest.approx(positive, rel=1e-12, abs=1e-12)
    assert float(result.negative) == pytest.approx(negative, rel=1e-12, abs=1e-12)
    assert math.isfinite(float(result.aggregate))
