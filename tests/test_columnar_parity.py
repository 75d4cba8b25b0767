"""The engines read a catalogue alike: what the python engine accepts the DuckDB
engine accepts, with the same figures, and what one refuses the other refuses
with the same findings, word for word (both read each cell through
dsl/judgements.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb", reason="the columnar extra is not installed: "
                    "pip install -e '.[test,columnar]'")
pytest.importorskip("sqlglot")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from .helpers import run, write  # noqa: E402

PERIOD = 'period "P" from 2021-01-01 to 2021-01-31\n'
RULES = '''scheme "Parity" version "1"
range -3 to +3
score recorded
index a "Alpha Index"
index b "B"
category x "X"
tag t1 "T1"
tag t2 "T2"
'''


def both(tmp_path, catalogue, rules=RULES, *extra):
    """`eval` under each engine: the same output and exit status."""
    path = write(tmp_path, "s.rules", rules)
    duckdb = run("eval", path, catalogue, "--engine", "duckdb", *extra)
    python = run("eval", path, catalogue, "--engine", "python", *extra)
    assert (duckdb.exit_code, duckdb.output) == (python.exit_code, python.output)
    return python


def errors(output: str) -> list[str]:
    """Each error's code and message, without its place, in the order said."""
    return [line.split(": ", 1)[1] for line in output.splitlines() if ": error[" in line]


def jsonl(tmp_path, name, text):
    write(tmp_path, name + ".period", PERIOD)
    return write(tmp_path, name, text)


def test_two_parquet_columns_for_one_index_are_b011_on_every_engine(tmp_path):
    # `a` and `ALPHA INDEX` (its title): DuckDB kept one and gave other figures, exit 0
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"date": ["2021-01-01", "2021-01-02"], "event": ["e", "f"],
                             "a": ["+1", "+2"], "ALPHA INDEX": ["-1", None],
                             "category": ["x", "x"]}), str(path))
    write(tmp_path, "p.parquet.period", PERIOD)
    out = both(tmp_path, path)  # at its name in the heading line (1:1 before)
    assert out.output.startswith(f"{path}:1:20: error[B011]: a second column for `a`\n")
    path = jsonl(tmp_path, "p.jsonl", '{"date": "2021-01-01", "event": "e", "a": 1, '
                 '"Alpha  index": -1, "category": "x"}\n')
    assert "error[B011]: a second column for `a`" in both(tmp_path, path).output


@pytest.mark.parametrize("use", ["add fat", "score recorded + fat", "when fat > 1",
                                 "set to fat", "sum(a where fat > 1)"])
def test_a_number_attribute_without_a_default_is_computed_by_every_engine(tmp_path, use):
    # TypeError in _one_reference: the stand-in catalogue of check_compiles had no
    # column for the attribute, so its value was None
    rules = RULES + 'attribute fat "Fatalities" number from 0 to 20\n'
    if use.startswith("score"):
        rules = rules.replace("score recorded\n", use + "\n")
    elif use.startswith("sum"):
        rules += f"index d \"D\" = {use}\n"
    elif use.startswith("when"):
        rules += f'rule r "r" {use} then add 1\n'
    else:
        rules += f'rule r "r" when fat > 0 then {use}\n'
    path = write(tmp_path, "c.csv", "# " + PERIOD + "date,event,a,category,fat\n"
                 "1 January,e,+1,x,2\n2 January,f,-1,x,0\n")
    out = both(tmp_path, path, rules)
    assert out.exit_code == 0


def test_json_lines_tags_as_a_list_and_as_a_text_are_read_alike(tmp_path):
    # DuckDB typed the column as JSON and cast it to a list: the text was refused
    path = jsonl(tmp_path, "t.jsonl",
                 '{"date": "2021-01-01", "event": "e", "a": 1, "category": "x", '
                 '"tags": ["t1", "t2"]}\n'
                 '{"date": "2021-01-02", "event": "f", "a": 2, "category": "x", '
                 '"tags": "t1; t3"}\n')
    out = both(tmp_path, path)
    assert "error[B101]: unknown tag `t3`" in out.output


