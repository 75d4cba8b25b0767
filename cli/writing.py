"""Where the verbs' text goes: standard output or error, whatever they can
encode, and files, written safely.

Files (`-o FILE`, and `barometer fmt` rewriting its files):
- an ordinary file is written whole or not at all: the text goes to a
  temporary file beside it, named `.barometer-NAME.XXXXXXXX.tmp`, which then
  takes the file's place. A new file gets the permissions the user's umask
  gives; an existing one keeps its mode, owner and group. A symbolic link is
  followed: the file it points to is written, the link stays a link.
- a file with other hard links, or one whose owner or group the user could not
  give to a new file, is written in place instead (replacing it would cut the
  links, or change its owner): its new length is reserved first, so a full
  disk fails before anything is changed, then the text is written over it.
- a device or named pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written to
  directly, never replaced.
- a read-only file is left alone, with a message.
- a file the command reads (by its name, or the same file through a link: a
  catalogue, a rules file or one it `extends`, a `--history` issue) is never
  an output: `-o` naming one is refused, and the file left alone.
- while a file is written, Ctrl-C and `kill` wait until it is whole (or gone),
  so an interrupted run leaves no half file and no temporary file behind.

Every failure is one line on standard error and exit status 2.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import sys
import threading
import unicodedata
from typing import Any
from contextlib import contextmanager

import click



class WriteFailure(click.ClickException):
    """A file could not be written: one line, exit status 2."""

    exit_code = 2


# --- standard output ---------------------------------------------------------------


# What a character the stream cannot encode is written as, before trying `?`.
_PLAIN = {"−": "-", "–": "-", "—": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-",
          "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
          "…": "...", "•": "*", "·": ".", "×": "x", "≥": ">=", "≤": "<=", "≠": "!=",
          "→": "->", "←": "<-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2028": "\n",
          "\u2029": "\n", "\x85": "\n", "␤": "?", "⚠": "!", "✓": "v", "✗": "x"}


def plain(text: str, encoding: str) -> str:
    """`text` with every character `encoding` cannot write replaced: box-drawing
    lines by `+`, `-` and `|`, typographic dashes and quotes by their ASCII
    forms, accented letters by their base letters, anything else by `?`."""
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        except LookupError:  # an encoding Python does not know: ASCII is safe
            encoding = "ascii"
            if ch.isascii():
                out.append(ch)
                continue
        out.append(_plain_char(ch))
    return "".join(out)


def _plain_char(ch: str) -> str:
    if ch in _PLAIN:
        return _PLAIN[ch]
    if "\u2500" <= ch <= "\u257f":  # box drawing
        name = unicodedata.name(ch, "")
        if " AND " in name or "DIAGONAL" in name or "ARC" in name:
            return "+"  # corners, tees, crossings
        if "HORIZONTAL" in name or "LEFT" in name or "RIGHT" in name:
            return "-"
        return "|"
    if "\u2580" <= ch <= "\u259f":  # blocks, as in bars
        return "#"
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    return base if base.isprintable() and base else "?"


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """`click.echo`, except that a stream which cannot encode a character (a
    Windows console in cp1252, output redirected with a narrow encoding) gets a
    plain stand-in for it instead of a UnicodeEncodeError."""
    try:
        click.echo(text, err=err, nl=nl)
    except UnicodeEncodeError:
        stream = sys.stderr if err else sys.stdout
        encoding = getattr(stream, "encoding", None) or "ascii"
        click.echo(plain(text, encoding), err=err, nl=nl)


# --- files -------------------------------------------------------------------------


def write_output(text: str | bytes, output: str | None) -> None:
    """Write to the named file safely (never half a file), or to stdout; bytes
    (a PNG) as they are, and not to a terminal. A file that is one of the
    command's inputs is refused (see `refuse_inputs`)."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            _write_binary_stdout(text)
        else:
            echo(text, nl=False)
        return
    refuse_inputs(output)
    _refuse_other_format(output)
    write_file(output, text)


