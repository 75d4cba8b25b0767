"""Fuzzing barometer's eval, check and fmt in-process (issue 13 item 10).

Generated inputs (mutations of the shipped rules, event files and CSV, and files
made from scratch: see fuzz/families.py) are run through click's CliRunner on
`barometer.main.main`, each in a fresh folder, in a pool of worker processes
(each run under a timer: a hang is caught and counted, not fatal; a worker
that dies or will not stop is replaced). Every outcome is classified (ok,
traceback, hang, unlocated, bad-exit, fmt-broken, fmt-refused, crash: see
fuzz/harness.py), counted per verb and per family, and every distinct cause
(a traceback's exception type and innermost barometer frame) is shrunk to a
small reproducer and saved under --save.

    python benchmarks/fuzz.py --count 20000 --seed 0 --save benchmarks/fuzz-findings

The same seed and count give the same inputs, whatever the number of workers.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing as mp
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
import time
from multiprocessing.connection import wait
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "fuzz"))

import families  # noqa: E402  (benchmarks/fuzz/families.py)

OUTCOMES = ["ok", "traceback", "hang", "unlocated", "bad-exit", "fmt-broken", "fmt-refused",
            "engines-differ", "file-written", "crash"]
VERBS = ["eval", "check", "fmt", "engines"]  # engines: one eval per engine, compared
MEMORY_LIMIT = 4 << 30  # per worker: a memory bomb becomes a MemoryError, not a dead machine


# --- workers --------------------------------------------------------------------

def worker(conn, seed: int, timeout: float, only, scratch: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    import harness  # noqa: PLC0415  (benchmarks/fuzz/harness.py)

    harness.setup()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task[0] == "stop":
            return
        if task[0] == "run":
            number = task[1]
            case = families.make_case(seed, number, only)
            record = harness.run_case(case, timeout, scratch)
            record.update(number=number, family=case["family"], verb=case["verb"])
            if record["outcome"] != "ok":
                record["case"] = case
            conn.send(record)
        elif task[0] == "shrink":
            _, case, outcome, cause, seconds, budget = task
            small, runs = harness.shrink(case, outcome, cause, seconds, budget, scratch)
            note = ""
            again = harness.run_case(small, timeout, scratch)
            if outcome == "hang" and again["outcome"] != "hang":
                # the shrunk input no longer hangs at the full timeout (a borderline case)
                note = (f"the shrunk input took {again['seconds']:.1f} s, under the full "
                        f"timeout: kept the input as generated")
                small, again = case, None
            detail = again["detail"] if again and again["outcome"] == outcome else None
            conn.send({"case": small, "runs": runs, "note": note, "detail": detail})


class Worker:
    def __init__(self, ctx, seed, timeout, only, scratch):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker, args=(child, seed, timeout, only, scratch),
                                   daemon=True)
        self.process.start()
        child.close()
        self.task = None
        self.deadline = None
        self.started = None
        self.done = 0

    def send(self, task, seconds):
        self.task = task
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.conn.send(task)

    def kill(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self):
        try:
            self.conn.send(("stop",))
        except (OSError, BrokenPipeError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)


class Pool:
    """Workers doing one task at a time, with a hard deadline on each task."""

    def __init__(self, jobs, seed, timeout, only, scratch, recycle=2500):
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.args = (seed, timeout, only, scratch)
        self.recycle = recycle
        self.workers = [Worker(self.ctx, *self.args) for _ in range(jobs)]

    def replace(self, w):
        w.kill()
        i = self.workers.index(w)
        self.workers[i] = Worker(self.ctx, *self.args)

    def run(self, tasks, on_result, on_lost, tick=None):
        """Feed `tasks` (an iterator of (task, hard deadline in seconds)) to the
        workers; `on_result(task, reply)`, `on_lost(task, why)` for a worker that
        died or missed the hard deadline."""
        tasks = iter(tasks)
        exhausted = False
        while True:
            for i, w in enumerate(self.workers):
                if w.task is None and not exhausted:
                    if w.done >= self.recycle:  # a fresh process now and then
                        self.replace(w)
                        w = self.workers[i]
                    try:
                        task, seconds = next(tasks)
                    except StopIteration:
                        exhausted = True
                        break
                    w.send(task, seconds)
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                return
            ready = wait([w.conn for w in busy], timeout=0.25)
            now = time.monotonic()
            for w in busy:
                if w.conn in ready:
                    try:
                        reply = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join(5)
                        task, w.task = w.task, None
                        on_lost(task, f"worker died (exit status {w.process.exitcode})",
                                now - w.started)
                        self.replace(w)
                        continue
                    task, w.task = w.task, None
                    w.done += 1
                    on_result(task, reply)
                elif now > w.deadline:
                    task, w.task = w.task, None
                    on_lost(task, "hard deadline", now - w.started)
                    self.replace(w)
            if tick:
                tick()

    def close(self):
        for w in self.workers:
            w.stop()


# --- the run --------------------------------------------------------------------

def size(case) -> int:
    total = len(case.get("stdin") or "")
    return total + sum(len(c) for c in case["files"].values())


class Tally:
    def __init__(self):
        self.by_verb = collections.Counter()
        self.by_family = collections.Counter()
        self.causes: dict[str, dict] = {}
        self.done = 0
        self.slowest = (0.0, None)

    def add(self, family, verb, outcome, cause, detail, case, number, seconds):
        self.done += 1
        self.by_verb[verb, outcome] += 1
        self.by_family[family, outcome] += 1
        if seconds > self.slowest[0] and outcome == "ok":
            self.slowest = (seconds, number)
        if outcome == "ok":
            return
        entry = self.causes.setdefault(cause, {
            "outcome": outcome, "cause": cause, "count": 0, "verbs": collections.Counter(),
            "families": collections.Counter(), "numbers": [], "case": None, "detail": detail})
        entry["count"] += 1
        entry["verbs"][verb] += 1
        entry["families"][family] += 1
        if len(entry["numbers"]) < 10:
            entry["numbers"].append(number)
        if case is not None and (entry["case"] is None or size(case) < size(entry["case"])):
            entry["case"], entry["detail"] = case, detail

    def outcome_counts(self):
        out = collections.Counter()
        for (_, outcome), n in self.by_verb.items():
            out[outcome] += n
        return out


class Progress:
    def __init__(self, total, stream=sys.stderr, quiet=False):
        self.total, self.stream, self.quiet = total, stream, quiet
        self.tty = stream.isatty()
        self.start = self.last = time.monotonic()

    def show(self, tally, final=False):
        now = time.monotonic()
        if self.quiet or (not final and now - self.last < (0.5 if self.tty else 30)):
            return
        self.last = now
        took = now - self.start
        rate = tally.done / took if took else 0
        eta = (self.total - tally.done) / rate if rate else 0
        counts = tally.outcome_counts()
        bad = " ".join(f"{o} {counts[o]}" for o in OUTCOMES[1:] if counts[o])
        line = (f"[{tally.done:>6}/{self.total}] {rate:5.1f}/s  eta {eta:5.0f} s  "
                f"ok {counts['ok']}  {bad}")
        if self.tty:
            self.stream.write("\r" + line[:160].ljust(100) + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def table(rows, header) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                       for i, (c, w) in enumerate(zip(r, widths))) for r in [header] + rows]
    return "\n".join(lines)


def command_line(case) -> str:
    text = "barometer " + " ".join(shlex.quote(a) for a in case["args"])
    if case.get("stdin") is not None:
        text += " < stdin.txt"
    return text


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def save(folder: Path, tally: Tally, ranked: list[dict], meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():  # only what an earlier run saved here
        if old.is_dir() and re.match(r"\d\d-", old.name):
            shutil.rmtree(old)
    index = []
    for n, entry in enumerate(ranked, 1):
        case = entry["case"]
        if case is None:
            continue
        where = folder / f"{n:02d}-{slug(entry['outcome'] + '-' + entry['cause'])}"
        where.mkdir()
        for name, content in case["files"].items():
            path = where / name
            if isinstance(content, str):
                content = content.encode("utf-8")
            path.write_bytes(content)
        if case.get("stdin") is not None:
            (where / "stdin.txt").write_bytes(case["stdin"].encode("utf-8"))
        verbs = ", ".join(f"{v} {c}" for v, c in entry["verbs"].most_common())
        fams = ", ".join(f"{f} {c}" for f, c in entry["families"].most_common())
        (where / "cause.txt").write_text(
            f"outcome: {entry['outcome']}\ncause: {entry['cause']}\n"
            f"inputs: {entry['count']} of {tally.done} (verbs: {verbs}; families: {fams})\n"
            f"run here: {command_line(case)}\n"
            f"generated as case {case.get('number')} of seed {meta['seed']} "
            f"(shrunk in {entry.get('runs', 0)} runs{'; ' + entry['note'] if entry.get('note') else ''})\n"
            f"\n{entry['detail'].rstrip()}\n", encoding="utf-8")
        index.append({"folder": where.name, "outcome": entry["outcome"], "cause": entry["cause"],
                      "count": entry["count"], "command": command_line(case),
                      "verbs": dict(entry["verbs"]), "families": dict(entry["families"])})
    summary = dict(meta, outcomes=dict(tally.outcome_counts()),
                   by_verb={f"{v} {o}": n for (v, o), n in sorted(tally.by_verb.items())},
                   by_family={f"{f} {o}": n for (f, o), n in sorted(tally.by_family.items())},
                   findings=index)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="inputs to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", metavar="DIR", help="save one shrunk reproducer per cause here")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a run is a hang")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--families", help="comma-separated families to run (default: all): "
                        + ", ".join(families.FAMILIES))
    parser.add_argument("--start", type=int, default=0, help="first case number (to resume)")
    parser.add_argument("--no-shrink", action="store_true", help="save causes as generated")
    parser.add_argument("--shrink-budget", type=float, default=45.0,
                        help="seconds of shrinking per cause")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args()
    only = [f.strip() for f in args.families.split(",")] if args.families else None
    if only and set(only) - set(families.FAMILIES):
        parser.error(f"unknown families: {', '.join(sorted(set(only) - set(families.FAMILIES)))}")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy in every worker: one thread each
    os.environ["NO_COLOR"] = "1"
    scratch = tempfile.mkdtemp(prefix="barometer-fuzz-")
    pool = Pool(max(1, args.jobs), args.seed, args.timeout, only, scratch)
    tally = Tally()
    progress = Progress(args.count, quiet=args.quiet)
    hard = args.timeout * 5 + 20  # a run, the checks after a fmt, and some slack
    began = time.monotonic()

    def on_result(task, record):
        tally.add(record["family"], record["verb"], record["outcome"], record["cause"],
                  record["detail"], record.get("case"), record["number"], record["seconds"])

    def on_lost(task, why, seconds):
        case = families.make_case(args.seed, task[1], only)
        outcome, cause = ("crash", why) if why.startswith("worker died") else (
            "hang", f"hang that the timer could not stop (>{seconds:.0f} s)")
        tally.add(case["family"], case["verb"], outcome, cause, why, case, task[1], seconds)

    interrupted = False
    try:
        pool.run(((("run", n), hard) for n in range(args.start, args.start + args.count)),
                 on_result, on_lost, tick=lambda: progress.show(tally))
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: reporting what ran", file=sys.stderr)
    progress.show(tally, final=True)
    fuzz_seconds = time.monotonic() - began
    ranked = sorted(tally.causes.values(), key=lambda e: (-e["count"], e["cause"]))

    if not args.no_shrink and not interrupted and ranked:
        # a RecursionError shrunk to the edge of the recursion limit would depend on
        # the caller's stack depth: those are saved as generated (about 1,000 terms)
        todo = [e for e in ranked if e["case"] is not None and e["outcome"] != "crash"
                and not e["cause"].startswith(("hang that", "RecursionError"))]
        by_cause = {e["cause"]: e for e in todo}
        print(f"shrinking {len(todo)} causes ...", file=sys.stderr)

        def shrink_tasks():
            for e in todo:
                hang = e["outcome"] == "hang"
                seconds = args.timeout
                budget = args.shrink_budget * (2 if hang else 1)
                yield (("shrink", e["case"], e["outcome"], e["cause"], seconds, budget),
                       budget + args.timeout * 3 + 30)

        def shrunk(task, reply):
            e = by_cause[task[3]]
            e["case"], e["runs"], e["note"] = reply["case"], reply["runs"], reply["note"]
            e["detail"] = reply["detail"] or e["detail"]
            print(f"  {e['cause']}: {size(task[1])} -> {size(reply['case'])} characters "
                  f"in {reply['runs']} runs", file=sys.stderr)

        def lost(task, why, seconds):
            by_cause[task[3]]["note"] = f"shrinking stopped: {why}"

        try:
            pool.run(shrink_tasks(), shrunk, lost)
        except KeyboardInterrupt:
            print("\nshrinking interrupted", file=sys.stderr)
    pool.close()
    shutil.rmtree(scratch, ignore_errors=True)
    total_seconds = time.monotonic() - began

    counts = tally.outcome_counts()
    present = [o for o in OUTCOMES if counts[o]] or ["ok"]
    print(f"barometer fuzz: {tally.done} inputs, seed {args.seed}, timeout {args.timeout:g} s, "
          f"{args.jobs} workers: {fuzz_seconds:.0f} s fuzzing, {total_seconds:.0f} s in all")
    print()
    rows = [[v] + [tally.by_verb[v, o] for o in present] + [sum(tally.by_verb[v, o] for o in OUTCOMES)]
            for v in VERBS]
    rows.append(["total"] + [counts[o] for o in present] + [tally.done])
    print(table(rows, ["verb"] + present + ["inputs"]))
    print()
    fams = sorted({f for f, _ in tally.by_family})
    rows = [[f] + [tally.by_family[f, o] for o in present]
            + [sum(tally.by_family[f, o] for o in OUTCOMES)] for f in fams]
    print(table(rows, ["family"] + present + ["inputs"]))
    if tally.slowest[1] is not None:
        print(f"\nslowest ok run: case {tally.slowest[1]}, {tally.slowest[0]:.2f} s")
    print(f"\n{len(ranked)} distinct causes, by inputs:")
    for n, e in enumerate(ranked, 1):
        verbs = ", ".join(f"{v} {c}" for v, c in e["verbs"].most_common())
        fams = ", ".join(f"{f} {c}" for f, c in e["families"].most_common(4))
        print(f"{n:3d}. [{e['outcome']}] {e['cause']}: {e['count']} inputs ({verbs}; {fams})")
        if e["case"] is not None:
            print(f"     {command_line(e['case'])}  ({size(e['case'])} characters)")
    if args.save:
        meta = {"seed": args.seed, "count": args.count, "start": args.start,
                "timeout": args.timeout, "families": only or list(families.FAMILIES),
                "seconds": round(total_seconds)}
        save(Path(args.save), tally, ranked, meta)
        print(f"\nreproducers saved under {args.save}/ (one folder per cause: its files, "
              "cause.txt, and the command to run in it)")
    return 1 if any(counts[o] for o in OUTCOMES[1:]) else 0


if __name__ == "__main__":
    sys.exit(main())
