"""Every scheme on every shipped tabular example, through the python engine's
streaming tally (engine/streamed.py) and through the full reader: the same exit
status, standard output and standard error, in every text format (issue 19).

The shipped catalogues (examples/**/*.csv, *.jsonl, *.ndjson, *.parquet) are each
also written in the other two forms (CSV <-> JSON Lines <-> Parquet, cells kept as
text, the period in a `.period` sidecar or a CSV's first line) in a scratch folder,
so that each reader of the tally meets every example. `barometer eval` runs
in-process (click's CliRunner), once as it is and once with
`barometer.engine.streamed.eligible` answering False (the full reader), and every
difference is printed; the exit status is 1 where there is one.

    python benchmarks/streamed_sweep.py            # table, csv, json, markdown
    python benchmarks/streamed_sweep.py --formats json

One process (828 runs, about a minute of CPU: 23 schemes x 9 catalogues x 4 formats,
0 differing, 57 scheme-catalogue pairs tallied, on 2026-12-06).
"""

from __future__ import annotations

import argparse
import csv
import glob
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from barometer.engine import streamed
from barometer.main import main

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("table", "csv", "json", "markdown")


def shipped() -> list[str]:
    found = []
    for suffix in ("csv", "jsonl", "ndjson", "parquet"):
        found += glob.glob(str(ROOT / "examples" / "**" / f"*.{suffix}"), recursive=True)
    return sorted(found)


def _rows(path: str):
    """(period line, column names, rows as dicts of texts) of a shipped catalogue."""
    if path.endswith(".csv"):
        text = Path(path).read_text(encoding="utf-8-sig")
        first, rest = text.split("\n", 1)
        reader = csv.DictReader(io.StringIO(rest))
        rows = list(reader)
        return first.lstrip("#").strip(), list(reader.fieldnames), rows
    period = [line for line in Path(path + ".period").read_text(encoding="utf-8").split("\n")
              if line.strip() and not line.startswith("#")][0]
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        records = pq.read_table(path).to_pylist()
    else:
        records = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").split("\n")
                   if line.strip()]
    names = list(dict.fromkeys(k for r in records for k in r))

    def text(v):
        return "" if v is None else ";".join(map(str, v)) if isinstance(v, list) else str(v)

    return period, names, [{k: text(r.get(k)) for k in names} for r in records]


def converted(path: str, folder: str) -> list[str]:
    """The catalogue in `path` written in the other forms, in `folder`."""
    period, names, rows = _rows(path)
    stem = os.path.join(folder, Path(path).stem)
    out = []
    if not path.endswith(".csv"):
        with open(stem + ".csv", "w", encoding="utf-8", newline="") as f:
            f.write(f"# {period}\n")
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(names)
            writer.writerows([[r[k] for k in names] for r in rows])
        out.append(stem + ".csv")
    if not path.endswith((".jsonl", ".ndjson")):
        with open(stem + ".jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps({k: v for k, v in r.items() if v}) + "\n" for r in rows)
        out.append(stem + ".jsonl")
    if not path.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({k: [r[k] for r in rows] for k in names}), stem + ".parquet")
        out.append(stem + ".parquet")
    for made in out:
        if not made.endswith(".csv"):
            Path(made + ".period").write_text(period + "\n", encoding="utf-8")
    return out


def run(args: list[str]):
    result = CliRunner().invoke(main, args)
    problem = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problem = repr(result.exception)
    return result.exit_code, result.stdout, getattr(result, "stderr", ""), problem


def main_(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", nargs="+", default=list(FORMATS))
    options = parser.parse_args(argv)
    os.chdir(ROOT)
    schemes = sorted(glob.glob("rules/*.rules")) + sorted(glob.glob("rules/*/*.rules"))
    with tempfile.TemporaryDirectory() as folder:
        catalogues = []
        for path in shipped():
            catalogues.append(os.path.relpath(path, ROOT))
            catalogues += converted(path, folder)
        runs = differ = tallied = 0
        for scheme in schemes:
            for path in catalogues:
                for fmt in options.formats:
                    args = ["eval", scheme, path, "--engine", "python", "--format", fmt]
                    fast = run(args)
                    original = streamed.eligible
                    streamed.eligible = lambda *a, **k: False
                    try:
                        full = run(args)
                    finally:
                        streamed.eligible = original
                    runs += 1
                    if fast != full:
                        differ += 1
                        print("differ:", " ".join(args))
                        for name, a, b in zip(("exit", "stdout", "stderr", "exception"),
                                              fast, full):
                            if a != b:
                                print(f"  {name}, tally:\n{a}\n  {name}, full reader:\n{b}")
                try:
                    from barometer import api

                    done = api.evaluate(scheme, [path], None, "python")
                    tallied += type(done.evaluation) is streamed.Streamed
                except Exception:
                    pass
        print(f"{len(schemes)} schemes x {len(catalogues)} catalogues x "
              f"{len(options.formats)} formats: {runs} runs, {differ} differing; "
              f"{tallied} scheme-catalogue pairs tallied")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main_())
