"""How a CSV catalogue's layout is read, whatever the engine's path: the delimiter
found from the heading row even where blank lines stand above it, and every cell
under no heading said (B019) in the long form as in the wide one."""

from __future__ import annotations

import pytest

from barometer.main import main
from click.testing import CliRunner

from .helpers import write

SCHEME = """scheme "S" version "1"
range -3 to +3
score recorded
index russia "Relationship with Russia"
index eu "Relationship with the EU"
category contacts "Contacts"
"""

PERIOD = '# period "P" from 2021-01-01 to 2021-02-28\n'


def evaluated(tmp_path, text: str, verb: str = "eval"):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    args = [verb, str(rules), str(path)] + (["--engine", "python", "--format", "csv"]
                                            if verb == "eval" else [])
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_blank_line_above_the_heading_leaves_the_delimiter_found(tmp_path, delimiter):
    rows = (delimiter.join(["date", "event", "russia", "eu", "category"]) + "\n"
            + delimiter.join(["4 January", "Talks", "+1", "", "contacts"]) + "\n")
    plain = evaluated(tmp_path, PERIOD + rows)
    assert plain.exit_code == 0 and "russia,Relationship with Russia,1,1,0,1," in plain.stdout
    spaced = evaluated(tmp_path, PERIOD + "\n" + rows)
    assert (spaced.exit_code, spaced.stdout, spaced.stderr) == (0, plain.stdout, "")


def test_a_cell_past_the_heading_of_a_long_form_is_said(tmp_path):
    text = (PERIOD + "date,event,index,score,category\n"
            "4 January,Talks,russia,+1,contacts,+3\n")
    done = evaluated(tmp_path, text, "check")
    assert "c.csv:3:36: warning[B019]: the cell `+3` stands under no heading" in done.output
