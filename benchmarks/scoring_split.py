"""The python engine's reading and scoring apart (issue 19): one catalogue read by
the reader alone (dsl/load.py `read_events`, no check stages), then the plan run on
it (engine/plan.py `evaluate`: matching, scoring, the sums) --runs times, in one
process; CPU time (time.process_time) of the reading and the median of the scoring.

    python benchmarks/scoring_split.py RULES CATALOGUE [--runs 3]

Prints one JSON line: {"entries", "read_cpu", "score_cpu", "score_runs", "signatures"}
("signatures": the distinct signatures, where the plan names them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules")
    parser.add_argument("catalogue")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from barometer import load_scheme
    from barometer.dsl.load import read_events
    from barometer.engine import plan

    scheme = load_scheme(args.rules)
    start = time.process_time()
    catalogue = read_events([args.catalogue], scheme, None, frozenset())[0]
    read = time.process_time() - start
    runs = []
    for _ in range(args.runs):
        start = time.process_time()
        plan.evaluate(scheme, catalogue)
        runs.append(time.process_time() - start)
    signatures = (len(plan.Plan(scheme).group(catalogue)[1])
                  if hasattr(plan.Plan, "group") else None)
    print(json.dumps({"entries": sum(len(e.scores) for e in catalogue.events),
                      "read_cpu": round(read, 3), "score_cpu": round(statistics.median(runs), 3),
                      "score_runs": [round(r, 3) for r in runs], "signatures": signatures}))


if __name__ == "__main__":
    main()
