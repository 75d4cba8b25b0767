"""Running one case in-process and saying what happened; shrinking a case.

`run_case` writes the case's files into a fresh folder, runs `barometer` there
through click's CliRunner under `signal.setitimer` (a hang raises `Hang`, which
is no `Exception`, so nothing in barometer or click catches it) and classifies:

    ok          exit 0, 1 or 2, every finding located (file:line:col)
    traceback   an exception other than SystemExit, or "Traceback" in the output
    hang        longer than the timeout
    unlocated   exit 1 or 2 with a finding that has no place (other than B002/B003)
    bad-exit    an exit status other than 0, 1 or 2
    fmt-broken  fmt succeeded, but what it wrote does not parse, gives another
                `check` result than the input, or is laid out again by a second fmt
    fmt-refused fmt refused with B006 (its own check that nothing is lost): a
                formatter bug by the docs' own words
    engines-differ  (verb `engines`: one `eval` per engine) an engine's output or
                exit status is not the python engine's (Spark's findings carry no
                line: for Spark, the exit status, the figures and the codes)
    file-written    a file appeared in the folder that the command was not asked
                to write (a catalogue's cell or heading run as SQL, say)

Each non-ok outcome has a cause (its signature), for grouping: a traceback's is
the exception type and the innermost barometer frame (file:line), a hang's the
innermost barometer function running when time ran out.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import signal
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = tuple(str(ROOT / d) + os.sep for d in ("cli", "dsl", "engine", "grammar"))
LOCATED = re.compile(r"^\S+:\d+:\d+: (error|warning)\[B\d{3}\]: ", re.M)
FINDING = re.compile(r"(error|warning)\[B\d{3}\]")


class Hang(BaseException):
    """Raised by the timer: not an Exception, so no `except Exception` swallows it."""


def _alarm(signum, frame):
    raise Hang()


_runner = None
_main = None


def setup() -> None:
    """Import barometer once per process, and arm the timer's handler."""
    global _runner, _main
    from click.testing import CliRunner

    from barometer.main import main

    _runner, _main = CliRunner(), main
    signal.signal(signal.SIGALRM, _alarm)


def _forget_sources() -> None:
    """barometer remembers every file's text for quoting lines; each case has new
    files, so forget the old ones (a long run would otherwise grow without end)."""
    try:
        from barometer.dsl.diagnostics import SOURCES

        SOURCES._lines.clear()
    except (ImportError, AttributeError):
        pass


# Helpers a hang may be caught in whatever the loop that calls them: not a cause.
GENERIC = {"<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>", "__getattr__", "__eq__",
           "__hash__", "plain", "signed"}


def package_frame(tb, skip=()) -> tuple[str, int, str] | None:
    """The innermost frame of barometer's own code: (file relative to the
    checkout, line, function), passing over functions named in `skip`."""
    found = None
    for frame in traceback.extract_tb(tb):
        if frame.name in skip:
            continue
        name = frame.filename
        rel = None
        if name.startswith(PACKAGE_DIRS):
            rel = os.path.relpath(name, ROOT)
        elif f"{os.sep}barometer{os.sep}" in name and "site-packages" in name:
            rel = "barometer/" + name.split(f"{os.sep}barometer{os.sep}", 1)[1]
        if rel is not None:
            found = (rel, frame.lineno, frame.name)
    return found


def innermost_frame(tb) -> str:
    frames = traceback.extract_tb(tb)
    if not frames:
        return "?"
    f = frames[-1]
    return f"{f.filename}:{f.lineno} in {f.name}"


