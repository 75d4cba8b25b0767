"""Spark, in local mode, gives the python engine's figures: one Spark session for
the module (booted while the other tests run, see conftest.py), a few fixed
catalogues and a handful of generated ones. Skipped, with the reason, where
PySpark or a Java runtime is missing, and unless BAROMETER_SPARK_TESTS=1 (Spark's
JVM would cost the suite more than its whole budget; .ci/run runs them apart)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .conftest import CSV, PUBLISHED, ROOT, SPARK, SPARK_MASTER, spark_missing

_missing = spark_missing()
if _missing:
    pytest.skip(f"Spark tests: {_missing}", allow_module_level=True)

from barometer import evaluate, load_catalogue, load_scheme  # noqa: E402
from barometer.engine.columnar import evaluate_columnar  # noqa: E402
from barometer.main import main  # noqa: E402

from .helpers import COUNTS, figures, write_catalogue  # noqa: E402
from .strategies import event_files, schemes  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from barometer.engine.columnar import Spark

    if "thread" in SPARK:
        SPARK["thread"].join()
    if "error" in SPARK:
        pytest.skip(f"Spark did not start: {SPARK['error']}")
    return Spark.session(SPARK_MASTER)


def test_the_shipped_synthetic_sample_and_no19_give_the_same_figures(spark):
    gdelt = load_scheme(str(ROOT / "rules" / "gdelt" / "gdelt-style.rules"))
    sample = str(ROOT / "examples" / "gdelt" / "gdelt-style-sample.jsonl")
    python = figures(evaluate(gdelt, load_catalogue([sample], gdelt)))
    assert figures(evaluate_columnar(gdelt, sample, engine="spark", master=SPARK_MASTER)) \
        == python
    capped = str(ROOT / "rules" / "minsk-capped-statements.rules")
    runner = CliRunner()
    args = ["eval", capped, str(CSV), "--format", "json"]
    on_spark = runner.invoke(main, args + ["--engine", "spark", "--spark-master", SPARK_MASTER])
    assert on_spark.exit_code == 0, on_spark.output
    assert json.loads(on_spark.output) == json.loads(runner.invoke(main, args).output)
    assert json.loads(on_spark.output)["indices"]["us_capped"]["aggregate"] == -6


def test_a_mistake_is_found_by_spark_too(spark, tmp_path):
    text = CSV.read_text(encoding="utf-8").replace(",contacts,", ",contcts,", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(ROOT / "rules" / "minsk-barometer.rules"),
                                       str(bad), "--engine", "spark",
                                       "--spark-master", SPARK_MASTER])
    assert result.exit_code == 2
    assert f"{bad}: unknown category `contcts`" in result.output
    assert "did you mean `contacts`?" in result.output


def by_python(tmp_path_factory, case, data, fmt: str, long: bool):
    """A generated scheme, a catalogue drawn for it written as `fmt`, and the python
    engine's figures of it; None where the python engine finds mistakes."""
    rules, text = case
    events = data.draw(event_files(rules, max_size=10))
    assume(events.events)
    folder = tmp_path_factory.mktemp("s")
    path = write_catalogue(folder, events, fmt, long, typed_dates=True)
    (folder / "scheme.rules").write_text(text, encoding="utf-8")
    scheme = load_scheme(str(folder / "scheme.rules"))
    try:
        return scheme, path, figures(evaluate(scheme, load_catalogue([path], scheme)))
    except Exception:
        return None


@settings(max_examples=5, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data(), fmt=st.sampled_from(["csv", "parquet"]),
       long=st.booleans())
def test_spark_gives_the_python_engines_figures(spark, tmp_path_factory, case, data, fmt, long):
    drawn = by_python(tmp_path_factory, case, data, fmt, long)
    if drawn is None:
        return  # findings: compared with DuckDB's in test_columnar
    scheme, path, python = drawn
    assert figures(evaluate_columnar(scheme, path, engine="spark", master=SPARK_MASTER)) \
        == python
    COUNTS["spark"] = COUNTS.get("spark", 0) + 1


def test_an_empty_cell_takes_the_attributes_default_and_an_empty_date_is_an_error(spark, tmp_path):
    # collect_set leaves nulls out: the default was not given, the empty date not found
    rules = tmp_path / "f.rules"
    rules.write_text('scheme "F" version "1"\nrange -3 to +3\nscore recorded + fatalities\n'
                     'index a "A"\nattribute fatalities "F" number from 0 default 0\n',
                     encoding="utf-8")
    head = '# period "P" from 2021-01-01 to 2021-01-31\ndate,event,a,fatalities\n'
    good = tmp_path / "good.csv"
    good.write_text(head + "1 January,e,+1,3\n2 January,f,+2,\n", encoding="utf-8")
    scheme = load_scheme(str(rules))
    assert evaluate_columnar(scheme, str(good), engine="spark", master=SPARK_MASTER
                             ).indices["a"].aggregate == 6
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "1 January,e,+1,3\n,f,+2,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(rules), str(bad), "--engine", "spark",
                                       "--spark-master", SPARK_MASTER])
    assert result.exit_code == 2
    assert f"error[B301]: {bad}: cannot read the date ``: the date is empty" in result.output


