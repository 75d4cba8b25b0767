"""Calibration and the samples behind a sensitivity analysis: `--save-samples`
writes every sample (each parameter's value, each index's aggregate and colour),
which an exact evaluation with those weights reproduces; `--fit` finds the values
of what is varied that reproduce published figures, and says how firmly."""

import csv
import json
from fractions import Fraction

import pytest

from barometer import evaluate, load_catalogue, load_scheme
from barometer.dsl import model as m

from .conftest import EVENTS, ROOT
from .helpers import run, write

BY_CATEGORY = ROOT / "rules" / "minsk-by-category.rules"


def test_every_sample_is_written_and_is_what_those_weights_give(tmp_path):
    path = tmp_path / "samples.csv"
    result = run("sensitivity", BY_CATEGORY, EVENTS, "--samples", "40", "--vary",
                 "weights by 1", "--save-samples", path)
    assert result.exit_code == 0
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 40 and rows[0]["sample"] == "1"
    scheme = load_scheme(str(BY_CATEGORY))
    ev = evaluate(scheme, load_catalogue([str(EVENTS)], scheme))
    for row in rows[:10]:  # an exact evaluation with the sample's weights, by hand
        weights = {c: Fraction(row[f"weight:{c}"]) for c in scheme.categories}
        totals = {n: 0 for n in scheme.indices}
        for entry in ev.entries:
            direction = (entry.recorded > 0) - (entry.recorded < 0)
            totals[entry.index] += direction * weights[entry.event.category.name]
        for name, value in totals.items():
            assert float(row[name]) == pytest.approx(float(value), abs=1e-9)
        # bands as boundaries, each where a band begins (sensitivity's reading, which
        # gives non-whole totals between two whole-number bands the lower one)
        starts = [("red", None), ("orange", -17), ("yellow", -12), ("green", -6), ("white", -1)]
        band = [n for n, start in starts if start is None or totals["regional_tension"] >= start]
        assert row["colour:regional_tension"] == band[-1]


