"""Ctrl-C on the command line: exit status 130 (128 + SIGINT, as a shell reports
an interrupted program) and no Python traceback, whenever it comes, from the
first import on. Set up by the package's first lines only when the process is
the `barometer` command itself: a program or notebook that imports barometer
keeps its own handling of Ctrl-C. Once a verb runs, `main._Verbs` turns the
interrupt into the same exit."""

from __future__ import annotations

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
