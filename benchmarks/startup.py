"""Cold start of `barometer eval` on No 19, against a bare `python -c pass`.

The goal (issue 19): within 60 ms of CPU of the bare interpreter on the same
machine, with a plain install (`pip install .`, not editable). All are run
alternately in this process's children, several times, and the medians
compared, so that the machine's load affects all alike. Run it with the
interpreter of the environment to measure:

    /path/to/venv/bin/python benchmarks/startup.py [--runs 21] [--importtime 5]

The children run without PYTHONDONTWRITEBYTECODE: with it, an editable install
compiles every module from source at every start (about 90 ms here), which no
user's install does. `--importtime N` adds where the time goes: `python -X
importtime`, self times summed by package, medians of N runs.
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


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd, cwd=ROOT, cpu: list | None = None) -> float:
    """The wall time of running `cmd`; its CPU time (user + system) is appended
    to `cpu` if given, which a loaded machine disturbs far less."""
    import resource

    def children() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    before = children()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=cwd, env=ENV)
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
    parser.add_argument("--budget-ms", type=float, default=60.0)
    parser.add_argument("--importtime", type=int, default=0, metavar="N")
    args = parser.parse_args()
    exe = barometer_exe()
    if exe is None:
        print("barometer is not installed in this environment", file=sys.stderr)
        return 2
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set here; the children run without it")
    runs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        # what the two required libraries cost to import, for reading the result
        "import click, attrs": [sys.executable, "-c", "import click, attrs"],
        "import barometer.api": [sys.executable, "-c", "import barometer.api"],
        "import barometer.main": [sys.executable, "-c", "import barometer.main"],
        "barometer eval No 19": [exe, "eval", "rules/minsk-barometer.rules",
                                 "examples/minsk-barometer-19.events"],
    }
    for cmd in runs.values():
        timed(cmd)  # a first run fills the parse-table cache and writes bytecode, as a first use
    wall: dict[str, list] = {k: [] for k in runs}
    cpu: dict[str, list] = {k: [] for k in runs}
    for _ in range(args.runs):
        for name, cmd in runs.items():
            wall[name].append(timed(cmd, cpu=cpu[name]))
    b = statistics.median(wall["python -c pass"]) * 1000
    cb = statistics.median(cpu["python -c pass"]) * 1000
    print(f"{sys.executable}, {'editable' if 'editable' in _origin() else 'plain'} install, "
          f"medians of {args.runs}:")
    for name in runs:
        w, c = statistics.median(wall[name]) * 1000, statistics.median(cpu[name]) * 1000
        print(f"  {name:<24} wall {w:7.1f} ms (+{w - b:6.1f})   CPU {c:6.1f} ms (+{c - cb:6.1f})")
    over = statistics.median(cpu["barometer eval No 19"]) * 1000 - cb
    print(f"eval over bare python: +{over:.1f} ms CPU (budget {args.budget_ms:.0f} ms)")
    if args.importtime:
        importtime(args.importtime)
    return 0 if over <= args.budget_ms else 1


def _origin() -> str:
    import importlib.util

    spec = importlib.util.find_spec("barometer")
    return f"{spec.origin} {spec.loader}" if spec else ""


def importtime(runs: int) -> None:
    """Where the imports' time goes: self times by package, medians of `runs`."""
    by: dict[str, list] = {}
    modules: dict[str, list] = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                               "import barometer.main, barometer.verbs.eval"],
                              cwd=ROOT, capture_output=True, text=True, check=True, env=ENV)
        this: dict[str, int] = {}
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = line[len("import time:"):].split("|", 2)
            name = name.strip()
            modules.setdefault(name, []).append(int(self_us))
            package = name.split(".")[0]
            this[package] = this.get(package, 0) + int(self_us)
        for package, us in this.items():
            by.setdefault(package, []).append(us)
    med = {k: statistics.median(v) / 1000 for k, v in by.items()}
    total = sum(med.values())
    print(f"imports (python -X importtime, medians of {runs}): {total:.0f} ms; by package: "
          + ", ".join(f"{k} {v:.1f}" for k, v in sorted(med.items(), key=lambda kv: -kv[1])[:12]))
    top = sorted(((statistics.median(v) / 1000, k) for k, v in modules.items()), reverse=True)
    print("  largest modules (self): " + ", ".join(f"{k} {v:.1f}" for v, k in top[:12]))


if __name__ == "__main__":
    sys.exit(main())