_FORMAT_OF = {".csv": "csv", ".json": "json", ".md": "markdown", ".xlsx": "xlsx",
              ".png": "png", ".svg": "svg", ".sarif": "sarif"}


# The verbs with -o and no --format: the one format each writes
_ONE_FORMAT = {"report": "html"}


def _refuse_other_format(output: str) -> None:
    """WriteFailure where `-o` names a file whose extension says one format and the
    command, not told any `--format`, would write its default into it: `-o no19.xlsx`
    wrote a box-drawn table that Excel cannot open, `-o no19.csv` one no CSV reader
    reads."""
    import click
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    said = _FORMAT_OF.get(os.path.splitext(output)[1].lower())
    if context is None or said is None or context.params.get("out") != output \
            or not os.path.isdir(os.path.dirname(output) or "."):  # write_file says why
        return
    if "fmt" not in context.params:  # a verb of one format: `report -o r.csv` wrote HTML
        only = _ONE_FORMAT.get(context.command.name or "")
        if only is not None and said != only:
            raise WriteFailure(f"cannot write {_shown(output)}: its name says {said}, but "
                               f"{context.command.name} writes {only}: name the file for what "
                               f"it writes (.{only})")
        return
    chosen = context.params["fmt"]
    if chosen == said or context.get_parameter_source("fmt") != ParameterSource.DEFAULT:
        return
    formats = next((getattr(p.type, "choices", ()) for p in context.command.params
                    if p.name == "fmt"), ())
    fix = (f"add --format {said}" if said in formats else
           f"this command writes no {said}; name the file for what it writes ({chosen})")
    raise WriteFailure(f"cannot write {_shown(output)}: its name says {said}, but the "
                       f"results would be written as {chosen}, the default format: {fix}")


def command_inputs() -> list[str]:
    """The files the running command reads: every file argument and option on its
    command line (`--history` too; not the outputs `-o` and `--junit-xml`), and for
    each rules file among them, the files its `extends` chain pulls in, and for each
    Parquet or JSON Lines catalogue, the `.period` file beside it."""
    import click

    from .dsl.tables import TABLE_SUFFIXES

    context = click.get_current_context(silent=True)
    if context is None:
        return []
    found = []
    for param in context.command.params:
        if param.name in ("out", "junit") or not isinstance(param.type, click.Path):
            continue
        value = context.params.get(param.name)
        for path in value if isinstance(value, (list, tuple)) else [value]:
            if not isinstance(path, str):
                continue
            found.append(path)
            if path != "-" and (param.name == "rules" or path.lower().endswith(".rules")):
                found += _ancestors(path)
            elif path.lower().endswith(TABLE_SUFFIXES):  # the period beside it, read too
                found.append(path + ".period")
    return found


def _ancestors(rules: str) -> list[str]:
    """The rules files `rules` extends, directly or not (none if it cannot be read:
    the verb has said why)."""
    from .dsl import InputError
    from .engine.verify import load_scheme

    try:
        return list(load_scheme(rules).files[1:])
    except (InputError, OSError, ValueError):
        return []


def _identity(path: str) -> tuple[int, int] | None:
    """The file `path` is (device and inode, through every link), if it is an
    ordinary file; standard input's, for `-`."""
    try:
        st = os.fstat(sys.stdin.fileno()) if path == "-" else os.stat(path)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def refuse_inputs(output: str, also=()) -> None:
    """WriteFailure where `output` is, by its name or through a link, one of the
    files the running command reads: `eval r.rules in.events -o in.events` would
    replace the catalogue with its own results. `also`: files the command read
    that its command line does not name (the schemes a test file names)."""
    target = _identity(output)
    if target is None:  # a new file, a device, a pipe: no input is lost
        return
    for path in [*command_inputs(), *also]:
        if _identity(path) == target:
            what = "standard input" if path == "-" else _shown(path)
            same = "" if path == output else f"the same file as {what}, "
            raise WriteFailure(f"cannot write {_shown(output)}: it is {same}one of this "
                               f"command's inputs; name another file "
                               f"({_shown(output)} is unchanged)")