def test_a_json_lines_key_that_is_empty_is_ignored_by_every_engine(tmp_path):
    # DuckDB read every line as one map: "no date column"
    path = jsonl(tmp_path, "e.jsonl",
                 '{"date": "2021-01-01", "event": "e", "a": 1, "category": "x", "": "z"}\n'
                 '{"date": "2021-01-02", "event": "f", "a": 9, "category": "x"}\n')
    out = both(tmp_path, path)
    assert "error[B204]: the score +9 is outside the scheme's range -3 to +3" in out.output


def test_a_long_form_index_cell_may_hold_a_title_with_spaces(tmp_path):
    path = write(tmp_path, "l.csv", "# " + PERIOD + "date,event,index,score,category\n"
                 "1 January,e,Alpha  Index,+1,x\n2 January,f, alpha index ,-2,x\n"
                 "3 January,g,B,+1,x\n")
    assert both(tmp_path, path).exit_code == 0
    path = jsonl(tmp_path, "l.jsonl",
                 '{"date": "2021-01-01", "event": "e", "index": "Alpha Index", "score": 1, '
                 '"category": "x"}\n')
    assert both(tmp_path, path).exit_code == 0


def test_a_number_too_long_is_said_alike(tmp_path):
    # the DuckDB engine had its own, shorter B206 wording
    path = write(tmp_path, "n.csv", "# " + PERIOD + "date,event,a,category\n"
                 "1 January,e,+1234567890123456,x\n")
    out = both(tmp_path, path)
    assert "more digits than barometer takes (15 before and 15 after the point)" in out.output


def test_a_row_whose_only_score_is_unreadable_is_one_finding(tmp_path):
    # python said B001 and B108 (no score) where DuckDB said B001; the row is not
    # counted as an event either
    path = write(tmp_path, "u.csv", "# " + PERIOD + "date,event,a,category\n"
                 "1 January,e,#+1,x\n2 January,f,+1,x\n")
    out = both(tmp_path, path)
    assert out.exit_code == 2
    assert out.output.count("error[") == 1
    assert out.output.startswith(f"{path}:3:13: error[B001]: expected a score such as +1, "
                                 "found `#+1`\n")


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_a_table_without_a_period_is_said_alike_with_the_sidecars_name(tmp_path, kind):
    # python told to add a first row `# period ...`, which a table cannot hold;
    # DuckDB said it without a place
    path = tmp_path / f"n.{kind}"
    if kind == "jsonl":
        path.write_text('{"date": "2021-01-01", "event": "e", "a": 1, "category": "x"}\n',
                        encoding="utf-8")
    else:
        pq.write_table(pa.table({"date": ["2021-01-01"], "event": ["e"], "a": [1],
                                 "category": ["x"]}), str(path))
    out = both(tmp_path, path)
    assert out.output.startswith(f"{path}:1:1: error[B304]: the catalogue does not say which "
                                 "period it covers\n")
    assert f"a file beside it, n.{kind}.period: period" in out.output


@pytest.mark.parametrize("where", ["cell", "heading", "comment"])
def test_a_nul_in_a_csv_is_refused_by_every_engine(tmp_path, where):
    # DuckDB read the cell and gave figures; python refuses the file (B003); and a NUL
    # in a comment row, which DuckDB's look at the data rows' cells passed over
    heading = "date,event,a,category,z" + ("\x00" if where == "heading" else "")
    path = write(tmp_path, "n.csv", "# " + PERIOD + heading + "\n1 January,e,+1,x,"
                 + ('"\x00"' if where == "cell" else "") + "\n"
                 + ("# a note \x00\n" if where == "comment" else ""))
    out = both(tmp_path, path)
    assert "error[B003]: the file holds a NUL byte" in out.output


