"""Where `check` places what it says of a CSV catalogue's score cells: at the cell,
on the row's line, never at the heading."""

from __future__ import annotations

import pytest

from barometer.main import main
from click.testing import CliRunner

from .helpers import write

SCHEME = """scheme "S" version "1"
range -3 to +3
score recorded
index russia
index eu
"""


def test_a_score_without_its_sign_is_said_at_its_cell(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = write(tmp_path, "c.csv", '# period "P" from 2021-01-01 to 2021-02-28\n'
                 "date,event,russia,eu\n"
                 "10 January,Talks,1,\n")
    done = CliRunner().invoke(main, ["check", str(rules), str(path)])
    assert "c.csv:3:18: warning[B505]: the score of russia is written without its sign" \
        in done.output
