"""barometer's engines side by side with what an analyst would write by hand (issue 19,
item 8): one script, one process tree, the same generated catalogue, CSV and Parquet.

Two tasks, each a scheme and a generator of SYNTHETIC catalogues (long form: one row
per event and index; CSV with the period in its first line, Parquet with it beside):

- `task`: benchmarks/scoring-task.rules (40 weights, decimal ones too, per-relationship
  overrides, a `level` attribute, a `symbolic` tag halving toward zero, clamp, bands);
- `gdelt`: rules/gdelt/gdelt-style.rules on benchmarks/gdelt.py's events (decimal
  Goldstein-style weights, `trunc`, `multiply by 1.5`, `exclude`, two clamps).

The approaches, each a child process of this one, started afresh for every run, so that
every figure is a whole process (interpreter, imports, reading, scoring):

- `loop`: a hand-written Python loop (csv module, or pyarrow's batches for Parquet);
- `query`: a hand-written DuckDB query, row by row (the score as SQL, summed per index);
- `grouped`: a hand-written DuckDB query grouping the rows by what the scheme reads of
  them (index, category, tags, level, recorded score), each distinct row scored once in
  Python and multiplied by its count;
- `polars`: the row-by-row scoring as Polars expressions (skipped if not installed);
- `python`, `duckdb`, `spark`: `barometer eval RULES FILE --engine E --format json`.

Before anything is timed, every approach's figures (aggregate, positive, negative and
events of each base index, and the colours) are compared with the hand loop's, exactly
(Fractions): a ratio is never against a wrong answer. Then each approach runs --runs
times; reported are the median CPU time of the child (user + system, from its own
rusage: os.wait4) and of wall time, their spread (min-max), the ratios of the medians
to the hand loop and to the hand query on the same format, and the peak resident memory
of the child (ru_maxrss: the largest process of the child's tree; Spark's JVM is
counted through a subreaper, see `reap`). This process imports nothing large (it
generates the catalogues in a child of its own), since a child's ru_maxrss counts the
memory of the process it was forked from: about 15 MiB is the floor.

Also (--extras): cold start (`eval` of No 19 against bare `python -c pass`, and
`python -X importtime` summed by package), the language server's latency
(benchmarks/lsp_latency.py) and `fmt` of a 10 MB catalogue against `check`.

    python benchmarks/engines.py --sizes 10000 100000 [--runs 3] [--tasks task gdelt]
        [--approaches loop query grouped polars python duckdb spark] [--formats csv parquet]
        [--python-up-to 1000000] [--spark-up-to 10000000] [--loop-up-to 10000000]
        [--duckdb-from 10000000] [--folder DIR] [--extras]

Catalogues of --duckdb-from rows or more are drawn by DuckDB (same columns and
distributions as the numpy generators, in bounded memory); keep them out of git with
--folder (they are reused when present). Above --loop-up-to the hand loop is not run and
the hand DuckDB query is the reference the figures are compared with: 10^8 events from
Parquet, the DuckDB engine against the hand queries, is

    python benchmarks/engines.py --sizes 100000000 --runs 1 --tasks gdelt --formats parquet \
        --approaches query grouped duckdb --loop-up-to 10000000 --folder /work/bench-data
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gdelt as gdelt_gen  # noqa: E402  (benchmarks/gdelt.py)
import scoring_task as st  # noqa: E402  (benchmarks/scoring_task.py)

CHUNK = 1_000_000


# --- the two tasks: scheme, generator, the score by hand -------------------------------------

class Task:
    name: str
    rules: Path
    indices: list[str]
    unit: int  # every score is a whole number of 1/unit: SQL and Polars sum whole numbers
    keys: list[str]  # what the scheme reads of a row, in this order

    def batch(self, n: int, rng, share):  # a pyarrow table of n rows
        raise NotImplementedError

    def score(self, key: tuple):
        """One row's score (a Fraction or int), or None if the scheme leaves it out."""
        raise NotImplementedError

    def sql_score(self, tags: str) -> str:
        """The row's score times `unit`, as a DuckDB expression (NULL: left out)."""
        raise NotImplementedError

    def polars_score(self, symbolic):
        raise NotImplementedError

    def colour(self, index: str, total):
        return None


