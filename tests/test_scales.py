"""Shared scales (`scale NAME { ... }`, `bands [a, b] scale NAME`) and `drop bands`:
a scale is its bands, written once; a child scheme's scale replaces its parent's
for every index that uses it."""

import textwrap

from click.testing import CliRunner

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl.format import format_text
from barometer.main import main

from .conftest import EVENTS, ROOT

PARENT = textwrap.dedent("""\
    scheme "Scales" version "1"
    extends "{root}/rules/minsk-barometer.rules"
    scale relations "Five bands for relations" {{
        hostile < -10  "Hostile"
        cool    -10 to -3
        neutral -2 to 2
        warm    3 to 10
        close   > 10
    }}
    bands [russia, eu, china, us, ukraine] scale relations
    drop bands regional_tension
""")
CHILD = textwrap.dedent("""\
    scheme "Scales, wider" version "1"
    extends "parent.rules"
    scale relations {
        cold  < 0
        warm  >= 0
    }
""")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_index_that_uses_a_scale_takes_its_colours(tmp_path):
    scheme = load_scheme(write(tmp_path, "parent.rules", PARENT.format(root=ROOT)))
    result = evaluate(scheme, load_catalogue([str(EVENTS)], scheme)).indices
    assert {k: r.colour for k, r in result.items()} == {
        "russia": "close", "eu": "neutral", "china": "warm", "us": "hostile",
        "ukraine": "hostile", "national_security": None, "regional_tension": None}
    child = load_scheme(write(tmp_path, "child.rules", CHILD))
    result = evaluate(child, load_catalogue([str(EVENTS)], child)).indices
    assert {k: r.colour for k, r in result.items() if r.colour} == {
        "russia": "warm", "eu": "cold", "china": "warm", "us": "cold", "ukraine": "cold"}


def test_scale_mistakes_are_located(tmp_path):
    path = write(tmp_path, "bad.rules", PARENT.format(root=ROOT).replace(
        "scale relations\n", "scale relatons\n") + "drop bands regional_tensio\n"
        "scale relations { a < 0  b >= 0 }\n")
    result = CliRunner().invoke(main, ["check", path])
    lines = [line for line in result.output.splitlines() if "error[" in line or "hint" in line]
    assert lines == [
        f"{path}:10:46: error[B101]: unknown scale `relatons`",
        "    = hint: did you mean `relations`?",
        f"{path}:12:12: error[B101]: there are no inherited bands of `regional_tensio` to drop",
        f"{path}:13:7: error[B102]: scale `relations` is declared twice in this file (first at "
        "line 3)",
        "    = hint: remove one, or give it another name",
    ]


def test_fmt_lays_a_scale_out_like_bands():
    text = PARENT.format(root=ROOT).replace("    hostile < -10  ", "  hostile <  -10 ")
    once = format_text(text, "rules", "s.rules")
    assert once == PARENT.format(root=ROOT).replace("hostile < -10  ", "hostile < -10 ")
    assert format_text(once, "rules", "s.rules") == once


def test_the_editor_offers_the_scales(tmp_path):
    from barometer.lsp import _completion_table

    scheme = load_scheme(write(tmp_path, "parent.rules", PARENT.format(root=ROOT)))
    names, label, _ = _completion_table("scale", scheme)
    assert list(names) == ["relations"] and label == "scale"