@pytest.mark.parametrize("heading", ["barometer_row", "c0", "src", "`x`; --", "a\"b'c$$"])
def test_hostile_headings_and_cells_are_data_to_spark(spark, tmp_path, monkeypatch, heading):
    # a column named as an internal one, and a cell of SQL: Spark runs none of it,
    # writes no file, and finds what python finds
    cell = "'~'; COPY (SELECT 'pwned') TO 'pwned.txt'; --"
    quoted = '"' + heading.replace('"', '""') + '"'
    path = tmp_path / "x.csv"
    path.write_text('# period "P" from 2021-01-01 to 2021-02-28\n'
                    f"date,event,russia,category,{quoted}\n"
                    f'4 January,A,+1,nosuchcat,"{cell}"\n5 January,B,+1,contacts,x\n',
                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rules = str(ROOT / "rules" / "minsk-barometer.rules")
    on_spark = CliRunner().invoke(main, ["eval", rules, str(path), "--engine", "spark",
                                         "--spark-master", SPARK_MASTER])
    python = CliRunner().invoke(main, ["eval", rules, str(path), "--engine", "python"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]
    assert on_spark.exit_code == python.exit_code == 2
    assert f"error[B101]: {path}: unknown category `nosuchcat`" in on_spark.output


def test_spark_says_the_readers_warnings_of_a_file_at_the_python_readers_places(spark, tmp_path):
    # Spark's rows have no order, so it said no event listed twice (B502) and no row
    # skipped as a comment (B012): the file lies here, and DuckDB reads its lines
    from barometer import api

    rules = tmp_path / "s.rules"
    rules.write_text('scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                     'category x "X"\n', encoding="utf-8")
    catalogue = tmp_path / "c.csv"
    catalogue.write_text('# period "P" from 2021-01-01 to 2021-01-31\n'
                         "date,event,a,category,extra\n"
                         "1 January,Talks,+1,x,\n#MeToo\n2 January,Visit,-2,x,\n"
                         "1 January,talks ,+1,x,\n", encoding="utf-8")
    said = {engine: [(d.code, d.span.line if d.span else None, d.message) for d in
                     api.evaluate(str(rules), [str(catalogue)], None, engine,
                                  master=SPARK_MASTER if engine == "spark" else None).warnings]
            for engine in ("python", "spark")}
    assert said["spark"] == said["python"]
    assert [(code, line) for code, line, _ in said["python"]] == [
        ("B010", 2), ("B012", 4), ("B502", 6)]


# --- many signatures: scored on the executors (engine/executors.py) ------------------------------

MANY = '''scheme "Many signatures" version "1"
range -3 to +3
score recorded + fatalities / 4
index a "A"
index b "B"
category talks "Talks" weight 1
category clash "Clashes" weight 2
tag border "At the border"
attribute level "Level" one of [head, official] default official
attribute fatalities "Fatalities" number from 0 default 0
rule border "At the border, twice" when tagged border then multiply by 2
rule heads "Heads talking" when text contains "talks" and level is head then add 1
rule old "Old news counts half" when age > 20 then set to trunc(score / 2)
rule drop "Not these" when fatalities > 1990 then exclude
index heads "Heads" = sum(a where level is head) - mean(b where text contains "talks")
index peak "Peak" = max(a where tagged border) + min(b)
index share "Share" = positive(a) / max(events(b), 1)
index late "Late" = count(a where date after 2021-01-20 and fatalities >= 1000)
'''


def _many(folder, n: int = 2000):
    """A scheme reading a number attribute that two events hold each value of, and
    text, tag, date and level conditions, with derived indices selecting by them:
    3,000 signatures of two scores each (SYNTHETIC)."""
    rules = folder / "many.rules"
    rules.write_text(MANY, encoding="utf-8")
    lines = ['# period "P" from 2021-01-01 to 2021-01-31',
             "date,event,a,b,category,tags,level,fatalities"]
    for i in range(n):
        for twice in ("", " again"):  # each signature twice: counted, not only scored
            lines.append(",".join([
                f"{1 + i % 31} January", ("talks " if i % 3 == 0 else "visit ") + str(i) + twice,
                f"{i % 7 - 3:+d}", f"{i % 5 - 2:+d}" if i % 2 == 0 else "",
                "clash" if i % 4 == 0 else "talks", "border" if i % 5 == 0 else "",
                "head" if i % 2 else "official", str(i)]))
    catalogue = folder / "many.csv"
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(rules), str(catalogue)


def _paths(monkeypatch) -> list[str]:
    """Where each Spark evaluation scored its signatures, from now on."""
    from barometer.engine import executors

    taken = []
    grouped = executors.grouped_on_spark

    def spy(*args, **kwargs):
        where, found = grouped(*args, **kwargs)
        taken.append(where)
        return where, found

    monkeypatch.setattr(executors, "grouped_on_spark", spy)
    return taken


def _json(rules: str, catalogue: str, *engine) -> dict:
    result = CliRunner().invoke(main, ["eval", rules, catalogue, "--format", "json", *engine])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_many_signatures_are_scored_on_the_executors_to_the_python_engines_json(
        spark, tmp_path, monkeypatch):
    taken = _paths(monkeypatch)
    rules, catalogue = _many(tmp_path)
    python = _json(rules, catalogue)
    on = ["--engine", "spark", "--spark-master", SPARK_MASTER]
    monkeypatch.setenv("BAROMETER_SPARK_EXECUTORS_ABOVE", "1000")  # 3,000 signatures
    assert _json(rules, catalogue, *on) == python
    monkeypatch.setenv("BAROMETER_SPARK_EXECUTORS_ABOVE", "1000000")
    assert _json(rules, catalogue, *on) == python
    assert taken == ["executors", "driver"]
    scheme = load_scheme(rules)
    exact = evaluate(scheme, load_catalogue([catalogue], scheme)).indices
    assert {k: v.aggregate for k, v in exact.items()} == {
        "a": 996220, "b": 497448, "heads": Fraction(330572161, 664), "peak": 994,
        "share": Fraction(498113, 996), "late": 704}
    assert (exact["a"].events, exact["b"].events) == (3982, 1992)  # 18 excluded


@pytest.mark.parametrize("rules", ["minsk-barometer", "minsk-capped-statements",
                                   "minsk-peak-intensity", "minsk-per-event-mean",
                                   "minsk-conditions"])
def test_no19_scored_on_the_executors_gives_the_python_engines_json(spark, monkeypatch, rules):
    taken = _paths(monkeypatch)
    monkeypatch.setenv("BAROMETER_SPARK_EXECUTORS_ABOVE", "0")
    path = str(ROOT / "rules" / f"{rules}.rules")
    on_spark = _json(path, str(CSV), "--engine", "spark", "--spark-master", SPARK_MASTER)
    assert on_spark == _json(path, str(CSV))
    assert taken == ["executors"]
    if rules == "minsk-barometer":
        assert {k: (v["aggregate"], v["positive"], v["negative"])
                for k, v in on_spark["indices"].items()} == PUBLISHED


@settings(max_examples=5, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data())
def test_spark_executors_give_the_python_engines_figures(spark, tmp_path_factory, case, data):
    import os

    drawn = by_python(tmp_path_factory, case, data, "csv", False)
    if drawn is None:
        return  # findings: compared with DuckDB's in test_columnar
    scheme, path, python = drawn
    os.environ["BAROMETER_SPARK_EXECUTORS_ABOVE"] = "0"
    try:
        assert figures(evaluate_columnar(scheme, path, engine="spark", master=SPARK_MASTER)) \
            == python
    finally:
        del os.environ["BAROMETER_SPARK_EXECUTORS_ABOVE"]
    COUNTS["spark"] = COUNTS.get("spark", 0) + 1


def test_json_lines_tags_as_a_list_and_as_a_text_and_booleans_give_python_figures(spark, tmp_path):
    # Spark read a tags key holding a list on one line and a text on another as the text
    # `["t1"]` (B101), and a Parquet boolean as `True` (B209), where python gave figures
    import pyarrow as pa
    import pyarrow.parquet as pq

    rules = tmp_path / "s.rules"
    rules.write_text('scheme "S" version "1"\nrange -3 to +3\nindex a "A"\ncategory x "X"\n'
                     'tag t1 "T1"\ntag t2 "T2"\nrule r when tagged t2 then add 1\n'
                     'attribute official "O" one of [yes, no] default no\n'
                     "rule o when official is yes then add 2\n", encoding="utf-8")
    period = 'period "P" from 2021-01-01 to 2021-01-31\n'
    lines = tmp_path / "t.jsonl"
    lines.write_text('{"date": "2021-01-01", "event": "e", "a": 1, "tags": ["t1", "t2"]}\n'
                     '{"date": "2021-01-02", "event": "f", "a": 1, "tags": "t1; t2"}\n'
                     '{"date": "2021-01-03", "event": "g", "a": 1, "tags": []}\n',
                     encoding="utf-8")
    (tmp_path / "t.jsonl.period").write_text(period, encoding="utf-8")
    table = tmp_path / "b.parquet"
    pq.write_table(pa.table({"date": ["2021-01-01", "2021-01-02"], "event": ["e", "f"],
                             "a": [1, 1], "official": [True, False]}), str(table))
    (tmp_path / "b.parquet.period").write_text(period, encoding="utf-8")
    for path, aggregate in ((lines, 5), (table, 4)):
        args = ["eval", str(rules), str(path), "--format", "json"]
        python = CliRunner().invoke(main, args + ["--engine", "python"])
        on_spark = CliRunner().invoke(main, args + ["--engine", "spark", "--spark-master",
                                                    SPARK_MASTER])
        assert on_spark.exit_code == 0, on_spark.output
        assert json.loads(on_spark.output)["indices"] == json.loads(python.output)["indices"]
        assert json.loads(python.output)["indices"]["a"]["aggregate"] == aggregate
