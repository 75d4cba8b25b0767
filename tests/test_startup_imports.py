"""DuckDB, SQLGlot and pyarrow are in every install, and loaded only where used:
`eval` of an event file, or of a small CSV that `--engine auto` gives the python
engine, imports none of them (each costs start-up time: DuckDB alone ~50 ms)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

COLUMNAR = ("duckdb", "sqlglot", "pyarrow", "pyspark")

PROGRAM = """
import contextlib, io, sys
from barometer.main import main
for catalogue in sys.argv[2:]:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main(["eval", sys.argv[1], catalogue, "--format", "json"])
        except SystemExit as e:
            assert not e.code, e.code
    assert '"aggregate": 20' in out.getvalue()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & set(%r))))
""" % (COLUMNAR,)


def test_eval_by_the_python_engine_imports_no_columnar_library():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(ROOT / "rules" / "minsk-barometer.rules"),
         str(ROOT / "examples" / "minsk-barometer-19.events"),
         str(ROOT / "examples" / "minsk-barometer-19.csv")],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


LEAVING = """
import atexit, gc, sys
sys.argv = ["barometer", *sys.argv[1:]]

class Torn:
    def __del__(self):
        sys.stderr.write("torn down\\n")

KEPT = Torn()  # freed by the interpreter's teardown, which the command skips
atexit.register(lambda: sys.stderr.write(f"atexit ran, collecting: {gc.isenabled()}\\n"))
from barometer.main import main
assert not gc.isenabled()  # while the command loads (interrupt.py `started`)
main()
"""


def test_the_command_leaves_without_the_teardown_and_loses_nothing():
    """The command ends by os._exit once its verb has run (interrupt.py `leave`:
    about 12 ms of a cold eval): the whole output, the status, the atexit
    functions kept; the teardown skipped. No garbage collection while it loads
    (`started`: about 5 ms), and collection on again for the verb."""
    rules = str(ROOT / "rules" / "minsk-barometer.rules")
    done = subprocess.run([sys.executable, "-c", LEAVING, "eval", rules,
                           str(ROOT / "examples" / "minsk-barometer-19.events"), "--format", "csv"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "regional_tension,Regional tension,-7,6,-13,22,yellow"
    assert done.stderr == "atexit ran, collecting: True\n"
    done = subprocess.run([sys.executable, "-c", LEAVING, "eval", rules, "missing.events"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error[B002]: no such file: missing.events",
                                     "atexit ran, collecting: True"]


DUCKDB_PARQUET = """
import contextlib, io, sys
from barometer.main import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main(["eval", sys.argv[1], sys.argv[2], "--engine", "duckdb", "--format", "json"])
    except SystemExit as e:
        assert not e.code, e.code
assert '"aggregate": 3' in out.getvalue(), out.getvalue()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"pyarrow", "numpy"})))
"""


def test_the_duckdb_engine_reads_a_parquet_file_without_pyarrow(tmp_path):
    # a Parquet file's column names (kept as written: two alike are B011) were read
    # with pyarrow, whose import, numpy's with it, cost every DuckDB run 0.15 s of CPU
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"date": ["2021-01-04", "2021-01-05"], "event": ["e", "f"],
                             "russia": [1, 2], "tags": [[], []]}), str(path))
    (tmp_path / "c.parquet.period").write_text(
        'period "P" from 2021-01-01 to 2021-02-28\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", DUCKDB_PARQUET, str(ROOT / "rules" / "minsk-barometer.rules"),
         str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
