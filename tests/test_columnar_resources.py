"""What a DuckDB evaluation holds once it is done: no database open (its memory,
threads and spilled blocks given back), whether it succeeded or an exception
about it is kept (explain's queries open the file again:
tests/test_columnar.py), and a memory limit DuckDB spills at rather than growing."""

from __future__ import annotations

import os
import sys

import pytest

pytest.importorskip("duckdb", reason="the columnar extra is not installed")

from .helpers import write  # noqa: E402

RULES = 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\ncategory x "X"\n'
HEAD = '# period "P" from 2021-01-01 to 2021-01-31\ndate,event,a,category\n'


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
def test_an_evaluation_kept_or_refused_leaves_no_database_open(tmp_path):
    # each evaluation left its DuckDB database open (about 9 threads, 7 MiB) for as long
    # as its result, or the exception of a refused one, was kept: fuzz workers under
    # a 4 GiB address space ran out of memory after a few hundred
    from barometer import api
    from barometer.dsl.diagnostics import InputError

    rules = str(write(tmp_path, "s.rules", RULES))
    good = str(write(tmp_path, "good.csv", HEAD + "1 January,Talks,+1,x\n"))
    bad = str(write(tmp_path, "bad.csv", HEAD + "1 January,Talks,+1,nosuch\n"))
    api.evaluate(rules, [good], None, "duckdb")  # DuckDB loaded, its threads counted
    before, kept = _threads(), []
    for _ in range(2):  # each kept one held about 9 threads
        kept.append(api.evaluate(rules, [good], None, "duckdb"))
        with pytest.raises(InputError) as refused:
            api.evaluate(rules, [bad], None, "duckdb")
        kept.append(refused.value)
    assert _threads() <= before + 2
    assert all(o.evaluation.runner.con is None for o in kept[::2])  # explain opens it again


def test_duckdb_is_given_a_memory_limit_and_a_folder_to_spill_to():
    from barometer.engine.columns.runners import DuckDB

    runner = DuckDB()
    [(limit, folder)] = runner.con.execute(
        "SELECT current_setting('max_memory'), current_setting('temp_directory')").fetchall()
    assert limit == "1.0 GiB" and os.path.basename(folder) == "spill"
    spill = os.path.dirname(folder)
    assert oct(os.stat(spill).st_mode & 0o777) == "0o700"
    runner.close()
    assert not os.path.exists(spill)


def test_duckdb_reads_the_whole_catalogue_once(tmp_path, monkeypatch):
    # the checks of every distinct value, B502's groups and the signature's groups each
    # read the whole file (three passes over a CSV, where a hand query reads it once):
    # one reading now groups the rows for all three (engine/columns/onepass.py), with
    # the python engine's figures and warnings
    import re

    from barometer import api
    from barometer.engine.columns import runners

    rules = str(write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\n'
                      'index a "A"\nindex b "B"\ncategory x "X"\ntag hot "Hot"\n'
                      'rule hot "Hot" when tagged hot then set to score * 2\n'))
    path = str(write(tmp_path, "c.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                     'date,event,a,b,category,tags\n1 January,Talks,+1,,x,hot\n'
                     '2 January,Visit,-1,+2,x,\n1 January,talks ,+1,,x,\n'))
    seen, rows = [], runners.DuckDB._rows

    def recorded(self, sql, values):
        seen.append(sql)
        return rows(self, sql, values)

    monkeypatch.setattr(runners.DuckDB, "_rows", recorded)
    got = api.evaluate(rules, [path], None, "duckdb")
    whole = [sql for sql in seen if re.search(r"\bFROM src\b", sql) and "LIMIT" not in sql]
    assert len(whole) == 1 and "GROUPING SETS" in whole[0]
    want = api.evaluate(rules, [path], None, "python")
    figures = [{name: (r.aggregate, r.positive, r.negative, r.events)
                for name, r in o.evaluation.indices.items()} for o in (got, want)]
    assert figures[0] == figures[1] == {"a": (2, 3, -1, 3), "b": (2, 2, 0, 1)}
    assert [(d.code, d.message, d.span.line) for d in got.warnings] == \
        [(d.code, d.message, d.span.line) for d in want.warnings] != []


def test_the_checks_counts_are_the_same_from_any_set_of_groups(tmp_path, monkeypatch):
    # a count whose test reads only the keys of B502's or the signature's set is summed
    # over that set's groups (no hash table of its own in the one reading): the same
    # counts, findings and warnings as each test grouped on as a key of its own
    from barometer import load_scheme
    from barometer.engine.columns import check, describe, onepass, runner_for

    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\n'
                  'index a "A"\nindex b "B"\nindex d "D" = a + b\ncategory x "X" weight 2\n'
                  'attribute level "Level" one of [head, deputy]\n')
    path = str(write(tmp_path, "c.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                     'date,event,a,b,d,category,level,ruusia\n1 January,Talks,+1,,,x,head,\n'
                     ',,,,,,,\n# a note,,,,,,,\n2 January,Visit,,,,x,head,\n'
                     '3 January,Call,+1,,+2,,,+1\n4 January,Trip,-1,+2,,x,deputy,,,extra\n'))

    def checked():
        scheme = load_scheme(str(rules))
        runner = runner_for("duckdb")
        try:
            known, problems = check(describe(path, None, scheme, runner), scheme, runner)
            return known, [str(d) for d in problems], \
                [p for p, _ in runner.onepass.counted]
        finally:
            runner.close()

    known, problems, held = checked()
    assert "counts" in held and set(held) - {"counts"} and len(problems) >= 3
    monkeypatch.setattr(onepass, "_holder", lambda one, test: None)
    assert checked() == (known, problems, ["counts"] * len(held))
