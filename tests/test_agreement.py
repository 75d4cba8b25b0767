"""Agreement between coders (`barometer agree`): events paired across catalogues,
Krippendorff's alpha (interval and ordinal) checked against the reference
implementation (the `krippendorff` package, a test-only dependency), percent
agreement, the confusion of scores, every disagreement located, and an
adjudication catalogue to complete by hand."""

import json
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.engine.agreement import agree, alpha

from .conftest import ROOT
from .helpers import run, write

krippendorff = pytest.importorskip("krippendorff")

RULES = ROOT / "rules" / "minsk-security.rules"
A = ROOT / "examples" / "coders" / "coder-a.events"
B = ROOT / "examples" / "coders" / "coder-b.events"


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4).flatmap(lambda coders: st.lists(
    st.lists(st.none() | st.integers(-3, 3), min_size=coders, max_size=coders),
    min_size=1, max_size=25)))
def test_alpha_is_the_reference_implementations(units):
    data = np.array([[np.nan if v is None else v for v in unit] for unit in units],
                    dtype=float).T  # coders x units, as the package takes them
    for metric in ("interval", "ordinal"):
        mine = alpha(units, metric)
        pairable = [u for u in units if sum(v is not None for v in u) >= 2]
        values = {v for u in pairable for v in u if v is not None}
        if len(values) < 2:  # no disagreement to expect: undefined here
            assert mine is None
            continue
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=metric)
        assert mine == pytest.approx(float(theirs), abs=1e-9)


def test_two_coders_of_no19s_security_indices():
    scheme = load_scheme(str(RULES))
    catalogues = [load_catalogue([str(p)], scheme) for p in (A, B)]
    result = agree(scheme, catalogues)
    assert (result.pairs, len(result.unpaired)) == (20, 3)
    ns, rt = result.indices
    assert (ns.units, ns.agreement, len(ns.disagreements)) == (20, Fraction(9, 10), 2)
    # the same units given to the reference implementation
    for i in (ns, rt, result.overall):
        units = []
        for index in ([i.index] if i.index != "overall" else ["national_security",
                                                             "regional_tension"]):
            for _, events in result.units:
                if all(e is not None for e in events):
                    scores = [next((s.value for s in e.scores if s.index == index), 0)
                              for e in events]
                    units.append(scores)
        data = np.array(units, dtype=float).T
        for metric, mine in (("interval", i.alpha_interval), ("ordinal", i.alpha_ordinal)):
            assert mine == pytest.approx(krippendorff.alpha(reliability_data=data,
                                                            level_of_measurement=metric))
    assert round(ns.alpha_interval, 3) == 0.962 and round(rt.alpha_ordinal, 3) == 0.967


def test_the_report_names_every_disagreement_and_unpaired_event_with_its_place():
    out = run("agree", RULES, A, B).output
    assert "Paired by days and text: 20 events every coder lists" in out
    assert (f"{A}:65: [Late January] Decommissioning of two Kobben class submarines of the "
            "Polish Navy (not in B)") in out
    assert f"{B}:96: [18 February] Annual military security and defence field training" in out
    assert (f"national_security: A 0 ({A}:20), B -1 ({B}:18)  [January-February] 36 exercises "
            "of Russia") in out
    assert "│ overall           │    40 │     90.0% │            0.928 │           0.963 │" in out
    data = json.loads(run("agree", RULES, A, B, "--format", "json").output)
    assert data["pairs"] == 20 and data["overall"]["units"] == 40
    assert data["indices"]["regional_tension"]["disagreements"][0]["readings"] == [
        {"score": 3, "file": str(A), "line": 55}, {"score": 1, "file": str(B), "line": 53}]


