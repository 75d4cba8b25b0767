"""An event names an index without a score (`russia` alone on a line, the cell `x`)
where the scheme's score reads neither `recorded` nor `direction` (`score weight`):
the event is on the index, scored by what the scheme reads. Where the scheme reads
the recorded score, such a line or cell is an error with a hint. Every reader and
engine agrees."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl.format import format_events
from barometer.dsl.syntax import parse

from .conftest import ROOT
from .helpers import run

ATTENTION = ROOT / "rules" / "minsk-attention.rules"
WEIGHTS = {"contacts": 1, "statements": 1, "agreements": 2, "sanctions": 3}
INDICES = ["russia", "eu", "china", "us", "ukraine"]


def catalogue(events, csv: bool) -> str:
    head = 'period "P" from 2021-01-01 to 2021-02-28\n'
    if csv:
        lines = ["# " + head.rstrip("\n"), "date,event," + ",".join(INDICES) + ",category"]
        for day, (category, on) in enumerate(events, 1):
            cells = ["x" if i in on else "" for i in INDICES]
            lines.append(f"{day} January,Event {day}," + ",".join(cells) + f",{category}")
        return "\n".join(lines) + "\n"
    out = [head]
    for day, (category, on) in enumerate(events, 1):
        out.append(f"\n[{day} January] Event {day}\n")
        out += [f"    {i}\n" for i in on]
        out.append(f"    category {category}\n")
    return "".join(out)


def by_hand(events) -> dict:
    totals = {i: [0, 0] for i in INDICES}
    for category, on in events:
        for i in on:
            totals[i][0] += WEIGHTS[category]
            totals[i][1] += 1
    return totals


EVENTS = st.lists(st.tuples(st.sampled_from(sorted(WEIGHTS)),
                            st.lists(st.sampled_from(INDICES), min_size=1, max_size=3,
                                     unique=True)), min_size=1, max_size=12)


@settings(max_examples=15, deadline=None)
@given(EVENTS, st.booleans())
def test_figures_are_the_category_weights_summed_by_hand(tmp_path_factory, events, csv):
    path = tmp_path_factory.mktemp("c") / ("c.csv" if csv else "c.events")
    path.write_text(catalogue(events, csv), encoding="utf-8")
    scheme = load_scheme(str(ATTENTION))
    result = evaluate(scheme, load_catalogue([str(path)], scheme))
    got = {i: [result.indices[i].aggregate, result.indices[i].events] for i in INDICES}
    assert got == by_hand(events)


def test_the_fast_reader_and_the_parser_agree_on_bare_lines():
    text = catalogue([("contacts", ["russia", "eu"]), ("sanctions", ["us"])], csv=False)
    text = text.replace("    eu\n", "    eu   # a comment\n")
    assert parse("events", text, "f.events") == parse("events", text, "f.events", fast=False)


def test_the_columnar_engine_gives_the_same_figures(tmp_path):
    pytest.importorskip("duckdb")
    events = [("contacts", ["russia"]), ("agreements", ["russia", "eu"]), ("sanctions", ["us"])]
    path = tmp_path / "c.csv"
    path.write_text(catalogue(events, csv=True), encoding="utf-8")
    figures = {}
    for engine in ("python", "duckdb"):
        result = run("eval", str(ATTENTION), str(path), "--engine", engine, "--format", "json")
        assert result.exit_code == 0, result.output
        assert "B801" not in result.output
        data = json.loads(result.output)["indices"]
        figures[engine] = {i: (data[i]["aggregate"], data[i]["events"]) for i in INDICES}
    assert figures["python"] == figures["duckdb"] == {
        "russia": (3, 2), "eu": (2, 1), "china": (0, 0), "us": (3, 1), "ukraine": (0, 0)}


def test_a_bare_line_is_an_error_where_the_scheme_reads_the_recorded_score(tmp_path):
    path = tmp_path / "c.events"
    path.write_text(catalogue([("contacts", ["russia"])], csv=False), encoding="utf-8")
    result = run("eval", str(ROOT / "rules" / "minsk-barometer.rules"), str(path))
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:4:5: error[B001]: `russia` without a score marks an event on russia, but the "
        "scheme reads the recorded score (`recorded` or `direction`)\n"
        " 4 |     russia\n"
        "   |     ^^^^^^\n"
        "   = hint: write the event's score, e.g. russia +1; an index without a score is for "
        "schemes whose score reads neither (score weight)\n")


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_marked_cell_is_an_error_where_the_scheme_reads_the_recorded_score(tmp_path, engine):
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    path = tmp_path / "c.csv"
    path.write_text(catalogue([("contacts", ["eu"])], csv=True), encoding="utf-8")
    result = run("eval", str(ROOT / "rules" / "minsk-by-category.rules"), str(path),
                 "--engine", engine)
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:3:20: error[B001]: the cell `x` marks an event on an index without a score, "
        "but the scheme reads the recorded score (`recorded` or `direction`)\n"
        " 3 | 1 January,Event 1,,x,,,,contacts\n"
        "   |" + " " * 20 + "^\n"
        "   = hint: write the event's score, e.g. +1; an index without a score is for "
        "schemes whose score reads neither (score weight)\n")


def test_a_rule_reading_recorded_makes_the_scheme_read_it(tmp_path):
    rules = tmp_path / "r.rules"
    rules.write_text(f'scheme "R" version "1"\nextends "{ATTENTION}"\n'
                     "rule strong when recorded > 1 then multiply by 2\n", encoding="utf-8")
    path = tmp_path / "c.events"
    path.write_text(catalogue([("contacts", ["russia"])], csv=False), encoding="utf-8")
    result = run("eval", str(rules), str(path))
    assert result.exit_code == 2 and "error[B001]: `russia` without a score" in result.output


def test_fmt_keeps_bare_lines():
    text = ('period "P" from 2021-01-01 to 2021-02-28\n\n[4 January] Talks\n'
            "  russia\n\teu   # both\n    category contacts\n")
    assert format_events(text) == ('period "P" from 2021-01-01 to 2021-02-28\n\n[4 January] '
                                   "Talks\n    russia\n    eu  # both\n    category contacts\n")
