"""The columnar engine reads small, odd catalogues as the python engine reads them
(empty dates, times of day and time zones, CSVs DuckDB cannot sniff, quoted cells, JSON
Lines and Parquet of mixed types, overflowing numbers): the same output, word for word,
and the same exit status under both engines."""

from __future__ import annotations

import datetime as dt
import json

import pytest

pytest.importorskip("duckdb", reason="the columnar extra is not installed: "
                    "pip install -e '.[test,columnar]'")
pytest.importorskip("sqlglot")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from .helpers import run, write  # noqa: E402

RULES = '''scheme "Outside" version "1"
range -3 to +3
score recorded * weight
index a "A"
index b "B"
category x "X" weight 1.5
category y "Y" weight -0.25
tag t1 "T1"
rule half "half" when tagged t1 then set to trunc(score / 2)
'''
PERIOD = 'period "P" from 2021-01-01 to 2021-01-31\n'
HEAD = '# period "P" from 2021-01-01 to 2021-01-31\ndate,event,a,b,category,tags\n'


def _figures_alike(rules, catalogue, figures: str) -> bool:
    """Whether DuckDB's CSV of figures is python's, and holds the line `figures`."""
    outputs = [run("eval", rules, catalogue, "--engine", engine, "--format", "csv", "-q").output
               for engine in ("duckdb", "python")]
    assert outputs[0] == outputs[1]
    return figures in outputs[1]


def both(tmp_path, catalogue, *extra, rules=None):
    """The output and exit status of `eval` under each engine, which must agree
    (under `rules`, a rules file's path, or RULES)."""
    rules = rules or write(tmp_path, "s.rules", RULES)
    # DuckDB first: the lines the python reader reads are kept for messages to quote
    duckdb = run("eval", rules, catalogue, "--engine", "duckdb", *extra)
    python = run("eval", rules, catalogue, "--engine", "python", *extra)
    assert (duckdb.exit_code, duckdb.output) == (python.exit_code, python.output)
    return python


def parquet(tmp_path, name, columns):
    path = tmp_path / name
    pq.write_table(pa.table(columns), str(path))
    write(tmp_path, name + ".period", PERIOD)
    return path


def test_an_empty_date_is_an_error_not_an_event_without_days(tmp_path):
    # DuckDB counted the row (a CSV's empty cell, a Parquet or JSON null) as an event
    path = write(tmp_path, "d.csv", HEAD + "1 January,e,+1,,x,\n,f,+1,,x,\n")
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:4:1: error[B301]: cannot read the date ``: the date is "
                          "empty\n")
    path = parquet(tmp_path, "d.parquet", {
        "date": pa.array([dt.date(2021, 1, 1), None], pa.date32()), "event": ["e", "f"],
        "a": [1, 2], "category": ["x", "x"]})
    assert both(tmp_path, path).exit_code == 2


def test_a_timestamp_with_a_time_of_day_is_no_day(tmp_path):
    # DuckDB cut `2021-01-01T12:00:00` to its day, the python reader refuses it
    path = parquet(tmp_path, "t.parquet", {
        "date": pa.array([dt.datetime(2021, 1, 1, 12), dt.datetime(2021, 1, 5)],
                         pa.timestamp("us")),
        "event": ["e", "f"], "a": [1, 2], "category": ["x", "x"]})
    result = run("eval", write(tmp_path, "s.rules", RULES), path, "--engine", "duckdb")
    assert result.exit_code == 2
    assert "error[B301]: cannot read the date `2021-01-01T12:00:00`" in result.output
    # a timestamp at midnight is its day, on both engines
    path = parquet(tmp_path, "m.parquet", {
        "date": pa.array([dt.datetime(2021, 1, 5)], pa.timestamp("us")),
        "event": ["f"], "a": [2], "category": ["x"]})
    assert both(tmp_path, path, "--format", "json").exit_code == 0


def test_csvs_duckdb_could_not_sniff_are_read_as_the_python_reader_reads_them(tmp_path):
    # a period line ended by \n above rows ended by \r\n (a period pasted above an
    # export), and a row with more cells than the heading: DuckDB's sniffer gave up (B015)
    crlf = write(tmp_path, "crlf.csv", HEAD)
    crlf.write_bytes(HEAD.encode() + b'1 January,"a, b",+1,-2,x,t1\r\n2 January,c,+2,,y,\r\n')
    assert "| +0.5" not in both(tmp_path, crlf, "--format", "json").output
    extra = write(tmp_path, "extra.csv", HEAD + "1 January,e,+2,,x,,more,cells\n")
    rules = write(tmp_path, "s.rules", RULES)
    duckdb, python = (run("eval", rules, extra, "--engine", engine, "--format", "json")
                      for engine in ("duckdb", "python"))
    # the cells past the heading are said (B019), the python engine reading the file
    assert duckdb.output.startswith(f"warning[B801]: {extra} has cells past its heading's")
    assert duckdb.output.endswith(python.output) and '"aggregate": 3' in python.output
    assert f"{extra}:3:20: warning[B019]: the cell `more` stands under no heading" in python.output


def test_a_cell_holding_a_line_break_moves_the_rows_after_it(tmp_path):
    # the parallel reader refused it outright; then a mistake after it was a line off
    path = write(tmp_path, "multi.csv", HEAD + '1 January,"two\nlines",+1,,x,\n'
                 "2 January,f,+9,,x,\n")
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:5:13: error[B204]: the score +9 is outside the scheme's "
                          "range -3 to +3\n 5 | 2 January,f,+9,,x,\n")


@pytest.mark.parametrize("text, said", [
    ("", ":1:1: error[B304]: the spreadsheet does not say which period it covers\n"),
    (HEAD.splitlines()[0] + "\n", ":1:1: error[B001]: the spreadsheet has no heading row: it "
     "holds no events\n 1 | # period"),
    (HEAD.splitlines()[1] + "\n1 January,e,+1,,x,\n", ":1:1: error[B304]: the spreadsheet does "
     "not say which period it covers\n 1 | date,event"),
])
def test_a_csv_without_its_period_or_heading_is_said_as_the_python_reader_says_it(
        tmp_path, text, said):
    # DuckDB said an unlocated B304 with a hint about .period files (for Parquet and
    # JSON Lines), and B304 of a CSV that states its period but has no heading
    path = write(tmp_path, "p.csv", text)
    assert both(tmp_path, path).output.startswith(f"{path}{said}")


