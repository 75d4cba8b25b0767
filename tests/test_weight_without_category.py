"""An action that reads `weight` (`set to recorded * weight`) on an event without a
category, where the score expression itself reads no weight: a mistake in the
catalogue, said as one (B107, docs/diagnostics.md: "an event has no category"),
never a Python traceback, in every verb and file format."""

from __future__ import annotations

import pytest

from barometer.main import main
from click.testing import CliRunner

from .helpers import write

SCHEME = """scheme "S" version "1"
range -3 to +3
score recorded
index russia
category contacts "Contacts" weight 2
rule heavy "Weighted" when recorded > 1 then set to recorded * weight
"""

CATALOGUES = {
    "c.csv": '# period "P" from 2021-01-01 to 2021-02-28\ndate,event,russia,category\n'
             "4 January,Talks,+2,\n",
    "c.events": 'period "P" from 2021-01-01 to 2021-02-28\n\n[4 January] Talks\nrussia +2\n',
}


@pytest.mark.parametrize("verb", ["check", "eval"])
@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_an_action_reading_the_weight_of_no_category_is_said(tmp_path, verb, name):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = write(tmp_path, name, CATALOGUES[name])
    done = CliRunner().invoke(main, [verb, str(rules), str(path)])
    assert not isinstance(done.exception, TypeError)
    # check reports findings (1); eval cannot give figures from a catalogue in error (2)
    assert done.exit_code == (1 if verb == "check" else 2)
    assert "error[B107]: the event has no category" in done.output


def test_an_action_reading_the_weight_on_the_duckdb_engine_says_the_same(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = write(tmp_path, "c.csv", CATALOGUES["c.csv"])
    done = CliRunner().invoke(main, ["eval", str(rules), str(path), "--engine", "duckdb"])
    assert done.exit_code == 2
    assert "c.csv:3:1: error[B107]: the event has no category" in done.output


def test_a_weight_read_only_by_an_action_is_used_and_required(tmp_path):
    """An action reading `weight` uses the categories' weights (no B404) and needs one
    on every category (B107 at the category)."""
    weighted = write(tmp_path, "s.rules", SCHEME)
    done = CliRunner().invoke(main, ["check", str(weighted)])
    assert "B404" not in done.output and done.exit_code == 0, done.output
    unweighted = write(tmp_path, "u.rules", SCHEME.replace(' weight 2', ''))
    done = CliRunner().invoke(main, ["check", str(unweighted)])
    assert ("u.rules:5:10: error[B107]: category `contacts` has no weight, but the scheme "
            "scores events by their category's weight") in done.output