class ScoringTask(Task):
    name = "task"
    rules = HERE / "scoring-task.rules"
    indices = st.INDICES
    unit = 2
    keys = ["index", "category", "level", "symbolic", "score"]
    period = st.PERIOD

    def batch(self, n, rng, share):
        import numpy as np
        import pyarrow as pa

        index = rng.integers(0, len(st.INDICES), size=n)
        names = list(st.WEIGHTS)
        category = rng.integers(0, len(names), size=n)
        level = rng.integers(0, len(st.LEVELS) + 3, size=n)  # 3 in 7 without one
        levels = np.array(st.LEVELS + [None] * 3, dtype=object)
        symbolic = rng.random(n) < 0.2
        score = rng.integers(st.LOW, st.HIGH + 1, size=n).astype("int8")
        day = np.sort(rng.integers(int(share[0] * 365), max(int(share[1] * 365), 1), size=n))
        offsets = np.concatenate([[0], np.cumsum(symbolic)]).astype("int32")
        tags = pa.ListArray.from_arrays(pa.array(offsets),
                                        pa.array(["symbolic"] * int(symbolic.sum()), pa.string()))
        texts = np.array([f"Event of kind {c}" for c in names], dtype=object)
        return pa.table({
            "date": pa.array(np.datetime64("2021-01-01") + day, type=pa.date32()),
            "event": pa.array(texts[category], type=pa.string()),
            "index": pa.array(np.array(st.INDICES, dtype=object)[index], type=pa.string()),
            "score": pa.array(score),
            "category": pa.array(np.array(names, dtype=object)[category], type=pa.string()),
            "tags": tags,
            "level": pa.array(levels[level], type=pa.string()),
        })

    def score(self, key):
        index, category, level, symbolic, recorded = key
        return st.hand_score(index, category, level or None, symbolic, recorded)

    def colour(self, index, total):
        return st.hand_colour(total)

    def sql_score(self, tags):
        weights = " ".join(f"WHEN '{c}' THEN {int(w * 2)}" for c, w in st.WEIGHTS.items())
        overrides = " ".join(f"WHEN idx = '{i}' AND category = '{c}' THEN {int(w * 2)}"
                             for (i, c), w in st.OVERRIDES.items())
        top = ", ".join(f"'{t}'" for t in sorted(st.TOP))
        # in halves: s2 = 2 * score; trunc(score / 2) = trunc(s2 / 4); clamp -6..6
        return f"""greatest(-6, least(6, (
            WITH_SYMBOLIC)))""".replace("WITH_SYMBOLIC", f"""CASE WHEN {tags}
                THEN 2 * CAST(trunc(s2 / 4) AS BIGINT) ELSE s2 END""").replace(
            "s2", f"""(score * (CASE {overrides} ELSE (CASE category {weights} END) END)
                + CASE WHEN coalesce(level, 'official') IN ({top}) THEN 2 * sign(score)
                       ELSE 0 END)""")

    def polars_score(self, symbolic):
        import polars as pl

        weight = pl.col("category").replace_strict({c: int(w * 2) for c, w in
                                                    st.WEIGHTS.items()}, return_dtype=pl.Int64)
        for (i, c), w in st.OVERRIDES.items():
            weight = pl.when((pl.col("index") == i) & (pl.col("category") == c)) \
                .then(int(w * 2)).otherwise(weight)
        s2 = pl.col("score").cast(pl.Int64) * weight + pl.when(
            pl.col("level").fill_null("official").is_in(sorted(st.TOP))).then(
            2 * pl.col("score").cast(pl.Int64).sign()).otherwise(0)
        s2 = pl.when(symbolic).then(2 * (s2 / 4).cast(pl.Int64)).otherwise(s2)
        return s2.clip(-6, 6)


G = {"state_media": 0, "military": 1, "local": 2}
WEIGHTS_G = {"statement": Fraction(1, 2), "appeal": 3, "intend": 4, "consult": 1,
             "diplomacy": Fraction(7, 2), "material": 6, "aid": 7, "yield": 5,
             "investigate": -2, "demand": -5, "disapprove": -2, "reject": -4, "threaten": -6,
             "protest": Fraction(-13, 2), "posture": -7, "reduce": Fraction(-9, 2),
             "coerce": -7, "assault": -9, "fight": -10, "mass_violence": -10}


