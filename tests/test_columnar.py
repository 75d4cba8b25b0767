"""The columnar engine gives the python engine's figures: a differential property
over random schemes (weights, decimal ones too, rules, bands, derived indices with
`sum(x where ...)`) and random catalogues written as CSV, JSON Lines and Parquet,
wide and long; the shipped schemes on No 19; located findings; the choice of engine."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("duckdb", reason="the columnar extra is not installed: "
                    "pip install -e '.[test,columnar]'")
pytest.importorskip("sqlglot")
pytest.importorskip("pyarrow")

from barometer import evaluate, load_catalogue, load_scheme  # noqa: E402
from barometer.dsl import InputError  # noqa: E402
from barometer.engine.columnar import contributions, evaluate_columnar  # noqa: E402
from barometer.main import main  # noqa: E402

from .conftest import CSV, PUBLISHED, ROOT  # noqa: E402
from .helpers import COUNTS, figures, write_catalogue, examples  # noqa: E402
from .strategies import attribute_values, event_files, schemes  # noqa: E402

# BAROMETER_EXAMPLES=500 runs the property longer, by hand (the suite keeps to 15)
SETTINGS = settings(max_examples=int(os.environ.get("BAROMETER_EXAMPLES", examples(15))), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

def both(rules_text: str, path: str):
    """What each engine makes of the files: figures, or the findings' codes."""
    rules_path = path.rsplit("/", 1)[0] + "/scheme.rules"
    with open(rules_path, "w", encoding="utf-8") as f:
        f.write(rules_text)
    scheme = load_scheme(rules_path)
    out = []
    for run in (lambda: evaluate(scheme, load_catalogue([path], scheme)),
                lambda: evaluate_columnar(scheme, path, engine="duckdb")):
        try:
            out.append(figures(run()))
        except InputError as e:
            out.append([d for d in e.diagnostics if d.severity == "error"])
    return out


@SETTINGS
@given(case=schemes(), data=st.data(), fmt=st.sampled_from(["csv", "jsonl", "parquet"]),
       long=st.booleans(), typed=st.booleans())
def test_duckdb_gives_the_python_engines_figures(tmp_path_factory, case, data, fmt, long, typed):
    rules, text = case
    events = data.draw(event_files(rules, max_size=15))
    folder = tmp_path_factory.mktemp("c")
    path = write_catalogue(folder, events, fmt, long, typed, attribute_values(data, events))
    python, columnar = both(text, path)
    if isinstance(python, dict) or isinstance(columnar, dict):
        assert columnar == python
    else:  # the same findings, each said as the python reader says it (which says it at
        # every row holding the mistake, where the columnar path names the first)
        assert {d.code for d in columnar} == {d.code for d in python}
        assert all(d in python for d in columnar), [d for d in columnar if d not in python]
    COUNTS["examples"] += 1
    COUNTS["figures" if isinstance(python, dict) else "findings"] += 1
    COUNTS["entries"] += sum(len(e.scores) for e in events.events)


def test_report_the_differential_counts(capsys):
    """The counts of the property above (run before this test), for the record."""
    if COUNTS["examples"]:
        with capsys.disabled():
            print(f"\ndifferential python vs duckdb: {COUNTS['examples']} examples, "
                  f"{COUNTS['figures']} with figures, {COUNTS['findings']} with findings, "
                  f"{COUNTS['entries']} scores")
        assert COUNTS["figures"] > 0


# --- fixed cases -------------------------------------------------------------------------------

# Shipped schemes whose constructs SQL cannot compute exactly, with what says so.
FALLS_BACK = {"minsk-decay.rules": "a power whose exponent is not a constant",
              "minsk-january.rules": "days_in_month",
              "minsk-prorated.rules": "a division by a figure that is not a constant"}


