"""A key written twice in one JSON Lines object: json keeps the last value silently;
barometer says it (B001 at the second), on every engine and path."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from barometer.main import main

from .helpers import write

SCHEME = """scheme "S" version "1"
range -3 to +3
score recorded
index russia
index eu
"""


@pytest.mark.parametrize("engine", ["python", "duckdb"])
@pytest.mark.parametrize("verb", ["eval", "check"])
def test_a_key_written_twice_in_an_object_is_said_at_the_second(tmp_path, engine, verb):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = write(tmp_path, "c.jsonl",
                 '{"date": "2021-01-05", "event": "Visit", "eu": -1}\n'
                 '{"date": "2021-01-04", "event": "X", "russia": 1, "event": "DUP"}\n')
    args = [verb, str(rules), str(path), "--period", "2021-01-01:2021-02-28"]
    done = CliRunner().invoke(main, args + (["--engine", engine] if verb == "eval" else []))
    assert done.exit_code == (2 if verb == "eval" else 1)
    assert (f'{path}:2:51: error[B001]: the key "event" is written twice in this object: '
            "which value is meant is not said") in done.output
    assert "hint: give each key once per line" in done.output
