"""Language-server latency on a large catalogue (issue 13, item 13): how long
hover, completion and definition take while diagnostics are pending after fast
typing, and how long after the last keystroke the diagnostics arrive.

A real client over stdio: `python -m barometer lsp` in a subprocess, spoken to
in JSON-RPC. The document is No 19's events repeated to --events events (5,000
by default, about 0.9 MB), checked against the Minsk Barometer scheme. Each run
types a burst of --keys keystrokes --gap seconds apart at the end of an event's
text, then at once asks for a hover, a completion and a definition (diagnostics
pending), asks for a hover again --busy-at seconds (0.4) after the last
keystroke (the check is running, if it takes that long), and waits for the
diagnostics of the last version, timed from the last keystroke sent. Medians
over --runs runs are printed, with the time of the check alone for comparison.

    python benchmarks/lsp_latency.py [--events 5000] [--runs 7] [--keys 10] [--gap 0.03]
                                     [--busy-at 0.4] [--no-fork] [--mistake]
"""

import argparse
import datetime as dt
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "minsk-barometer.rules"
EVENTS = ROOT / "examples" / "minsk-barometer-19.events"


def catalogue(n: int) -> str:
    text = EVENTS.read_text(encoding="utf-8")
    body = text[text.index("\n[") + 1:]
    blocks = ["[" + b.split("]", 1)[1].rstrip() + "\n" for b in body.split("\n[") if "]" in b]
    out = [f"# check with: {RULES}\n", 'period "Large" from 2000-01-01 to 2199-12-31\n\n']
    day = dt.date(2000, 1, 1)
    for i in range(n):
        block = re.sub(r"\bongoing\n", "", blocks[i % len(blocks)])
        block = f"[{day.day} {day:%B} {day.year}]" + block[1:].replace("\n", f" (copy {i})\n", 1)
        out.append(block + "\n")
        if i % 3 == 2:
            day += dt.timedelta(days=1)
    return "".join(out)


class Server:
    """`barometer lsp` in a subprocess; every message read is timestamped."""

    def __init__(self, fork: bool = True):
        env = {**os.environ, "BAROMETER_LSP_FORK": "1" if fork else "0"}
        self.proc = subprocess.Popen([sys.executable, "-m", "barometer", "lsp"], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        self.backlog: list = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put((time.perf_counter(), json.loads(out.read(length))))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def ask(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, wanted, timeout: float = 120):
        """The first message `wanted` accepts, and when it arrived; messages it does
        not accept are kept for later waits (diagnostics may come while a hover
        is awaited)."""
        for n, (at, message) in enumerate(self.backlog):
            if wanted(message):
                del self.backlog[n]
                return at, message
        end = time.perf_counter() + timeout
        while True:
            at, message = self.messages.get(timeout=max(0.01, end - time.perf_counter()))
            if wanted(message):
                return at, message
            self.backlog.append((at, message))

    def close(self):
        self.ask("shutdown", None)
        self.notify("exit", None)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=10)
    parser.add_argument("--gap", type=float, default=0.03)
    parser.add_argument("--no-fork", action="store_true",
                        help="check on the server's worker thread, not in forked children")
    parser.add_argument("--busy-at", type=float, default=0.4, metavar="SECONDS",
                        help="when to ask the hover that finds a check running (0.4)")
    parser.add_argument("--mistake", action="store_true",
                        help="first leave a score half-typed (`russia +1 +`, a syntax error) "
                             "in the event typed in, as while writing one")
    args = parser.parse_args()

    text = catalogue(args.events)
    folder = Path(tempfile.mkdtemp())
    path = folder / "large.events"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("[") and i > len(lines) // 2)
    score_row = row + 1
    column = lines[score_row].index(lines[score_row].split()[0])

    server = Server(fork=not args.no_fork)
    started = time.perf_counter()
    server.ask("initialize", {"processId": os.getpid(), "rootUri": ROOT.as_uri(),
                              "capabilities": {"general": {"positionEncodings": ["utf-16"]}}})
    server.wait(lambda msg: msg.get("id") == 1)
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "barometer-events", "version": 1, "text": text}})
    at, _ = server.wait(lambda msg: msg.get("method") == "textDocument/publishDiagnostics")
    print(f"{args.events} events, {len(text) / 1e6:.2f} MB; checks "
          f"{'on a thread' if args.no_fork else 'in forked children (where possible)'}; "
          f"first diagnostics {at - started:.2f} s after start")

    where = {"textDocument": {"uri": uri}, "position": {"line": score_row, "character": column + 1}}
    times: dict[str, list[float]] = {k: [] for k in (
        "hover", "completion", "definition", "hover, check running", "diagnostics")}
    version = 1
    if args.mistake:
        version += 1
        end = len(lines[score_row])
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": score_row, "character": end},
                                          "end": {"line": score_row, "character": end}},
                                "text": " +"}]})
        lines[score_row] += " +"
        wanted = version
        server.wait(lambda msg: msg.get("method") == "textDocument/publishDiagnostics"
                    and msg["params"].get("version") == wanted
                    and msg["params"]["diagnostics"])
    for _ in range(args.runs):
        for _ in range(args.keys):  # type at the end of the event's text
            version += 1
            end = len(lines[row])
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": row, "character": end},
                                              "end": {"line": row, "character": end}},
                                    "text": "x"}]})
            last_key = time.perf_counter()  # diagnostics are timed from the last one sent
            lines[row] += "x"
            time.sleep(args.gap)
        for method, params in (("hover", where), ("completion", {
                "textDocument": {"uri": uri}, "position": {"line": score_row, "character": 4}}),
                ("definition", where)):
            sent = time.perf_counter()
            asked = server.ask(f"textDocument/{method}", params)
            at, reply = server.wait(lambda msg, asked=asked: msg.get("id") == asked)
            assert reply.get("result"), (method, reply)
            times[method].append(at - sent)
        time.sleep(max(0.0, last_key + args.busy_at - time.perf_counter()))  # checking
        sent = time.perf_counter()
        asked = server.ask("textDocument/hover", where)
        at, reply = server.wait(lambda msg, asked=asked: msg.get("id") == asked)
        times["hover, check running"].append(at - sent)
        wanted = version
        at, _ = server.wait(lambda msg: msg.get("method") == "textDocument/publishDiagnostics"
                            and msg["params"].get("version") == wanted)
        times["diagnostics"].append(at - last_key)
        time.sleep(0.2)
    server.close()

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from timing import median_time  # benchmarks/timing.py

    from barometer.checker import check_files

    alone = median_time(lambda: check_files([str(path)], rules=str(RULES)), args.runs)
    print(f"the check alone (barometer.checker.check_files, in this process): "
          f"{alone * 1000:.0f} ms, median of {args.runs}")
    print(f"median of {args.runs} runs, after {args.keys} keystrokes {args.gap * 1000:.0f} ms "
          "apart:")
    for name, values in times.items():
        what = ("from the last keystroke to its diagnostics" if name == "diagnostics"
                else f"answered in, {args.busy_at:g} s after the last keystroke" if "running" in name
                else "answered in, right after the last keystroke")
        print(f"  {name:<21} {statistics.median(values) * 1000:7.0f} ms  {what}"
              f"  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
