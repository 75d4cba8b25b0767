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


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1e"])
def test_a_line_separator_inside_a_cell_leaves_the_next_rows_places(tmp_path, odd):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = tmp_path / "c.csv"
    path.write_text('# period "P" from 2021-01-01 to 2021-02-28\n'
                    "date,event,russia,eu\n"
                    f'4 January,"Talks{odd}more",+1,\n'
                    "5 January,Visit,+9,\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["eval", str(rules), str(path), "--engine", "python"])
    assert done.exit_code == 2
    assert "c.csv:4:17: error[B204]: the score +9 is outside the scheme's range" in done.stderr
    assert " 4 | 5 January,Visit,+9," in done.stderr
