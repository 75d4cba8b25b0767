"""Reading the files a methodologist names, with located messages when it fails.

A file is read once, here: its line ends (`\\n`, `\\r\\n`, or a lone `\\r` as
old Mac editors write) become `\\n`, so that the parser, the lines quoted in
messages and the formatter all count the same lines. No other character ends
a line: a LINE SEPARATOR (U+2028) that a word processor pasted into a comment,
a NEXT LINE (U+0085) or a form feed is an ordinary character of its line.

Only ordinary files are read (and standard input, `-`, or a pipe the shell
passes as `<(command)`): a named pipe, a device or a socket would block or never
end, so it is refused before it is opened.
"""

from __future__ import annotations

import errno
import gc
import os
import re
import stat
import sys
from contextlib import contextmanager
from typing import NamedTuple

from .diagnostics import SOURCES, InputError, Span, error


# Texts that stand in for files, by path: the documents an editor has open
# (the language server keeps this), read instead of what is on disk.
OVERLAY: dict[str, str] = {}

LINE_END = re.compile(r"\r\n?|\n")


def normalise(text: str) -> str:
    """`text` with every line end (`\\r\\n`, `\\r`, `\\n`) written `\\n`."""
    if "\r" not in text:
        return text
    return LINE_END.sub("\n", text)