class GdeltTask(Task):
    name = "gdelt"
    rules = ROOT / "rules" / "gdelt" / "gdelt-style.rules"
    indices = [d for d, _ in gdelt_gen.DYADS]
    unit = 4  # halves, then * 1.5: quarters
    keys = ["index", "category", "state_media", "military", "local", "score"]
    period = gdelt_gen.PERIOD

    def batch(self, n, rng, share):
        return gdelt_gen.batch(n, rng, share)

    def score(self, key):
        index, category, state_media, military, local, recorded = key
        s = recorded * WEIGHTS_G[category]
        if state_media:
            s = math.trunc(s / 2)
        if category in ("threaten", "posture") and military:
            s = min(max(s * Fraction(3, 2), -30), 30)
        if local:
            return None
        return min(max(s, -20), 20)

    def sql_score(self, tags):
        weights = " ".join(f"WHEN '{c}' THEN {int(w * 4)}" for c, w in WEIGHTS_G.items())
        s = f"(score * CASE category {weights} END)"  # in quarters
        s = f"(CASE WHEN {tags.format('state_media')} THEN 4 * CAST(trunc({s} / 8) AS BIGINT) " \
            f"ELSE {s} END)"
        s = (f"(CASE WHEN category IN ('threaten', 'posture') AND {tags.format('military')} "
             f"THEN greatest(-120, least(120, CAST({s} * 3 / 2 AS BIGINT))) ELSE {s} END)")
        return (f"CASE WHEN {tags.format('local')} THEN NULL "
                f"ELSE greatest(-80, least(80, {s})) END")

    def polars_score(self, tagged):
        import polars as pl

        s = pl.col("score").cast(pl.Int64) * pl.col("category").replace_strict(
            {c: int(w * 4) for c, w in WEIGHTS_G.items()}, return_dtype=pl.Int64)
        s = pl.when(tagged("state_media")).then(4 * (s / 8).cast(pl.Int64)).otherwise(s)
        s = pl.when(pl.col("category").is_in(["threaten", "posture"]) & tagged("military")) \
            .then((s * 3 // 2).clip(-120, 120)).otherwise(s)
        return pl.when(tagged("local")).then(None).otherwise(s.clip(-80, 80))


TASKS = {"task": ScoringTask(), "gdelt": GdeltTask()}


# --- catalogues ---------------------------------------------------------------------------------

# --unique-texts: every event's text made its own (` #ROW` added), so that no two rows are
# the same event (B502: same date and text); drawn by DuckDB at every size
UNIQUE = False


def paths_of(task: Task, n: int, folder: Path, formats=("csv", "parquet")) -> dict[str, Path]:
    return {f: folder / f"{task.name}{'-u' if UNIQUE else ''}-{n}.{f}" for f in formats}


def generate(task: Task, n: int, folder: Path, seed: int = 19,
             formats=("csv", "parquet"), duckdb_from: int = 10_000_000) -> dict[str, Path]:
    """The task's catalogue of `n` rows as Parquet (period beside it) and as CSV (period
    in its first line); kept in `folder` for later runs. Up to `duckdb_from` rows, drawn
    with numpy chunk by chunk; from there on, drawn by DuckDB (`generate_duckdb`: the
    same distributions, many times faster, in bounded memory), each format only if asked."""
    paths = paths_of(task, n, folder, formats)
    if all(p.exists() for p in paths.values()):
        return paths
    if n >= duckdb_from or UNIQUE:
        return generate_duckdb(task, n, folder, seed, formats)
    paths = paths_of(task, n, folder)
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    pwriter = cwriter = None
    with open(paths["csv"], "wb") as raw:
        raw.write(f"# {task.period}\n".encode())
        done = 0
        while done < n:
            k = min(CHUNK, n - done)
            table = task.batch(k, rng, (done / n, (done + k) / n))
            if pwriter is None:
                pwriter = pq.ParquetWriter(paths["parquet"], table.schema, compression="zstd")
            pwriter.write_table(table)
            flat = table.set_column(table.schema.get_field_index("tags"), "tags",
                                    pc.binary_join(table["tags"], ";"))
            flat = flat.set_column(0, "date", pc.cast(flat["date"], "string"))
            if cwriter is None:
                cwriter = pcsv.CSVWriter(raw, flat.schema, write_options=pcsv.WriteOptions(
                    quoting_style="needed"))
            cwriter.write_table(flat)
            done += k
        cwriter.close()
    pwriter.close()
    paths["parquet"].with_name(paths["parquet"].name + ".period").write_text(
        f"# SYNTHETIC: generated by benchmarks/engines.py\n{task.period}\n", encoding="utf-8")
    return paths


def _uniform(k: int, seed: int) -> str:
    """A pseudo-random number in [0, 1), a pure function of the row number `i`, the
    draw `k` and the seed: the same file whatever DuckDB's threads do."""
    return f"(hash(i, {seed}, {k}) / 18446744073709551616.0)"


def _pick(u: str, weights: list[float]) -> str:
    """The position (0-based) drawn with probabilities proportional to `weights`."""
    total, edge, whens = sum(weights), 0.0, []
    for n, w in enumerate(weights[:-1]):
        edge += w / total
        whens.append(f"WHEN {u} < {edge!r} THEN {n}")
    return f"(CASE {' '.join(whens)} ELSE {len(weights) - 1} END)"


def _strings(values) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def generate_duckdb(task: Task, n: int, folder: Path, seed: int,
                    formats=("csv", "parquet")) -> dict[str, Path]:
    """As `generate`, drawn by DuckDB from `range(n)`: the same columns, types and
    distributions as the numpy generators (benchmarks/gdelt.py's `batch`,
    `ScoringTask.batch`), every draw a hash of the row number, so the file is the same
    on every run; in date order (row i falls on day floor(i * days / n)). 10^8 GDELT-style
    rows (Parquet, 198 MB) took 33 s CPU and 300 MiB here (4 minutes' wall on the loaded
    2 cores); 10^7 with its CSV (530 MB) 8 s CPU, 0.9 GiB."""
    import duckdb

    unique = " || ' #' || CAST(i AS VARCHAR)" if UNIQUE else ""
    if task.name == "gdelt":
        days = (gdelt_gen.END - gdelt_gen.START).days + 1
        dyads = [d for d, _ in gdelt_gen.DYADS]
        kinds = [c for c, _ in gdelt_gen.CATEGORIES]
        texts = [f"{a.split('_')[0].upper()} {gdelt_gen.VERBS[c]} {a.split('_')[1].upper()}"
                 for a in dyads for c in kinds]
        drawn = f"""SELECT i, {_pick(_uniform(1, seed), [w for _, w in gdelt_gen.DYADS])} AS d,
                   {_pick(_uniform(2, seed), [w for _, w in gdelt_gen.CATEGORIES])} AS c,
                   {_pick(_uniform(3, seed), [0.6, 0.3, 0.1])} AS r,
                   {_uniform(4, seed)} AS um, {_uniform(5, seed)} AS us,
                   {_uniform(6, seed)} AS ul
                   FROM range({n}) AS t(i)"""
        select = f"""SELECT DATE '{gdelt_gen.START}' + CAST(floor(i * {days} / {n}) AS INTEGER)
                       AS "date",
                   {_strings(texts)}[d * {len(kinds)} + c + 1]{unique} AS event,
                   {_strings(dyads)}[d + 1] AS "index",
                   CAST(r + 1 AS TINYINT) AS score,
                   {_strings(kinds)}[c + 1] AS category,
                   list_filter([CASE WHEN um < (CASE WHEN c >= 12 THEN 0.5 ELSE 0.05 END)
                                     THEN 'military' END,
                                CASE WHEN us < 0.1 THEN 'state_media' END,
                                CASE WHEN ul < 0.02 THEN 'local' END], lambda x: x IS NOT NULL)
                     AS tags
                   FROM ({drawn})"""
        period = gdelt_gen.PERIOD
    else:
        names = list(st.WEIGHTS)
        drawn = f"""SELECT i, CAST(floor({_uniform(1, seed)} * {len(st.INDICES)}) AS INTEGER) AS x,
                   CAST(floor({_uniform(2, seed)} * {len(names)}) AS INTEGER) AS c,
                   CAST(floor({_uniform(3, seed)} * {len(st.LEVELS) + 3}) AS INTEGER) AS lv,
                   {_uniform(4, seed)} < 0.2 AS sym,
                   CAST(floor({_uniform(5, seed)} * {st.HIGH - st.LOW + 1}) AS INTEGER)
                     + {st.LOW} AS r
                   FROM range({n}) AS t(i)"""
        select = f"""SELECT DATE '2021-01-01' + CAST(floor(i * 365 / {n}) AS INTEGER) AS "date",
                   'Event of kind ' || {_strings(names)}[c + 1]{unique} AS event,
                   {_strings(st.INDICES)}[x + 1] AS "index",
                   CAST(r AS TINYINT) AS score,
                   {_strings(names)}[c + 1] AS category,
                   CASE WHEN sym THEN ['symbolic'] ELSE []::VARCHAR[] END AS tags,
                   {_strings(st.LEVELS)}[lv + 1] AS level
                   FROM ({drawn})"""
        period = task.period
    paths = paths_of(task, n, folder, formats)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"SET temp_directory = '{folder / 'duckdb-tmp'}'")
    con.execute("SET memory_limit = '2GB'")
    if "parquet" in paths:
        part = paths["parquet"].with_name(paths["parquet"].name + ".part")
        con.execute(f"COPY ({select}) TO '{part}' (FORMAT parquet, COMPRESSION zstd, "
                    "ROW_GROUP_SIZE 1000000)")
        paths["parquet"].with_name(paths["parquet"].name + ".period").write_text(
            f"# SYNTHETIC: generated by benchmarks/engines.py\n{period}\n", encoding="utf-8")
        os.replace(part, paths["parquet"])
    if "csv" in paths:
        body = paths["csv"].with_name(paths["csv"].name + ".body")
        columns = "* REPLACE (array_to_string(tags, ';') AS tags, CAST(\"date\" AS VARCHAR) AS \"date\")"
        source = (f"read_parquet('{paths['parquet']}')" if "parquet" in paths
                  else f"({select})")
        con.execute(f"COPY (SELECT {columns} FROM {source}) TO '{body}' "
                    "(FORMAT csv, HEADER true)")
        part = paths["csv"].with_name(paths["csv"].name + ".part")
        with open(part, "wb") as out, open(body, "rb") as f:
            out.write(f"# {period}\n".encode())
            shutil.copyfileobj(f, out, 16 << 20)
        os.remove(body)
        os.replace(part, paths["csv"])
    con.close()
    return paths


# --- the approaches: each prints its figures as JSON, in a child process -------------------------

def _figures(task: Task, sums: dict) -> dict:
    """{index: [aggregate, positive, negative, events, colour]} as strings, from
    {index: (positive, negative, events)} (Fractions or ints)."""
    out = {}
    for i in task.indices:
        p, q, c = sums.get(i, (0, 0, 0))
        p, q = Fraction(p), Fraction(q)
        out[i] = [str(p + q), str(p), str(q), int(c), task.colour(i, p + q)]
    return out


def _add(sums: dict, index: str, value, count: int = 1) -> None:
    t = sums.setdefault(index, [0, 0, 0])
    if value is None:
        return
    t[0 if value > 0 else 1] += value * count
    t[2] += count


def _rows_csv(task: Task, path: str):
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)  # the period
        at = {name: n for n, name in enumerate(next(rows))}
        ix, ca, sc, tg = at["index"], at["category"], at["score"], at["tags"]
        if task.name == "task":
            lv = at["level"]
            for row in rows:
                yield (row[ix], row[ca], row[lv], "symbolic" in row[tg].split(";"), int(row[sc]))
        else:
            for row in rows:
                tags = row[tg].split(";")
                yield (row[ix], row[ca], "state_media" in tags, "military" in tags,
                       "local" in tags, int(row[sc]))


