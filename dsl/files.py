"""Reading the files a methodologist names, with located messages when it fails."""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager

from .diagnostics import SOURCES, InputError, Span, error


# Texts that stand in for files, by path: the documents an editor has open
# (the language server keeps this), read instead of what is on disk.
OVERLAY: dict[str, str] = {}


def read_source(path: str) -> str:
    """The text of `path` (`-` for standard input), remembered for diagnostics."""
    if path in OVERLAY:
        SOURCES.add(path, OVERLAY[path])
        return OVERLAY[path]
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except FileNotFoundError:
        raise InputError([error("B002", f"no such file: {path}", None)]) from None
    except IsADirectoryError:
        raise InputError([error("B002", f"{path} is a folder, not a file", None)]) from None
    except OSError as e:
        raise InputError([error("B002", f"cannot read {path}: {e.strerror}", None)]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        SOURCES.add(path, data.decode("utf-8", errors="replace"))
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError([error(
            "B003", "the file is not UTF-8 text", Span(path, line, column, line, column + 1),
            "save the file as UTF-8 (most editors offer it under 'Save as')")]) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError([error("B003", "the file holds a NUL byte: is it a binary file?",
                                Span(path, line, 1, line, 2))])
    SOURCES.add(path, text)
    return text


@contextmanager
def gc_paused():
    """Python's cycle collector runs more often as more objects live, which makes
    reading a large catalogue slower than linear; the model has no cycles to
    collect, so it is paused while a file is read. Afterwards everything read is
    moved to the oldest generation (freeze, then unfreeze: two list splices), so
    that the first young collection does not walk every object just made; a full
    collection still looks at them, as it would have."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
