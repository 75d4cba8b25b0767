"""Memory across many DuckDB evaluations in one process (a notebook evaluating
thousands of times, a fuzz worker under an address-space limit): the resident and
virtual memory and the threads, every tenth of the run, of N evaluations of a small
catalogue, the results and the exceptions of refused ones kept, as a notebook's
history or a test runner keeps them. Flat, since each evaluation closes its database.

    python benchmarks/duckdb_memory.py [--evaluations 500]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

RULES = 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\ncategory x "X"\n'
HEAD = '# period "P" from 2021-01-01 to 2021-01-31\ndate,event,a,category\n'


def memory() -> tuple[int, int, int]:
    """(resident MiB, virtual MiB, threads) of this process (Linux)."""
    pages = open("/proc/self/statm").read().split()
    size = os.sysconf("SC_PAGE_SIZE")
    return (int(pages[1]) * size >> 20, int(pages[0]) * size >> 20,
            len(os.listdir("/proc/self/task")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=500)
    n = parser.parse_args().evaluations
    from barometer import api

    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder, "s.rules")
        rules.write_text(RULES, encoding="utf-8")
        good, bad = Path(folder, "good.csv"), Path(folder, "bad.csv")
        good.write_text(HEAD + "".join(f"{1 + k % 28} January,Talks {k},+1,x\n"
                                       for k in range(200)), encoding="utf-8")
        bad.write_text(HEAD + "1 January,Talks,+1,nosuch\n", encoding="utf-8")
        kept = []
        print("evaluations  resident MiB  virtual MiB  threads")
        for k in range(n):
            try:
                kept.append(api.evaluate(str(rules), [str(good if k % 2 else bad)], None,
                                         "duckdb"))
            except Exception as e:  # noqa: BLE001 - kept, as a notebook keeps it
                kept.append(e)
            if k % max(1, n // 10) == 0 or k == n - 1:
                print(f"{k + 1:11}  {memory()[0]:12}  {memory()[1]:11}  {memory()[2]:7}",
                      flush=True)


if __name__ == "__main__":
    main()