def test_a_date_that_cannot_be_read_is_underlined_where_it_fails(tmp_path):
    path = write(tmp_path, "b.csv", HEAD + '"  32 January",e,+1,,x,\n 1 Jnauary ,e,+1,,x,\n')
    out = both(tmp_path, path).output
    assert f"{path}:3:4: error[B301]: cannot read the date `32 January`: 32 is not a day of a " \
           'month\n 3 | "  32 January",e,+1,,x,\n   |    ^^\n' in out
    assert " 4 |  1 Jnauary ,e,+1,,x,\n   |    ^^^^^^^\n" in out


def test_unknown_names_without_a_close_one_get_the_python_readers_hint(tmp_path):
    path = write(tmp_path, "u.csv", HEAD + "1 January,e,+1,,qqqqqq,zzzzzz\n")
    out = both(tmp_path, path).output
    assert "= hint: the scheme declares no category of that name" in out
    assert "= hint: the scheme declares no tag of that name" in out
    path = write(tmp_path, "u.jsonl", '{"date": "2021-01-01", "event": "e", "index": "zzzzz", '
                 '"score": 1, "category": "x"}\n')
    write(tmp_path, "u.jsonl.period", PERIOD)
    assert "= hint: the indices are a, b" in both(tmp_path, path).output


def test_a_missing_column_quotes_the_heading_in_parquet_and_json_lines(tmp_path):
    path = parquet(tmp_path, "n.parquet", {"foo": [1], "event": ["e"]})
    assert " 1 | foo | event\n   | ^\n" in both(tmp_path, path).output
    path = write(tmp_path, "n.jsonl", '{"foo": 1, "event": "e"}\n')
    write(tmp_path, "n.jsonl.period", PERIOD)
    assert ' 1 | {"foo": 1, "event": "e"}\n   | ^\n' in both(tmp_path, path).output


def test_a_number_attributes_default_stands_for_its_nulls_where_distinct_values_lose_them(
        tmp_path, monkeypatch):
    # Spark's collect_set leaves nulls out of a column's distinct values, so an empty
    # `fatalities` cell was not given its default: `recorded + fatalities` was null
    # and the score dropped out of the sums. DuckDB as Spark answers stands in for it.
    from barometer import evaluate, load_catalogue, load_scheme
    from barometer.engine import columnar
    from barometer.engine.columnar import evaluate_columnar
    from barometer.engine.columns import DuckDB

    class NullsDropped(DuckDB):
        def rows(self, query):
            return [tuple([v for v in c if v is not None] if isinstance(c, list) else c
                          for c in row) for row in super().rows(query)]

    rules = write(tmp_path, "f.rules", RULES.replace("score recorded * weight",
                                                     "score recorded + fatalities")
                  + 'attribute fatalities "Fatalities" number from 0 default 0\n')
    path = parquet(tmp_path, "f.parquet", {
        "date": ["2021-01-01", "2021-01-02"], "event": ["e", "f"], "a": [1, 2],
        "category": ["x", "x"], "fatalities": pa.array([3, None], pa.int64())})
    scheme = load_scheme(str(rules))
    monkeypatch.setattr(columnar, "runner_for", lambda *a, **k: NullsDropped())
    result = evaluate_columnar(scheme, str(path), engine="duckdb")
    python = evaluate(scheme, load_catalogue([str(path)], scheme))
    assert result.indices["a"].aggregate == python.indices["a"].aggregate == 6


def test_a_mistake_after_a_quoted_cell_holding_the_delimiter_is_placed_at_its_cell(tmp_path):
    # `"Event, with, commas"` moved every later cell two places: the caret was under
    # another cell than the python reader's
    path = write(tmp_path, "q.csv", HEAD + '1 January,"Event, with, commas",+1,,xx,"t1, t2"\n')
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:3:37: error[B101]: unknown category `xx`\n")


def test_a_quote_never_closed_is_said_as_the_python_reader_says_it(tmp_path):
    # DuckDB's sniffer gave up (an unlocated B015 in DuckDB's words)
    path = write(tmp_path, "u.csv", HEAD + '1 January,"e,+1,,x,\n2 January,f,+1,,x,\n')
    assert both(tmp_path, path).output.startswith(
        f"{path}:3:11: error[B001]: this quote opens a cell that is never closed")


def test_text_contains_folds_case_as_python_does(tmp_path):
    # SQL's lower() is not casefold(): `straße` did not find STRASSE, nor `İ` İstanbul
    rules = write(tmp_path, "t.rules", 'scheme "T" version "1"\nrange -3 to +3\n'
                  'index d "D"\nindex f "F"\nindex g "G"\n'
                  'rule ss "ss" when text contains "straße" and index is d then add 1\n'
                  'rule dot "dot" when text contains "İ" and index is f then add 1\n'
                  'rule sigma "s" when text contains "σας" and index is g then add 1\n')
    path = write(tmp_path, "t.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,d,f,g\n1 January,STRASSE ΣΑΣ,+1,+1,+1\n"
                 "2 January,STRAẞE İstanbul σασ,+1,+1,+1\n3 January,straße istanbul,+1,+1,+1\n")
    python = run("eval", rules, path, "--engine", "python", "--format", "json")
    duckdb = run("eval", rules, path, "--engine", "duckdb", "--format", "json")
    assert duckdb.output == python.output
    assert '"aggregate": 6' in python.output and '"aggregate": 4' in python.output


def test_figures_too_large_for_the_engines_whole_numbers_are_computed_exactly(tmp_path):
    # DuckDB stopped: `error: the duckdb engine could not evaluate ...: Overflow in
    # multiplication of INT128`, status 2, where the python engine has the figures; then
    # it said so (B801) and the python engine computed them. Now the engine only groups
    # the entries by signature, and the plan scores and adds them up in Python, exactly
    rules = write(tmp_path, "o.rules", 'scheme "O" version "1"\nrange -3 to +3\n'
                  "score recorded * weight * 1.000000000000001\nindex a \"A\"\n"
                  'category x "X" weight 0.123456789012345\n'
                  'category y "Y" weight -123456789012345.5\n'
                  'rule m "m" when always then multiply by 1.333333333333333\n'
                  'rule d "d" when always then set to score / 3, add 0.000000000000007\n')
    path = write(tmp_path, "o.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,a,category\n1 January,e,+3,x\n2 January,f,-2,y\n")
    python = run("eval", rules, path, "--engine", "python", "--format", "json")
    duckdb = run("eval", rules, path, "--engine", "duckdb", "--format", "json")
    assert duckdb.exit_code == python.exit_code == 0
    assert "B801" not in duckdb.output
    assert duckdb.output == python.output