# A verb's outputs beside -o: {its callback's parameter: its option}
_OTHER_OUTPUTS = {"adjudication": "--adjudication", "save": "--save-samples"}


def _refuse_other_output(output: str, kwargs: dict) -> None:
    """WriteFailure where `-o` names, by its name or through a link, the file another
    output option writes (`agree --adjudication out.events -o out.events` wrote the
    catalogue, then the report over it, and said nothing)."""
    for name, option in _OTHER_OUTPUTS.items():
        other = kwargs.get(name)
        if isinstance(other, str) and other != "-" \
                and os.path.realpath(other) == os.path.realpath(output):
            raise WriteFailure(f"cannot write {_shown(output)}: {option} writes "
                               f"{_shown(other)} there; name another file for one of them")


def refusing_bad_outputs(callback):
    """A verb's `callback` that refuses an `-o` naming one of its inputs, a file
    named for another format, or the file another of its outputs writes, before it
    does any work, not after it (`report in.rules in.events -o in.rules` drew every
    chart first); `write_output` asks again, for what the verb found it reads."""
    import functools

    @functools.wraps(callback)
    def refusing(*args, **kwargs):
        out = kwargs.get("out")
        if out not in (None, "-"):
            refuse_inputs(out)
            _refuse_other_format(out)
            _refuse_other_output(out, kwargs)
        return callback(*args, **kwargs)

    return refusing


def _write_binary_stdout(data: bytes) -> None:
    stream = sys.stdout
    if getattr(stream, "isatty", lambda: False)():
        raise WriteFailure("a picture is not for a terminal: name the file with -o FILE, "
                           "or redirect standard output")
    stream.flush()
    binary: Any = getattr(stream, "buffer", stream)  # a text stream's bytes underneath
    binary.write(data)
    stream.flush()


def _shown(path: str) -> str:
    shown = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", path)
    return shown if len(shown) <= 200 else shown[:100] + "..." + shown[-60:]


def _reason(e: OSError, folder: str | None = None) -> str:
    """An operating system's refusal, in words."""
    code = e.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    if code == errno.EROFS:
        return "the disk is read-only"
    if code in (errno.EACCES, errno.EPERM):
        return f"no permission to write in the folder {_shown(folder)}" if folder else \
            "permission denied"
    if code == errno.ENAMETOOLONG:
        return "the name is too long"
    if code == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if code == errno.ELOOP:
        return "the path has too many symbolic links (or a loop of them)"
    if code == errno.ENOENT:
        return "there is no such folder" if folder is None else \
            f"there is no folder {_shown(folder)}"
    if code == errno.EISDIR:
        return "it is a folder"
    if code == errno.EXDEV:
        return "it cannot be replaced from its folder"
    return (e.strerror or str(e)).lower()


def read_only(path: str, st: os.stat_result) -> bool:
    """Whether the user cannot, or chose not to be able to, write `path`: no write
    permission for them, or no one may write it (as `chmod a-w` leaves it; root
    could write anyway, but the owner said no)."""
    return not os.access(path, os.W_OK) or not st.st_mode & 0o222


