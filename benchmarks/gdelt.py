"""SYNTHETIC GDELT-style events, for `rules/gdelt/gdelt-style.rules` and the columnar
benchmarks. Nothing in these files happened: every row is drawn at random.

GDELT codes news reports by machine: each event has a date, two actors (here
country codes, the pair being the index: `blr_rus`), a CAMEO event code, grouped
here into its 20 root categories (consult, threaten, fight, ...), which
`rules/gdelt/gdelt-style.rules` weighs on a Goldstein-style scale from -10 to +10,
and how widely it was reported (the recorded score, 1 to 3). Tags mark
military actors, reports from state media and local stories. The layout is the
long form (an `index` and a `score` column; one row per event and pair), with
`date` a Parquet date (or an ISO day in JSON Lines):

    date        event                    index    score  category      tags
    2017-03-02  BLR threatens UKR        blr_ukr  2      threaten      [military]

The period goes to a sidecar file beside the catalogue (`NAME.period`).

    python benchmarks/gdelt.py --events 10000000 gdelt-1e7.parquet
    python benchmarks/gdelt.py --sample 100000 --of gdelt-1e7.parquet gdelt-1e5.parquet
    python benchmarks/gdelt.py --events 1000 --seed 19 examples/gdelt/gdelt-style-sample.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

START, END = dt.date(2015, 1, 1), dt.date(2019, 12, 31)
PERIOD = f'period "GDELT-style events, 2015-2019 (synthetic)" from {START} to {END}'

# The indices: pairs of countries, and how often each appears.
DYADS = [("blr_rus", 0.22), ("blr_ukr", 0.12), ("blr_eu", 0.14), ("blr_usa", 0.08),
         ("blr_chn", 0.07), ("blr_pol", 0.07), ("blr_ltu", 0.06), ("rus_ukr", 0.12),
         ("usa_rus", 0.08), ("eu_rus", 0.04)]
# CAMEO's 20 root codes (the categories), and how often each is drawn: statements,
# consultations and cooperation are most of what is reported, fights the least.
CATEGORIES = [("statement", 0.16), ("appeal", 0.05), ("intend", 0.08), ("consult", 0.17),
              ("diplomacy", 0.07), ("material", 0.04), ("aid", 0.03), ("yield", 0.02),
              ("investigate", 0.02), ("demand", 0.03), ("disapprove", 0.07), ("reject", 0.04),
              ("threaten", 0.03), ("protest", 0.03), ("posture", 0.02), ("reduce", 0.03),
              ("coerce", 0.04), ("assault", 0.03), ("fight", 0.03), ("mass_violence", 0.01)]
VERBS = {"statement": "comments on", "appeal": "appeals to", "intend": "offers to cooperate with",
         "consult": "consults", "diplomacy": "signs with", "material": "trades with",
         "aid": "sends aid to", "yield": "yields to", "investigate": "investigates",
         "demand": "demands of", "disapprove": "criticises", "reject": "rejects",
         "threaten": "threatens", "protest": "protests against", "posture": "mobilises against",
         "reduce": "cuts ties with", "coerce": "sanctions", "assault": "attacks",
         "fight": "fights", "mass_violence": "shells"}
TAGS = ["military", "state_media", "local"]


def _probabilities(pairs):
    import numpy as np

    weights = np.array([w for _, w in pairs], dtype=float)
    return weights / weights.sum()


def batch(n: int, rng, share: tuple[float, float] = (0.0, 1.0)):
    """`n` synthetic events as a pyarrow table, in date order, over the `share` of
    the period given (a chunk of a large file takes its own stretch of days, so that
    the whole file is in date order, as GDELT's daily files are)."""
    import numpy as np
    import pyarrow as pa

    dyad = rng.choice(len(DYADS), size=n, p=_probabilities(DYADS))
    category = rng.choice(len(CATEGORIES), size=n, p=_probabilities(CATEGORIES))
    score = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1]).astype("int8")
    days = (END - START).days + 1
    first, last = int(share[0] * days), max(int(share[1] * days), int(share[0] * days) + 1)
    day = np.sort(rng.integers(first, last, size=n))
    date = (np.datetime64(START.isoformat()) + day).astype("datetime64[D]")
    hostile = category >= 12  # threaten and worse
    bits = np.stack([rng.random(n) < np.where(hostile, 0.5, 0.05),
                     rng.random(n) < 0.1, rng.random(n) < 0.02], axis=1)
    counts = bits.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype("int32")
    values = np.array(TAGS, dtype=object)[np.nonzero(bits)[1]]
    tags = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.string()))
    texts = np.array([f"{a.split('_')[0].upper()} {VERBS[c]} {a.split('_')[1].upper()}"
                      for a, _ in DYADS for c, _ in CATEGORIES], dtype=object)
    names = np.array([d for d, _ in DYADS], dtype=object)
    kinds = np.array([c for c, _ in CATEGORIES], dtype=object)
    return pa.table({
        "date": pa.array(date, type=pa.date32()),
        "event": pa.array(texts[dyad * len(CATEGORIES) + category], type=pa.string()),
        "index": pa.array(names[dyad], type=pa.string()),
        "score": pa.array(score),
        "category": pa.array(kinds[category], type=pa.string()),
        "tags": tags,
    })