def test_a_cell_of_spaces_is_empty_as_the_python_reader_reads_it(tmp_path):
    # DuckDB read ` ` as a score (B001 "found ``"), a category, a value of `level`
    path = write(tmp_path, "b.csv", HEAD + "1 January,e, ,+1,x,  \n2 January,f,+1,,x,\n")
    assert both(tmp_path, path, "--format", "json").exit_code == 0
    path = parquet(tmp_path, "b.parquet", {
        "date": ["2021-01-01", "2021-01-02"], "event": ["e", "f"], "a": ["", "\u00a0 "],
        "b": [1, 1], "category": ["x", "y"]})
    assert both(tmp_path, path, "--format", "json").exit_code == 0


def test_a_json_column_of_numbers_and_texts_reads_the_texts_unquoted(tmp_path):
    # the score "-1" was read as `"-1"`, quotes and all: B001 where python has figures
    path = write(tmp_path, "m.jsonl", '{"date": "2021-01-01", "event": "e", "a": 2, '
                 '"category": "x"}\n{"date": "2021-01-02", "event": "f", "a": "-1", '
                 '"category": "x"}\n')
    write(tmp_path, "m.jsonl.period", PERIOD)
    assert '"aggregate": 1.5' in both(tmp_path, path, "--format", "json").output


def test_a_number_in_a_json_key_of_numbers_and_texts_is_said_as_python_says_it(tmp_path):
    # DuckDB said such a score or value as its JSON text (`4`, `4.0`), python as a
    # stored number is written (`+4`)
    rules = write(tmp_path, "v.rules", RULES + 'attribute level "L" one of [minister, official] '
                  'default official\n')
    lines = [("a", 4), ("a", "x"), ("a", 4.0), ("a", 2.5), ("a", "4"), ("level", 3),
             ("level", "minister"), ("level", -2.0)]
    path = write(tmp_path, "v.jsonl", "".join(
        f'{{"date": "2021-01-0{n}", "event": "e", "category": "x", "b": 1, "{key}": '
        f'{json.dumps(value)}}}\n' for n, (key, value) in enumerate(lines, 1)))
    write(tmp_path, "v.jsonl.period", PERIOD)
    python = both(tmp_path, path, rules=rules)
    out = python.output
    for line, said in ((1, "the score +4 is outside"), (3, "the score +4 is outside"),
                       (4, "scores are whole points, not +2.5"), (5, "the score 4 is outside"),
                       (6, "`level` is one of [minister, official], not +3"),
                       (8, "`level` is one of [minister, official], not -2")):
        assert f"v.jsonl:{line}:" in out and said in out


def test_json_lines_with_a_blank_line_or_a_line_that_is_no_json(tmp_path):
    # a blank line put every later message a line too high; a line that is no JSON
    # was DuckDB's unlocated B015 ("Malformed JSON in file ...")
    write(tmp_path, "j.jsonl.period", PERIOD)
    path = write(tmp_path, "j.jsonl", '{"date": "2021-01-01", "event": "e", "a": 2, '
                 '"category": "x"}\n\n{"date": "2021-01-02", "event": "f", "a": 9, '
                 '"category": "x"}\n')
    assert both(tmp_path, path).output.startswith(f"{path}:3:")
    path.write_text('{"date": "2021-01-01", "event": "e", "a": 2, "category": "x"}\n'
                    "not json\n", encoding="utf-8")
    assert both(tmp_path, path).output.startswith(
        f"{path}:2:1: error[B001]: not a JSON object: Expecting value\n")


def test_an_event_column_of_numbers_is_read_as_their_text(tmp_path):
    # DuckDB: "Binder Error: No function matches ... 'trim(BIGINT)'", status 2
    path = parquet(tmp_path, "n.parquet", {"date": ["2021-01-01", "2021-01-02"],
                                           "event": [11, 25], "a": [2, -1],
                                           "category": ["x", "y"]})
    rules = write(tmp_path, "n.rules", RULES + 'rule one "1" when text contains "1" then add 1\n')
    duckdb = run("eval", rules, path, "--engine", "duckdb", "--format", "json")
    python = run("eval", rules, path, "--engine", "python", "--format", "json")
    assert (duckdb.exit_code, duckdb.output) == (python.exit_code, python.output)
    assert '"aggregate": 4.25' in python.output


def test_a_boolean_score_is_quoted_as_the_python_reader_quotes_it(tmp_path):
    path = parquet(tmp_path, "t.parquet", {"date": ["2021-01-01"], "event": ["e"], "a": [True],
                                           "category": ["x"]})
    assert "found `yes`" in both(tmp_path, path).output


def test_a_score_on_no_index_in_the_long_form_is_an_error(tmp_path):
    # DuckDB left the row out of every sum, status 0, where python says B001
    path = write(tmp_path, "l.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,index,score,category\n1 January,e,a,+1,x\n2 January,f,,+2,x\n")
    assert both(tmp_path, path).output.startswith(
        f"{path}:4:13: error[B001]: the row gives a score but no index\n")


def test_a_timestamp_with_a_time_zone_is_its_day_in_utc_whatever_the_machines_zone(tmp_path):
    # DuckDB read the timestamp in the machine's zone: 2020-12-31 in New York, outside the
    # period (B302); at another time of day, a day earlier or later for the rules
    import os
    import subprocess
    import sys

    path = parquet(tmp_path, "z.parquet", {
        "date": pa.array([dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)],
                         pa.timestamp("us", tz="UTC")),
        "event": ["e"], "a": [1], "category": ["x"]})
    rules = write(tmp_path, "s.rules", RULES)
    out = subprocess.run([sys.executable, "-m", "barometer", "eval", str(rules), str(path),
                          "--engine", "duckdb", "--format", "json"], capture_output=True,
                         text=True, env={**os.environ, "TZ": "America/New_York"})
    assert out.returncode == 0, out.stderr
    assert out.stdout == run("eval", rules, path, "--engine", "python", "--format", "json").output


