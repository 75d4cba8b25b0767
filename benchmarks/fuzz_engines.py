"""Random schemes and catalogues (CSV, JSON Lines, Parquet) through `eval --format
json` on the python engine's streaming tally, the python engine's full reader and
the DuckDB engine: every difference in exit status or output (figures, warnings,
findings with their places) is printed and saved.

The catalogues are meant to be awkward where the engines may part: texts in other
cases and spacings (B502), letters whose case folding is not their lower case
(`ﬁ`, `µ`, `ſ`, `ß`, `İ`), spaces other than the ASCII one, scores written every
way (`+1`, `1`, ` -2 `, `+0`, `x`, `1.0`, typed numbers), dates printed every way,
empty cells and rows, CRLF, BOMs, quotes, typed Parquet columns (dates,
timestamps, decimals, lists, booleans).

    python benchmarks/fuzz_engines.py --runs 300 --seed 0 [--save DIR] [--spark]

In-process (click's CliRunner); one process. Each run makes three evaluations.

On 2026-12-06 (outside4), about 9,300 runs in all. The first 4,400 found what its
branch fixed (B502's key and casefold on DuckDB and Spark, B108 beside a bad `ongoing`
cell, a long form's `#MeToo` row, a long form's row of no known index, mixed JSON
Lines tags on Spark); after the fixes, 4,500 runs (seeds 8, 12, 13) and 300 with
--spark gave no difference but the known one: DuckDB writes a JSON
Lines number of a column of texts and numbers as `4` or `4.0` in B204/B209 where the
python reader writes `+4` (about 3 runs in 100). Spark also reads a JSON Lines key
mixing booleans and texts as the texts `true`/`false` (not fixed). The tally and the
full reader never differed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import difflib
import io
import json
import os
import random
import re
import sys
import tempfile
import traceback

from click.testing import CliRunner

from barometer.engine import streamed
from barometer.main import main

WORDS = ["Talks", "talks", "TALKS", "Conﬁrmation", "Confirmation", "5 µg", "5 μg", "Straße",
         "STRASSE", "İzmir", "i̇zmir", "Caſe", "case", "ΣΟΦΟΣ", "σοφος", "σοφοσ", "meet",
         "with", "the", "minister", "#tag", "a,b", 'say "hi"', "x"]
SPACES = [" ", " ", " ", "  ", "\u00a0", "\u3000", "\t", "\u2009"]
DATES = ["4 January", "4 january", "04 January", "2021-01-04", "January 4", "5 January",
         "January", "January–February", "10-12 January", "late January", "31 February",
         "2021-01-04 ", " 4 January", "1 March"]
SCORES = ["+1", "1", "-2", " +3 ", "+0", "0", "-0", "x", "X", "", "", "", "+1.0", "+4",
          "two", "+ 1", "−1", "+01"]


def scheme(r: random.Random) -> tuple[str, list[str]]:
    indices = ["a", "b", "c"][:r.randint(1, 3)]
    weighted = r.random() < 0.3
    text = 'scheme "S" version "1"\nrange -3 to +3\n'
    text += r.choice(["score recorded\n", "score recorded\n",
                      "score recorded * weight\n" if weighted else "score direction\n"])
    for i in indices:
        text += f'index {i} "{i.upper()} index"\n'
    for c in ("c1", "c2"):
        text += f'category {c} "{c}"' + (f" weight {r.randint(1, 3)}" if weighted else "") + "\n"
    text += 'tag t1 "T1"\ntag t2 "T2"\n'
    if r.random() < 0.4:
        text += r.choice(['rule r1 when category is c2 then add 1\n',
                          'rule r2 when tagged t1 then multiply by 2\n',
                          'rule r3 when text contains "talks" then add -1\n',
                          'rule r4 when date before 2021-01-10 then set to 0\n'])
    text += 'attribute fat "Fatalities" number from 0 default 0\n'
    text += 'attribute official "Official" one of [yes, no] default no\n'
    if r.random() < 0.3:
        text += "rule o1 when official is yes then add 1\n"
    if r.random() < 0.3:
        text += "rule f1 when fat >= 2 then add 1\n"
    if r.random() < 0.3:
        text += f"index d = {indices[0]} + {indices[-1]}\n"
    if r.random() < 0.3:
        text += ("bands " + indices[0] + " {\n  low <= -1 \"low\"\n  mid 0 to 2 \"mid\"\n"
                 "  high >= 3 \"high\"\n}\n")
    return text, indices


def event_text(r: random.Random) -> str:
    words = [r.choice(WORDS) for _ in range(r.randint(1, 3))]
    out = ""
    for k, w in enumerate(words):
        out += w if k == 0 else r.choice(SPACES) + w
    if r.random() < 0.1:
        out = r.choice(SPACES) + out + r.choice(SPACES)
    return out


CLEAN_DATES = ["4 January", "4 january", "04 January", "2021-01-04", "January 4", "5 January",
               "January", "January–February", "10-12 January", " 4 January"]
CLEAN_SCORES = ["+1", "1", "-2", " +3 ", "+0", "0", "-0", "x", "X", "", "", "", "+01"]


def rows(r: random.Random, indices: list[str], n: int) -> list[dict]:
    """Rows of cell texts; half the catalogues hold no mistake (their figures compared)."""
    clean = r.random() < 0.6
    dates, scores = (CLEAN_DATES, CLEAN_SCORES) if clean else (DATES, SCORES)
    categories = ["c1", "c2", "c1"] if clean else ["c1", "c2", "c1", "", "c3"]
    tags = ["", "t1", "t1;t2", "t2"] + ([] if clean else ["t3"])
    out: list[dict] = []
    for _ in range(n):
        if out and r.random() < 0.3:  # listed again, perhaps otherwise written
            row = dict(r.choice(out))
            if r.random() < 0.5:
                row["event"] = r.choice([row["event"].upper(), row["event"].lower(),
                                         row["event"].replace(" ", "  "), row["event"].casefold()])
            if r.random() < 0.5:
                for i in indices:
                    row[i] = r.choice(scores)
            out.append(row)
            continue
        row = {"date": r.choice(dates), "event": event_text(r),
               "category": r.choice(categories), "tags": r.choice(tags)}
        for i in indices:
            row[i] = r.choice(scores)
        if clean and not any(row[i].strip() for i in indices):
            row[indices[0]] = "+1"
        if r.random() < 0.05:
            row["ongoing"] = r.choice(["yes", "", "no", "true"])
        if r.random() < 0.2:
            row["official"] = r.choice(["yes", "", "no"] + ([] if clean else ["maybe"]))
        if r.random() < 0.3:
            row["fat"] = r.choice(["0", "1", "3", "", "2.5"] + ([] if clean else ["-1", "many"]))
        out.append(row)
    return out


PERIOD = 'period "P" from 2021-01-01 to 2021-02-28'


def typed(r: random.Random, name: str, value: str):
    """A cell's text as a typed value Parquet or JSON might hold."""
    if name in ("a", "b", "c", "score", "fat"):
        v = value.strip()
        try:
            number = int(v.replace("+", "")) if v.lstrip("+-").isdigit() else None
        except ValueError:
            number = None
        if number is not None and r.random() < 0.6:
            return r.choice([number, float(number)])
        return value if value else None
    if name in ("ongoing", "official") and value in ("yes", "") and r.random() < 0.5:
        return value == "yes"
    if name == "tags" and r.random() < 0.5:
        return [t for t in value.split(";") if t]
    return value if value or r.random() < 0.5 else None