def write_files(folder: Path, files: dict) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def invoke(args: list[str], stdin: str | None, seconds: float):
    """Run barometer; (result, None) or (None, Hang traceback)."""
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return _runner.invoke(_main, args, input=stdin), None
    except Hang as h:
        return None, h.__traceback__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def classify(result) -> tuple[str, str, str]:
    """(outcome, cause, detail) of a finished run."""
    output = result.output
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        tb = result.exc_info[2] if result.exc_info else None
        where = package_frame(tb)
        place = f"{where[0]}:{where[1]}" if where else "outside barometer"
        detail = f"{type(exc).__name__}: {str(exc)[:300]}\n  innermost frame: {innermost_frame(tb)}"
        if tb is not None:
            detail += "\n" + "".join(traceback.format_tb(tb)[-6:])
        return "traceback", f"{type(exc).__name__} at {place}", detail
    if "Traceback" in output:
        frames = re.findall(r'File "([^"]+)", line (\d+)', output)
        ours = [(f, n) for f, n in frames if f.startswith(PACKAGE_DIRS)]
        place = f"{os.path.relpath(ours[-1][0], ROOT)}:{ours[-1][1]}" if ours else "?"
        last = output.strip().splitlines()[-1][:200]
        return "traceback", f"{last.split(':')[0]} (printed) at {place}", output[-2000:]
    if result.exit_code not in (0, 1, 2):
        return "bad-exit", f"exit status {result.exit_code}", output[-1000:]
    if result.exit_code in (1, 2) and "[B" in output:
        findings = FINDING.findall(output)
        located = LOCATED.findall(output)
        unlocated = [line for line in output.splitlines()
                     if re.match(r"^(error|warning)\[B\d{3}\]", line)]
        odd = [line for line in unlocated if "[B002]" not in line and "[B003]" not in line]
        if (findings and len(located) + len(unlocated) != len(findings)) or odd:
            code = re.search(r"\[(B\d{3})\]", odd[0]).group(1) if odd else "?"
            return "unlocated", f"finding without a place: {code}", output[-1500:]
    return "ok", "", ""


def normalise(message: str) -> str:
    """A finding's message, without what a layout change may move or respell:
    places (`t.events:3:1`, `line 12`) and the written sign of a number (fmt writes
    `+` before an unsigned score and `-` for a typographic minus, by design)."""
    message = re.sub(r"\S+:\d+:\d+", "FILE:L:C", message)
    message = re.sub(r"\blines? \d+", "line N", message)
    return re.sub(r"\+(?=\d)", "", re.sub(r"[−–](?=\d)", "-", message))


def _check_json(folder: Path, args: list[str], seconds: float):
    """`check --format json` in `folder`: the findings as a Counter, or None."""
    old = os.getcwd()
    os.chdir(folder)
    try:
        result, hung = invoke(["check", "--format", "json", *args], None, seconds)
    finally:
        os.chdir(old)
    if hung is not None or result.exception is not None and not isinstance(
            result.exception, SystemExit):
        return None
    try:
        data = json.loads(result.stdout)
    except ValueError:
        return None
    found = collections.Counter()
    for d in data.get("diagnostics", []):
        if d["code"] == "B505":  # a score without its sign: fmt writes the sign, by design
            continue
        message = normalise(d["message"])
        found[(d["file"], d["code"], d["severity"], message)] += 1
    return found


def verify_fmt(case: dict, folder: Path, result, seconds: float):
    """After a successful fmt: does what it wrote read as the input did?"""
    args = case["args"]
    if "--check" in args or "--diff" in args:
        return None
    targets = [a for a in args[1:] if not a.startswith("-")]
    formatted = {}
    if "-" in args:
        kind = args[args.index("--kind") + 1] if "--kind" in args else "rules"
        name = f"stdin.{kind}"
        formatted[name] = result.stdout
        original_text = case["stdin"]
        originals = dict(case["files"], **{name: original_text})
        targets = [name]
    else:
        originals = case["files"]
        for t in dict.fromkeys(os.path.normpath(t) for t in targets):
            formatted[t] = (folder / t).read_bytes().decode("utf-8", "replace")
    changed = []
    for t, new in formatted.items():
        old = originals.get(t)
        if isinstance(old, bytes):
            old = old.decode("utf-8-sig", "replace")
        if old is not None and new != old:
            changed.append(t)
    if not changed:
        return None
    before, after = folder / "_before", folder / "_after"
    write_files(before, originals)
    write_files(after, dict(originals, **formatted))
    rules = case.get("rules")
    events = [t for t in changed if t.endswith(".events")]
    check_args = (["--rules", rules] if events and rules else []) + changed
    a = _check_json(before, check_args, seconds)
    if a is None:  # check itself fails on the input: the check runs count that
        return None
    b = _check_json(after, check_args, seconds)
    if b is None:
        return None
    kind = "events" if events else "rules"
    if a != b:
        new = sorted({k[1] for k in b - a})
        gone = sorted({k[1] for k in a - b})
        if "B001" in new or "B003" in new:
            cause = f"fmt writes a {kind} file that does not parse"
        else:
            cause = (f"fmt changes what check says of a {kind} file: "
                     f"+{','.join(new) or '-'} -{','.join(gone) or '-'}")
        detail = "before: " + json.dumps(sorted(map(list, a - b)))[:700] + "\nafter: " + \
                 json.dumps(sorted(map(list, b - a)))[:700]
        return "fmt-broken", cause, detail
    old = os.getcwd()
    os.chdir(after)
    try:
        again, hung = invoke(["fmt", "--check", *changed], None, seconds)
    finally:
        os.chdir(old)
    if hung is None and again.exit_code == 1:
        return "fmt-broken", f"fmt is not idempotent on a {kind} file", again.output[-800:]
    return None