def test_a_csv_that_is_not_utf8_is_b003_not_a_traceback(tmp_path):
    # UnicodeDecodeError from the columnar path's first look at the file
    path = tmp_path / "x.csv"
    path.write_bytes(HEAD.encode() + b"1 January,\xff\xfe bad,+1,,x,\n")
    assert both(tmp_path, path).output.startswith(
        f"{path}:3:11: error[B003]: the file is not UTF-8 text\n")


def test_the_generator_refuses_a_name_it_would_write_parquet_under(tmp_path):
    # `gdelt.py --events 100 x.csv` wrote Parquet into x.csv; `--sample` without a
    # file to sample was a traceback
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "gdelt.py"
    for args, said in ((["--events", "1", str(tmp_path / "x.csv")], "is .parquet or .jsonl"),
                       (["--sample", "1", "--of", str(tmp_path / "no.parquet"),
                         str(tmp_path / "x.parquet")], "no such Parquet file")):
        out = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                             text=True)
        assert out.returncode == 2 and said in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_period_given_by_its_days_is_said_once_in_the_table(tmp_path):
    # `2021-01-01 to 2021-01-31, 2021-01-01 to 2021-01-31`
    path = parquet(tmp_path, "p.parquet", {"date": ["2021-01-01"], "event": ["e"], "a": [1],
                                           "category": ["x"]})
    out = both(tmp_path, path, "--period", "2021-01-01:2021-01-31").output
    assert out.startswith("2021-01-01 to 2021-01-31\nScheme: Outside, version 1\n")


def test_scores_under_a_derived_or_a_misspelt_index_are_errors(tmp_path):
    # DuckDB dropped the columns' scores without a word (status 0)
    rules = write(tmp_path, "h.rules", 'scheme "H" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index b "B"\nindex d "D" = a + b\n')
    path = write(tmp_path, "h.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,a,b,d,e,coder\n1 January,e,+1,,+2,+3,jo\n")
    python = both(tmp_path, path, rules=rules)
    assert python.output.startswith(
        f"{path}:2:16: error[B113]: `d` is a derived index: it is computed from other indices' "
        f"figures, so events cannot score it\n")
    assert f"{path}:2:18: error[B101]: unknown index `e`\n" in python.output


def test_an_event_scored_only_under_a_misspelt_index_is_not_also_unscored(tmp_path):
    # DuckDB said B108 "the event carries no score" at every row whose only score was in
    # the misspelt column, beside the heading's B101 (python says B101 alone)
    rules = write(tmp_path, "h.rules", 'scheme "H" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  'index b "B"\n')
    path = write(tmp_path, "h.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,r\u00fcssia,b\n1 January,e,+1,\n2 January,f,,+2\n3 January,g,,\n")
    python = both(tmp_path, path, rules=rules)
    assert python.output.count("error[B108]") == 1 and f"{path}:5:1: error[B108]" in python.output
    assert f"{path}:2:12: error[B101]: unknown index `r\u00fcssia`\n" in python.output


def test_a_mark_or_no_score_under_a_misspelt_index_is_said_where_it_stands(tmp_path):
    # DuckDB said B101 at the heading for any cell, and nothing of `zz`; python says
    # B101 at the mark and B001 at `zz`, and nothing at the heading (no score there)
    rules = write(tmp_path, "h.rules", 'scheme "H" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  'index b "B"\n')
    path = write(tmp_path, "h.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,r\u00fcssia,b\n1 January,e,x,\n2 January,f,zz,+1\n")
    python = both(tmp_path, path, rules=rules)
    assert f"{path}:3:13: error[B101]: unknown index `r\u00fcssia`\n" in python.output
    assert f"{path}:4:13: error[B001]: expected a score such as +1, found `zz`\n" in python.output
    assert ":2:" not in python.output


def test_two_columns_for_one_index_are_b011(tmp_path):
    # DuckDB read the first and dropped the second (status 0)
    path = write(tmp_path, "d.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 'date,event,"a",b,category,Category,A\n1 January,e,+1,+2,x,x,\n')
    out = both(tmp_path, path).output
    assert f"{path}:2:27: error[B011]: a second column for `category`\n" in out
    assert f"{path}:2:36: error[B011]: a second column for `a`\n" in out


def test_a_second_column_is_said_with_the_rows_mistakes(tmp_path):
    # DuckDB said the second `event` column alone, not a row's score that is no score
    path = write(tmp_path, "d.csv", HEAD.replace("tags", "event") + "1 January,e,zz,,x,f\n")
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:2:25: error[B011]: a second column for `event`\n")
    assert f"{path}:3:13: error[B001]: expected a score such as +1, found `zz`\n" in out
    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array(["1 January"]), pa.array(["e"]),
                                         pa.array([{"s": 1}]), pa.array(["f"])],
                                        names=["date", "event", "a", "event"]), str(path))
    write(tmp_path, "d.parquet.period", PERIOD)
    assert "error[B001]: expected a score such as +1, found `{'s': 1}`" in both(
        tmp_path, path).output


def test_explain_of_an_event_is_not_silently_every_event_on_the_columnar_path(tmp_path):
    # `explain --engine duckdb --event Long` printed every index's contributions
    path = parquet(tmp_path, "e.parquet", {"date": ["2021-01-01", "2021-01-02"],
                                           "event": ["Long", "Short"], "a": [1, 2],
                                           "category": ["x", "x"]})
    rules = write(tmp_path, "s.rules", RULES)
    refused = run("explain", rules, path, "--engine", "duckdb", "--event", "Long")
    assert refused.exit_code == 2 and "--event and --details show each event's lines" \
        in refused.output
    auto = run("explain", rules, path, "--event", "Long")
    assert auto.exit_code == 0 and "Long" in auto.output and "Short" not in auto.output