def test_a_json_lines_cell_is_placed_alike_through_escapes_and_lists(tmp_path):
    # DuckDB stopped a text at its first quote, escaped or not, and placed a
    # finding of the whole row at the first value rather than the line's start
    path = jsonl(tmp_path, "j.jsonl",
                 '{"date": "2021-01-01", "event": "e", "a": "\\"+1\\\\", "category": "x"}\n'
                 '{"date": "2021-01-02", "event": "f", "category": "x", "tags": ["t1", "t9"]}\n')
    out = both(tmp_path, path)
    assert f"{path}:1:43: error[B001]: expected a score such as +1" in out.output
    assert f"{path}:2:1: error[B108]: the event carries no score" in out.output


def test_two_parquet_columns_of_one_name_are_b011_on_every_engine(tmp_path):
    # DuckDB named the second `a_1`, warned of it (B010) and gave figures, exit 0
    path = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array(["2021-01-01"]), pa.array(["e"]),
                                         pa.array([1]), pa.array([2])],
                                        names=["date", "event", "a", "a"]), str(path))
    write(tmp_path, "p.parquet.period", PERIOD)
    out = both(tmp_path, path)
    assert out.exit_code == 2
    assert out.output.startswith(f"{path}:1:20: error[B011]: a second column for `a`\n")


def test_a_parquet_timestamp_with_a_time_zone_is_its_day_in_utc_on_every_engine(tmp_path):
    # the python engine read it in its zone (2021-01-03T19:00:00-05:00, B301) where
    # DuckDB reads it in UTC (2021-01-04: figures); the reverse at local midnight
    import datetime as dt

    path = tmp_path / "z.parquet"
    moments = [dt.datetime(2021, 1, 4, tzinfo=dt.timezone.utc),
               dt.datetime(2021, 1, 5, 5, tzinfo=dt.timezone.utc)]  # midnight in New York
    pq.write_table(pa.table({"date": pa.array(moments, pa.timestamp("us", tz="America/New_York")),
                             "event": ["e", "f"], "a": [1, 2], "category": ["x", "x"]}),
                   str(path))
    write(tmp_path, "z.parquet.period", PERIOD)
    out = both(tmp_path, path)
    assert out.output.startswith(f"{path}:3:11: error[B301]: cannot read the date "
                                 "`2021-01-05T05:00:00+00:00`: a day and a time")
    assert out.output.count("error[") == 1


def test_a_row_without_a_score_is_not_b108_beside_a_finding_of_its_ongoing_cell(tmp_path):
    # "no score" would only mislead there, as the python reader says (test_spreadsheets);
    # DuckDB said it too
    path = write(tmp_path, "o.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,a,category,ongoing\n4 January,X,,x,no\n5 January,Y,,x,\n"
                 "6 January,Z,,x,maybe\n7 January,W,+1,x,\n")
    out = both(tmp_path, path).output
    assert errors(out) == [
        "error[B001]: `ongoing` is `yes` or empty, not `no`",
        "error[B108]: the event carries no score",
        "error[B001]: `ongoing` is `yes` or empty, not `maybe`"]
    assert f"{path}:4:1: error[B108]" in out
    path = write(tmp_path, "l.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,index,score,category,ongoing\n4 January,X,a,,x,no\n"
                 "5 January,Y,a,,x,\n7 January,W,a,+1,x,\n")
    out = both(tmp_path, path).output  # the long form alike
    assert errors(out) == [
        "error[B001]: `ongoing` is `yes` or empty, not `no`",
        "error[B108]: the event carries no score"]


