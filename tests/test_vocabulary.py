"""One vocabulary across the verbs: the same format names and default, a colour
spelt as the rules file declares its band in every format, and --history taking a
folder wherever it stands."""

import csv
import io
import json

import pytest

from barometer.main import main

from .conftest import EVENTS, ROOT, RULES
from .helpers import run

BY_CATEGORY = ROOT / "rules" / "minsk-by-category.rules"


def _format_option(verb):
    command = main.get_command(None, verb)
    return next(p for p in command.params if p.name == "fmt")


@pytest.mark.parametrize("verb", ["eval", "series", "compare", "explain", "sensitivity",
                                  "check", "test"])
def test_every_verb_prints_a_table_by_default(verb):
    option = _format_option(verb)
    assert option.default == "table"
    assert "table" in option.type.choices and "json" in option.type.choices
    assert "text" not in option.type.choices  # an alias, not a second name on offer


@pytest.mark.parametrize("args", [
    ("explain", RULES, EVENTS, "--index", "china"),
    ("check", RULES),
    ("sensitivity", RULES, EVENTS, "--samples", "20"),
])
def test_text_is_still_accepted_for_table(args):
    table = run(*args)
    text = run(*args, "--format", "text")
    assert table.exit_code == text.exit_code == 0, text.output
    assert text.stdout == table.stdout


def test_one_spelling_of_a_colour_in_every_format(tmp_path):
    """The band's name as the rules file declares it (`yellow`), in every format."""
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    table = run("eval", RULES, EVENTS).stdout
    assert "│ Regional tension           │        -7 │       +6 │      -13 │     22 │ yellow │" in table
    md = run("eval", RULES, EVENTS, "--format", "markdown").stdout
    assert "| Regional tension | -7 | +6 | -13 | 22 | yellow |" in md
    rows = list(csv.reader(io.StringIO(run("eval", RULES, EVENTS, "--format", "csv").stdout)))
    assert rows[-1][-1] == "yellow"
    data = json.loads(run("eval", RULES, EVENTS, "--format", "json").stdout)
    assert data["indices"]["regional_tension"]["colour"] == "yellow"
    out = tmp_path / "r.xlsx"
    assert run("eval", RULES, EVENTS, "--format", "xlsx", "-o", out).exit_code == 0
    sheet = load_workbook(out)["Indices"]
    assert [c.value for c in sheet[sheet.max_row]][-1] == "yellow"
    explained = run("explain", RULES, EVENTS, "--index", "regional_tension").stdout
    assert explained.startswith("Regional tension: -7, yellow  (+6 positive")
    compared = run("compare", RULES, BY_CATEGORY, EVENTS).stdout
    assert "-7 yellow" in compared and "-14 orange" in compared
    assert "(yellow -> orange)" in compared
    assert not any(word in out for out in (table, md, explained, compared)
                   for word in ("Yellow", "Orange"))


def test_a_band_declared_in_capitals_keeps_them(tmp_path):
    rules = tmp_path / "v.rules"
    rules.write_text(f'scheme "V"\nextends "{RULES}"\n'
                     "bands regional_tension { Calm >= -5  Tense < -5 }\n", encoding="utf-8")
    assert "│ Tense  │" in run("eval", rules, EVENTS).stdout
    data = json.loads(run("eval", rules, EVENTS, "--format", "json").stdout)
    assert data["indices"]["regional_tension"]["colour"] == "Tense"


@pytest.mark.parametrize("order", ["first", "folder-first"])  # last: tests/test_report.py
def test_report_history_takes_a_folder_anywhere(tmp_path, order):
    pytest.importorskip("matplotlib")
    files = sorted(str(p) for p in (ROOT / "examples" / "history").glob("*.events"))
    out = tmp_path / "r.html"
    args = {
        "last": [RULES, EVENTS, "-o", out, "--history", *files],
        "first": ["--history", *files, RULES, EVENTS, "-o", out],
        "folder-first": ["--history", ROOT / "examples" / "history", "-o", out, RULES, EVENTS],
        "folder-last": [RULES, EVENTS, "--history", ROOT / "examples" / "history", "-o", out],
    }[order]
    result = run("report", *args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Minsk Barometer No 20" in page and "published in Minsk Barometer No 14" in page
