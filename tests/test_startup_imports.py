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