def long_form(indices: list[str], data: list[dict]) -> list[dict]:
    """The rows in the long form: a row per score (an event with none: one row)."""
    out = []
    for d in data:
        scored = [i for i in indices if d.get(i, "").strip()] or indices[:1]
        for i in scored:
            row = {k: v for k, v in d.items() if k not in indices}
            out.append({**row, "index": i if len(out) % 3 else i.upper() + " index",
                        "score": d.get(i, "")})
    return out


def write(r: random.Random, folder: str, indices: list[str], data: list[dict]) -> str:
    if r.random() < 0.25:
        data, indices = long_form(indices, data), ["index", "score"]
    columns = ["date", "event", *indices, "category", "tags"]
    for extra in ("fat", "official"):
        if any(extra in d for d in data):
            columns.append(extra)
    if any("ongoing" in d for d in data):
        columns.append("ongoing")
    if r.random() < 0.2:
        r.shuffle(columns)
    kind = r.choice(["csv", "csv", "jsonl", "parquet"])
    path = os.path.join(folder, "cat." + kind)
    if kind == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator=r.choice(["\n", "\r\n"]),
                       delimiter=r.choice([",", ",", ";", "\t"]),
                       quoting=r.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        w.writerow([f"# {PERIOD}"])
        w.writerow(columns)
        for d in data:
            w.writerow([d.get(c, "") for c in columns])
        text = out.getvalue()
        if r.random() < 0.2:
            text = "\ufeff" + text
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path
    with open(path + ".period", "w", encoding="utf-8") as f:
        f.write(PERIOD + "\n")
    if kind == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for d in data:
                record = {c: typed(r, c, d.get(c, "")) for c in columns}
                record = {k: v for k, v in record.items() if v is not None or r.random() < 0.5}
                f.write(json.dumps(record, ensure_ascii=r.random() < 0.5) + "\n")
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for c in columns:
        values = [d.get(c, "") for c in [c] for d in data]
        if c in indices and c != "index" and r.random() < 0.5:
            numbers = []
            for v in values:
                s = v.strip()
                numbers.append(int(s) if s.lstrip("+-").isdigit() else None)
            kind_of = r.choice(["int", "float", "decimal"])
            if kind_of == "int":
                arrays[c] = pa.array(numbers, pa.int64())
            elif kind_of == "float":
                arrays[c] = pa.array([None if n is None else float(n) for n in numbers])
            else:
                arrays[c] = pa.array([None if n is None else decimal.Decimal(n) for n in numbers],
                                     pa.decimal128(6, r.choice([0, 2])))
        elif c == "date" and r.random() < 0.4:
            def day(v):
                for f in ("%Y-%m-%d", "%d %B"):
                    try:
                        d = dt.datetime.strptime(v.strip(), f)
                        return d.date().replace(year=2021)
                    except ValueError:
                        pass
                return None
            days = [day(v) for v in values]
            if r.random() < 0.5:
                arrays[c] = pa.array(days, pa.date32())
            else:
                arrays[c] = pa.array([None if d is None else dt.datetime(d.year, d.month, d.day)
                                      for d in days], pa.timestamp("us"))
        elif c in ("ongoing", "official") and all(v in ("yes", "") for v in values) \
                and r.random() < 0.5:
            arrays[c] = pa.array([v == "yes" for v in values], pa.bool_())
        elif c == "tags" and r.random() < 0.5:
            arrays[c] = pa.array([[t for t in v.split(";") if t] for v in values],
                                 pa.list_(pa.string()))
        else:
            arrays[c] = pa.array([v if v or r.random() < 0.5 else None for v in values],
                                 pa.string())
    pq.write_table(pa.table(arrays), path)
    return path