def test_lists_and_objects_where_one_value_stands_are_read_as_python_reads_them(tmp_path):
    # a JSON list as a score or an object as an attribute's value: TypeError tracebacks
    write(tmp_path, "l.jsonl.period", PERIOD)
    path = write(tmp_path, "l.jsonl", '{"date": ["2021-01-01"], "event": "e", "a": [1], '
                 '"category": ["x"]}\n')
    assert '"aggregate": 1.5' in both(tmp_path, path, "--format", "json").output
    rules = write(tmp_path, "a.rules", RULES + 'attribute level "L" one of [high, low] '
                  'default low\n')
    path.write_text('{"date": "2021-01-01", "event": "e", "a": 1, "category": "x", '
                    '"level": {"k": 1}}\n', encoding="utf-8")
    duckdb = run("eval", rules, path, "--engine", "duckdb")
    assert duckdb.exit_code == 2 and "error[B209]: `{'k': 1}` is not a value of `level`" \
        in duckdb.output


def test_the_columnar_engines_say_they_do_not_read_standard_input():
    from click.testing import CliRunner

    from barometer.main import main

    from .conftest import CSV, RULES

    result = CliRunner().invoke(main, ["eval", str(RULES), "-", "--engine", "duckdb"],
                                input=CSV.read_text(encoding="utf-8"))
    assert result.exit_code == 2
    assert ("--engine duckdb reads a file, not standard input (-): save the catalogue to a file, "
            "or use --engine python") in result.output


def test_a_finding_after_a_cell_of_a_line_break_or_an_empty_line_is_on_its_line(tmp_path):
    # DuckDB counted the line breaks of cells it reads as empty (a cell of nothing but
    # a line break), and not the empty lines it passes over: the finding a line off
    path = write(tmp_path, "d.csv", HEAD + '1 January,e,+1,,x,"\n"\n2 January,f,+1,,z,\n')
    assert both(tmp_path, path).output.startswith(f"{path}:5:")
    path = write(tmp_path, "e.csv", HEAD + '1 January,e,+1,,x,\n\n"2 January","f\n\n",+1,,z,\n'
                 '3 January,g,+1,,w,\n')
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:7:7: error[B101]") and f"{path}:8:17: error[B101]" in out


