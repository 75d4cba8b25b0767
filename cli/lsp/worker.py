"""Diagnostics off the server's loop: debounced, checked on a worker thread or in
a forked child, stopped when the text changes again, published if still current."""

from __future__ import annotations

import asyncio
import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from ..dsl import fast_events
from ..dsl import files as dsl_files
from ..dsl.events import read_catalogue
from .documents import Doc, scheme_of, scheme_path_for
from .findings import _note, _scheme_has_errors, findings
from .positions import _counter, to_client


# Diagnostics wait after the last change, so that a burst of typing is checked
# once. The wait need not be longer than the check it saves (a check of a text
# that changes again is killed at once in a child, and on the worker thread
# holds the next one up by what is left of it): as long as the document's last
# check took, between DEBOUNCE_LEAST and DEBOUNCE (DEBOUNCE before the first).
DEBOUNCE = 0.1
DEBOUNCE_LEAST = 0.05
# A check expected to take less than this (the document's last work in this
# process, a check or the reading after one, took less) runs on the worker
# thread even where checks may fork: the reader's and the checks' memory of an
# unchanged event file (dsl/fast_events.py, dsl/events.py) makes it quick here,
# while a forked child pays to copy every page of that memory it touches (a
# remembered check of 5,000 events: about 40 ms here, 80-110 ms in a child).
QUICK = 0.1

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="barometer-check")


def debounce(doc: Doc) -> float:
    """How long after a change `doc` is checked, if no other change follows."""
    if doc.checked_in is None:
        return DEBOUNCE
    return min(DEBOUNCE, max(DEBOUNCE_LEAST, doc.checked_in))


def _forks(doc: Doc) -> bool:
    """Whether `doc`'s next check runs in a forked child (else on the worker thread)."""
    return FORK and not (doc.cost is not None and doc.cost < QUICK)


def schedule(ls: LanguageServer, doc: Doc, delay: float | None = None,
             scheme_changed: bool = False) -> None:
    """Check `doc` after `delay` (by default `debounce`), instead of any check
    already waiting; a check already running for an older text is left to
    finish, its result dropped. `scheme_changed`: the scheme it is checked with
    changed, so every event is checked again: in a child (`_forks`), which can
    be stopped, whatever its last check here took."""
    if scheme_changed:
        doc.cost = None
    if delay is None:
        delay = debounce(doc)
    doc.generation += 1
    if doc.timer is not None:
        doc.timer.cancel()
    if FORK:
        _cancel(doc)
    loop = asyncio.get_running_loop()
    doc.timer = loop.call_later(delay, _start, ls, doc, doc.generation, loop)


def _start(ls: LanguageServer, doc: Doc, generation: int, loop) -> None:
    doc.timer = None
    if not _current(doc, generation):
        return
    version = ls.workspace.get_text_document(doc.uri).version
    root = ls.workspace.root_path
    counter = _counter(ls)
    began = time.perf_counter()
    future = _worker.submit(_job, doc, generation, root, counter)
    future.add_done_callback(lambda f: loop.call_soon_threadsafe(
        _finish, ls, doc, generation, version, f, began))


def _current(doc: Doc, generation: int) -> bool:
    return (doc.registry or {}).get(doc.uri) is doc and doc.generation == generation


def _job(doc: Doc, generation: int, root: str | None, counter):
    if not _current(doc, generation):
        return None  # the text changed while this waited: a newer check follows
    text = dsl_files.OVERLAY.get(doc.path, "")
    if _forks(doc):
        doc.warm = True  # the check's reading is done here too once it is published
        result = _in_child(doc, generation, root)
    else:
        doc.warm, began = False, time.perf_counter()
        result = _checked(doc.path, root, doc.kind)
        doc.cost = time.perf_counter() - began
    if result is None:
        return None
    found, uses = result
    lines = text.split("\n")
    for d in found:
        r = d.range
        d.range = lsp.Range(to_client(counter, lines, r.start.line, r.start.character),
                            to_client(counter, lines, r.end.line, r.end.character))
    return found, uses


def _checked(path: str, root: str | None, kind: str):
    try:
        return findings(path, root, kind)
    except Exception as e:  # never a traceback in the editor
        return [_note(0, 0, 1, "barometer stopped on an unexpected problem while checking "
                      f"this file ({type(e).__name__}: {e}); please report it",
                      lsp.DiagnosticSeverity.Error)], frozenset()