def _rows_parquet(task: Task, path: str):
    import pyarrow.parquet as pq

    columns = ["index", "category", "score", "tags"] + (["level"] if task.name == "task" else [])
    for b in pq.ParquetFile(path).iter_batches(batch_size=65536, columns=columns):
        d = b.to_pydict()
        if task.name == "task":
            for i, c, lv, t, s in zip(d["index"], d["category"], d["level"], d["tags"], d["score"]):
                yield (i, c, lv or "", "symbolic" in t, s)
        else:
            for i, c, t, s in zip(d["index"], d["category"], d["tags"], d["score"]):
                yield (i, c, "state_media" in t, "military" in t, "local" in t, s)


def run_loop(task: Task, path: str, fmt: str) -> dict:
    sums: dict = {}
    score = task.score
    for key in (_rows_csv if fmt == "csv" else _rows_parquet)(task, path):
        _add(sums, key[0], score(key))
    return _figures(task, sums)


def _relation(path: str, fmt: str) -> str:
    if fmt == "csv":
        return f"read_csv('{path}', skip=1, header=true, all_varchar=false)"
    return f"read_parquet('{path}')"


def _tags_sql(fmt: str, tag: str = "{}") -> str:
    if fmt == "csv":
        return f"list_contains(string_split(coalesce(tags, ''), ';'), '{tag}')"
    return f"list_contains(tags, '{tag}')"