def _engines(case: dict, folder: Path, seconds: float) -> tuple[str, str, str]:
    """The case's command under each engine of case["engines"] (the python engine
    is the reference): (outcome, cause, detail)."""
    said = {}
    for engine in case["engines"]:
        result, hung = invoke(case["args"] + ["--engine", engine], case.get("stdin"), seconds)
        if hung is not None:
            where = package_frame(hung, GENERIC)
            return ("hang", f"hang ({engine}) in {where[0]}:{where[2]}" if where
                    else f"hang ({engine}) outside barometer",
                    "".join(traceback.format_tb(hung)[-8:]))
        outcome = classify(result)
        if outcome[0] != "ok" and not (engine == "spark" and outcome[0] == "unlocated"):
            return outcome[0], f"{outcome[1]} ({engine})", outcome[2]
        said[engine] = (result.exit_code, result.output)
    written = sorted(set(os.listdir(folder)) - set(case["files"]))
    if written:
        return "file-written", f"a file written: {written[0][:40]}", ", ".join(written)[:500]
    python = said.get("python")
    for engine, got in said.items():
        if engine == "python" or python is None:
            continue
        if engine == "spark" and got[0] == python[0] != 0:  # unlocated: compare the codes
            same = sorted(re.findall(r"\[(B\d{3})\]", got[1])) == sorted(
                re.findall(r"\[(B\d{3})\]", python[1]))
        else:
            same = got == python
        if not same:
            codes = lambda text: ",".join(sorted(set(re.findall(r"\[(B\d{3})\]", text))))  # noqa: E731
            cause = (f"{engine} differs from python: exit {got[0]} vs {python[0]}, "
                     f"codes {codes(got[1]) or '-'} vs {codes(python[1]) or '-'}")
            return "engines-differ", cause, (f"--- {engine}\n{got[1][-700:]}\n--- python\n"
                                             f"{python[1][-700:]}")
    return "ok", "", ""


def run_case(case: dict, seconds: float, scratch: str | None = None) -> dict:
    """Run one case; a small record of what happened."""
    folder = Path(tempfile.mkdtemp(prefix="fz", dir=scratch))
    old = os.getcwd()
    start = time.perf_counter()
    try:
        write_files(folder, case["files"])
        os.chdir(folder)
        if case["verb"] == "engines":
            if os.environ.get("BAROMETER_FUZZ_SPARK") and "spark" not in case["engines"]:
                case = dict(case, engines=case["engines"] + ["spark"])
            outcome = _engines(case, folder, seconds)
            os.chdir(old)
            return {"outcome": outcome[0], "cause": outcome[1], "detail": outcome[2],
                    "seconds": time.perf_counter() - start}
        result, hung = invoke(case["args"], case.get("stdin"), seconds)
        os.chdir(old)
        took = time.perf_counter() - start
        if hung is not None:
            where = package_frame(hung, GENERIC)
            cause = f"hang in {where[0]}:{where[2]}" if where else "hang outside barometer"
            detail = "".join(traceback.format_tb(hung)[-8:])
            outcome = ("hang", cause, detail)
        else:
            outcome = classify(result)
            if outcome[0] == "ok" and case["verb"] == "fmt":
                if result.exit_code == 2 and "[B006]" in result.output:
                    outcome = ("fmt-refused", "fmt refuses its own layout (B006)",
                               result.output[-1000:])
                elif result.exit_code == 0:
                    outcome = verify_fmt(case, folder, result, seconds) or outcome
        return {"outcome": outcome[0], "cause": outcome[1], "detail": outcome[2],
                "seconds": took}
    finally:
        os.chdir(old)
        shutil.rmtree(folder, ignore_errors=True)
        _forget_sources()