# Where the system allows, each check runs in a child process forked from the
# server: it has the open documents and the loaded grammar already, it does not
# hold up the server's answers to hover and completion, and a check of a text
# already changed again is stopped at once (the process is killed) instead of
# being waited for. Elsewhere, or with BAROMETER_LSP_FORK=0, checks run on the
# worker thread.
FORK = (sys.platform.startswith("linux") and hasattr(os, "fork")
        and os.environ.get("BAROMETER_LSP_FORK", "1") != "0")
CHECK_TIMEOUT = 120  # seconds: a check that takes longer is stopped and run in-process
_children: dict[str, tuple[int, int]] = {}  # uri -> (generation, pid) of the check running
_children_lock = threading.Lock()


def _fresh_locks() -> None:
    global _children_lock
    _children_lock = threading.Lock()
    _children.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_locks)
warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)",
                        category=DeprecationWarning)


def _cancel(doc: Doc) -> None:
    """Stop the check running for an older text of `doc`, if any."""
    with _children_lock:
        running = _children.get(doc.uri)
        if running is not None and running[0] != doc.generation:
            try:
                os.kill(running[1], signal.SIGKILL)
            except OSError:
                pass


def _in_child(doc: Doc, generation: int, root: str | None):
    """What `findings` gives, worked out in a forked child; None if it was stopped."""
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return _checked(doc.path, root, doc.kind)
    if pid == 0:  # the child: check, send the result, and leave without clean-up
        code = 1
        try:
            os.close(r)
            # the child never speaks the protocol: nothing it might print reaches
            # the editor, and the editor sees the server's output end when it exits
            quiet = os.open(os.devnull, os.O_RDWR)
            os.dup2(quiet, 0)
            os.dup2(quiet, 1)
            data = pickle.dumps(_checked(doc.path, root, doc.kind))
            with os.fdopen(w, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with _children_lock:
        _children[doc.uri] = (generation, pid)
    _cancel(doc)  # the text may have changed while the child was made
    chunks, timed_out = [], False
    with os.fdopen(r, "rb", buffering=0) as f:
        while True:
            ready, _, _ = select.select([f], [], [], CHECK_TIMEOUT)
            if not ready:
                timed_out = True
                break
            chunk = f.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    with _children_lock:
        if _children.get(doc.uri, (0, 0))[1] == pid:
            del _children[doc.uri]
        if timed_out:
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL and not timed_out:
        return None  # stopped: a newer text is checked instead
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # the child failed: check here instead
        return _checked(doc.path, root, doc.kind) if _current(doc, generation) else None


def _finish(ls: LanguageServer, doc: Doc, generation: int, version, future,
            began: float | None = None) -> None:
    if not _current(doc, generation):
        return
    result = future.result()
    if result is None:
        return
    found, uses = result
    doc.uses = uses
    if began is not None:
        doc.checked_in = time.perf_counter() - began
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=doc.uri, version=version, diagnostics=found))
    if doc.warm and doc.kind == "events":
        _worker.submit(_warm, doc, generation, ls.workspace.root_path)


def _warm(doc: Doc, generation: int, root: str | None) -> None:
    """Read the text just checked in a child here too, while the editor is idle,
    so that the next child is forked with its events remembered, and each sound
    event's check (dsl/events.py), and reads and checks again only the event
    typed in; and its scheme, which hover, completion and the check read."""
    text = dsl_files.OVERLAY.get(doc.path)
    if text is None or not _current(doc, generation):
        return
    began = time.perf_counter()
    try:
        rules = scheme_path_for(doc.path, root)
        scheme = scheme_of(rules, last_good=False) if rules is not None else None
        if scheme is not None and not _scheme_has_errors(rules):
            # as the check reads it (findings.py): with this scheme, the same object
            read_catalogue([doc.path], scheme)
        else:  # as the reader is given it: with a line break at the end
            fast_events.read_events_fast(text if text.endswith("\n") else text + "\n",
                                         doc.path)
        if rules is not None:
            scheme_of(rules)
    except Exception:  # the check has said what is wrong
        pass
    doc.cost = time.perf_counter() - began  # about what the next check costs here