def write(path: str, n: int, seed: int = 2015, chunk: int = 1_000_000) -> None:
    """`n` events to a Parquet or JSON Lines file, in chunks, with progress shown."""
    import numpy as np

    rng = np.random.default_rng(seed)
    started = time.monotonic()
    if path.endswith((".jsonl", ".ndjson")):
        table = batch(n, rng)
        with open(path, "w", encoding="utf-8") as f:
            for row in table.to_pylist():
                row["date"] = row["date"].isoformat()
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        import pyarrow.parquet as pq

        writer = None
        done = 0
        while done < n:
            size = min(chunk, n - done)
            table = batch(size, rng, (done / n, (done + size) / n))
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=min(chunk, 1_000_000))
            done += table.num_rows
            _progress(done, n, started)
        writer.close()
    with open(path + ".period", "w", encoding="utf-8") as f:
        f.write("# synthetic: generated by benchmarks/gdelt.py, not real events\n" + PERIOD + "\n")
    print(f"\r{n:,} synthetic events written to {path} in {time.monotonic() - started:.1f} s",
          file=sys.stderr)


def sample(source: str, path: str, n: int) -> None:
    """`n` rows of a generated Parquet file, evenly spread over it (every k-th), in
    its order, and its period."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    whole = pq.ParquetFile(source)
    step = max(whole.metadata.num_rows // n, 1)
    batches, taken, seen = [], 0, 0
    for b in whole.iter_batches(batch_size=1_000_000):
        first = (-seen) % step
        picked = np.arange(first, b.num_rows, step)[:n - taken]
        batches.append(b.take(pa.array(picked)))
        taken += len(picked)
        seen += b.num_rows
        if taken >= n:
            break
    pq.write_table(pa.Table.from_batches(batches), path, compression="zstd")
    with open(source + ".period", encoding="utf-8") as f, open(path + ".period", "w",
                                                               encoding="utf-8") as out:
        out.write(f.read())
    print(f"{taken:,} events of {source} (every {step:,}th) written to {path}", file=sys.stderr)


def _progress(done: int, n: int, started: float) -> None:
    if sys.stderr.isatty():
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"\r{done:,} of {n:,} events ({rate:,.0f}/s)", end="", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the file to write: .parquet, or .jsonl")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--sample", type=int, help="write N rows of --of, spread over it, instead")
    parser.add_argument("--of", help="the generated Parquet file to sample")
    args = parser.parse_args()
    if not args.path.lower().endswith((".parquet", ".jsonl", ".ndjson")):
        parser.error(f"{args.path}: the file to write is .parquet or .jsonl (a Parquet file "
                     "named otherwise would be written)")
    if args.sample and not args.of:
        parser.error("--sample needs --of, the generated Parquet file to sample")
    if args.sample and not (os.path.isfile(args.of) and os.path.isfile(args.of + ".period")):
        parser.error(f"--of {args.of}: no such Parquet file with its .period beside it")
    if args.sample:
        sample(args.of, args.path, args.sample)
    else:
        write(args.path, args.events, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
