"""What checking and evaluating cost against the size of the rules file (issue 17
item 14): chained derived indices (`check`), independent derived indices
(`eval`), many rules (`check`). Each should grow as the file does.

    python benchmarks/checking_cost.py            # every family, the issue's sizes
    python benchmarks/checking_cost.py --quick    # smaller sizes
    python benchmarks/checking_cost.py --profile chain:2000   # cProfile of one run

Times are CPU seconds of this process (benchmarks/timing.py says why), in-process
through the CLI, the median of --runs runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_cpu_time  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "minsk-barometer.rules"
EVENTS = ROOT / "examples" / "minsk-barometer-19.events"


def chain(n: int) -> str:
    """Derived indices each reading the one before: d1 = russia + 1, d2 = d1 + 1, ..."""
    lines = ['index d1 "D1" = russia + 1']
    lines += [f'index d{i} "D{i}" = d{i - 1} + 1' for i in range(2, n + 1)]
    return "\n".join(lines) + "\n"


def independent(n: int) -> str:
    """Derived indices reading only the scheme's own indices."""
    return "".join(f'index x{i} "X{i}" = russia + us * {i % 7} - positive(eu)\n'
                   for i in range(n))


def many_rules(n: int) -> str:
    """Rules of the kinds a large scheme has: by category, by tag, by score."""
    kinds = ["when category is statements and index is us then add 1",
             "when tagged covid then multiply by 2",
             "when recorded > 1 and not index is eu then add -1",
             "when category in [visits, contacts] then clamp"]
    return "".join(f'rule r{i} "R{i}" {kinds[i % len(kinds)]}\n' for i in range(n))


FAMILIES = {
    # name: (what it makes, verb, sizes, quick sizes)
    "chain": (chain, "check", [1000, 2000, 4000], [250, 500, 1000]),
    "independent": (independent, "eval", [2500, 5000, 10000], [1000, 2000, 4000]),
    "rules": (many_rules, "check", [2000, 4000, 8000], [500, 1000, 2000]),
}


def scheme_file(folder: str, body: str) -> str:
    path = os.path.join(folder, "s.rules")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'scheme "Big" version "1"\nextends "{RULES}"\n{body}')
    return path


def runner(verb: str, path: str):
    from click.testing import CliRunner

    from barometer.main import main

    def run():
        result = CliRunner().invoke(main, [verb, path, str(EVENTS)])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if result.exit_code not in (0, 1):
            raise SystemExit(f"{verb} exited {result.exit_code}:\n{result.output[:2000]}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--profile", metavar="FAMILY:SIZE")
    args = parser.parse_args()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    with tempfile.TemporaryDirectory() as folder:
        if args.profile:
            import cProfile
            import pstats

            name, size = args.profile.split(":")
            make, verb, _, _ = FAMILIES[name]
            run = runner(verb, scheme_file(folder, make(int(size))))
            profile = cProfile.Profile()
            profile.runcall(run)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
            return 0
        for name in args.families.split(","):
            make, verb, sizes, quick = FAMILIES[name]
            previous = None
            for size in quick if args.quick else sizes:
                run = runner(verb, scheme_file(folder, make(size)))
                seconds = median_cpu_time(run, args.runs)
                growth = f"  x{seconds / previous:.1f}" if previous else ""
                print(f"{name:12} {verb:6} {size:6}: {seconds:7.2f} s{growth}", flush=True)
                previous = seconds
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