@pytest.mark.parametrize("scheme", sorted(p.name for p in (ROOT / "rules").glob("minsk-*.rules")))
def test_every_shipped_scheme_gives_the_same_figures_on_no19(scheme):
    rules = load_scheme(str(ROOT / "rules" / scheme))
    if scheme in ("minsk-security.rules", "minsk-normalised.rules"):
        pytest.skip("its catalogue is Appendix 2 alone, or it reads issues before: a columnar "
                    "engine evaluates one catalogue, and these are the python engine's")
    from barometer.engine.columnar import check_compiles

    if check_compiles(rules) is not None:  # B801: the python engine computes it (the CLI
        return  # says so, and tests/test_group_caps.py and test_repeats.py compare them)
    python = evaluate(rules, load_catalogue([str(CSV)], rules))
    if scheme in FALLS_BACK:  # not exact in SQL: named, and the python engine computes it
        from barometer.engine.sql import NotCompilable

        with pytest.raises(NotCompilable, match=FALLS_BACK[scheme]):
            evaluate_columnar(rules, str(CSV), engine="duckdb")
        result = CliRunner().invoke(main, ["eval", str(ROOT / "rules" / scheme), str(CSV),
                                           "--engine", "duckdb", "--format", "json"])
        assert "warning[B801]" in result.output
        assert {k: v["aggregate"] for k, v in json.loads(result.stdout)["indices"].items()} == {
            k: json.loads(json.dumps(r.aggregate if isinstance(r.aggregate, (int, type(None)))
                                     else round(float(r.aggregate), 6)))
            for k, r in python.indices.items()}
        return
    columnar = evaluate_columnar(rules, str(CSV), engine="duckdb")
    assert figures(columnar) == figures(python)
    if scheme == "minsk-barometer.rules":
        assert {k: (r.aggregate, r.positive, r.negative) for k, r in columnar.indices.items()
                } == PUBLISHED


def test_the_command_line_prints_the_same_json_on_both_engines():
    runner = CliRunner()
    args = ["eval", str(ROOT / "rules" / "minsk-cooperation-share.rules"), str(CSV),
            "--format", "json"]
    python = runner.invoke(main, args + ["--engine", "python"])
    duckdb = runner.invoke(main, args + ["--engine", "duckdb"])
    assert python.exit_code == duckdb.exit_code == 0, duckdb.output
    assert json.loads(duckdb.output) == json.loads(python.output)


def test_mistakes_in_a_large_catalogue_are_located_as_the_python_engine_locates_them(tmp_path):
    text = CSV.read_text(encoding="utf-8").splitlines()
    heading = text[1].split(",")
    rows = [r for r in csv.reader(text[2:])]
    bad = rows[4][:]
    bad[heading.index("category")] = "contcts"
    rows[4] = bad
    worse = rows[9][:]
    worse[heading.index("russia")] = "+7"
    rows[9] = worse
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerows(rows)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(text[:2]) + "\n" + out.getvalue(), encoding="utf-8")
    runner = CliRunner()
    rules = str(ROOT / "rules" / "minsk-barometer.rules")
    python = runner.invoke(main, ["eval", rules, str(path), "--engine", "python"])
    duckdb = runner.invoke(main, ["eval", rules, str(path), "--engine", "duckdb"])
    assert python.exit_code == duckdb.exit_code == 2
    found = re.findall(r"^(\S+:\d+):\d+: error\[(B\d+)\]: (.*)$", duckdb.output, re.M)
    assert found == [(f"{path}:7", "B101", "unknown category `contcts`"),
                     (f"{path}:12", "B204", "the score +7 is outside the scheme's range "
                                            "-3 to +3")]
    assert duckdb.output == python.output  # the same words, places, quoted lines and carets
    assert "did you mean `contacts`?" in duckdb.output


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_mistakes_in_json_lines_and_parquet_read_as_the_python_reader_reads_them(tmp_path, fmt):
    import pyarrow.parquet as pq

    sample = ROOT / "examples" / "gdelt" / "gdelt-style-sample.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()[:40]]
    rows[6]["category"] = "figth"
    rows[11]["score"] = 5
    rows[17]["index"] = "blr_rsu"
    rows[23]["date"] = "31 February"
    path = tmp_path / f"bad.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        import pyarrow as pa

        pq.write_table(pa.Table.from_pylist(rows), str(path))
    (tmp_path / f"bad.{fmt}.period").write_text(
        (ROOT / "examples" / "gdelt" / "gdelt-style-sample.jsonl.period").read_text())
    rules = str(ROOT / "rules" / "gdelt" / "gdelt-style.rules")
    runner = CliRunner()
    python = runner.invoke(main, ["eval", rules, str(path), "--engine", "python"])
    duckdb = runner.invoke(main, ["eval", rules, str(path), "--engine", "duckdb"])
    assert python.exit_code == duckdb.exit_code == 2
    assert [line for line in duckdb.output.splitlines() if "error[" in line] == [
        line for line in python.output.splitlines() if "error[" in line]
    assert re.findall(r"error\[(B\d+)\]", duckdb.output) == ["B101", "B204", "B101", "B301"]
    assert "did you mean `fight`?" in duckdb.output and "did you mean `blr_rus`?" in duckdb.output