def write_file(path: str, text: str | bytes) -> None:
    """`text` as the file `path`, as the module's docstring says; WriteFailure
    with one line if it cannot be."""
    shown = _shown(path)

    def fail(reason: str, unchanged: bool = False):
        end = f" ({shown} is unchanged)" if unchanged else ""
        return WriteFailure(f"cannot write {shown}: {reason}{end}")

    data = text if isinstance(text, bytes) else \
        text.encode("utf-8", errors="replace")  # lone surrogates, from undecodable names
    if "\x00" in path:
        raise fail("a file name cannot hold a NUL character")
    if not path:
        raise fail("no file is named")
    try:
        st = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as e:
        raise fail(_reason(e) if isinstance(e, OSError) else "not a possible file name") \
            from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise fail("it is a folder")
    if st is None and path.endswith(("/", os.sep)):
        raise fail("there is no such folder")
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            _write_directly(path, data)  # a device, a named pipe: never replaced
            return
        real = os.path.realpath(path)
        if st is not None and read_only(path, st):
            raise fail("the file is read-only", unchanged=True)
        if st is not None and (not os.path.exists(real) or not os.path.samefile(real, path)):
            _write_in_place(path, data, st)  # /proc/self/fd/1 and the like
        elif st is not None and (st.st_nlink > 1 or not _can_give(st)):
            _write_in_place(real, data, st)
        else:
            _replace(real, data, st)
    except _FolderError as e:
        raise fail(_reason(e.error, e.folder), unchanged=st is not None) from None
    except _Damaged as e:
        raise fail(f"{_reason(e.error)}; the file may be incomplete, write it again") from None
    except OSError as e:
        raise fail(_reason(e), unchanged=st is not None and stat.S_ISREG(st.st_mode)) from None


class _FolderError(Exception):
    def __init__(self, error: OSError, folder: str):
        self.error, self.folder = error, folder


class _Damaged(Exception):
    def __init__(self, error: OSError):
        self.error = error


def _can_give(st: os.stat_result) -> bool:
    """Whether a new file of ours can take this file's owner and group."""
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return True
    return st.st_uid == os.geteuid() and (st.st_gid == os.getegid()
                                         or st.st_gid in os.getgroups())


@contextmanager
def _signals_held():
    """Ctrl-C, `kill` and a closed terminal wait until the block is done; they
    take effect as soon as it ends. (`signal` is imported here, where a file is
    written: its enums cost a cold `eval` to standard output about 0.5 ms.)"""
    import signal

    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return
    held = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
            if hasattr(signal, name)]
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_FLAGS = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _replace(real: str, data: bytes, st: os.stat_result | None) -> None:
    folder = os.path.dirname(real) or "."
    if not os.path.isdir(folder):
        raise _FolderError(OSError(errno.ENOENT, "no folder"), folder)
    name = os.path.basename(real)[:100]
    tmp = os.path.join(folder, f".barometer-{name}.{os.urandom(4).hex()}.tmp")
    with _signals_held():
        fd = None
        try:
            try:
                # 0o666 less the umask for a new file, as any program makes one
                fd = os.open(tmp, _FLAGS | os.O_CREAT | os.O_EXCL, 0o666 if st is None else 0o600)
            except OSError as e:
                raise _FolderError(e, folder) from None
            if st is not None:
                if hasattr(os, "fchown"):
                    try:
                        os.fchown(fd, st.st_uid, st.st_gid)
                    except OSError:
                        pass
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, stat.S_IMODE(st.st_mode))
                else:
                    os.chmod(tmp, stat.S_IMODE(st.st_mode))
            _write_all(fd, data)
            os.fsync(fd)  # on disk before it takes the old file's place
            os.close(fd)
            fd = None
            os.replace(tmp, real)
        except BaseException:
            if fd is not None:
                os.close(fd)
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


def _write_in_place(path: str, data: bytes, st: os.stat_result) -> None:
    with _signals_held():
        fd = os.open(path, _FLAGS)
        try:
            if len(data) > st.st_size and hasattr(os, "posix_fallocate"):
                try:  # reserve the space first: a full disk then changes nothing
                    os.posix_fallocate(fd, 0, len(data))
                except OSError as e:
                    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                        raise
            try:
                _write_all(fd, data)
                os.ftruncate(fd, len(data))
                os.fsync(fd)
            except OSError as e:
                raise _Damaged(e) from None
        finally:
            os.close(fd)


def _write_directly(path: str, data: bytes) -> None:
    fd = os.open(path, _FLAGS)  # a named pipe waits for its reader, as with `>`
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)