def test_the_samples_as_parquet_are_the_csvs(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    for name in ("s.csv", "s.parquet"):
        run("sensitivity", BY_CATEGORY, EVENTS, "--samples", "25", "--save-samples",
            tmp_path / name)
    table = pq.read_table(tmp_path / "s.parquet").to_pylist()
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8")))
    assert len(table) == len(rows) == 25
    for a, b in zip(table, rows):
        assert a["russia"] == pytest.approx(float(b["russia"]))
        assert a["boundary:regional_tension:yellow"] == pytest.approx(
            float(b["boundary:regional_tension:yellow"]))
        assert a["colour:regional_tension"] == b["colour:regional_tension"]


WEIGHTS = {"contacts": 1, "statements": 1, "media": 1, "diplomacy": 1, "public_action": 1,
           "exercises": 1, "visits": 2, "agreements": 2, "economy": 2, "aid": 2, "armament": 2,
           "arms_control": 2, "defence_policy": 2, "sanctions": 3, "conflict": 3}


def published_by(weights: dict, tmp_path, name="issue.events"):
    """A scheme scored by category whose weights are `weights` (the by-category ones
    otherwise), No 19's catalogue with that scheme's figures as its published ones,
    and a child scheme that says the by-category weights and varies them: (child,
    catalogue, the figures)."""
    import re

    chosen = dict(WEIGHTS, **weights)
    root = (ROOT / "rules" / "minsk-barometer.rules").read_text(encoding="utf-8")
    root = root.replace("score recorded", "score direction * weight")
    root = re.sub(r'^(category (\w+) +"[^"]*")', lambda g: f"{g[1]} weight {chosen[g[2]]}",
                  root, flags=re.M)
    root_path = write(tmp_path, "root.rules", root)
    scheme = load_scheme(str(root_path))
    text = EVENTS.read_text(encoding="utf-8")
    start = text.index("published russia")
    end = text.index("\n\n", start)
    bare = write(tmp_path, "bare.events", text[:start] + text[end:])
    ev = evaluate(scheme, load_catalogue([str(bare)], scheme))
    lines = [f"published {n} {m.signed(r.aggregate)}" for n, r in ev.indices.items()]
    lines[-1] += f" {ev.indices['regional_tension'].colour}"
    issue = write(tmp_path, name, text[:start] + "\n".join(lines) + text[end:])
    child = write(tmp_path, "child.rules", 'scheme "Child" version "1"\nextends "root.rules"\n'
                  + "".join(f"category {c} weight {w}\n" for c, w in WEIGHTS.items()))
    return child, issue, ev.indices


def test_the_fit_finds_the_weights_that_made_the_published_figures(tmp_path):
    child, issue, totals = published_by({"armament": 3, "contacts": 0}, tmp_path)
    out = run("sensitivity", child, issue, "--fit", "--samples", "500", "--vary",
              "weights of armament, contacts by 1", "--format", "json")
    data = json.loads(out.output)
    assert data["rmse"] == pytest.approx(0, abs=1e-9) and data["colours_missed"] == 0
    best = {p["label"]: p["best"] for p in data["parameters"]}
    assert best == {"weight of armament": pytest.approx(3), "weight of contacts": pytest.approx(0)}
    assert data["nominal"]["rmse"] > 1
    for f in data["fitted"]:
        assert f["computed"] == pytest.approx(float(totals[f["index"]].aggregate))


def test_a_weight_the_figures_do_not_touch_is_reported_as_undetermined(tmp_path):
    child, issue, _ = published_by({"armament": 3}, tmp_path)
    # no security event of No 19 is in category `media`: fit the security indices alone
    text = issue.read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.splitlines()
                     if not line.startswith("published") or "national_security" in line
                     or "regional_tension" in line) + "\n"
    issue.write_text(kept, encoding="utf-8")
    data = json.loads(run("sensitivity", child, issue, "--fit", "--samples", "2000",
                          "--vary", "weights of armament, media by 1", "--format",
                          "json").output)
    spread = {p["label"]: p for p in data["parameters"]}
    media = spread["weight of media"]
    assert media["near_high"] - media["near_low"] > 1.8  # anything goes: not determined
    armament = spread["weight of armament"]
    assert armament["best"] == pytest.approx(3)


def test_the_fit_reads_several_issues_and_says_what_it_compares(tmp_path):
    child, first, _ = published_by({"armament": 3}, tmp_path, "a.events")
    child, second, _ = published_by({"armament": 3}, tmp_path, "b.events")
    text = run("sensitivity", child, first, "--fit", "--fit-issue", second,
               "--samples", "300", "--vary", "weights of armament by 1").output
    assert "Fit to 14 published totals and 2 colours (300 draws, seed 0" in text
    assert "Best fit:    root mean square difference 0.000 points, 0 colours missed" in text
    text = run("sensitivity", child, first, "--fit", "--samples", "1", "--vary",
               "weights of armament by 1").output
    assert "(1 draw, seed 0" in text and "of 1 draw (" in text, text  # "1 draws"


def test_an_issue_named_twice_is_refused_not_fitted_twice(tmp_path):
    """`--fit-issue` naming the catalogue itself counted its figures twice, silently
    doubling their weight in the fit (14 totals from one issue's 7)."""
    child, first, _ = published_by({"armament": 3}, tmp_path, "a.events")
    for again in (first, tmp_path / "." / "a.events"):
        result = run("sensitivity", child, first, "--fit", "--fit-issue", again,
                     "--samples", "5", "--vary", "weights of armament by 1")
        assert result.exit_code == 2
        assert result.output.endswith(
            f"Error: {again} is named twice: each issue once, or its figures count twice in "
            "the fit\n")


def test_nothing_to_fit_to_is_said(tmp_path):
    text = EVENTS.read_text(encoding="utf-8")
    bare = write(tmp_path, "bare.events", "\n".join(
        line for line in text.splitlines() if not line.startswith("published")) + "\n")
    result = run("sensitivity", BY_CATEGORY, bare, "--fit")
    assert result.exit_code == 2
    assert "nothing to fit to: the catalogues publish no figure" in result.output