ROOTS = "rule roots when category is statements then set to round(sqrt(abs(score)))"


def test_a_construct_that_cannot_be_a_query_is_named_and_python_computes(tmp_path):
    rules = tmp_path / "root.rules"
    parent = ROOT / "rules" / "minsk-barometer.rules"
    rules.write_text(f'scheme "Roots" version "1"\nextends "{parent}"\n{ROOTS}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(rules), str(CSV), "--engine", "duckdb",
                                       "--format", "json"])
    assert result.exit_code == 0
    assert (f"{rules}:3:{ROOTS.index('sqrt') + 1}: warning[B801]: sqrt() is not exact: the "
            "columnar engine cannot compute this exactly, so the python engine runs the scheme"
            ) in result.output
    assert json.loads(result.output[result.output.index("{"):])["indices"]["us"]["aggregate"] \
        == evaluate(load_scheme(str(rules)), load_catalogue([str(CSV)], load_scheme(
            str(rules)))).indices["us"].aggregate


def test_auto_picks_duckdb_from_a_mebibyte_and_python_below(tmp_path):
    from barometer.common import chosen_engine

    small = tmp_path / "small.csv"
    small.write_text(CSV.read_text(encoding="utf-8"), encoding="utf-8")
    big = tmp_path / "big.csv"
    text = CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    big.write_text("".join(text[:2] + text[2:] * 800), encoding="utf-8")
    assert big.stat().st_size >= 1 << 20
    assert chosen_engine("auto", [str(small)]) == "python"
    assert chosen_engine("auto", [str(big)]) == "duckdb"
    assert chosen_engine("auto", [str(ROOT / "examples" / "minsk-barometer-19.events")]) == \
        "python"
    # by size for every table format DuckDB reads; a workbook or an event file of any
    # size is the python engine's (only it reads them)
    for name in ("big.PARQUET", "big.jsonl", "big.ndjson", "big.xlsx", "big.events"):
        with open(tmp_path / name, "wb") as f:
            f.truncate(1 << 20)
        want = "python" if name.endswith((".xlsx", ".events")) else "duckdb"
        assert chosen_engine("auto", [str(tmp_path / name)]) == want, name


def test_explain_on_the_columnar_path_gives_rules_and_categories_contributions():
    rules = load_scheme(str(ROOT / "rules" / "minsk-by-category.rules"))
    result = evaluate_columnar(rules, str(CSV), engine="duckdb")
    parts = contributions(result)
    python = evaluate(rules, load_catalogue([str(CSV)], rules))
    for name, r in python.indices.items():
        if r.index.derived:
            continue
        mine = [p for p in parts if p.index == name and p.rule is None]
        assert sum(p.points for p in mine) == r.aggregate
        assert sum(p.entries for p in mine) == r.events
        # each rule's change, as the python engine's own record adds it up
        for rule in rules.rules:
            steps = [(s, st) for s in python.scored if s.entry.index == name
                     for st in s.steps if st.rule is rule]
            changed = {id(s): s for s, st in steps}
            if not steps:
                continue
            expected = 0
            for s in changed.values():
                before = [st.before for st in s.steps if st.rule is rule][0]
                after = [st.after for st in s.steps if st.rule is rule][-1]
                expected += -before if after is None else after - before
            said = [p for p in parts if p.index == name and p.rule == rule.name]
            assert sum(p.points for p in said) == expected


