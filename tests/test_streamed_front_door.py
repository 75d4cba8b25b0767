"""An evaluation the python engine tallied as the catalogue streamed by
(engine/streamed.py `Streamed`: its events never held) serves a notebook as the
full reader's evaluation does: compared, explained, event by event, it gives what
`evaluate(scheme, load_catalogue(...))` gives, before and after anything asked for
its entries."""

from __future__ import annotations

import pytest

from barometer import api, evaluate, load_catalogue, load_scheme
from barometer.engine import streamed
from barometer.engine.explain import explain

from .conftest import ROOT

RULES = str(ROOT / "rules/minsk-barometer.rules")
NO19 = str(ROOT / "examples/minsk-barometer-19.csv")


def tallied():
    """No 19's CSV, evaluated by `api.evaluate` on the python engine (the tally)."""
    done = api.evaluate(RULES, [NO19], None, "python").evaluation
    assert type(done) is streamed.Streamed
    return done


def full():
    scheme = load_scheme(RULES)
    return evaluate(scheme, load_catalogue([NO19], scheme))


def test_explaining_a_tallied_evaluation_picks_the_events_named_by_their_text():
    picked = explain(tallied(), None, "oil")
    assert picked == explain(full(), None, "oil")
    assert [len(x.lines) for x in picked] == [1, 1, 0, 0, 1, 0, 0]


def test_a_tallied_evaluation_equals_the_full_readers_before_its_entries_are_read():
    done = tallied()
    assert done == full()  # as docs/python.md shows for `outcome.evaluation == result`


def test_a_tallied_evaluations_catalogue_evaluates_under_another_scheme_as_read():
    other = load_scheme(str(ROOT / "rules/minsk-east-west.rules"))
    again = evaluate(other, tallied().catalogue)
    assert again.indices["russia"].aggregate == 20
    assert again == evaluate(other, full().catalogue)


@pytest.mark.parametrize("change", [None, (",+1,,,,,,,contacts", ",+9,,,,,,,contacts")])
def test_progress_hears_of_the_catalogue_once_then_of_scoring(tmp_path, change):
    text = (ROOT / "examples/minsk-barometer-19.csv").read_text(encoding="utf-8")
    path = tmp_path / "no19.csv"
    path.write_text(text.replace(*change) if change else text, encoding="utf-8")
    heard = []
    with api.progress_to(lambda stage, detail: heard.append((stage, detail))):
        try:
            api.evaluate(RULES, [str(path)], None, "python")
        except api.InputError:  # B204, with the change
            pass
    assert heard.count(("reading", str(path))) == 1
    if change is None:
        assert heard[-1] == ("scoring", "")  # as before the tally, as progress_to promises