def run_query(task: Task, path: str, fmt: str) -> dict:
    import duckdb

    tags = _tags_sql(fmt, "symbolic" if task.name == "task" else "{}")
    query = f"""
        WITH scored AS (
            SELECT idx, {task.sql_score(tags)} AS s
            FROM (SELECT *, "index" AS idx FROM {_relation(path, fmt)})
        )
        SELECT idx, coalesce(sum(s) FILTER (WHERE s > 0), 0),
               coalesce(sum(s) FILTER (WHERE s <= 0), 0), count(s)
        FROM scored GROUP BY idx"""
    rows = duckdb.connect().execute(query).fetchall()
    u = task.unit
    return _figures(task, {i: (Fraction(int(p), u), Fraction(int(q), u), c)
                           for i, p, q, c in rows})


def run_grouped(task: Task, path: str, fmt: str) -> dict:
    import duckdb

    if task.name == "task":
        read = f"coalesce(level, ''), {_tags_sql(fmt, 'symbolic')}"
    else:
        read = ", ".join(_tags_sql(fmt, t) for t in ("state_media", "military", "local"))
    query = f"""SELECT "index", category, {read}, score, count(*)
                FROM {_relation(path, fmt)} GROUP BY ALL"""
    sums: dict = {}
    score = task.score
    for *key, count in duckdb.connect().execute(query).fetchall():
        _add(sums, key[0], score(tuple(key)), count)
    return _figures(task, sums)


def run_polars(task: Task, path: str, fmt: str) -> dict:
    import polars as pl

    if fmt == "csv":
        frame = pl.scan_csv(path, skip_rows=1, schema_overrides={"tags": pl.String})
        tagged = (lambda t: pl.col("tags").fill_null("").str.split(";").list.contains(t))
    else:
        frame = pl.scan_parquet(path)
        tagged = (lambda t: pl.col("tags").list.contains(t))
    s = task.polars_score(tagged("symbolic") if task.name == "task" else tagged)
    out = (frame.select(pl.col("index"), s.alias("s"))
           .group_by("index")
           .agg(pl.col("s").filter(pl.col("s") > 0).sum().alias("p"),
                pl.col("s").filter(pl.col("s") <= 0).sum().alias("q"),
                pl.col("s").count().alias("c"))
           # a file over 1 GiB streamed, in bounded memory, as one would for 10^8 rows
           .collect(engine="streaming" if os.path.getsize(path) > 2**30 else "auto"))
    u = task.unit
    return _figures(task, {r["index"]: (Fraction(r["p"], u), Fraction(r["q"], u), r["c"])
                           for r in out.iter_rows(named=True)})


