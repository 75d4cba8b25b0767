"""A catalogue is data, never code: whatever its headings and cells say, the
columnar engines run no SQL from it and reach no file but it, and they read it as
the python engine does (the same figures, or the same findings)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("duckdb", reason="the columnar extra is not installed: "
                    "pip install -e '.[test,columnar]'")
pytest.importorskip("sqlglot")
pytest.importorskip("pyarrow")

from barometer.engine.columns import DuckDB, bound  # noqa: E402

from .helpers import run, write  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MINSK = os.path.join(ROOT, "rules", "minsk-barometer.rules")
PERIOD = '# period "P" from 2021-01-01 to 2021-02-28\n'
HOSTILE = "'~'; COPY (SELECT 'pwned') TO 'pwned.txt'; --"

RULES = '''scheme "Hostile" version "1"
range -3 to +3
score recorded * weight
index a "A"
index b "B"
category x "X" weight 1
category y "Y" weight 2
tag t1 "T1"
attribute level "Level" one of low, high default low
rule lift "lift" when level is high then add 1
rule half "half" when tagged t1 then set to trunc(score / 2)
'''

# every name the engines give their own columns, views, parameters and aliases
INTERNAL = ["barometer_row", "barometer_file", "src", "numbered", "f", "c0", "c1", "c2", "c9",
            "idx", "recorded", "category", "tags", "text", "day_start", "day_end", "entries",
            "weighted", "w", "wname", "wnum", "s0", "s1", "l0", "l1", "x1", "x2", "q0_sum",
            "q0_count", "r1_count", "r1_sum", "positive", "negative", "events", "v_level",
            "p0", "p1", "$p0", ":p0", "?"]


def both(tmp_path, rules, catalogue):
    """`eval` under DuckDB and under python, run in `tmp_path`: the same output and
    exit status, and no file written beside the catalogue."""
    before = sorted(os.listdir(tmp_path))
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        duckdb = run("eval", rules, catalogue, "--engine", "duckdb")
        python = run("eval", rules, catalogue, "--engine", "python")
    finally:
        os.chdir(here)
    assert sorted(os.listdir(tmp_path)) == before
    assert (duckdb.exit_code, duckdb.output) == (python.exit_code, python.output)
    return python


def test_a_column_named_as_the_engines_row_number_runs_no_sql(tmp_path):
    # the cell was read back as the row's number and written into the next query:
    # DuckDB wrote pwned.txt, then a traceback
    path = write(tmp_path, "x.csv", PERIOD + "date,event,russia,category,barometer_row\n"
                 f'4 January,A,+1,nosuchcat,"{HOSTILE}"\n')
    out = both(tmp_path, MINSK, path)
    assert out.exit_code == 2  # a mistake in an input
    assert out.output.startswith(f"{path}:3:16: error[B101]: unknown category `nosuchcat`\n")


def test_every_text_of_a_query_is_a_bound_value_and_every_number_a_numeral():
    from sqlglot import exp

    query = exp.select(exp.Literal.string(HOSTILE), exp.Literal.number(3)).from_("src")
    sql, values = bound(query, "duckdb")
    assert (sql, values) == ("SELECT $p0, 3 FROM src", {"p0": HOSTILE})
    with pytest.raises(ValueError):
        bound(exp.select(exp.Literal.number("1; COPY (SELECT 1) TO 'x'")), "duckdb")
    # the tree is given back as it was (its texts are put in place of the parameters
    # once written), and a part held twice is a parameter at each place, never a text
    assert query.sql(dialect="duckdb") == f"SELECT '{HOSTILE.replace(chr(39), chr(39) * 2)}', 3 FROM src"
    shared = exp.Literal.string(HOSTILE)
    twice = exp.select(exp.Paren(this=shared), exp.Paren(this=shared), copy=False)
    assert bound(twice, "duckdb") == ("SELECT ($p0), ($p1)", {"p0": HOSTILE, "p1": HOSTILE})


def test_the_duckdb_connection_reaches_no_file_but_the_catalogue(tmp_path):
    import duckdb

    path = write(tmp_path, "c.csv", PERIOD + "date,event,a\n1 January,e,+1\n")
    other = write(tmp_path, "other.csv", "secret\n1\n")
    runner = DuckDB()
    runner.open(str(path), "csv", (1, ","))
    assert runner.con.execute("SELECT count(*) FROM src").fetchall() == [(1,)]
    for statement in [f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",
                      f"SELECT * FROM read_csv('{other}')",
                      "SET enable_external_access = true",
                      f"SET allowed_paths = ['{other}']",
                      "INSTALL httpfs"]:
        with pytest.raises(duckdb.Error):
            runner.con.execute(statement)
    assert sorted(os.listdir(tmp_path)) == ["c.csv", "other.csv"]


# headings and cells that would end a quoted text or name, end a statement, open a
# comment or a dollar-quoted text, escape, or stop a C string; and every internal name
MARKS = ["'", '"', "`", ";", "--", "/*", "*/", "$$", "\\", "\\'", "\x00", "%", "_", "$p0", ":p0",
         "?", "{", "}", "[", "]", "(", ")", " ", ",", "\n"]
pieces = st.sampled_from(MARKS + INTERNAL + ["a", "x", "high", "t1", "1", "+1"])
hostile = st.lists(pieces, min_size=1, max_size=4).map("".join)


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(heading=st.one_of(st.sampled_from(INTERNAL), hostile), cells=st.lists(
    st.tuples(hostile, hostile, st.sampled_from(["x", "y"]), st.sampled_from(["+1", "-2", ""])),
    min_size=1, max_size=3))
def test_hostile_headings_and_cells_are_data_to_every_engine(tmp_path_factory, heading, cells):
    folder = tmp_path_factory.mktemp("hostile")
    rules = write(folder, "s.rules", RULES)
    lines = [PERIOD, f"date,event,a,category,tags,level,{_cell(heading)}\n"]
    for n, (event, extra, category, score) in enumerate(cells):
        level = "high" if n % 2 else "low"
        lines.append(f"{n + 1} January,{_cell(event)},{score},{category},t1,{level},"
                     f"{_cell(extra)}\n")
    path = folder / "h.csv"
    path.write_text("".join(lines), encoding="utf-8")
    both(folder, rules, path)
