"""Progress on long work, on a terminal's standard error: one line saying what
the front door is doing (reading a file, scoring), rewritten as it moves on and
erased when the work ends.

Shown only when the work lasts (AFTER seconds): a quick `eval` prints nothing
more than before. Silent when standard error is not a terminal (piped, in a
file, in CI) and with --quiet; under NO_COLOR (or without colour) the line is
plain text, rewritten with a carriage return and spaces, no escape sequences.
Fed by barometer.api's `progress_to`.
"""

from __future__ import annotations

import os
import sys
import threading
import time

AFTER = 0.5  # seconds of work before anything is shown


class Progress:
    """A listener for barometer.api's `progress_to`: `progress(stage, detail)`."""

    def __init__(self, stream=None, quiet: bool = False, after: float = AFTER,
                 clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        try:
            terminal = self.stream.isatty()
        except (AttributeError, ValueError, OSError):
            terminal = False
        self.on = terminal and not quiet
        if self.on:
            from .common import colour_wanted

            self.colour = colour_wanted(self.stream)
        else:
            self.colour = False
        self.after = after
        self.clock = clock
        self.started = clock()
        self.line = ""  # what is being done
        self.shown = 0  # the width of the line on the terminal, 0 if none
        self._lock = threading.Lock()
        self._timer = None
        if self.on and after > 0:
            self._timer = threading.Timer(after, self._show)
            self._timer.daemon = True
            self._timer.start()

    def __call__(self, stage: str, detail: str = "") -> None:
        if not self.on:
            return
        with self._lock:
            self.line = f"barometer: {stage} {detail}".rstrip() + "..."
        if self.shown or self.clock() - self.started >= self.after:
            self._show()

    def _show(self) -> None:
        with self._lock:
            if not self.on or not self.line:
                return
            width = _columns(self.stream) - 1
            text = self.line if len(self.line) <= width else "..." + self.line[-(width - 3):]
            if self.colour:
                out = f"\r\x1b[2m{text}\x1b[0m\x1b[K"
            else:
                out = "\r" + text + " " * max(0, self.shown - len(text))
            self._write(out)
            self.shown = len(text)

    def done(self) -> None:
        """The work has ended: erase the line, if one was shown."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self.on and self.shown:
                self._write("\r\x1b[K" if self.colour else "\r" + " " * self.shown + "\r")
            self.on = False
            self.shown = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a terminal gone away: progress is not worth an error
            self.on = False


def _columns(stream) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80
    return columns if columns >= 20 else 80  # a terminal that does not say its width
