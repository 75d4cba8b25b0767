"""Checking and evaluating large catalogues: seconds per megabyte, and whether
time grows linearly with size (issue 3: a 10 MB catalogue checks in seconds).

The catalogue is No 19's events repeated with fresh dates and texts, so that it
is valid and in date order. Each size is run several times in this process and
the median taken; the ratio of time per MB at the largest size to the smallest
shows whether growth is linear (about 1) or worse.

    python benchmarks/large_catalogue.py [--sizes 1 2 5 10] [--runs 3]
"""

import argparse
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

from timing import median_time  # benchmarks/timing.py

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "minsk-barometer.rules"
EVENTS = ROOT / "examples" / "minsk-barometer-19.events"


def blocks() -> list[str]:
    text = EVENTS.read_text(encoding="utf-8")
    body = text[text.index("\n[") + 1:]
    return ["[" + b.split("]", 1)[1].rstrip() + "\n" for b in body.split("\n[") if "]" in b]


def catalogue(megabytes: float) -> str:
    events = blocks()
    out = ['period "Large" from 2000-01-01 to 2199-12-31\n\n']
    size, day, n = len(out[0]), dt.date(2000, 1, 1), 0
    while size < megabytes * 1_000_000:
        block = events[n % len(events)]
        block = re.sub(r"\bongoing\n", "", block)
        block = f"[{day.day} {day:%B} {day.year}]" + block[1:].replace("\n", f" (copy {n})\n", 1)
        out.append(block + "\n")
        size += len(block) + 1
        n += 1
        if n % 3 == 0:
            day += dt.timedelta(days=1)
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 5, 10])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from barometer import evaluate, load_catalogue, load_scheme
    from barometer.checker import check_files

    scheme = load_scheme(str(RULES))
    folder = Path(tempfile.mkdtemp())
    rows = []
    for mb in args.sizes:
        path = folder / f"large-{mb}.events"
        path.write_text(catalogue(mb), encoding="utf-8")
        real_mb = path.stat().st_size / 1_000_000
        check = median_time(lambda: check_files([str(RULES), str(path)]), args.runs)
        ev = median_time(lambda: evaluate(scheme, load_catalogue([str(path)], scheme)), args.runs)
        report = check_files([str(RULES), str(path)])
        rows.append((real_mb, check, ev, report.errors, report.warnings))
        print(f"{real_mb:6.2f} MB  check {check:6.2f} s ({check / real_mb:5.2f} s/MB)  "
              f"eval {ev:6.2f} s ({ev / real_mb:5.2f} s/MB)  "
              f"findings: {report.errors} errors, {report.warnings} warnings", flush=True)
    first, last = rows[0], rows[-1]
    growth = (last[1] / last[0]) / (first[1] / first[0])
    print(f"check time per MB, largest vs smallest: x{growth:.2f} (1.0 is linear)")
    return 0 if last[3] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