def test_a_heading_of_two_lines_is_read_and_placed_as_the_python_reader_does(tmp_path):
    # DuckDB read the heading's first line alone (four columns), and placed findings
    # and the ignored column's warning a line or a column off
    path = write(tmp_path, "d.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 '"date","event","coder","no\nte","a","category"\n'
                 '"1 January","e","ab","","+1","x"\n"2 January","f","cd","","+1","z"\n')
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:5:31: error[B101]: unknown category `z`")
    path = write(tmp_path, "e.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 '"date","event","a","category","co\nder"\n"1 January","e","+1","x","ab"\n')
    assert both(tmp_path, path).output.startswith(f"{path}:2:32: warning[B010]: the column "
                                                  "`co\nder` is ignored")


def test_a_parquet_row_is_quoted_with_its_cells_of_spaces(tmp_path):
    # DuckDB quoted a cell of nothing but spaces as empty: the caret a column off
    path = parquet(tmp_path, "d.parquet", {"date": ["1 January"], "event": ["e"], "note": ["  "],
                                           "a": ["+1"], "category": ["z"]})
    assert both(tmp_path, path).output.startswith(f"{path}:2:27: error[B101]")



def test_events_listed_again_beyond_those_listed_are_counted_as_the_python_reader_counts_them(
        tmp_path):
    # the DuckDB engine brought every row of a key held twice back to Python (4.3 GiB
    # for a generated catalogue of 10^6 rows): now the first LISTED, and a count
    from barometer import api
    from barometer.engine.columns.reader_warnings import LISTED

    spellings = ["Talks", "talks ", "TALKS", "Stra\u00dfe", "strasse", "Tal ks"]
    rows = [f"{1 + k % 3} January,{spellings[k % len(spellings)]},+1,,x,\n"
            for k in range(LISTED + 60)]
    path = str(write(tmp_path, "d.csv", HEAD + "".join(rows)))
    rules = str(write(tmp_path, "s.rules", RULES))
    outcome = api.evaluate(rules, [path], None, "duckdb")
    listed = [d for d in outcome.warnings if d.code == "B502"]
    python = api.evaluate(rules, [path], None, "python")  # tallied as it streams by: listed
    repeats = [d for d in python.warnings if d.code == "B502"]  # and counted alike
    every = [d for d in api.check_files([rules, path]).diagnostics if d.code == "B502"]
    assert len(listed) == LISTED and listed == repeats == every[:LISTED]
    assert outcome.unlisted == python.unlisted == {"B502": len(every) - LISTED}


def test_every_mistake_is_said_at_every_row_in_the_python_reader_order(tmp_path):
    # DuckDB said a repeated unknown category, and a row without a score, at the first
    # row only; a bad date before the row's missing score (the reader reads the date
    # last); and 50 distinct mistakes, picked in the order of its distinct values
    rows = ("1 January,e,+1,,z,\n2 January,f,,,x,\n3 January,g,+1,,z,\nSomeday,h,,,x,\n"
            + "".join(f"{1 + k % 28} January,e{k},+1,,z{k},\n" for k in range(60)))
    path = write(tmp_path, "d.csv", HEAD + rows)
    out = both(tmp_path, path).output
    said = [line.split(": error")[0] + line.split("]")[0][-5:] for line in out.splitlines()
            if ": error[" in line]
    assert said[:5] == [f"{path}:3:17[B101", f"{path}:4:1[B108", f"{path}:5:17[B101",
                        f"{path}:6:1[B108", f"{path}:6:1[B301"]
    assert len(said) == 65


def test_a_category_or_choice_between_tabs_is_the_name_python_reads(tmp_path):
    # DuckDB's TRIM took the spaces away and left a tab: `k2<TAB>` was no category k2 to a
    # rule's condition, and the figures moved with no word said
    rules = write(tmp_path, "t.rules", 'scheme "T" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'category k1 "K1"\ncategory k2 "K2"\n'
                  'attribute level "L" one of [hi, lo] default lo\n'
                  'rule other "o" when not category in [k2] then add +1\n'
                  'rule high "h" when level is hi then add +2\n')
    path = write(tmp_path, "t.csv", HEAD.replace("tags", "level")
                 + "4 January,e,+1,,k2\t,hi\n5 January,f,+1,,k2,hi\n"
                 "6 January,g,+1,,k1,hi\t\n7 January,h,+1,,k1,hi\n")
    assert _figures_alike(rules, path, "a,A,14,14,0,4,")


def test_a_tag_beside_a_non_breaking_space_is_the_tag_python_reads(tmp_path):
    # the query's pattern took \s (ASCII spaces) around a tag: `t1` and a no-break space,
    # as a spreadsheet pastes it, was no tag t1 to DuckDB
    rules = write(tmp_path, "g.rules", 'scheme "G" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'tag t1 "T1"\ntag t2 "T2"\nrule r "r" when tagged t1 then add +2\n')
    path = write(tmp_path, "g.csv", HEAD.replace(",b,category", "") + "4 January,e,+1,t1\u00a0\n"
                 "5 January,f,+1,t2;\u2003t1\n6 January,g,+1,t2\n")
    assert _figures_alike(rules, path, "a,A,7,7,0,3,")


def test_a_tag_in_a_list_with_spaces_around_it_is_the_tag_python_reads(tmp_path):
    # a Parquet list's `t1 ` was no tag t1 to DuckDB's exact array_contains
    rules = write(tmp_path, "g.rules", 'scheme "G" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'tag t1 "T1"\ntag t2 "T2"\nrule r "r" when tagged t1 then add +2\n')
    path = parquet(tmp_path, "l.parquet", {"date": ["2021-01-04", "2021-01-05", "2021-01-06"],
                                          "event": ["e", "f", "g"], "a": [1, 1, 1],
                                          "tags": [["t1 "], ["t2", "\u00a0t1"], ["t2"]]})
    assert _figures_alike(rules, str(path), "a,A,7,7,0,3,")


def test_a_line_longer_than_duckdbs_reader_takes_is_read_by_the_python_engine(tmp_path):
    # a valid catalogue with one 3 MB text stopped `eval` (DuckDB's reader takes lines
    # of 2 MB): the python engine reads it, with a warning that says so
    rules = write(tmp_path, "s.rules", RULES)
    path = write(tmp_path, "d.csv", HEAD + "1 January," + "x" * 3_000_000 + ",+1,,x,\n"
                 "2 January,Small,+2,-1,y,\n")
    duckdb = run("eval", rules, path, "--engine", "duckdb", "--format", "csv")
    python = run("eval", rules, path, "--engine", "python", "--format", "csv")
    assert duckdb.exit_code == 0 and python.exit_code == 0
    assert f"warning[B801]: the duckdb engine's reader could not read {path}" in duckdb.output
    assert duckdb.output.endswith(python.output)


def test_a_parquet_catalogue_read_in_batches_places_and_quotes_a_later_row(tmp_path,
                                                                           monkeypatch):
    # the python reader reads Parquet a batch at a time (it read the whole table, then held
    # every row twice): a mistake in a later batch is still placed and quoted at its row
    from barometer.dsl import tables

    monkeypatch.setattr(tables, "BATCH", 2)
    path = parquet(tmp_path, "s.parquet", {
        "date": ["2021-01-01", "2021-01-02", "2021-01-03", "2021-01-04", "2021-01-05"],
        "event": ["e", "f", "g", "h", "i"], "a": ["1", "2", "3", "-1", "x9"],
        "category": ["x"] * 5})
    result = run("eval", write(tmp_path, "s.rules", RULES), path, "--engine", "python")
    assert result.exit_code == 2
    assert result.output.startswith(f"{path}:6:18: error[B001]: expected a score such as")
    assert "\n 6 | 2021-01-05 | i | x9 | x\n   |                  ^^\n" in result.output


def test_a_parquet_heading_of_two_lines_is_quoted_on_one_and_the_rows_keep_their_lines(tmp_path):
    # the python reader kept the heading with its line break, so each row after it was
    # quoted a line off, and the engines' messages differed
    path = parquet(tmp_path, "h.parquet", {"date": ["2021-01-04", "2021-01-05"],
                                           "event": ["e", "f"], "a": [1, 9], "category": ["x"] * 2,
                                           "two\nlines": ["", ""]})
    assert "\n 3 | 2021-01-05 | f | 9 | x | \n" in both(tmp_path, path).output
    path = parquet(tmp_path, "w.parquet", {"date": ["2021-01-04"], "event": ["e"], "a": [1],
                                           "category": ["x"], "two\nlines": ["held"]})
    out = both(tmp_path, path).output
    assert "warning[B010]" in out and "\n 1 | date | event | a | category | two lines\n" in out


def test_duckdb_without_memory_for_a_database_is_said_in_a_line_not_a_traceback(tmp_path,
                                                                                monkeypatch):
    import duckdb

    def refuse(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: Allocation failure")

    monkeypatch.setattr(duckdb, "connect", refuse)
    path = write(tmp_path, "d.csv", HEAD + "1 January,e,+1,,x,\n")
    result = run("eval", write(tmp_path, "s.rules", RULES), path, "--engine", "duckdb")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"the duckdb engine could not evaluate {path}: Out of Memory Error" in result.output


def test_an_event_is_listed_twice_only_on_an_index_it_scores_twice(tmp_path):
    # B502 compared the date and text alone: in the long form (a row per index) it
    # warned of every event on more than one index, and in the wide form of an event
    # listed twice on indices apart, which no index counts twice
    head = '# period "P" from 2021-01-01 to 2021-01-31\ndate,event,index,score,category\n'
    path = write(tmp_path, "long.csv", head + "1 January,Talks,a,+1,x\n1 January,Talks,B,-1,x\n"
                 "2 January,Visit,a,+2,y\n1 January,talks ,b,+1,x\n")
    hint = ("   = hint: an event listed twice counts twice on {}: list it once, with a score on "
            "every index it concerns\n")
    assert both(tmp_path, path, "-q").output.startswith(
        f"{path}:6:1: warning[B502]: this event is already listed at {path}:4:1\n"
        " 6 | 1 January,talks ,b,+1,x\n   | ^^^^^^^^^^^^^^^^^^^^^^^\n" + hint.format("b")
        + "P, 2021-01-01 to 2021-01-31\n")
    path = write(tmp_path, "once.csv", head + "1 January,Talks,a,+1,x\n1 January,Talks,b,-1,x\n")
    assert "B502" not in both(tmp_path, path).output
    path = parquet(tmp_path, "long.parquet", {
        "date": ["1 January"] * 3, "event": ["Talks", "Talks", "TALKS"],
        "index": ["a", "b", "a"], "score": [1, -1, 1], "category": ["x"] * 3})
    assert both(tmp_path, path, "-q").output.startswith(
        f"{path}:4:1: warning[B502]: this event is already listed at {path}:2:1\n")
    # the wide form: the earliest listing on a common index, of those the index first
    # declared; apart (rows 3 and 4; 6 and 7) they are no duplicates
    path = write(tmp_path, "wide.csv", HEAD.replace(",tags", "") + "1 January,Talks,+1,,x\n"
                 "1 January,talks,,-1,x\n1 january,Talks,+2,+1,y\n2 January,Visit,,+1,x\n"
                 "2 January,Visit,+1,,x\n2 January,VISIT,+1,+1,x\n")
    out = both(tmp_path, path, "-q").output
    assert [line for line in out.splitlines() if "B502" in line or "hint" in line] == [
        f"{path}:5:1: warning[B502]: this event is already listed at {path}:3:1",
        hint.format("a").rstrip("\n"),
        f"{path}:8:1: warning[B502]: this event is already listed at {path}:6:1",
        hint.format("b").rstrip("\n")]


def test_a_cell_is_blank_in_duckdb_where_python_strips_it_to_nothing():
    # the trim of every cell, to see whether it was blank, was most of a CSV's reading:
    # now only a text whose first character may be a space is trimmed
    import duckdb
    from hypothesis import example, given, settings, strategies as st

    from barometer.engine.columns.terms import _SPACES, _blank_as_null, bound
    from sqlglot import exp

    con = duckdb.connect()
    sql, values = bound(exp.select(_blank_as_null(exp.Placeholder(this="cell"))), "duckdb")

    @settings(max_examples=60, deadline=None)
    @example("\x85")
    @example("\x84")
    @example("\u3000 ")
    @example(" a")
    @given(st.text(alphabet=st.sampled_from(_SPACES + "a!~\x01\x84\x85é\u3000\u3001"),
                   max_size=4))
    def blank_as_python(text):
        [(said,)] = con.execute(sql, {**values, "cell": text}).fetchall()
        assert said == (text if text.strip() else None)

    blank_as_python()


def test_a_comment_row_that_looks_like_an_event_is_said_once_counted_by_the_checks(tmp_path):
    # the checks' pass now counts the rows skipped as comments; B012's look reads the
    # file only if there are any: said as the python reader says it, or not at all
    path = write(tmp_path, "d.csv", HEAD + "1 January,Talks,+1,,x,\n#MeToo\n# a note\n"
                 "2 January,Visit,,+1,y,\n")
    assert both(tmp_path, path).output.startswith(f"{path}:4:1: warning[B012]")
    path = write(tmp_path, "e.csv", HEAD + "1 January,Talks,+1,,x,\n# a note\n")
    assert "B012" not in both(tmp_path, path).output


def test_a_column_under_a_blank_heading_is_read_as_the_python_reader_reads_it(tmp_path):
    # DuckDB's sniffer named a blank heading cell `column2` (B010 at the heading, no
    # word of the cells under it), took another row for the heading (no `date` column),
    # or gave up on the file (B015, with no place); the python reader says B019 at each
    # cell under it, among the comment rows' B012, the first 20 in eval and a count
    rows = "".join(f"{1 + k % 28} January,Talks {k},{'q' if k % 3 else ''},+1,x,"
                   f"{'w' if k % 5 == 0 else ''}\n" for k in range(40))
    path = write(tmp_path, "d.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,,a,category,\n" + rows + "#MeToo\n3 January,Visit, ,+1,x,\n")
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:3:25: warning[B019]: the cell `w` stands under no heading: "
                          "it is not read\n")
    assert f"{path}:43:1: warning[B012]" in out
    assert "note: 14 more warnings B019 like these are not shown" in out
    path = write(tmp_path, "e.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 ",date,event,a,category\nzz,1 January,Talks,+1,x\n,2 January,Visit,+1,y\n")
    assert both(tmp_path, path).output.startswith(
        f"{path}:3:1: warning[B019]: the cell `zz` stands under no heading")


def test_the_key_of_an_event_listed_twice_is_coarser_than_the_stages():
    # B502's key is made in DuckDB once a distinct date and text, by a cheap way for
    # printable ASCII and by the full one else: texts the duplicates stage finds the
    # same must have the same key, whichever way each took
    import duckdb
    from hypothesis import example, given, settings, strategies as st
    from sqlglot import exp

    from barometer.dsl.check_catalogue import _norm
    from barometer.engine.columns.terms import _norm_sql, bound

    con = duckdb.connect()
    sql, values = bound(exp.select(_norm_sql(exp.Placeholder(this="text"))), "duckdb")

    def key(text):
        return con.execute(sql, {**values, "text": text}).fetchall()[0][0]

    @settings(max_examples=60, deadline=None)
    @example("Stra\u00dfe talks")
    @example("A\tmeets  B")
    @example("\u1e9e\u03c2 x")
    @given(st.text(alphabet=st.sampled_from("aAzZ ~\t\n\u00a0\u3000\u00df\u1e9e\u03c2\u03a3\u00e9\u00c9"),
                   max_size=6))
    def coarser(text):
        assert key(text) == key(_norm(text))

    coarser()


def test_every_letter_casefold_changes_keys_an_event_listed_twice_as_its_fold():
    # lower() is not casefold(): `Conﬁrmation` and `Confirmation`, `5 µg` and `5 μg`,
    # `ſ` and `s` were one event to the python engine (B502) and two to DuckDB's key
    import duckdb
    from sqlglot import exp

    from barometer.engine.columns.terms import _norm_sql, bound

    letters = [chr(n) for n in range(0x80, 0x20000) if not 0xD800 <= n < 0xE000
               and (chr(n).casefold() != chr(n).lower() or chr(n).lower() != chr(n))]
    sql, values = bound(exp.select(exp.column("a"), _norm_sql(exp.column("a")),
                                   _norm_sql(exp.column("b"))).from_("t"), "duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest($a) AS a, unnest($b) AS b",
                {"a": [c + " x" for c in letters] * 2,
                 "b": [c.casefold() + " x" for c in letters] + [c.upper() + " X" for c in letters]})
    apart = [a for a, one, other in con.execute(sql, values).fetchall() if one != other]
    assert apart == []


def test_an_event_listed_twice_with_a_ligature_is_said_by_every_engine(tmp_path):
    path = write(tmp_path, "l.csv", HEAD + "1 January,Conﬁrmation of the deal,+1,,x,\n"
                 "1 January,CONFIRMATION of the deal,+1,,x,\n2 January,Dose of 5 µg,+1,,x,\n"
                 "2 January,dose OF 5 μg,,+1,x,\n2 January,Dose of 5 μg,+2,,x,\n")
    out = both(tmp_path, path).output
    assert out.count("warning[B502]") == 2
    assert f"{path}:4:1: warning[B502]: this event is already listed at {path}:3:1\n" in out
    assert f"{path}:7:1: warning[B502]: this event is already listed at {path}:5:1\n" in out


def test_events_whose_keys_collide_are_parted_as_the_python_reader_parts_them(
        tmp_path, monkeypatch):
    """B502 keys a date and text by a hash of them (lower case, no space): keys that
    collide are one coarse key, which the duplicates stage's own comparison parts.
    Every key colliding, the same warnings as the python reader's."""
    from barometer import api
    from barometer.engine.columns import reader_warnings

    spellings = ["Talks", "talks ", "Visit", "Stra\u00dfe", "strasse", "Tal ks", "other"]
    rows = [f"{1 + k % 3} January,{spellings[k % len(spellings)]},{'+1' if k % 4 else ''},"
            f"{'-1' if k % 4 == 0 or k % 3 == 0 else ''},x,\n" for k in range(40)]
    path = str(write(tmp_path, "d.csv", HEAD + "".join(rows)))
    rules = str(write(tmp_path, "s.rules", RULES))
    python = [d for d in api.evaluate(rules, [path], None, "python").warnings
              if d.code == "B502"]
    assert len(python) > 10
    assert [d for d in api.evaluate(rules, [path], None, "duckdb").warnings
            if d.code == "B502"] == python
    monkeypatch.setattr(reader_warnings, "_coarse_key",
                        lambda date, text: reader_warnings._exp().Literal.number(7))
    assert [d for d in api.evaluate(rules, [path], None, "duckdb").warnings
            if d.code == "B502"] == python


@pytest.mark.parametrize("heading, rows, at_once", [
    ("date,event,a,b,category,tags", "1 January,Talks,+1,,x,\n2 January,Visit,,+2,y,t1\n", True),
    (' date ,"event", a ,b,category,tags', "1 January,Talks,+1,,x,\n", True),
    ("date,event,a,b,category,tags", '1 January,"Talks\non two lines",+1,,x,\n3 January,e,,,x,\n',
     False),
    ("date,event,a,b,category,tags", '1 January,"Talks,+1,,x,\n2 January,f,+1,,x,\n', False),
])
def test_a_csv_opened_by_its_heading_reads_as_after_the_sniffed_reading(
        tmp_path, monkeypatch, heading, rows, at_once):
    # the sniffed reading bound the file four times (0.07 s at 10^6 rows): where the
    # sniffer's names are the heading's cells, the file is opened by them at once,
    # with the same output, diagnostics and all, as by the sniffed reading
    from barometer.engine.columns import runners

    path = write(tmp_path, "c.csv", HEAD.split("\n")[0] + "\n" + heading + "\n" + rows)
    rules = write(tmp_path, "s.rules", RULES)
    taken = []
    named_at_once = runners.DuckDB._named_at_once

    def seen(self, *args):
        taken.append(named_at_once(self, *args))
        return taken[-1]

    monkeypatch.setattr(runners.DuckDB, "_named_at_once", seen)
    fast = run("eval", rules, path, "--engine", "duckdb")
    assert (taken[0] is not None) == at_once
    monkeypatch.setattr(runners.DuckDB, "_named_at_once", lambda self, *args: None)
    sniffed = run("eval", rules, path, "--engine", "duckdb")
    assert (fast.exit_code, fast.output) == (sniffed.exit_code, sniffed.output)


@pytest.mark.parametrize("end", ['2 January,"Call,+1,,x,\n3 January,f,+1,,x,\n'])
def test_a_quote_never_closed_past_the_rows_duckdb_samples_is_said(tmp_path, end):
    # DuckDB's sniffer sees a quote never closed only in the rows it samples (20,480):
    # past them its reader read the rest of the file as the cell, without a word, and
    # the rows before it were scored; the python reader says where the quote is
    rows = "".join(f"{1 + k % 28} January,e{k},+1,,x,\n" for k in range(21000))
    path = write(tmp_path, "q.csv", HEAD + rows + end)
    out = run("eval", write(tmp_path, "s.rules", RULES), path, "--engine", "duckdb")
    column = 11 if end.startswith('2 January,"') else 19
    assert out.exit_code == 2 and out.output.startswith(
        f"{path}:21003:{column}: error[B001]: this quote opens a cell that is never closed")


@pytest.mark.parametrize("text, last", [
    ("a\nb,\"c\n", ('b,"c', 0)), ("a\nb\n\n\r\n", ("b", 2)), ("a\r\nb,c\r\n", ("b,c", 0)),
    ("\ufeffa", ("a", 0)), ("a\nb", ("b", 0)), ("\n\n", (None, 2)), ("x" * 70000 + "\n\n", ("x" * 70000, 1))])
def test_the_last_line_a_quote_never_closed_may_open_is_read_from_the_end(tmp_path, text, last):
    # where every record DuckDB read is a line, only the last line that holds something
    # can open a quote never closed (the rows past DuckDB's sniffed ones are read as its
    # cell): it is read from the file's end, with the empty lines after it counted
    from barometer.engine.columns.validation import _last_line

    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    assert _last_line(str(path), path.stat().st_size) == last


def test_a_parquet_file_of_no_column_is_said_so(tmp_path):
    # python said a JSON Lines file's empty line (B001, 'one JSON object per line'),
    # DuckDB 'Need at least one non-root column' in its own words
    path = tmp_path / "none.parquet"
    pq.write_table(pa.table({}), str(path))
    write(tmp_path, "none.parquet.period", PERIOD)
    assert both(tmp_path, path).output == (
        f"error[B015]: {path} cannot be read as a Parquet file: it has no column\n"
        "  = hint: write it with pyarrow, pandas, polars, DuckDB or Spark, with a column for "
        "the date and one for the event at least\n")
