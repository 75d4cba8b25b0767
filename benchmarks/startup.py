"""Cold start of `barometer eval` on No 19, against a bare `python -c pass`.

The goal (issue 2): within 100 ms of the bare interpreter on the same machine.
Both are run alternately in this process's children, several times, and the
medians compared, so that the machine's load affects both alike.

    python benchmarks/startup.py [--runs 21]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd, cwd=ROOT, cpu: list | None = None) -> float:
    """The wall time of running `cmd`; its CPU time (user + system) is appended
    to `cpu` if given, which a loaded machine disturbs far less."""
    import resource

    def children() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    before = children()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=cwd)
    took = time.perf_counter() - start
    if cpu is not None:
        cpu.append(children() - before)
    return took


def barometer_exe() -> str | None:
    """The `barometer` command of this interpreter's environment."""
    return shutil.which("barometer", path=os.path.dirname(sys.executable)) or shutil.which(
        "barometer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--budget-ms", type=float, default=100.0)
    args = parser.parse_args()
    exe = barometer_exe()
    if exe is None:
        print("barometer is not installed in this environment", file=sys.stderr)
        return 2
    bare = [sys.executable, "-c", "pass"]
    # what the two required libraries cost to import, for reading the result
    libraries = [sys.executable, "-c", "import click, attrs"]
    job = [exe, "eval", "rules/minsk-barometer.rules", "examples/minsk-barometer-19.events"]
    timed(job)  # a first run fills the parse-table cache, as any first use does
    base, libs, ours = [], [], []
    cpu: dict[str, list] = {"base": [], "libs": [], "ours": []}
    for _ in range(args.runs):
        base.append(timed(bare, cpu=cpu["base"]))
        libs.append(timed(libraries, cpu=cpu["libs"]))
        ours.append(timed(job, cpu=cpu["ours"]))
    b, l, o = (statistics.median(x) * 1000 for x in (base, libs, ours))
    cb, cl, co = (statistics.median(cpu[k]) * 1000 for k in ("base", "libs", "ours"))
    print(f"python -c pass                 median {b:7.1f} ms  (CPU {cb:.1f} ms)")
    print(f"python -c 'import click, attrs' median {l:7.1f} ms  (+{l - b:.1f} ms; CPU "
          f"+{cl - cb:.1f} ms)")
    print(f"barometer eval No 19           median {o:7.1f} ms  (+{o - b:.1f} ms; CPU "
          f"+{co - cb:.1f} ms)")
    print(f"difference from bare python    {o - b:7.1f} ms (budget {args.budget_ms:.0f} ms)")
    return 0 if o - b <= args.budget_ms else 1


if __name__ == "__main__":
    sys.exit(main())