def _wording(said):
    """The output with a number said in a message as written by hand (`+4`, `4`, `4.0`)."""
    code, out = said
    return code, re.sub(r"(score |`)[+]?(-?\d+)(\.0)?( is|`)", r"\1\2\4", out)


def run(args, full=False):
    saved = streamed.eligible
    if full:
        streamed.eligible = lambda *a, **k: False
    try:
        result = CliRunner().invoke(main, args)
    finally:
        streamed.eligible = saved
    out = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        out += "".join(traceback.format_exception(result.exception))
    return result.exit_code, out


def once(r: random.Random, folder: str, spark: bool = False):
    rules, indices = scheme(r)
    data = rows(r, indices, r.randint(1, 12))
    rules_path = os.path.join(folder, "s.rules")
    with open(rules_path, "w", encoding="utf-8") as f:
        f.write(rules)
    path = write(r, folder, indices, data)
    base = ["eval", rules_path, path, "--format", "json"]
    got = {"tally": run(base + ["--engine", "python"]),
           "full": run(base + ["--engine", "python"], full=True),
           "duckdb": run(base + ["--engine", "duckdb"])}
    if spark:  # only where the others give figures: Spark places no finding in a file
        if got["full"][0] == 0:
            got["spark"] = run(base + ["--engine", "spark"])
            if _figures(got["spark"]) == _figures(got["full"]):
                got["spark"] = got["full"]
    return rules, path, got


def _figures(said):
    """The JSON figures of an output, or the output where it holds none."""
    code, out = said
    try:
        data = json.loads(out[out.index("{"):])
    except ValueError:
        return said
    return code, data.get("indices"), [l for l in out[:out.index("{")].splitlines()
                                       if "warning[" in l]


def main_() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", default=None)
    parser.add_argument("--spark", action="store_true",
                        help="also --engine spark (its figures and warnings, where python "
                             "gives figures; slow: a second or two a run)")
    options = parser.parse_args()
    differing = worded = 0
    for k in range(options.runs):
        r = random.Random(options.seed * 1_000_003 + k)
        with tempfile.TemporaryDirectory() as folder:
            rules, path, got = once(r, folder, options.spark)
            if len(set(got.values())) > 1:
                differing += 1
                if len({_wording(v) for v in got.values()}) == 1:
                    worded += 1  # only a message's wording of a number (known)
                    continue
                print(f"--- run {k}: differ ({os.path.basename(path)})")
                base = got["full"]
                for name in [n for n in got if n != "full"]:
                    if got[name] != base:
                        print(f"[full -> {name}] exit {base[0]} -> {got[name][0]}")
                        print("\n".join(list(difflib.unified_diff(
                            base[1].splitlines(), got[name][1].splitlines(), n=0,
                            lineterm=""))[2:14]))
                if options.save:
                    os.makedirs(options.save, exist_ok=True)
                    target = os.path.join(options.save, f"run-{options.seed}-{k}")
                    os.makedirs(target, exist_ok=True)
                    for name in os.listdir(folder):
                        with open(os.path.join(folder, name), "rb") as src, \
                                open(os.path.join(target, name), "wb") as dst:
                            dst.write(src.read())
        sys.stdout.flush()
    print(f"{options.runs} runs, {differing} differing ({worded} of them only in how a "
          "message writes a JSON Lines number in a column of texts and numbers: +4, 4, 4.0)")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main_())
