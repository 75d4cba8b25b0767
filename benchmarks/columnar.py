"""The columnar engine against the python engine and a hand-written DuckDB query
(issue 12 item 5), on one scoring task, at 10^4 to 10^7 events read from Parquet.

The task (the language issue's): 40 weighted categories, `score direction *
weight`, four per-relationship overrides (`when index is us and category is c05
then multiply by 2`, ...), one point more in the score's direction for events at
head-of-state level (`level`, an event attribute), symbolic events (a tag) halved
toward zero (`set to trunc(score / 2)`), clamp to -3..+3, and bands. The catalogues are
generated (random, seeded), in the long form: one row per event and index.

For each size, in this process, alternating, median of several runs (wall time,
as DuckDB works on both cores):

- hand-written: the same scoring as one SQL query an analyst would write for
  DuckDB, straight from the Parquet file; and, for reference, loading the file
  into a DuckDB table;
- columnar: `evaluate_columnar` (what `barometer eval --engine duckdb` does once
  the scheme is loaded), split into checking the file's values and scoring;
- python: the python engine reading (and checking) the Parquet file, then
  evaluating; up to 10^5 events (at 10^6 it would take minutes).

Before anything is timed, the figures of all three are compared. Peak memory is
each approach's own, measured in a child process per approach and size (its
maximum resident set size).

    python benchmarks/columnar.py [--sizes 10000 100000 1000000 10000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INDICES = ["russia", "eu", "china", "us", "ukraine"]
CATEGORIES = {f"c{n:02d}": 1 + n % 3 for n in range(40)}
OVERRIDES = [("us", "c05", "multiply by 2"), ("eu", "c12", "set to +3"),
             ("russia", "c20", "multiply by 3"), ("china", "c30", "set to -1")]
TAGS = ["symbolic", "media"]
LEVELS = ["head_of_state", "minister", "official"]

SCHEME = "\n".join(
    ['scheme "Columnar benchmark" version "1"', "range -3 to +3", "score direction * weight"]
    + [f"index {name}" for name in INDICES]
    + [f"category {name} weight {w}" for name, w in CATEGORIES.items()]
    + [f"tag {name}" for name in TAGS]
    + [f"attribute level one of [{', '.join(LEVELS)}] default official"]
    + [f"rule override_{i}_{c} when index is {i} and category is {c} then {a}"
       for i, c, a in OVERRIDES]
    + ["rule head_of_state when level is head_of_state then add direction",
       "rule symbolic when tagged symbolic then set to trunc(score / 2)",
       "rule keep when always then clamp",
       "bands russia {", "    cold < 0", "    warm >= 0", "}",
       "bands us {", "    cold < 0", "    warm >= 0", "}"]) + "\n"
PERIOD = 'period "Generated for the columnar benchmark" from 2021-01-01 to 2021-12-31'


def handwritten(path: str) -> str:
    """The same scoring, as one query an analyst writes for DuckDB."""
    weights = ", ".join(f"('{c}', {w})" for c, w in CATEGORIES.items())
    overrides = "\n".join(
        f"            WHEN idx = '{i}' AND category = '{c}' THEN "
        + ("sign(score) * weight * " + a.split()[-1] if a.startswith("multiply")
           else a.split()[-1].lstrip("+"))
        for i, c, a in OVERRIDES)
    return f"""
WITH weights(category, weight) AS (VALUES {weights}),
base AS (
    SELECT "index" AS idx, score, tags, level,
        CASE
{overrides}
            ELSE sign(score) * weight
        END AS v1
    FROM read_parquet('{path}') JOIN weights USING (category)
),
levelled AS (
    SELECT idx, tags,
        v1 + CASE WHEN level = 'head_of_state' THEN sign(score) ELSE 0 END AS v2
    FROM base
),
scored AS (
    SELECT idx, greatest(-3, least(3, CASE WHEN list_contains(tags, 'symbolic')
                                           THEN trunc(v2 / 2)::INTEGER ELSE v2 END)) AS s
    FROM levelled
)
SELECT idx, sum(s) FILTER (WHERE s > 0), sum(s) FILTER (WHERE s <= 0), count(*)
FROM scored GROUP BY idx ORDER BY idx
"""


def generate(path: str, n: int, seed: int = 12) -> None:
    """`n` entries in the long form, as Parquet, with the period beside it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    done, chunk = 0, 1_000_000
    names = np.array(list(CATEGORIES), dtype=object)
    while done < n:
        k = min(chunk, n - done)
        index = rng.integers(0, len(INDICES), size=k)
        category = rng.integers(0, len(CATEGORIES), size=k)
        score = rng.choice([-3, -2, -1, -1, 0, 1, 1, 2, 3], size=k).astype("int8")
        day = rng.integers(0, 365, size=k)
        bits = np.stack([rng.random(k) < 0.15, rng.random(k) < 0.2], axis=1)
        level = rng.choice(len(LEVELS), size=k, p=[0.1, 0.3, 0.6])
        offsets = np.concatenate([[0], np.cumsum(bits.sum(axis=1))]).astype("int32")
        values = np.array(TAGS, dtype=object)[np.nonzero(bits)[1]]
        texts = np.array([f"Event of kind {c}" for c in CATEGORIES], dtype=object)
        table = pa.table({
            "date": pa.array(np.datetime64("2021-01-01") + day, type=pa.date32()),
            "event": pa.array(texts[category], type=pa.string()),
            "index": pa.array(np.array(INDICES, dtype=object)[index], type=pa.string()),
            "score": pa.array(score),
            "category": pa.array(names[category], type=pa.string()),
            "tags": pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.string())),
            "level": pa.array(np.array(LEVELS, dtype=object)[level], type=pa.string()),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(table)
        done += k
    writer.close()
    Path(path + ".period").write_text(PERIOD + "\n", encoding="utf-8")


