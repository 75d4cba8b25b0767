"""Command-line conventions: formats, files and stdin, colour, help."""

import json

from click.testing import CliRunner

from barometer.main import main

from .conftest import EVENTS, RULES


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, list(args), input=input, env=env)


def test_stdin_and_output_file(tmp_path):
    out = tmp_path / "result.json"
    result = run("eval", str(RULES), "-", "--format", "json", "-o", str(out),
                 input=EVENTS.read_text(encoding="utf-8"))
    assert result.exit_code == 0 and result.output == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["indices"]["us"]["aggregate"] == -18
    assert data["period"]["files"] == ["-"]
    assert not list(tmp_path.glob(".barometer-*"))  # no temporary file left behind


def test_table_and_markdown():
    table = run("eval", str(RULES), str(EVENTS)).output
    assert "│ Relationship with Russia   │       +20 │      +22 │       -2 │     21 │        │" in table
    assert "│ Regional tension           │        -7 │       +6 │      -13 │     22 │ yellow │" in table
    md = run("eval", str(RULES), str(EVENTS), "--format", "markdown").output
    assert "| Relationship with the U.S. | -18 | +4 | -22 | 24 |  |" in md
    assert "| Regional tension | -7 | +6 | -13 | 22 | yellow |" in md


def test_no_colour_off_a_terminal_or_with_no_color():
    # CliRunner is not a terminal: never escape codes in a pipe or a file
    assert "\x1b[" not in run("eval", str(RULES), str(EVENTS)).output


def test_colour_wanted_honours_no_color(monkeypatch):
    from barometer.common import colour_wanted

    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Tty())


def test_help_has_examples():
    for args in (["--help"], ["eval", "--help"], ["check", "--help"], ["explain", "--help"],
                 ["compare", "--help"], ["sensitivity", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "Examples:" in result.output
        assert f"barometer {args[0] if len(args) > 1 else 'eval'} " in result.output


def test_stdin_only_once():
    result = run("eval", "-", "-")
    assert result.exit_code == 2
    assert "standard input (-) can be read only once" in result.output


def test_the_verbs_from_python():
    import barometer

    scheme = barometer.load_scheme(str(RULES))
    result = barometer.evaluate(scheme, barometer.load_catalogue([str(EVENTS)], scheme))
    assert barometer.check([str(RULES)]).errors == 0
    assert barometer.explain(result, "regional_tension")[0].up.points == 1
    assert barometer.compare([result, result]).events == ()
    assert barometer.sensitivity(result, list(scheme.varies), 50).smallest_flips[
        "regional_tension"].delta == -1
    text = RULES.read_text(encoding="utf-8")
    assert barometer.fmt(text, "rules", str(RULES)) == text


def test_eval_shows_twenty_warnings_of_a_kind_and_counts_the_rest(tmp_path):
    """A generated catalogue's 70,001 repeated events printed 280,000 lines of B502."""
    from .helpers import write as write_file

    blocks = "".join("[4 January] Same event\n    russia +1\n    category contacts\n\n"
                     for _ in range(30))
    events = write_file(tmp_path, "f.events", f'period "P" from 2021-01-01 to 2021-02-28\n\n{blocks}')
    result = CliRunner().invoke(main, ["eval", str(RULES), str(events)])
    assert result.exit_code == 0
    assert result.stderr.count("warning[B502]") == 20
    assert result.stderr.endswith("note: 9 more warnings B502 like these are not shown; "
                                  "`barometer check` lists every one\n")
    checked = CliRunner().invoke(main, ["check", "--rules", str(RULES), str(events)])
    assert checked.output.count("warning[B502]") == 29


def test_a_verb_misspelt_is_named_as_meant():
    result = CliRunner().invoke(main, ["evl", "x.rules"])
    assert result.exit_code == 2
    assert "No such command 'evl'. Did you mean 'eval'?" in result.output
    result = CliRunner().invoke(main, ["nothing-like-a-verb"])
    assert result.exit_code == 2 and "No such command 'nothing-like-a-verb'." in result.output
    assert "Did you mean" not in result.output