def test_a_boolean_column_is_yes_or_no_value_on_every_engine(tmp_path):
    # the python reader reads true as `yes` and false as an empty cell; DuckDB read
    # `True` and `False` (B209, exit 2) where python gave figures; JSON alike
    rules = RULES + ('attribute official "Official" one of [yes, no] default no\n'
                     "rule r1 when official is yes then add 1\n")
    path = tmp_path / "b.parquet"
    pq.write_table(pa.table({"date": ["2021-01-01", "2021-01-02", "2021-01-03"],
                             "event": ["e", "f", "g"], "a": [1, 1, 1], "category": ["x"] * 3,
                             "official": [True, False, None], "ongoing": [False, False, None]}),
                   str(path))
    write(tmp_path, "b.parquet.period", PERIOD)
    assert '"aggregate": 4' in both(tmp_path, path, rules, "--format", "json").output
    path = jsonl(tmp_path, "b.jsonl", '{"date": "2021-01-01", "event": "e", "a": 1, '
                 '"official": true}\n{"date": "2021-01-02", "event": "f", "a": 1, '
                 '"official": false}\n{"date": "2021-01-03", "event": "g", "a": 1, '
                 '"official": "no"}\n')
    assert '"aggregate": 4' in both(tmp_path, path, rules, "--format", "json").output


def test_a_long_form_row_naming_no_known_index_is_said_once_on_every_engine(tmp_path):
    # the python reader leaves the row out (its index cell said); DuckDB said its bad
    # date and unknown category too
    path = write(tmp_path, "n.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                 "date,event,index,score,category\n44 January,X,,+1,c9\n"
                 "4 January,Y,zz,+1,c9\n5 January,Z,a,+1,x\n6 January,W,,,x\n")
    out = both(tmp_path, path).output
    assert errors(out) == [
        "error[B001]: the row gives a score but no index", "error[B101]: unknown index `zz`",
        "error[B108]: the event carries no score"]


def test_a_parquet_heading_finding_is_placed_at_its_name_on_every_engine(tmp_path):
    # B010 and B011 of a Parquet column were said at 1:1, the caret under the first name
    path = tmp_path / "h.parquet"
    pq.write_table(pa.table({"date": ["2021-01-01"], "event": ["e"], "a": [1],
                             "remark": ["r"]}), str(path))
    write(tmp_path, "h.parquet.period", PERIOD)
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:1:20: warning[B010]: the column `remark` is ignored")
    assert " 1 | date | event | a | remark\n   |                    ^^^^^^\n" in out


def test_json_lines_keys_that_differ_only_in_case_are_read_as_python_reads_them(tmp_path):
    # DuckDB refused the file in its own words (B015, no place), exit 2: where the python
    # reader finds a mistake it is said as python says it, else the python engine reads it
    path = jsonl(tmp_path, "k.jsonl", '{"date": "2021-01-01", "event": "e", "a": 1}\n'
                 '{"date": "2021-01-02", "event": "f", "A": 2}\n')
    assert "error[B011]: a second column for `a`" in both(tmp_path, path).output
    path = jsonl(tmp_path, "r.jsonl", '{"date": "2021-01-01", "event": "e", "a": 1, '
                 '"Remark": "r"}\n{"date": "2021-01-02", "event": "f", "a": 2, "remark": "s"}\n')
    rules = write(tmp_path, "s.rules", RULES)
    python = run("eval", rules, path, "--engine", "python", "--format", "json")
    duckdb = run("eval", rules, path, "--engine", "duckdb", "--format", "json")
    assert duckdb.exit_code == 0 and duckdb.stdout == python.stdout
    assert duckdb.stderr.startswith(f"warning[B801]: the duckdb engine's reader could not read "
                                    f"{path} (keys that differ only in case): the python "
                                    "engine reads it\n")


def test_an_empty_json_lines_file_is_said_in_json_lines_words(tmp_path):
    # its hint spoke of a CSV's heading row (`date,event,russia,eu`)
    path = jsonl(tmp_path, "e.jsonl", "\n")
    out = both(tmp_path, path).output
    assert out.startswith(f"{path}:1:1: error[B001]: the catalogue holds no events: it has no "
                          "line\n 1 | \n   | ^\n"
                          '   = hint: one JSON object per line, an event\'s: {"date": ')
    path = jsonl(tmp_path, "f.jsonl", "")  # no line at all: none quoted
    assert both(tmp_path, path).output.startswith(
        f"{path}:1:1: error[B001]: the catalogue holds no events: it has no line\n  = hint:")