# --- the three approaches, each a function of (scheme path, catalogue path) ---------------

def figures_of(result) -> dict:
    return {k: [str(r.positive), str(r.negative), r.events] for k, r in result.indices.items()}


def run_handwritten(rules: str, path: str, load: bool = False):
    import duckdb

    con = duckdb.connect()
    if load:
        start = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")
        return {"load": time.perf_counter() - start}
    start = time.perf_counter()
    rows = con.execute(handwritten(path)).fetchall()
    took = time.perf_counter() - start
    return {"score": took,
            "figures": {i: [str(p or 0), str(q or 0), c] for i, p, q, c in rows}}


def run_columnar(rules: str, path: str):
    from barometer import load_scheme
    from barometer.engine import columnar

    scheme = load_scheme(rules)
    start = time.perf_counter()
    runner = columnar.runner_for("duckdb")
    source = columnar.describe(path, None, scheme, runner)
    known, problems = columnar.check(source, scheme, runner)
    assert not problems, problems
    checked = time.perf_counter()
    compiled = columnar.compile_scheme(scheme, source, known)
    rows = columnar._run(runner, columnar._final(compiled, ["idx"]))
    indices = columnar._indices(scheme, rows, compiled)
    done = time.perf_counter()

    class Result:
        pass

    result = Result()
    result.indices = indices
    return {"check": checked - start, "score": done - checked, "total": done - start,
            "figures": figures_of(result)}


def run_python(rules: str, path: str):
    from barometer import evaluate, load_catalogue, load_scheme

    scheme = load_scheme(rules)
    start = time.perf_counter()
    catalogue = load_catalogue([path], scheme)
    read = time.perf_counter()
    result = evaluate(scheme, catalogue)
    done = time.perf_counter()
    return {"read": read - start, "score": done - read, "total": done - start,
            "figures": figures_of(result)}


APPROACHES = {"handwritten": run_handwritten, "columnar": run_columnar, "python": run_python,
              "load": lambda rules, path: run_handwritten(rules, path, load=True)}


def child(approach: str, rules: str, path: str, runs: int) -> None:
    """Run one approach `runs` times in this (child) process; print the medians,
    the figures and the peak resident memory as JSON."""
    import resource

    results = [APPROACHES[approach](rules, path) for _ in range(runs)]
    out = {k: statistics.median(r[k] for r in results) for k in results[0] if k != "figures"}
    out["figures"] = results[0].get("figures")
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(approach: str, rules: str, path: str, runs: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", approach, rules, path,
                           str(runs)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[10_000, 100_000, 1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python-up-to", type=int, default=100_000)
    parser.add_argument("--folder", help="where to keep the generated catalogues")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        approach, rules, path, runs = args.child
        child(approach, rules, path, int(runs))
        return 0
    folder = Path(args.folder or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    rules = folder / "task.rules"
    rules.write_text(SCHEME, encoding="utf-8")
    print("| events | Parquet | load (DuckDB table) | hand-written query | columnar: check "
          "| columnar: score | columnar: total | score / hand-written | total / hand-written "
          "| python: read | python: eval | peak memory: hand-written, columnar, python |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    met = True
    for size in args.sizes:
        path = folder / f"task-{size}.parquet"
        if not path.exists():
            generate(str(path), size)
        mib = path.stat().st_size / 2**20
        runs = args.runs if size <= 1_000_000 else max(1, args.runs)
        hand = measure("handwritten", str(rules), str(path), runs)
        ours = measure("columnar", str(rules), str(path), runs)
        loaded = measure("load", str(rules), str(path), 1)
        assert ours["figures"] == hand["figures"], (ours["figures"], hand["figures"])
        py = None
        if size <= args.python_up_to:
            py = measure("python", str(rules), str(path), 1 if size > 10_000 else runs)
            assert py["figures"] == ours["figures"], (py["figures"], ours["figures"])

        def rate(seconds):
            return f"{size / seconds:,.0f}/s"

        ratio, whole = ours["score"] / hand["score"], ours["total"] / hand["score"]
        if size >= 1_000_000:
            met &= ratio <= 1.5
        if size >= 10_000_000:
            met &= ours["peak_mib"] < 2048
        print(f"| {size:,} | {mib:.1f} MiB | {rate(loaded['load'])} | "
              f"{hand['score'] * 1000:.0f} ms ({rate(hand['score'])}) | "
              f"{ours['check'] * 1000:.0f} ms | {ours['score'] * 1000:.0f} ms "
              f"({rate(ours['score'])}) | {ours['total'] * 1000:.0f} ms | {ratio:.2f}x | "
              f"{whole:.2f}x | "
              + (f"{rate(py['read'])} | {rate(py['score'])} | " if py else "- | - | ")
              + f"{hand['peak_mib']:.0f}, {ours['peak_mib']:.0f}, "
              + (f"{py['peak_mib']:.0f} MiB |" if py else "- MiB |"), flush=True)
    print("\ngoals: the columnar score within 1.5x of the hand-written query from 10^6 events; "
          "10^7 events from Parquet in under 2 GiB")
    print("all goals met" if met else "not every goal is met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