HAND = {"loop": run_loop, "query": run_query, "grouped": run_grouped, "polars": run_polars}


def barometer_figures(task: Task, text: str) -> dict:
    got = json.loads(text, parse_float=Decimal)["indices"]
    out = {}
    for i in task.indices:
        r = got[i]
        out[i] = [str(Fraction(r["aggregate"])), str(Fraction(r["positive"])),
                  str(Fraction(r["negative"])), int(r["events"]),
                  r["colour"] if task.colour(i, 0) is not None else None]
    return out


def command(task: Task, approach: str, path: Path, fmt: str) -> list[str]:
    if approach in HAND:
        return [sys.executable, __file__, "--child", task.name, approach, str(path), fmt]
    job = [sys.executable, "-m", "barometer", "eval", str(task.rules), str(path),
           "--engine", approach, "--format", "json"]
    # Spark's JVM is a child of the driver: counted through a subreaper (this script's
    # --reap, a Python process of its own: about 20 ms and 10 MiB more)
    return [sys.executable, __file__, "--reap"] + job if approach == "spark" else job


def reap(cmd: list[str]) -> int:
    """Run `cmd` and wait for every process it leaves behind: this process is made
    their subreaper (Linux), so that Spark's JVM, which the Python driver may leave
    to exit by itself, is waited for here and its CPU time and memory count in this
    process's children's rusage."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    main_pid = subprocess.Popen(cmd).pid
    code = 1
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return code
        if pid == main_pid:
            code = os.waitstatus_to_exitcode(status)


MAX_RSS_MIB = 0  # --max-rss-mib: a child over it is stopped (0: no limit)


def _rss_mib(pid: int) -> float:
    """The resident memory of `pid` and its descendants, from /proc (Linux)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS")),
                              0) / 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return total


def child_run(cmd: list[str], out_path: Path, env=None) -> dict:
    """Run `cmd` as a child; its CPU time (user + system), wall time and peak memory.
    Over --max-rss-mib the child is killed (on a shared machine, before the kernel's
    out-of-memory killer picks some process) and the run fails, saying so."""
    with open(out_path, "wb") as out, open(out_path.with_suffix(".err"), "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=env)
        over = None
        while MAX_RSS_MIB:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss = _rss_mib(proc.pid)
            if rss > MAX_RSS_MIB and over is None:
                over = rss
                proc.kill()
            time.sleep(0.02)  # the wall time's resolution
        else:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if over is not None:
        raise RuntimeError(f"{' '.join(cmd)}: stopped at {over:.0f} MiB resident "
                           f"(--max-rss-mib {MAX_RSS_MIB}), after {wall:.0f} s")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                           + out_path.with_suffix(".err").read_text(errors="replace")[-3000:])
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
            "peak_mib": usage.ru_maxrss / 1024}


# --- the comparison ------------------------------------------------------------------------------

def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def measure(task: Task, size: int, fmt: str, path: Path, approaches: list[str], runs: int,
            scratch: Path, caps: dict) -> list[dict]:
    rows = []
    want = None
    for approach in approaches:
        if size > caps.get(approach, float("inf")):
            continue
        cmd = command(task, approach, path, fmt)
        out = scratch / f"{task.name}-{size}-{fmt}-{approach}.out"
        samples = []
        for run in range(runs):
            try:
                samples.append(child_run(cmd, out))
            except RuntimeError as e:  # said, and the other approaches still measured
                if approach in ("loop", "query") and want is None:
                    raise
                print(f"# {task.name} {size:,} {fmt}: {approach} FAILED: "
                      f"{str(e).strip().splitlines()[-1][:500]}", flush=True)
                print(f"# {approach} FAILED: {e}", file=sys.stderr, flush=True)
                break
            if run == 0:  # the figures, before the runs count
                text = out.read_text(encoding="utf-8")
                got = json.loads(text) if approach in HAND else barometer_figures(task, text)
                if want is None:
                    assert approach in ("loop", "query"), \
                        "the hand loop runs first (or, above --loop-up-to, the hand query): " \
                        "it is the reference"
                    want = got
                assert got == want, f"{approach} on {fmt} differs from the reference: " \
                                    f"{got} != {want}"
        if not samples:
            continue
        rows.append({"task": task.name, "size": size, "format": fmt, "approach": approach,
                     "cpu": [s["cpu"] for s in samples], "wall": [s["wall"] for s in samples],
                     "peak_mib": max(s["peak_mib"] for s in samples)})
    return rows