def test_explain_on_a_large_catalogue_says_what_each_category_and_rule_adds():
    gdelt = ROOT / "rules" / "gdelt" / "gdelt-style.rules"
    sample = ROOT / "examples" / "gdelt" / "gdelt-style-sample.jsonl"
    result = CliRunner().invoke(main, ["explain", str(gdelt), str(sample),
                                       "--engine", "duckdb", "--index", "blr_rus",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    [(name, data)] = json.loads(result.stdout)["indices"].items()
    assert name == "blr_rus"
    assert sum(c["points"] for c in data["categories"].values()) == data["aggregate"]
    assert sum(c["scores"] for c in data["categories"].values()) == data["events"]
    assert set(data["rules"]) <= {"state_media", "military_threat", "local", "cap"}
    assert data["rules"]["local"]["points"] != 0  # local stories excluded: their points gone


def test_an_engine_that_cannot_read_the_files_is_a_usage_error():
    runner = CliRunner()
    rules = str(ROOT / "rules" / "minsk-barometer.rules")
    events = str(ROOT / "examples" / "minsk-barometer-19.events")
    result = runner.invoke(main, ["eval", rules, events, "--engine", "duckdb"])
    assert result.exit_code == 2
    assert "--engine duckdb reads one CSV, Parquet or JSON Lines catalogue" in result.output
    result = runner.invoke(main, ["eval", rules, str(CSV), str(CSV), "--engine", "spark"])
    assert result.exit_code == 2 and "or several files, use --engine python" in result.output


ASKING = f'''scheme "Asking" version "1"
extends "{ROOT / 'rules' / 'minsk-barometer.rules'}"
rule talks "Talks count double" when text contains "talks" then multiply by 2
rule early "January one more" when date before 2021-02-01 and not (index is us) then add 1
rule within "Mid-January one less" when date from 2021-01-10 to 2021-01-20 then add -1
index visits "Russia, visits" = sum(russia where text contains "visit")
'''


@pytest.mark.parametrize("scheme", ["minsk-goldstein-weights.rules", "asking"])
def test_the_engine_groups_no19_by_the_python_engines_signatures(scheme, tmp_path):
    """DuckDB groups the entries of No 19 by the scheme's signature into the rows, and
    the counts, that the python engine's entries give (engine/plan.py Signature.row):
    text and date conditions' outcomes, the weights' categories."""
    from collections import Counter

    if scheme == "asking":
        (tmp_path / "asking.rules").write_text(ASKING, encoding="utf-8")
        scheme = str(tmp_path / "asking.rules")

    from barometer.engine.columnar import check, compile_scheme, describe, runner_for
    from barometer.engine.columns.query import signature_query, signature_rows
    from barometer.engine.plan import Plan

    rules = load_scheme(str(ROOT / "rules" / scheme))
    plan = Plan(rules)
    assert scheme != str(tmp_path / "asking.rules") or len(plan.signature.tests) == 4
    python: Counter = Counter()
    for entry, n in zip(*plan.group(load_catalogue([str(CSV)], rules))):
        row = plan.signature.row(entry)
        python[row[:3] + (frozenset(row[3]),) + row[4:]] += n
    runner = runner_for("duckdb", None, False)
    source = describe(str(CSV), None, rules, runner)
    compiled = compile_scheme(rules, source, check(source, rules, runner)[0], by_category=True)
    rows, counts = signature_rows(compiled, plan.signature,
                                  runner.rows(signature_query(compiled, plan.signature)))
    duckdb = Counter({r[:3] + (frozenset(r[3]),) + r[4:]: n for r, n in zip(rows, counts)})
    assert duckdb == python
    assert sum(counts) == 146 and len(rows) < 146
