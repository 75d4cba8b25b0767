"""Hostile CSV catalogues on which the python engine's streaming tally (dsl/tally.py,
engine/streamed.py) must print exactly what the full reader (dsl/csvfile.py) prints:
the same figures in every format, the same diagnostics, the same exit status. Each
case is one file the tally takes as plainly sound; the full reader is forced by
making `streamed.eligible` refuse every file."""

from __future__ import annotations

import pytest

from barometer.engine import streamed
from barometer.main import main
from click.testing import CliRunner

from .helpers import write

SCHEME = """scheme "S" version "1"
range -3 to +3
score recorded * weight
index russia "Relationship with Russia"
index eu "Relationship with the EU"
category contacts "Contacts" weight 2
category media "Media" weight 1
tag symbolic "Symbolic"
attribute level "Level" one of [head, official] default official
rule top "Heads" when level is head then add 1, beyond range
rule sym "Half" when tagged symbolic then set to trunc(score / 2)
"""

PERIOD = '# period "P" from 2021-01-01 to 2021-02-28\n'


def printed(rules: str, path: str) -> list:
    """(exit status, standard output, standard error) of `eval --engine python` in
    each text format."""
    out = []
    for fmt in ("table", "csv", "json"):
        done = CliRunner().invoke(main, ["eval", rules, path, "--engine", "python",
                                         "--format", fmt])
        out.append((done.exit_code, done.stdout, done.stderr))
    return out


def tallied_and_read(tmp_path, text: str):
    """What the tally prints of the catalogue `text`, and what the full reader prints."""
    rules = str(write(tmp_path, "s.rules", SCHEME))
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode("utf-8"))
    fast = printed(rules, str(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streamed, "eligible", lambda *args: False)
        full = printed(rules, str(path))
    return fast, full


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_an_unclosed_quote_far_back_on_a_long_last_line_is_said(tmp_path, end):
    text = (PERIOD + "date,event,russia,eu,category,note\n"
            "5 January,Visit,+1,,contacts,\n"
            '4 January,Talks,+1,,contacts,"' + "x" * 70_000 + "\n").replace("\n", end)
    fast, full = tallied_and_read(tmp_path, text)
    assert full[0][0] == 2 and "error[B001]: this quote opens a cell" in full[0][2]
    assert fast == full
