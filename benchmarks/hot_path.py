"""The hot path of `eval` (issue 8 item 6): barometer against a hand-written
Python loop doing the same scoring, on generated catalogues of 10^3 to 10^5 events.

The scheme (benchmarks/catalogues.py): 24 weighted categories, score
`direction * weight`, three per-relationship overrides, +/-1 for heads of state,
clamp. Every figure is the median CPU time of several runs in this process (CPU
time: see benchmarks/timing.py); every ratio is against the baseline measured in
the same process, just before, so that the machine's speed cancels out:

- eval only: `evaluate(scheme, catalogue)` on a catalogue already read, against
  the loop scoring records already read (category, tags, (index, score) pairs);
- end to end: what `barometer eval` does after loading the scheme (read the
  CSV, check it, evaluate, render the table), against the csv module reading
  the same file and the loop scoring it;
- reading: `.events` and CSV catalogues read and checked, in events per second;
- cold start: `barometer eval` on No 19 against `python -c pass`
  (benchmarks/startup.py, fewer runs).

The figures barometer computes are compared with the loop's before anything is
timed: a benchmark of two different computations would mean nothing.

    python benchmarks/hot_path.py [--sizes 1000 10000 100000] [--runs 5] [--no-startup]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalogues as gen  # noqa: E402  (benchmarks/catalogues.py)
from timing import median_cpu_time as median_time  # noqa: E402

GOALS = {"eval": 3.0, "e2e": 5.0, "events_rate": 30_000, "csv_rate": 200_000, "startup": 100.0}


def run_eval_command(scheme, path: str):
    """`barometer eval` after the scheme is loaded: read, check, evaluate, render."""
    from barometer import evaluate, output
    from barometer.engine.verify import read_catalogue_checked

    catalogue, problems = read_catalogue_checked([path], scheme, None, errors_only=True)
    assert catalogue is not None and not [p for p in problems if p.severity == "error"], \
        problems[:3]
    result = evaluate(scheme, catalogue)
    output.evaluation(result, "table", colour=False)
    return result


def figures(result) -> dict:
    return {k: (r.positive, r.negative, r.events) for k, r in result.indices.items()}


def records_of(catalogue) -> list:
    """The loop's input, from the catalogue barometer read (so both score the same)."""
    return [(e.category.name, {t.name for t in e.tags}, [(s.index, s.value) for s in e.scores])
            for e in catalogue.events]


def measure(size: int, runs: int, folder: Path, scheme) -> dict:
    from barometer import evaluate
    from barometer.dsl.events import read_catalogue

    items = gen.events(size)
    events_path = folder / f"hot-{size}.events"
    csv_path = folder / f"hot-{size}.csv"
    events_path.write_text(gen.events_text(items), encoding="utf-8")
    csv_path.write_text(gen.csv_text(items), encoding="utf-8")

    # the same figures, three ways, before anything is timed
    expected = gen.loop_from_csv(str(csv_path))
    result = run_eval_command(scheme, str(csv_path))
    assert figures(result) == expected, (figures(result), expected)
    from_events = run_eval_command(scheme, str(events_path))
    assert figures(from_events) == expected
    catalogue = from_events.catalogue
    records = records_of(catalogue)
    assert gen.score_records(records) == expected

    row = {"size": size}
    row["loop_eval"] = median_time(lambda: gen.score_records(records), runs)
    row["eval"] = median_time(lambda: evaluate(scheme, catalogue), runs)
    row["loop_e2e"] = median_time(lambda: gen.loop_from_csv(str(csv_path)), runs)
    row["e2e"] = median_time(lambda: run_eval_command(scheme, str(csv_path)), runs)
    row["read_events"] = median_time(lambda: read_catalogue([str(events_path)], scheme), runs)
    row["read_csv"] = median_time(lambda: read_catalogue([str(csv_path)], scheme), runs)
    return row


def startup_ms(runs: int) -> dict[str, float]:
    """Medians in ms of bare python and `barometer eval` on No 19: wall time,
    and the children's CPU time (user + system)."""
    from startup import ROOT, barometer_exe, timed

    exe = barometer_exe()
    job = [exe, "eval", "rules/minsk-barometer.rules", "examples/minsk-barometer-19.events"]
    timed(job, ROOT)
    out: dict[str, list] = {"bare": [], "ours": [], "bare_cpu": [], "ours_cpu": []}
    for _ in range(runs):
        for key, cmd in (("bare", [sys.executable, "-c", "pass"]), ("ours", job)):
            out[key].append(timed(cmd, ROOT, cpu=out[key + "_cpu"]))
    return {k: statistics.median(v) * 1000 for k, v in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=11)
    parser.add_argument("--no-startup", action="store_true")
    args = parser.parse_args()
    from barometer import load_scheme

    folder = Path(tempfile.mkdtemp())
    rules = folder / "hot.rules"
    rules.write_text(gen.SCHEME, encoding="utf-8")
    scheme = load_scheme(str(rules))
    met = True
    print("| events | loop: score | eval | ratio | loop: csv + score | eval end to end (CSV) "
          "| ratio | read .events | read CSV |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        # big catalogues take long per run: fewer runs, still a median
        runs = max(3, args.runs if size <= 20_000 else args.runs // 2 + 1)
        r = measure(size, runs, folder, scheme)
        ev, e2e = r["eval"] / r["loop_eval"], r["e2e"] / r["loop_e2e"]
        ev_rate, csv_rate = size / r["read_events"], size / r["read_csv"]
        print(f"| {size:,} | {r['loop_eval'] * 1000:.1f} ms | {r['eval'] * 1000:.1f} ms | "
              f"{ev:.1f}x | {r['loop_e2e'] * 1000:.1f} ms | {r['e2e'] * 1000:.1f} ms | "
              f"{e2e:.1f}x | {ev_rate:,.0f}/s | {csv_rate:,.0f}/s |", flush=True)
        met &= ev <= GOALS["eval"] and e2e <= GOALS["e2e"]
        met &= ev_rate >= GOALS["events_rate"] and csv_rate >= GOALS["csv_rate"]
    print(f"\ngoals: eval within {GOALS['eval']:.0f}x of the loop, end to end within "
          f"{GOALS['e2e']:.0f}x, .events read at >= {GOALS['events_rate']:,}/s, CSV at "
          f">= {GOALS['csv_rate']:,}/s")
    if not args.no_startup:
        t = startup_ms(args.startup_runs)
        print(f"cold `barometer eval` No 19: wall {t['ours']:.1f} ms against bare python "
              f"{t['bare']:.1f} ms: +{t['ours'] - t['bare']:.1f} ms; CPU {t['ours_cpu']:.1f} ms "
              f"against {t['bare_cpu']:.1f} ms: +{t['ours_cpu'] - t['bare_cpu']:.1f} ms "
              f"(goal: within {GOALS['startup']:.0f} ms)")
        met &= t["ours"] - t["bare"] <= GOALS["startup"]
    print("all goals met" if met else "not every goal is met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