def test_the_adjudication_catalogue_is_refused_until_completed_and_then_read(tmp_path):
    decided = tmp_path / "decided.events"
    run("agree", RULES, A, B, "--adjudication", decided)
    text = decided.read_text(encoding="utf-8")
    assert text.count(" ?\n") == 4  # the four disagreements
    result = run("eval", RULES, decided)
    assert result.exit_code == 2 and f"{decided}:22:23: error[B001]" in result.output
    assert ("   = hint: `?` marks what the coders disagree on: write the value decided in its "
            "place\n") in result.output
    # decided as coder A read it (0, +2, +3, -1 in the order of the events), the
    # events only A lists kept and the one only B lists removed: A's figures
    decisions = iter(["0", "+2", "+3", "-1"])
    completed = re.sub(r" \?\n", lambda _: f" {next(decisions)}\n", text)
    blocks = completed.split("\n\n")
    completed = "\n\n".join(b for b in blocks if "only B (" not in b).rstrip("\n") + "\n"
    path = write(tmp_path, "completed.events", completed)
    scheme = load_scheme(str(RULES))
    figures = evaluate(scheme, load_catalogue([str(path)], scheme)).indices
    assert {k: (r.aggregate, r.positive, r.negative, r.events) for k, r in figures.items()} == {
        "national_security": (4, 11, -7, 22), "regional_tension": (-7, 6, -13, 22)}


def test_the_adjudication_catalogue_keeps_what_each_coder_wrote_beside_the_scores(tmp_path):
    """Only the first coder's tags, values and sources were written, and no note at all: a
    second coder's tag (which rules may score) and every note were lost without a word."""
    rules = write(tmp_path, "s.rules", f'scheme "S" version "1"\nextends "{RULES}"\n'
                  'attribute level "Level" one of [head, minister] default minister\n')
    event = ("period \"P\" from 2021-01-01 to 2021-01-31\n\n[4 January] Exercise\n"
             "    national_security -1\n    category exercises\n")
    a = write(tmp_path, "a.events", event + "    tags energy\n    level head\n"
              "    source https://a.example\n    note As A read it\n")
    b = write(tmp_path, "b.events", event + "    tags energy, covid\n    level head\n"
              "    note As B read it\n")
    decided = tmp_path / "decided.events"
    assert run("agree", rules, a, b, "--adjudication", decided).exit_code == 0
    said = run("agree", rules, a, b).output
    assert f"  A: {a} (1 event)\n" in said and ": 1 event every coder lists\n" in said
    block = decided.read_text(encoding="utf-8").split("\n\n")[-1]
    assert block.splitlines()[2:] == [
        "    national_security -1",
        "    category exercises",
        "    level head",
        "    source https://a.example",
        "    note As A read it",
        "    note As B read it",
        "    # tags: A energy, B energy, covid",
        "    tags ?",
    ]


def test_three_coders_and_pairing_by_an_id(tmp_path):
    rules = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                  f'extends "{RULES}"\nattribute id "Event id" number from 1\n')
    period = 'period "P" from 2021-01-01 to 2021-01-31\n\n'
    files = []
    for k, (first, second) in enumerate([("+1", "-1"), ("+1", "-2"), ("+2", "-1")]):
        files.append(write(tmp_path, f"c{k}.events", period
                           + f"[4 January] Exercise {k}\n    national_security {first}\n"
                           "    id 1\n\n"
                           + f"[9 January] Statement, as coder {k} words it\n"
                           f"    regional_tension {second}\n    id 2\n"))
    out = run("agree", rules, *files, "--by", "id", "--format", "json")
    data = json.loads(out.output)
    assert data["pairs"] == 2 and data["unpaired"] == []
    assert data["indices"]["national_security"]["agreement"] == 0.0
    assert data["indices"]["national_security"]["confusion"] == [
        {"scores": [1, 1], "count": 1}, {"scores": [1, 2], "count": 2}]
    by_text = json.loads(run("agree", rules, *files, "--format", "json").output)
    assert by_text["pairs"] == 0 and len(by_text["unpaired"]) == 6
    assert "the scheme declares no attribute `idd`" in run("agree", rules, *files, "--by",
                                                          "idd").output


def test_a_mistake_in_a_coders_catalogue_is_located(tmp_path):
    bad = write(tmp_path, "bad.events", B.read_text(encoding="utf-8").replace(
        "national_security -1\n    regional_tension  -1\n    category exercises",
        "national_securty -1\n    regional_tension  -1\n    category exercises", 1))
    result = run("agree", RULES, A, bad)
    assert result.exit_code == 2
    assert "error[B101]: unknown index `national_securty`" in result.output
