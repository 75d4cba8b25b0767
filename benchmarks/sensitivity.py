"""Sensitivity analysis speed: 10,000 samples over the No 19 catalogue.

The goal (issue 4): under one second of wall time on a 2-core machine. Loading
and evaluating happen once, as in the command; the analysis itself is timed
several times and the median reported, beside a baseline in the same process
(one plain evaluation of No 19), so that the machine's speed can be read off.

    python benchmarks/sensitivity.py [--samples 10000] [--runs 7]
"""

import argparse
import sys
from pathlib import Path

from timing import median_time  # benchmarks/timing.py

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from barometer import evaluate, load_catalogue, load_scheme
    from barometer.engine.sensitivity import analyse

    events = [str(ROOT / "examples" / "minsk-barometer-19.events")]
    worst = 0.0
    for name in ("minsk-by-category.rules", "minsk-barometer.rules"):
        scheme = load_scheme(str(ROOT / "rules" / name))
        catalogue = load_catalogue(events, scheme)
        evaluation = evaluate(scheme, catalogue)
        varies = list(scheme.varies)
        baseline = median_time(lambda: evaluate(scheme, catalogue), args.runs)
        took = median_time(lambda: analyse(evaluation, varies, args.samples, seed=1), args.runs)
        worst = max(worst, took)
        params = len(analyse(evaluation, varies, 10, seed=1).parameters)
        print(f"{name:28s} {args.samples} samples, {params} parameters: median {took:.3f} s "
              f"(one evaluation: {baseline * 1000:.2f} ms, ratio {took / baseline:.0f}x)")
    print(f"goal: under 1 s; worst median {worst:.3f} s")
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
