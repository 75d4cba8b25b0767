"""The python engine's streaming tally of a CSV catalogue (engine/streamed.py,
dsl/tally.py) gives exactly what the full reader gives: the same figures, and the
same findings at the same places in the same words, printed alike; on generated
catalogues, wide and long, and on hostile ones (bad cells, quotes, blank lines,
comments, BOM, CRLF, rows listed twice, cells past the heading), where it gives up
and the full reader says what it finds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import api
from barometer.engine import streamed
from barometer.main import main
from click.testing import CliRunner

from .conftest import ROOT
from .helpers import examples, figures, write, write_catalogue
from .strategies import (attribute_values, event_files, hash_cells, line_endings,
                         maybe_listed_twice, mutate, schemes)


def outcome(rules: str, path: str):
    """What `eval --engine python` gives: the figures and warnings, or the findings,
    and what it prints."""
    try:
        done = api.evaluate(rules, [path], None, "python")
        said = (figures(done.evaluation), list(done.warnings), done.unlisted,
                type(done.evaluation) is streamed.Streamed)
    except api.InputError as e:
        said = (None, list(e.diagnostics), {}, False)
    printed = CliRunner().invoke(main, ["eval", rules, path, "--engine", "python",
                                        "--format", "json"])
    return said, (printed.exit_code, printed.output)


def both(rules: str, path: str):
    """(the tally's, the full reader's)."""
    fast = outcome(rules, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streamed, "eligible", lambda *args: False)
        full = outcome(rules, path)
    return fast, full


def hostile(data, text: str) -> str:
    """`text` (a generated CSV catalogue) made awkward in a way or two."""
    if data.draw(st.integers(0, 2)) == 0:  # the period begins on the 2nd: dates run past it
        text = text.replace("-01 to", "-02 to", 1)
    for _ in range(data.draw(st.integers(0, 2))):
        lines = text.split("\n")
        if len(lines) < 3:
            break
        at = data.draw(st.integers(1, len(lines) - 1))
        how = data.draw(st.sampled_from(["twice", "blank", "comment", "bom", "crlf", "hash",
                                         "mutate", "quote", "past", "unheaded", "spaces",
                                         "ongoing"]))
        if how == "twice":  # a row listed again (B502), perhaps in other case and spacing
            row = lines[at] if at < len(lines) else lines[-1]
            lines.insert(data.draw(st.integers(at, len(lines))),
                         data.draw(st.sampled_from([row, row.upper(), row.replace(",", " ,")])))
        elif how == "blank":
            lines.insert(at, data.draw(st.sampled_from(["", "  ", ",,,", '"",""'])))
        elif how == "comment":
            lines.insert(at, data.draw(st.sampled_from(["# a note", "#MeToo", "# x,y",
                                                        "# barometer: ignore B502"])))
        elif how == "bom":
            lines[0] = "\ufeff" + lines[0]
        elif how == "crlf":
            text = data.draw(line_endings("\n".join(lines)))
            continue
        elif how == "hash":
            text = data.draw(hash_cells("\n".join(lines)))
            continue
        elif how == "mutate":
            text = mutate("\n".join(lines), data)
            continue
        elif how == "quote":  # a quote inside a cell, or one running over lines
            cells = lines[at].split(",")
            j = data.draw(st.integers(0, len(cells) - 1))
            cells[j] = data.draw(st.sampled_from([f'"{cells[j]}"', f'"{cells[j]} ""x"""',
                                                  f'"{cells[j]}\nmore"', f'{cells[j]}"',
                                                  f'"{cells[j]}']))
            lines[at] = ",".join(cells)
        elif how == "ongoing":  # a column `ongoing`: yes, empty, or a mistake
            lines[1] += ",ongoing"
            for k in range(2, len(lines)):
                if lines[k]:
                    lines[k] += "," + data.draw(st.sampled_from(["yes", "", "", "no", " YES"]))
        elif how == "past":  # a cell past the heading's last
            lines[at] += data.draw(st.sampled_from([",x", ",", ",+1"]))
        elif how == "unheaded":  # a blank heading cell, with or without cells under it
            lines[1] += ","
            lines[at] += data.draw(st.sampled_from([",", ",x"])) if at > 1 else ""
        else:
            lines[at] = lines[at].replace(",", data.draw(st.sampled_from([", ", " ,"])), 1)
        text = "\n".join(lines)
    return text


@settings(max_examples=examples(15), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data(), long=st.booleans())
def test_the_tally_gives_what_the_full_reader_gives(tmp_path_factory, case, data, long):
    _, rules_text = case
    rules, _ = case
    events = data.draw(event_files(rules, max_size=10))
    folder = tmp_path_factory.mktemp("s")
    path = write_catalogue(folder, events, "csv", long, False, attribute_values(data, events))
    with open(path, encoding="utf-8") as f:
        text = hostile(data, f.read())
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    rules_path = str(write(folder, "scheme.rules", rules_text))
    fast, full = both(rules_path, path)
    assert fast[0][:3] == full[0][:3]
    assert fast[1] == full[1]


TASK = """scheme "T" version "1"
range -3 to +3
score recorded * weight
index russia
index eu
category k01 weight 1
category k02 weight 1.5
tag symbolic "Symbolic"
attribute level "Level" one of [head, official] default official
rule top "Heads" when level is head then add direction
rule sym "Half" when tagged symbolic then set to trunc(score / 2)
bands russia {
    red < 0
    grey 0 to 2
    green > 2
}
"""