def dominant_ending(text: str) -> str:
    """The line end most lines of `text` use: `\\n`, `\\r\\n` or `\\r` (`\\n` when
    there is none, or a tie)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    best = max(lf, crlf, cr)
    return "\n" if lf == best else "\r\n" if crlf == best else "\r"


class SourceText(NamedTuple):
    """A file as read: `text` with `\\n` line ends (what everything else reads),
    and `raw`, the text exactly as in the file (with a byte-order mark, if any)."""

    text: str
    raw: str


def read_source(path: str) -> str:
    """The text of `path` (`-` for standard input), with `\\n` line ends,
    remembered for diagnostics."""
    return read_source_text(path).text


# Who is told of each file about to be read (barometer.api's progress_to).
READING: list = []


@contextmanager
def told_already(path: str | None):
    """While the block runs, READING's listeners are not told again of `path` (the
    file the streaming tally gave up on: it told them as it began), or of nothing
    where `path` is None."""
    if path is None or not READING:
        yield
        return
    saved = list(READING)

    def once(listener):
        return lambda read: None if read == path else listener(read)

    READING[:] = [once(listener) for listener in saved]
    try:
        yield
    finally:
        READING[:] = saved


# A file of text in UTF-16 or UTF-32 (Excel's "Unicode text" is UTF-16): by its
# byte-order mark, else by where its ASCII characters' zero bytes stand.
_MARKS = [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
          (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]


def _wide_unicode(data: bytes) -> tuple[str, str] | None:
    """("UTF-16" or "UTF-32", the text) where `data` reads as text in one of them,
    else None."""
    for mark, encoding in _MARKS:
        if data.startswith(mark):
            return _decoded(data[len(mark):], encoding)
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None

    def zeros(at: int, step: int) -> float:  # the share of zero bytes at `at` mod `step`
        part = sample[at::step]
        return part.count(0) / len(part)

    if zeros(2, 4) > 0.95 and zeros(3, 4) > 0.95 and zeros(0, 4) < 0.5:
        return _decoded(data, "utf-32-le")
    if zeros(0, 4) > 0.95 and zeros(1, 4) > 0.95 and zeros(3, 4) < 0.5:
        return _decoded(data, "utf-32-be")
    if zeros(1, 2) > 0.3 and zeros(0, 2) < 0.05:
        return _decoded(data, "utf-16-le")
    if zeros(0, 2) > 0.3 and zeros(1, 2) < 0.05:
        return _decoded(data, "utf-16-be")
    return None


def _decoded(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        return encoding[:6].upper(), data.decode(encoding)
    except UnicodeDecodeError:
        return None


def read_source_text(path: str) -> SourceText:
    """The text of `path`, as `read_source` gives it and as written."""
    for listener in READING:
        listener(path)
    if path in OVERLAY:
        raw = OVERLAY[path]
        text = normalise(raw)
        SOURCES.add(path, text)
        return SourceText(text, raw)
    data = _read_bytes(path)
    wide = _wide_unicode(data)
    if wide is not None:  # said at its start, its lines quoted as they read
        name, text = wide
        SOURCES.add(path, normalise(text))
        raise InputError([error(
            "B003", f"the file is not UTF-8 text: it looks like {name}", Span(path, 1, 1, 1, 2),
            "save it as UTF-8 (Excel: 'CSV UTF-8'; most editors offer it under 'Save as')")])
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        before = normalise(data[bom:e.start].decode("utf-8", errors="replace"))
        SOURCES.add(path, normalise(data[bom:].decode("utf-8", errors="replace")))
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise InputError([error(
            "B003", "the file is not UTF-8 text", Span(path, line, column, line, column + 1),
            "save the file as UTF-8 (most editors offer it under 'Save as')")]) from None
    text = normalise(raw[1:] if raw.startswith("\ufeff") else raw)
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise InputError([error("B003", "the file holds a NUL byte: is it a binary file?",
                                Span(path, line, column, line, column + 1))])
    SOURCES.add(path, text)
    return SourceText(text, raw)


# A pipe this process already holds open, as the shell's `<(command)` passes one:
# it has its writer, so reading it ends.
_HELD_OPEN = re.compile(r"/dev/stdin$|/dev/fd/\d+$|/proc/self/fd/\d+$")

_KINDS = [(stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")]


def _not_a_file(path: str, mode: int) -> InputError:
    if stat.S_ISDIR(mode):
        return InputError([error("B002", f"{path} is a folder, not a file", None)])
    what = next((name for test, name in _KINDS if test(mode)), "not an ordinary file")
    return InputError([error(
        "B004", f"{path} is {what}, not a file: barometer reads only ordinary files "
        "(and standard input, named -)", None)])


def _shown(path: str) -> str:
    """A path as a message can print it: control characters escaped, a very long
    name shortened."""
    shown = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", path)
    return shown if len(shown) <= 200 else shown[:100] + "..." + shown[-60:]


shown = _shown  # for a message of another module about a path


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    shown = _shown(path)
    try:
        if "\x00" in path:
            raise OSError(errno.EINVAL, "a file name cannot hold a NUL character")
        # Look before opening: opening a named pipe waits for a writer, forever.
        mode = os.stat(path).st_mode
        held = stat.S_ISFIFO(mode) and _HELD_OPEN.match(path)
        if not stat.S_ISREG(mode) and not held:
            raise _not_a_file(shown, mode)
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
        if not held:
            flags |= getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        with open(fd, "rb") as f:
            mode = os.fstat(fd).st_mode  # it may have changed since we looked
            if not stat.S_ISREG(mode) and not (held and stat.S_ISFIFO(mode)):
                raise _not_a_file(shown, mode)
            return f.read()
    except FileNotFoundError:
        raise InputError([error("B002", f"no such file: {shown}", None)]) from None
    except IsADirectoryError:
        raise InputError([error("B002", f"{shown} is a folder, not a file", None)]) from None
    except OSError as e:
        reason = {errno.ENAMETOOLONG: "the name is too long",
                  errno.EACCES: "permission denied",
                  errno.ENOTDIR: "a part of the path is a file, not a folder",
                  errno.ELOOP: "the path has too many symbolic links (or a loop of them)",
                  }.get(e.errno or 0, e.strerror or str(e))
        raise InputError([error("B002", f"cannot read {shown}: {reason}", None)]) from None
    except ValueError:  # a name the system cannot take at all
        raise InputError([error("B002", f"cannot read {shown}: the name cannot be a file "
                                "name", None)]) from None


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