def table(rows: list[dict]) -> str:
    out = ["| task | events | format | approach | CPU median (spread) | / loop | / query "
           "| wall median (spread) | / loop | / query | peak |",
           "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        same = [x for x in rows if (x["task"], x["size"], x["format"]) ==
                (r["task"], r["size"], r["format"])]
        base = {x["approach"]: x for x in same}
        cpu, wall = statistics.median(r["cpu"]), statistics.median(r["wall"])

        def ratio(key, value, against):
            b = base.get(against)
            return f"{value / statistics.median(b[key]):.2f}x" if b else "-"

        out.append(f"| {r['task']} | {r['size']:,} | {r['format']} | {r['approach']} | "
                   f"{cpu:.2f} s ({spread(r['cpu'])}) | {ratio('cpu', cpu, 'loop')} | "
                   f"{ratio('cpu', cpu, 'query')} | {wall:.2f} s ({spread(r['wall'])}) | "
                   f"{ratio('wall', wall, 'loop')} | {ratio('wall', wall, 'query')} | "
                   f"{r['peak_mib']:.0f} MiB |")
    return "\n".join(out)


# --- cold start, language server, fmt ------------------------------------------------------------

NO19 = ["rules/minsk-barometer.rules", "examples/minsk-barometer-19.events"]


def cold_start(runs: int, scratch: Path) -> str:
    bare = [sys.executable, "-c", "pass"]
    job = [sys.executable, "-m", "barometer", "eval"] + NO19
    child_run(job, scratch / "warm.out")  # the parse-table cache, as any first use fills it
    got: dict = {"bare": [], "eval": []}
    for _ in range(runs):
        for key, cmd in (("bare", bare), ("eval", job)):
            got[key].append(child_run(cmd, scratch / "cold.out"))
    med = {k: {m: statistics.median(s[m] for s in v) * 1000 for m in ("cpu", "wall")}
           for k, v in got.items()}
    lines = [f"- cold `eval` of No 19 (`python -m barometer`, median of {runs}): CPU "
             f"{med['eval']['cpu']:.0f} ms against bare python {med['bare']['cpu']:.0f} ms "
             f"(+{med['eval']['cpu'] - med['bare']['cpu']:.0f} ms); wall {med['eval']['wall']:.0f}"
             f" ms against {med['bare']['wall']:.0f} ms "
             f"(+{med['eval']['wall'] - med['bare']['wall']:.0f} ms)"]
    # where the time goes: python -X importtime, self time summed by top-level package
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "barometer", "eval"] + NO19,
                          cwd=ROOT, capture_output=True, text=True, check=True)
    by: dict[str, int] = {}
    modules: dict[str, int] = {}
    total = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line[len("import time:"):].split("|", 2)
        package = name.strip().split(".")[0]
        by[package] = by.get(package, 0) + int(self_us)
        modules[name.strip()] = int(self_us)
        total += int(self_us)
    top = sorted(by.items(), key=lambda kv: -kv[1])[:10]
    lines.append(f"- `python -X importtime` (one run): {total / 1000:.0f} ms of imports; by "
                 "package (self time): " + ", ".join(f"{k} {v / 1000:.0f} ms" for k, v in top))
    top = sorted(modules.items(), key=lambda kv: -kv[1])[:8]
    lines.append("  the largest modules (self time): "
                 + ", ".join(f"{k} {v / 1000:.0f} ms" for k, v in top))
    return "\n".join(lines)


def lsp(events: int, runs: int) -> str:
    done = subprocess.run([sys.executable, str(HERE / "lsp_latency.py"), "--events", str(events),
                           "--runs", str(runs)], cwd=ROOT, capture_output=True, text=True)
    body = (done.stdout + done.stderr).strip()
    return "\n".join("    " + line for line in body.splitlines())


def fmt_against_check(megabytes: float, runs: int, scratch: Path) -> str:
    import large_catalogue  # benchmarks/large_catalogue.py

    text = large_catalogue.catalogue(megabytes)
    source = scratch / "large.events"
    source.write_text(text, encoding="utf-8")
    target = scratch / "large-fmt.events"
    base = [sys.executable, "-m", "barometer"]
    got: dict = {"check": [], "fmt": []}
    for _ in range(runs):
        got["check"].append(child_run(base + ["check", str(large_catalogue.RULES), str(source)],
                                      scratch / "check.out"))
        shutil.copyfile(source, target)
        got["fmt"].append(child_run(base + ["fmt", str(target)], scratch / "fmt.out"))
    med = {k: {m: statistics.median(s[m] for s in v) for m in ("cpu", "wall")}
           for k, v in got.items()}
    return (f"- `fmt` of a {len(text.encode()) / 1e6:.1f} MB catalogue: CPU "
            f"{med['fmt']['cpu']:.2f} s against `check` {med['check']['cpu']:.2f} s "
            f"({med['fmt']['cpu'] / med['check']['cpu']:.2f}x); wall {med['fmt']['wall']:.2f} s "
            f"against {med['check']['wall']:.2f} s; peak "
            f"{max(s['peak_mib'] for s in got['fmt']):.0f} and "
            f"{max(s['peak_mib'] for s in got['check']):.0f} MiB (median of {runs})")


