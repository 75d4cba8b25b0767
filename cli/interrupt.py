"""Ctrl-C on the command line: exit status 130 (128 + SIGINT, as a shell reports
an interrupted program) and no Python traceback, whenever it comes, from the
first import on. Set up by the package's first lines only when the process is
the `barometer` command itself: a program or notebook that imports barometer
keeps its own handling of Ctrl-C. Once a verb runs, `main._Verbs` turns the
interrupt into the same exit."""

from __future__ import annotations

import gc
import os
import sys

INTERRUPTED = 130


def _is_the_command() -> bool:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name in ("barometer", "barometer.exe", "barometer-script.py") or \
        (name == "-m" and "barometer" in (getattr(sys, "orig_argv", []) or [])[1:4])


def quiet_on_the_command_line() -> None:
    """Where the process is the command: an interrupt that reaches the top (while
    the modules load, say) ends it with status 130 and no traceback."""
    if not _is_the_command():
        return
    _defer_collection()
    previous = sys.excepthook

    def hook(kind, value, trace):
        if issubclass(kind, KeyboardInterrupt):
            try:
                sys.stderr.write("\n")
                sys.stderr.flush()
            finally:
                os._exit(INTERRUPTED)
        previous(kind, value, trace)

    sys.excepthook = hook


is_the_command = _is_the_command


def leave(code) -> None:
    """End the `barometer` command with exit status `code` (an int, or None for 0)
    once its verb has run, without the interpreter's teardown: freeing every
    module and object one by one cost the command about 12 ms of CPU, a seventh
    of a cold `eval` (benchmarks/RESULTS.md), where the system frees the whole
    process at once. What a normal exit would still do is done first: the
    `atexit` functions (weakref finalizers, a Spark session's stop) and the
    flush of standard output and error. Returns, for the normal exit, where that
    is not certain to be all: another status (text), threads still running, or a
    flush that fails (a closed pipe, which Python reports its own way)."""
    import atexit
    import threading

    if not (code is None or type(code) is int) or threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    if threading.active_count() > 1:  # an atexit function started one
        return
    os._exit(code or 0)


_deferred = False


def _defer_collection() -> None:
    """No garbage collection while the command loads: its modules, classes and
    functions live as long as the process, so the collector's passes over them
    free nothing (about 5 ms of a cold `eval`). `started` turns it back on."""
    global _deferred
    if gc.isenabled():
        gc.disable()
        _deferred = True


def started() -> None:
    """The command has loaded and its verb begins: collection is on again (if the
    command turned it off), for the verb's own objects alone: what loading made
    is frozen, never looked at again."""
    global _deferred
    if _deferred:
        _deferred = False
        gc.freeze()
        gc.enable()