# --- shrinking ------------------------------------------------------------------

def _pieces(content):
    """Lines (with their endings) of a text or bytes."""
    if isinstance(content, bytes):
        return re.findall(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", content)
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", content)


def _join(parts, like):
    return (b"" if isinstance(like, bytes) else "").join(parts)


def shrink(case: dict, outcome: str, cause: str, seconds: float, budget: float,
           scratch: str | None = None) -> tuple[dict, int]:
    """The smallest case (by delta debugging over lines, then characters, of
    every file and of standard input) that still gives the same outcome and
    cause; and how many runs it took. Hangs are shrunk by lines only (each
    step that still hangs costs a full timeout); the caller checks the result."""
    deadline = time.monotonic() + budget
    runs = 0

    def same(candidate) -> bool:
        nonlocal runs
        runs += 1
        got = run_case(candidate, seconds, scratch)
        if outcome == "hang":
            return got["outcome"] == "hang"
        return got["outcome"] == outcome and got["cause"] == cause

    def ddmin(items, rebuild, keep=lambda item: False):
        """Remove chunks of `items` while `rebuild(items)` still fails; items
        for which `keep` holds are never removed (spaces, for readable input)."""
        free = [i for i, item in enumerate(items) if not keep(item)]
        n = 2
        while free and time.monotonic() < deadline:
            chunk = max(1, len(free) // n)
            removed = False
            i = 0
            while i < len(free) and time.monotonic() < deadline:
                gone = set(free[i:i + chunk])
                trial = [item for k, item in enumerate(items) if k not in gone]
                if same(rebuild(trial)):
                    items = trial
                    free = [k for k, item in enumerate(items) if not keep(item)]
                    removed = True
                else:
                    i += chunk
            if not removed:
                if chunk == 1:
                    break
                n = min(len(free), n * 2)
        return items

    def slots(c):
        names = sorted(c["files"], key=lambda k: (not k.startswith("t."), k))
        out = [("file", name) for name in names]
        if c.get("stdin"):
            out.insert(0, ("stdin", None))
        return out

    def get(c, slot):
        return c["stdin"] if slot[0] == "stdin" else c["files"][slot[1]]

    def put(c, slot, content):
        new = dict(c, files=dict(c["files"]))
        if slot[0] == "stdin":
            new["stdin"] = content
        else:
            new["files"][slot[1]] = content
        return new

    best = case
    # a hang is shrunk by lines only: each success costs a full timeout
    for granularity in ("lines",) if outcome == "hang" else ("lines", "chars"):
        for slot in slots(best):
            content = get(best, slot)
            if not content:
                continue
            if granularity == "lines":
                parts = _pieces(content)
            else:
                parts = list(content) if isinstance(content, str) else [bytes([b]) for b in content]
            keep = (lambda item: item in (" ", b" ")) if granularity == "chars" else (
                lambda item: False)
            kept = ddmin(parts, lambda items, s=slot, like=content: put(best, s, _join(items, like)),
                         keep)
            best = put(best, slot, _join(kept, content))
    # spaces were kept for readability: now the runs of them that do not matter go
    for slot in slots(best):
        content = get(best, slot)
        if isinstance(content, str) and time.monotonic() < deadline + 10:
            tidy = re.sub(r"(?<=\S) {2,}(?=\S)", " ", re.sub(r"[ ]+(?=\n|$)", "", content))
            tidy = re.sub(r"^ +", lambda m: "    " if len(m.group()) >= 4 else m.group(), tidy,
                          flags=re.M)
            if tidy != content and same(put(best, slot, tidy)):
                best = put(best, slot, tidy)
    return best, runs
