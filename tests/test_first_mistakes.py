"""The mistakes new users make first: the rules and events files swapped, an
InputError read from Python, a series in an 80-column terminal."""

import pytest

from barometer import load_scheme
from barometer.dsl import InputError
from barometer.output.table import width

from .conftest import CSV, EVENTS, ROOT, RULES
from .helpers import run

HISTORY = sorted((ROOT / "examples" / "history").glob("*.events"))


@pytest.mark.parametrize("verb", ["eval", "explain", "sensitivity", "series"])
def test_swapped_files_are_said_to_be_swapped(verb):
    result = run(verb, EVENTS, RULES)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (f"Error: the first file is a catalogue ({EVENTS}) and the second a rules file "
            f"({RULES}): swapped? The rules file comes first") in result.output
    assert "error[B001]" not in result.output and "errors" not in result.output


def test_a_swapped_spreadsheet_too():
    result = run("report", CSV, RULES)
    assert result.exit_code == 2
    assert "the first file is a catalogue" in result.output and "B001" not in result.output


def test_a_catalogue_alone_where_the_rules_go():
    result = run("eval", EVENTS, EVENTS)
    assert result.exit_code == 2
    assert (f"Error: {EVENTS} is a catalogue, not a rules file: name the rules file first, then "
            "the catalogues") in result.output


def test_a_rules_file_with_another_name_is_still_read(tmp_path):
    odd = tmp_path / "scheme.txt"
    odd.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("eval", odd, EVENTS).exit_code == 0
    broken = tmp_path / "broken.txt"
    broken.write_text("index x\n", encoding="utf-8")
    result = run("eval", broken, EVENTS)  # a mistake in a rules file stays one
    assert result.exit_code == 2 and "error[B104]" in result.output


def test_input_error_text_is_located():
    with pytest.raises(InputError) as caught:
        load_scheme(str(EVENTS))
    lines = str(caught.value).splitlines()
    assert lines[0] == (f"{EVENTS}:11:1: error[B001]: expected `attribute`, `bands`, `category`, "
                        "`description`, `drop`, `extends`, `group`, `index` or another "
                        "declaration, found `period`")
    assert len(lines) == 4 and lines[-1] == "(and 264 more)"


def on_a_terminal(*args, columns="80"):
    """`barometer ARGS` with its output on a pseudo-terminal COLUMNS wide, as a
    user's shell runs it; what it printed."""
    import os
    import pty
    import subprocess
    import sys
    import threading

    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": columns, "NO_COLOR": "1"}
    chunks = []

    def read():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = subprocess.run([sys.executable, "-m", "barometer", *map(str, args)], env=env,
                              stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                              timeout=60)
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    assert done.returncode == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_series_fits_an_80_column_terminal():
    out = on_a_terminal("series", RULES, *HISTORY, EVENTS)
    assert max(width(line) for line in out.splitlines()) <= 80
    assert "│ Minsk Barometer No 19 (January and February 2021), 2021-01-01 to 2021-02-28  │" in out
    assert "│ Relationship    │           +20 │        │   +22 / -2 (21) │                 │" in out
    assert "│ tension         │               │        │                 │ yellow)         │" in out
    # the same figures as the whole table, which a pipe gets whatever COLUMNS says
    whole = run("series", RULES, *HISTORY, EVENTS).stdout
    assert max(width(line) for line in whole.splitlines()) == 162
    for figure in ["+36*", "-31*", "not published", "orange*"]:
        assert out.count(figure) == whole.count(figure)
    assert on_a_terminal("series", RULES, *HISTORY, EVENTS, columns="200") == whole


def test_a_file_gets_the_whole_table(monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    out = tmp_path / "s.txt"
    assert run("series", RULES, *HISTORY, EVENTS, "-o", out).exit_code == 0
    assert max(width(line) for line in out.read_text(encoding="utf-8").splitlines()) == 162
