"""Minsk Barometer No 19: every published figure, from the event file and the CSV."""

import json

import pytest
from click.testing import CliRunner

from barometer import evaluate, load_catalogue
from barometer.main import main

from .conftest import CSV, EVENTS, PUBLISHED, ROOT, RULES
from .helpers import run, write


@pytest.mark.parametrize("catalogue", [EVENTS, CSV], ids=["events", "csv"])
def test_published_figures(minsk, catalogue):
    result = evaluate(minsk, load_catalogue([str(catalogue)], minsk))
    got = {name: (r.aggregate, r.positive, r.negative) for name, r in result.indices.items()}
    assert got == PUBLISHED
    assert result.indices["regional_tension"].colour == "yellow"
    assert [r.colour for n, r in result.indices.items() if n != "regional_tension"] == [None] * 6


def test_event_counts_follow_the_appendices(minsk):
    """Rows per table in Appendices 1 and 2 (an event listed under two
    relationships is one entry with two scores)."""
    result = evaluate(minsk, load_catalogue([str(EVENTS)], minsk))
    counts = {name: r.events for name, r in result.indices.items()}
    assert counts == {"russia": 21, "eu": 18, "china": 8, "us": 24, "ukraine": 31,
                      "national_security": 22, "regional_tension": 22}


def test_csv_holds_the_same_catalogue(minsk):
    def rows(path):
        c = load_catalogue([str(path)], minsk)
        return c.period.start, c.period.end, [
            (e.when.text, e.when.start, e.when.end, e.text,
             tuple((s.index, s.value) for s in e.scores),
             e.category.name, tuple(t.name for t in e.tags), e.ongoing)
            for e in c.events]

    assert rows(EVENTS) == rows(CSV)


def test_oil_agreement_scores_two_relationships(minsk):
    catalogue = load_catalogue([str(EVENTS)], minsk)
    [oil] = [e for e in catalogue.events if "transshipment of Belarusian oil" in e.text]
    assert {s.index: s.value for s in oil.scores} == {"russia": 1, "eu": -2}
    assert oil.when.start.isoformat() == "2021-02-19"


def test_published_totals_in_the_catalogue_match(minsk):
    catalogue = load_catalogue([str(EVENTS)], minsk)
    result = evaluate(minsk, catalogue)
    stated = {p.index: p.value for p in catalogue.period.published}
    assert stated == {name: figures[0] for name, figures in PUBLISHED.items()}
    assert all(result.indices[k].aggregate == v for k, v in stated.items())


def test_eval_json_contract():
    out = CliRunner().invoke(main, ["eval", str(RULES), str(EVENTS), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert list(data) == ["scheme", "period", "indices"]
    assert list(data["indices"]) == list(PUBLISHED)
    for name, (aggregate, positive, negative) in PUBLISHED.items():
        entry = data["indices"][name]
        assert list(entry) == ["name", "aggregate", "positive", "negative", "events", "colour"]
        assert (entry["aggregate"], entry["positive"], entry["negative"]) == (
            aggregate, positive, negative)
    assert data["indices"]["regional_tension"]["colour"] == "yellow"
    assert data["indices"]["russia"] == {"name": "Relationship with Russia", "aggregate": 20,
                                         "positive": 22, "negative": -2, "events": 21,
                                         "colour": None}
    assert data["period"]["start"] == "2021-01-01" and data["period"]["end"] == "2021-02-28"
    assert data["scheme"]["name"] == "Minsk Barometer"


def test_a_variant_is_not_held_to_the_published_totals():
    result = run("check", ROOT / "rules" / "minsk-by-category.rules", EVENTS)
    assert "B503" not in result.output and result.exit_code == 0


def test_published_totals_are_compared_under_the_root_scheme(tmp_path):
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n'
                   "published russia +5\n[4 January] Call\n    russia +1\n    category contacts\n")
    result = run("check", ROOT / "rules" / "minsk-by-category.rules", events)
    assert "the catalogue publishes +5 for russia, but its events add up to +1 under " \
           f"{ROOT / 'rules' / 'minsk-barometer.rules'}" in result.output.replace("\n", "")
    assert run("eval", ROOT / "rules" / "minsk-by-category.rules", events).exit_code == 2
    misspelt = write(tmp_path, "m.events", 'period "P" from 2021-01-01 to 2021-01-31\n'
                     "published rusia +1\n[4 January] Call\n    russia +1\n")
    assert "error[B101]: unknown index `rusia`" in run("eval", RULES, misspelt).output