ROWS = ['"2021-01-01","Talks","russia",2,"k01","symbolic",',
        '"2021-01-02","Visit","eu",-1,"k02","","head"',
        '"2021-01-01","talks ","eu",3,"k01","",',
        '"2021-01-03","Visit","russia",1,"k02","symbolic","head"']


def test_a_long_catalogue_is_tallied_to_the_full_readers_figures_and_warnings(tmp_path):
    rules = str(write(tmp_path, "t.rules", TASK))
    text = ('# period "P" from 2021-01-01 to 2021-12-31\n'
            '"date","event","index","score","category","tags","level"\n'
            + "\n".join(ROWS * 3) + "\n")
    path = str(write(tmp_path, "t.csv", text))
    fast, full = both(rules, path)
    assert fast[0][3] is True and full[0][3] is False  # the tally ran, then the reader
    assert fast[0][:3] == full[0][:3] and fast[1] == full[1]
    assert [d.code for d in fast[0][1]] == ["B502"] * 8
    done = api.evaluate(rules, [path], None, "python").evaluation
    assert not done.catalogue.read  # the events are read when asked for
    assert len(done.entries) == 12 and len(done.catalogue.events) == 12 and done.catalogue.read


@pytest.mark.parametrize("change", [
    lambda t: t.replace('"k02","","head"', '"k09","","head"', 1),  # an unknown category
    lambda t: t.replace("2021-01-03", "2022-01-03", 1),  # past the period
    lambda t: t.replace('"Talks"', '"Talks\nover two lines"', 1),
    lambda t: t.replace("\n", "\n# barometer: ignore B502\n", 2),
    lambda t: t.replace(',"head"', ',"head",x', 1),  # a cell past the heading
])
def test_what_the_tally_does_not_take_the_full_reader_says(tmp_path, change):
    rules = str(write(tmp_path, "t.rules", TASK))
    text = ('# period "P" from 2021-01-01 to 2021-12-31\n'
            '"date","event","index","score","category","tags","level"\n'
            + "\n".join(ROWS * 2) + "\n")
    path = str(write(tmp_path, "t.csv", change(text)))
    fast, full = both(rules, path)
    assert fast == full and fast[0][3] is False


@pytest.mark.parametrize("rules, path, tallied", [
    ("rules/minsk-attention.rules", "examples/attention/minsk-attention.csv", True),  # `x` marks
    ("rules/minsk-barometer.rules", "examples/minsk-barometer-19.csv", True),  # `ongoing`
    ("rules/minsk-decay.rules", "examples/minsk-barometer-19.csv", False),  # float scores
])
def test_the_shipped_csvs_are_tallied_alike(rules, path, tallied):
    fast, full = both(str(ROOT / rules), str(ROOT / path))
    assert fast[0][:3] == full[0][:3] and fast[1] == full[1]
    assert fast[0][3] is tallied


def test_an_editors_unsaved_text_is_read_not_the_file_on_disk(tmp_path):
    from barometer.dsl.files import OVERLAY

    rules = str(write(tmp_path, "t.rules", TASK))
    head = ('# period "P" from 2021-01-01 to 2021-12-31\n'
            '"date","event","index","score","category","tags","level"\n')
    path = str(write(tmp_path, "t.csv", head + ROWS[0] + "\n"))
    OVERLAY[path] = head + ROWS[1] + "\n"
    try:
        done = api.evaluate(rules, [path], None, "python").evaluation
    finally:
        del OVERLAY[path]
    assert (done.indices["russia"].events, done.indices["eu"].events) == (0, 1)


def generated(tmp_path_factory, case, data, fmt: str, long: bool, typed: bool = False):
    """A generated scheme's file, and a catalogue drawn for it written as `fmt`
    (perhaps with an event listed twice: B502)."""
    rules, rules_text = case
    events = maybe_listed_twice(data, data.draw(event_files(rules, max_size=10)))
    folder = tmp_path_factory.mktemp(fmt)
    path = write_catalogue(folder, events, fmt, long, typed, attribute_values(data, events))
    return str(write(folder, "scheme.rules", rules_text)), path


@settings(max_examples=examples(8), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data(), long=st.booleans(), typed=st.booleans())
def test_a_parquet_catalogue_is_tallied_as_the_table_reader_reads_it(tmp_path_factory, case,
                                                                     data, long, typed):
    rules_path, path = generated(tmp_path_factory, case, data, "parquet", long, typed)
    fast, full = both(rules_path, path)
    assert fast[0][:3] == full[0][:3]
    assert fast[1] == full[1]


@settings(max_examples=examples(6), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data(), long=st.booleans(), blank=st.booleans())
def test_a_json_lines_catalogue_is_tallied_as_the_table_reader_reads_it(tmp_path_factory, case,
                                                                        data, long, blank):
    rules_path, path = generated(tmp_path_factory, case, data, "jsonl", long)
    if blank:  # blank lines, and CRLF line ends
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("\r\n" + text.replace("\n", "\r\n\r\n"))
    fast, full = both(rules_path, path)
    assert fast[0][:3] == full[0][:3]
    assert fast[1] == full[1]