# --- main ---------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", nargs="+", choices=list(TASKS), default=list(TASKS))
    parser.add_argument("--formats", nargs="+", choices=["csv", "parquet"],
                        default=["csv", "parquet"])
    parser.add_argument("--approaches", nargs="+",
                        choices=["loop", "query", "grouped", "polars", "python", "duckdb", "spark"],
                        default=["loop", "query", "grouped", "polars", "python", "duckdb",
                                 "spark"])
    parser.add_argument("--python-up-to", type=int, default=1_000_000)
    parser.add_argument("--spark-up-to", type=int, default=10_000_000)
    parser.add_argument("--folder", help="where to keep the generated catalogues")
    parser.add_argument("--extras", nargs="*", choices=["start", "fmt", "lsp"],
                        help="also cold start, fmt against check and language-server latency "
                             "(all three if none is named; `--sizes --extras fmt`: fmt alone)")
    parser.add_argument("--lsp-events", type=int, default=5000)
    parser.add_argument("--fmt-mb", type=float, default=10)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--loop-up-to", type=int, default=10_000_000,
                        help="the hand loop's largest size; above it the hand query is the "
                             "reference every approach's figures are compared with")
    parser.add_argument("--unique-texts", action="store_true",
                        help="catalogues whose every event has a text of its own (no B502), "
                             "drawn by DuckDB, named TASK-u-N")
    parser.add_argument("--max-rss-mib", type=float, default=0,
                        help="stop a child whose resident memory goes over this (0: no limit)")
    parser.add_argument("--duckdb-from", type=int, default=10_000_000,
                        help="catalogues of this many rows or more are drawn by DuckDB")
    if sys.argv[1:2] == ["--reap"]:
        return reap(sys.argv[2:])
    args = parser.parse_args()
    global UNIQUE
    UNIQUE = args.unique_texts
    if args.generate:
        task, size, folder, *formats = args.generate
        generate(TASKS[task], int(size), Path(folder), formats=formats,
                 duckdb_from=args.duckdb_from)
        return 0
    if args.child:
        task, approach, path, fmt = args.child
        print(json.dumps(HAND[approach](TASKS[task], path, fmt)))
        return 0

    import importlib.util
    # the references first: the hand loop, then the hand query (above --loop-up-to, the first)
    approaches = ["loop", "query"] + [a for a in args.approaches if a not in ("loop", "query")]
    notes = []
    if "polars" in approaches and importlib.util.find_spec("polars") is None:
        approaches.remove("polars")
        notes.append("polars skipped: not installed (pip install polars)")
    if "spark" in approaches and (importlib.util.find_spec("pyspark") is None
                                  or shutil.which("java") is None):
        approaches.remove("spark")
        notes.append("spark skipped: pyspark or java missing")
    folder = Path(args.folder or tempfile.mkdtemp(prefix="engines-"))
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="engines-run-"))
    global MAX_RSS_MIB
    if UNIQUE:
        print("# --unique-texts: no two rows share a date and a text (no B502)")
    MAX_RSS_MIB = args.max_rss_mib
    caps = {"python": args.python_up_to, "spark": args.spark_up_to, "loop": args.loop_up_to}
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} cores; python {sys.version.split()[0]}")
    for note in notes:
        print(f"# {note}")
    rows = []
    for task_name in args.tasks:
        task = TASKS[task_name]
        for size in args.sizes:
            # in a child: this process stays small, as each child's peak memory counts
            # the memory of this one it was forked from
            started = time.monotonic()
            subprocess.run([sys.executable, __file__, "--generate", task.name, str(size),
                            str(folder), *args.formats, "--duckdb-from", str(args.duckdb_from)]
                           + (["--unique-texts"] if UNIQUE else []),
                           check=True)
            print(f"# {task.name} {size:,}: catalogues ready in "
                  f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
            paths = paths_of(task, size, folder, args.formats)
            for fmt in args.formats:
                new = measure(task, size, fmt, paths[fmt], approaches, args.runs, scratch, caps)
                rows += new
                print(f"# {task.name} {size:,} {fmt}: every approach gives the hand loop's "
                      f"figures", file=sys.stderr, flush=True)
                print(table(new).split("\n", 2)[2], file=sys.stderr, flush=True)
    if rows:
        print(table(rows))
    print(f"\n(load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f})")
    extras = set(args.extras or ["start", "fmt", "lsp"]) if args.extras is not None else set()
    if extras:
        print()
    if "start" in extras:
        print(cold_start(max(args.runs, 11), scratch))
    if "fmt" in extras:
        print(fmt_against_check(args.fmt_mb, args.runs, scratch))
    if "lsp" in extras:
        print(f"- language server (benchmarks/lsp_latency.py --events {args.lsp_events} "
              f"--runs {args.runs}):")
        print(lsp(args.lsp_events, args.runs))
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
