"""A language server for rules and event files (`barometer lsp`, over stdio).

- diagnostics: what `barometer check` finds, as the file is edited;
- hover on an index, category, tag or band name: its declaration;
- go to definition: where it is declared, in a parent scheme too;
- completion of the names that fit where the cursor is;
- formatting (the same layout as `barometer fmt`) and a quick fix for every
  "did you mean" hint.

An event file is checked against the scheme named in a comment near its top
(`# check with: ../rules/minsk-barometer.rules`, or `# rules: ...`), else the
rules files beside it or in a `rules/` folder next to it or at the workspace's
root (the one the others extend). Open documents are read from the editor, not
from disk, so findings follow every keystroke; editing a rules file re-checks
the open event files that use it.

Checking a large catalogue takes a while, so diagnostics wait for a short pause
in typing and run on a worker thread; hover, definition and completion answer
at once from the scheme (cached while its files do not change). Positions are
exchanged in the encoding the client asks for (UTF-8, UTF-16 or UTF-32 code
units; UTF-16 when it says nothing); the checker counts code points.
"""

from __future__ import annotations

import asyncio
import functools
import glob
import os
import pickle
import re
import select
import signal
import stat
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import api
from .dsl import files as dsl_files
from .dsl import model as m


_DIRECTIVE = re.compile(r"#\s*(?:check with|rules)\s*:\s*(\S+)")
_EXTENDS = re.compile(r'^[ \t]*extends[ \t]+(?:"([^"\n]*)"|“([^”\n]*)”)', re.MULTILINE)
_WORD = re.compile(r"[A-Za-z_]\w*")
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")

# Diagnostics wait this long after the last change, so that a burst of typing
# is checked once.
DEBOUNCE = 0.1


# --- paths ------------------------------------------------------------------

def _key(path: str) -> str:
    """One spelling per file, for the overlay and for comparing paths."""
    return os.path.realpath(path)


def _is_regular(path: str) -> bool:
    """A file that may be read: open in the editor, or a regular file on disk
    (not a pipe, device or folder, which could block or make no sense)."""
    if path in dsl_files.OVERLAY:
        return True
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _exists(path: str) -> bool:
    try:
        return path in dsl_files.OVERLAY or os.path.lexists(path)
    except ValueError:
        return False


def _text_of(path: str) -> str | None:
    """The text of a file, from the editor if it is open; None if unreadable."""
    if path in dsl_files.OVERLAY:
        return dsl_files.OVERLAY[path]
    if not _is_regular(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _head(text: str, lines: int = 20) -> list[str]:
    """The first lines of a text, without splitting all of a large one."""
    end = 0
    for _ in range(lines):
        end = text.find("\n", end) + 1
        if end == 0:
            return text.splitlines()
    return text[:end].splitlines()


@dataclass
class Directive:
    """The scheme an event file names: the path, and where it is written."""

    path: str
    line: int  # 0-based
    start: int  # code points
    end: int
    written: str = ""  # the path as the comment gives it


def directive_of(path: str, text: str | None = None) -> Directive | None:
    if text is None:
        text = _text_of(path)
    for i, line in enumerate(_head(text or "")):
        found = _DIRECTIVE.search(line)
        if found:
            given = os.path.normpath(os.path.join(os.path.dirname(path),
                                                  os.path.expanduser(found.group(1))))
            # a link is followed to its file, but not a pipe's or device's
            # (/dev/stdin leads to /proc/.../pipe:[...]): those are told as written
            where = _key(given) if _is_regular(given) else given
            return Directive(where, i, found.start(1), found.end(1), found.group(1))
    return None


def scheme_path_for(path: str, root: str | None) -> str | None:
    """The rules file an event file is checked against."""
    if path.endswith(".rules"):
        return path
    directive = directive_of(path)
    if directive is not None:
        return directive.path
    folder = os.path.dirname(path)
    for place in (folder, os.path.join(folder, "..", "rules"), os.path.join(folder, "rules"),
                  os.path.join(root or folder, "rules")):
        candidates = sorted(_key(p) for p in glob.glob(os.path.join(place, "*.rules"))
                            if _is_regular(p))
        if candidates:
            return _root_of(candidates)
    return None


def _root_of(paths: list[str]) -> str:
    schemes = {}
    for p in paths:
        scheme = scheme_of(p)
        if scheme is not None:
            schemes[p] = scheme
    return api.root_scheme(schemes) or paths[0]


def irregular_in_chain(path: str) -> tuple[str, str, int, str] | None:
    """A pipe, device or folder named by the `extends` chain from `path` (or
    `path` itself), which must not be read: (that path, the file naming it, the
    line, the path as written there)."""
    current, via, line, written, seen = path, path, 0, path, set()
    while current not in seen:
        seen.add(current)
        if not _exists(current):
            return None  # the checker says it is missing
        if not _is_regular(current):
            return current, via, line, written
        text = _text_of(current) or ""
        found = _EXTENDS.search(text)
        if found is None:
            return None
        via, line = current, text.count("\n", 0, found.start())
        written = found.group(1) or found.group(2) or ""
        current = os.path.normpath(os.path.join(os.path.dirname(current), written))
    return None


# --- schemes, cached while their files do not change --------------------------

_scheme_cache: dict[str, tuple[tuple, m.Scheme]] = {}
_cache_lock = threading.Lock()


def _stamp(path: str):
    text = dsl_files.OVERLAY.get(path)
    if text is not None:
        return ("open", text)
    try:
        st = os.stat(path)
        return ("disk", st.st_mtime_ns, st.st_size)
    except (OSError, ValueError):
        return ("missing",)


def scheme_of(rules: str, last_good: bool = True) -> m.Scheme | None:
    """The scheme in `rules` (its `extends` resolved), None if it cannot be built;
    with `last_good`, the last one built while it is being edited into shape."""
    from .dsl.diagnostics import InputError
    from .dsl.resolve import resolve_scheme

    with _cache_lock:
        cached = _scheme_cache.get(rules)
    if cached is not None and cached[0] == tuple(_stamp(f) for f in cached[1].files):
        return cached[1]
    if irregular_in_chain(rules) is not None:
        return cached[1] if cached and last_good else None
    try:
        scheme, _ = resolve_scheme(rules)
    except InputError:
        scheme = None
    except Exception:  # a scheme half-written can trip the reader: keep the last one
        scheme = None
    if scheme is None:
        return cached[1] if cached and last_good else None
    with _cache_lock:
        _scheme_cache[rules] = (tuple(_stamp(f) for f in scheme.files), scheme)
    return scheme


# --- positions: the client's code units <-> code points ------------------------

def _counter(ls: LanguageServer):
    return ls.workspace.position_codec.impl


def to_client(counter, lines: list[str], line: int, column: int) -> lsp.Position:
    """A 0-based line and code-point column as the client counts."""
    if line >= len(lines):
        return lsp.Position(line, column)
    return lsp.Position(line, counter.num_units(lines[line][:column]))


def from_client(counter, lines: list[str], position: lsp.Position) -> tuple[int, int]:
    """A client position as a 0-based line and code-point column."""
    if position.line >= len(lines):
        return position.line, position.character
    units = 0
    for i, char in enumerate(lines[position.line]):
        if units >= position.character:
            return position.line, i
        units += counter.code_units_for_char(char)
    return position.line, len(lines[position.line])


_lines_cache: dict[str, tuple[int | None, str, list[str]]] = {}


def _lines(uri: str, text: str, version: int | None) -> list[str]:
    cached = _lines_cache.get(uri)
    if cached is not None and cached[0] == version and cached[1] is text:
        return cached[2]
    lines = text.split("\n")
    _lines_cache[uri] = (version, text, lines)
    return lines


# --- open documents -------------------------------------------------------------

@dataclass
class Doc:
    uri: str
    path: str  # the file's path, or a stand-in for a document not saved anywhere
    kind: str  # "rules" or "events"
    aliases: tuple[str, ...] = ()  # other spellings of path, kept in the overlay too
    generation: int = 0
    timer: asyncio.TimerHandle | None = None
    uses: frozenset = field(default_factory=frozenset)  # the rules files it was checked with
    registry: dict | None = None  # the open documents it is one of




def _docs(ls: LanguageServer) -> dict[str, Doc]:
    """The documents open in this server's editor, by URI."""
    return ls.barometer_docs

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="barometer-check")


def _kind_of(name: str, language_id: str | None, text: str) -> str:
    if language_id in ("barometer-rules", "barometer-events"):
        return language_id.split("-")[1]
    lowered = name.lower()
    if lowered.endswith(".rules"):
        return "rules"
    if lowered.endswith((".events", ".csv")):
        return "events"
    from .highlight import EventsLexer, RulesLexer

    return "rules" if RulesLexer.analyse_text(text) > EventsLexer.analyse_text(text) else "events"


def _open(ls: LanguageServer, uri: str) -> Doc:
    document = ls.workspace.get_text_document(uri)
    fs_path = to_fs_path(uri) if uri.startswith("file:") else None
    if fs_path:
        given = os.path.abspath(fs_path)
        path = _key(given)
        kind = _kind_of(path, document.language_id, document.source)
        aliases = (given,) if given != path else ()
        extension = os.path.splitext(path)[1].lower()
        if {".rules": "rules", ".events": "events", ".csv": "events"}.get(extension) != kind:
            # the checker tells a file's kind by its name: a stand-in name says it
            path, aliases = f"{path}.{kind}", ()
    else:  # untitled:, or another scheme: a stand-in path in the workspace's folder
        name = re.sub(r"[^\w.-]+", "-", uri.split(":", 1)[-1]).strip("-.") or "untitled"
        kind = _kind_of(name, document.language_id, document.source)
        if not name.lower().endswith("." + kind):
            name += "." + kind
        path = os.path.join(_key(ls.workspace.root_path or os.getcwd()), f"untitled-{name}")
        aliases = ()
    docs = _docs(ls)
    doc = docs.get(uri)
    if doc is None or doc.path != path:
        doc = docs[uri] = Doc(uri, path, kind, aliases, registry=docs)
    return doc


def _sync(ls: LanguageServer, doc: Doc) -> None:
    text = ls.workspace.get_text_document(doc.uri).source
    for p in (doc.path, *doc.aliases):
        dsl_files.OVERLAY[p] = text


def _users_of(rules: Doc) -> list[Doc]:
    """The open event files checked with this rules file (or through its extends)."""
    return [d for d in (rules.registry or {}).values() if d is not rules and rules.path in d.uses]


def schedule(ls: LanguageServer, doc: Doc, delay: float = DEBOUNCE) -> None:
    """Check `doc` after `delay`, instead of any check already waiting; a check
    already running for an older text is left to finish, its result dropped."""
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
    future = _worker.submit(_job, doc, generation, root, counter)
    future.add_done_callback(lambda f: loop.call_soon_threadsafe(
        _finish, ls, doc, generation, version, f))


def _current(doc: Doc, generation: int) -> bool:
    return (doc.registry or {}).get(doc.uri) is doc and doc.generation == generation


def _job(doc: Doc, generation: int, root: str | None, counter):
    if not _current(doc, generation):
        return None  # the text changed while this waited: a newer check follows
    text = dsl_files.OVERLAY.get(doc.path, "")
    result = _in_child(doc, generation, root) if FORK else _checked(doc.path, root, doc.kind)
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
    global _children_lock, _cache_lock
    _children_lock, _cache_lock = threading.Lock(), threading.Lock()
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


def _finish(ls: LanguageServer, doc: Doc, generation: int, version, future) -> None:
    if not _current(doc, generation):
        return
    result = future.result()
    if result is None:
        return
    found, uses = result
    doc.uses = uses
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=doc.uri, version=version, diagnostics=found))


# --- what the checker finds -----------------------------------------------------

def _note(line: int, start: int, end: int, message: str,
          severity=lsp.DiagnosticSeverity.Warning, code: str | None = None) -> lsp.Diagnostic:
    return lsp.Diagnostic(range=lsp.Range(lsp.Position(line, start), lsp.Position(line, end)),
                          message=message, severity=severity, code=code, source="barometer")


def _shown(path: str, near: str) -> str:
    """A path as the user would write it, relative to the file that names it."""
    try:
        return os.path.relpath(path, os.path.dirname(near))
    except ValueError:
        return path


def _chain(rules: str) -> frozenset:
    """The rules files a check with `rules` reads: a change to any of them re-checks."""
    scheme = scheme_of(rules, last_good=False)
    files = scheme.files if scheme is not None else (rules,)
    return frozenset(_key(f) for f in files) | _chain_files(rules)


def findings(path: str, root: str | None, kind: str | None = None
             ) -> tuple[list[lsp.Diagnostic], frozenset]:
    """What the checker finds in the file at `path` (0-based lines, code-point
    columns), and the rules files the finding depends on."""
    kind = kind or ("rules" if path.endswith(".rules") else "events")
    directive = None
    if kind == "rules":
        rules = path
        irregular = irregular_in_chain(path)
        if irregular is not None:
            what, via, line, written = irregular
            if _key(via) != _key(path):
                line, written = 0, _shown(what, path)
            return [_note(line, 0, 1, f"{written} is not a regular file (it is a "
                          "folder, a device or a pipe): a scheme can extend only a rules file",
                          lsp.DiagnosticSeverity.Error)], _chain_files(path)
    else:
        directive = directive_of(path)
        rules = directive.path if directive else scheme_path_for(path, root)
        where = (directive.line, directive.start, directive.end) if directive else (0, 0, 1)
        if rules is None:
            return [_note(0, 0, 1, "no scheme found to check this catalogue against: add a "
                          "comment `# check with: path/to/scheme.rules` near the top",
                          lsp.DiagnosticSeverity.Information)], frozenset()
        shown = directive.written if directive else _shown(rules, path)
        if not _exists(rules):
            return [_note(*where, f"no such rules file: {shown}", lsp.DiagnosticSeverity.Error)
                    ], frozenset({rules})
        irregular = irregular_in_chain(rules)
        if irregular is not None:
            what = shown if irregular[0] == rules else irregular[3]
            return [_note(*where, f"{what} is not a regular file (it is a folder, "
                          "a device or a pipe): a scheme is read from a rules file",
                          lsp.DiagnosticSeverity.Error)], _chain_files(rules)
        uses = _chain(rules)
        if _scheme_has_errors(rules):
            return [_note(*where, f"the scheme {shown} has errors; fix them to check this file",
                          lsp.DiagnosticSeverity.Warning)], uses
    try:
        report = (api.check_files([path]) if kind == "rules" else
                  api.check_files([path], rules=rules))
    except api.UsageProblem as e:
        return [_note(0, 0, 1, str(e), lsp.DiagnosticSeverity.Error)], frozenset({rules})
    mine = _key(path)
    out = []
    elsewhere = sorted({d.span.file for d in report.diagnostics if d.severity == "error"
                        and d.span is not None and _key(d.span.file) != mine})
    if kind == "rules" and elsewhere:  # a scheme it extends: say so where it says `extends`
        text = _text_of(path) or ""
        found = _EXTENDS.search(text)
        line, start, end = 0, 0, 1
        if found:
            line_start = text.rfind("\n", 0, found.start()) + 1
            indent = len(found.group()) - len(found.group().lstrip())
            line = text.count("\n", 0, found.start())
            start, end = found.start() + indent - line_start, found.end() - line_start
        shown = ", ".join(_shown(f, path) for f in elsewhere)
        out.append(_note(line, start, end, f"the scheme this extends ({shown}) has errors; "
                         "fix them to check this file completely",
                         lsp.DiagnosticSeverity.Warning))
    for d in report.diagnostics:
        if d.span is None or _key(d.span.file) != mine:
            continue
        s = d.span
        end_line, end_col = (s.end_line, s.end_column) if s.end_line == s.line else (
            s.line, s.column + 1)
        out.append(lsp.Diagnostic(
            range=lsp.Range(lsp.Position(s.line - 1, s.column - 1),
                            lsp.Position(end_line - 1, max(end_col - 1, s.column))),
            message=d.message + (f"\n{d.hint}" if d.hint else ""),
            severity=(lsp.DiagnosticSeverity.Error if d.severity == "error"
                      else lsp.DiagnosticSeverity.Warning),
            code=d.code, source="barometer"))
    return out, (_chain(path) if kind == "rules" else uses)


def _chain_files(rules: str) -> frozenset:
    """The files of an `extends` chain, read without the checker."""
    files, current = {rules}, rules
    while True:
        text = _text_of(current) if _is_regular(current) else None
        found = _EXTENDS.search(text or "")
        if found is None:
            return frozenset(files)
        current = _key(os.path.join(os.path.dirname(current),
                                    found.group(1) or found.group(2) or ""))
        if current in files:
            return frozenset(files)
        files.add(current)


def _scheme_has_errors(rules: str) -> bool:
    """Whether the scheme has errors, as the front door reads it for `eval`."""
    scheme, problems = api.read_scheme(rules, mode="eval")
    return scheme is None or bool(problems.errors)


# --- the document lifecycle -----------------------------------------------------

def initialize(ls: LanguageServer, params: lsp.InitializeParams):
    for doc in _docs(ls).values():
        if doc.timer is not None:
            doc.timer.cancel()
    _docs(ls).clear()


def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams):
    doc = _open(ls, params.text_document.uri)
    _sync(ls, doc)
    schedule(ls, doc, 0)
    if doc.kind == "rules":
        for user in _users_of(doc):
            schedule(ls, user)


def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams):
    doc = _docs(ls).get(params.text_document.uri) or _open(ls, params.text_document.uri)
    _sync(ls, doc)
    schedule(ls, doc)
    if doc.kind == "rules":
        for user in _users_of(doc):
            schedule(ls, user)


def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams):
    doc = _docs(ls).get(params.text_document.uri)
    if doc is not None:
        schedule(ls, doc)
        for user in _users_of(doc):
            schedule(ls, user)


def did_close(ls: LanguageServer, params: lsp.DidCloseTextDocumentParams):
    doc = _docs(ls).pop(params.text_document.uri, None)
    _lines_cache.pop(params.text_document.uri, None)
    if doc is None:
        return
    if doc.timer is not None:
        doc.timer.cancel()
    for p in (doc.path, *doc.aliases):
        dsl_files.OVERLAY.pop(p, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=doc.uri, diagnostics=[]))
    for user in _users_of(doc):  # they now read the file from disk
        schedule(ls, user)


# --- hover, definition, completion ------------------------------------------------

def _where(ls: LanguageServer, uri: str, position: lsp.Position):
    """The document, its lines and the cursor as a code-point column."""
    doc = _docs(ls).get(uri)
    if doc is None:
        return None
    document = ls.workspace.get_text_document(uri)
    lines = _lines(uri, document.source, document.version)
    line, column = from_client(_counter(ls), lines, position)
    if line >= len(lines):
        return None
    return doc, lines, line, column


def _scheme_for(ls: LanguageServer, doc: Doc) -> m.Scheme | None:
    rules = doc.path if doc.kind == "rules" else scheme_path_for(doc.path,
                                                                 ls.workspace.root_path)
    return None if rules is None else scheme_of(rules)


def declaration_at(ls: LanguageServer, uri: str, position: lsp.Position):
    """The declaration the word under the cursor names, with what it is."""
    where = _where(ls, uri, position)
    if where is None:
        return None
    doc, lines, row, column = where
    word = None
    for found in _WORD.finditer(lines[row]):
        if found.start() <= column <= found.end():
            word = found.group()
    if word is None:
        return None
    scheme = _scheme_for(ls, doc)
    if scheme is None:
        return None
    for kind, table in (("index", scheme.indices), ("category", scheme.categories),
                        ("tag", scheme.tags), ("group", scheme.groups)):
        if word in table:
            return kind, table[word]
    for bandset in scheme.bands.values():
        for band in bandset.bands:
            if band.name == word:
                return "band", (bandset, band)
    for rule in scheme.rules:
        if rule.name == word:
            return "rule", rule
    for attribute in scheme.attributes.values():
        if word == attribute.name or word in (attribute.choices or ()):
            return "attribute", attribute
    if word in m.BUILTIN_ATTRIBUTES and doc.kind == "rules":
        return "built-in", word
    return None


# What the built-in attributes are, for hover and completion.
BUILTINS = {"age": "the days from the event's end to the period's end (0 if it ends on the "
                   "period's last day or runs past it)",
            "days": "the days the event lasts (1 for one day)"}


def _describe(kind: str, thing) -> str:
    if kind == "built-in":
        return f"**built-in attribute {thing}**: {BUILTINS[thing]}; every event has it"
    if kind == "band":
        bandset, band = thing
        text = f"**band {band.name}** of `{bandset.index}`: {band.describe()}"
        return text + (f"\n\n{band.interpretation}" if band.interpretation else "")
    if kind == "category":
        weight = "" if thing.weight is None else f", weight {m.plain(thing.weight)}"
        return f"**category {thing.name}**: {thing.title}{weight}"
    if kind == "rule":
        return f"**rule {thing.name}**: {thing.title}"
    if kind == "group":
        return f"**group {thing.name}**: {thing.title} ({', '.join(thing.indices)})"
    if kind == "attribute":
        default = "" if thing.default is None else (
            f", default {thing.default if isinstance(thing.default, str) else m.plain(thing.default)}")
        return f"**attribute {thing.name}**: {thing.title}\n\n{thing.describe()}{default}"
    if kind == "index" and thing.formula is not None:  # a derived index: what it computes
        return f"**index {thing.name}**: {thing.title}\n\n= `{thing.formula.text()}`"
    return f"**{kind} {thing.name}**: {thing.title}"


def _span_of(kind: str, thing):
    return thing[1].span if kind == "band" else thing.span


def hover(ls: LanguageServer, params: lsp.HoverParams):
    found = declaration_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    kind, thing = found
    if kind == "built-in":  # declared nowhere
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                    value=_describe(kind, thing)))
    span = _span_of(kind, thing)
    where = f"\n\n{os.path.relpath(span.file, ls.workspace.root_path or '.')}:{span.line}"
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                value=_describe(kind, thing) + where))


def definition(ls: LanguageServer, params: lsp.DefinitionParams):
    found = declaration_at(ls, params.text_document.uri, params.position)
    if found is None or found[0] == "built-in":
        return None
    span = _span_of(*found)
    path = os.path.abspath(span.file)
    lines = (_text_of(path) or "").split("\n")
    counter = _counter(ls)
    target = next((d.uri for d in _docs(ls).values() if path in (d.path, *d.aliases)),
                  None) or from_fs_path(path)
    return lsp.Location(uri=target, range=lsp.Range(
        to_client(counter, lines, span.line - 1, span.column - 1),
        to_client(counter, lines, span.end_line - 1, span.end_column - 1)))


_NOTHING = re.compile(r"^[ \t]*(\[|note\b|source\b)")
_EVENT_CONTEXTS = (
    (re.compile(r"^[ \t]*category[ \t]+\w*$"), "category"),
    (re.compile(r"^[ \t]*tags[ \t]+(\w+[ \t]*,[ \t]*)*\w*$"), "tag"),
    (re.compile(r"^[ \t]*published[ \t]+\w*$"), "index"),
    # an attribute's value: `level min|`
    (re.compile(r"^[ \t]+(?P<attribute>\w+)[ \t]+\w*$"), "value"),
    # a score line: `index score` pairs, indented under an event (or an attribute's name)
    (re.compile(r"^[ \t]+(\w+[ \t]+[+\-−–]?\d+(\.\d+)?[ \t]+)*\w*$"), "index or attribute"),
)
_NAMES = r"(\w+[ \t]*,[ \t]*)*\w*"
_RULES_CONTEXTS = (
    (re.compile(r"\bindex[ \t]+is[ \t]+\w*$"), "index"),
    (re.compile(r"\bindex[ \t]+in[ \t]*\[[ \t]*" + _NAMES + "$"), "index"),
    (re.compile(r"\bcategory[ \t]+is[ \t]+\w*$"), "category"),
    (re.compile(r"\bcategory[ \t]+in[ \t]*\[[ \t]*" + _NAMES + "$"), "category"),
    (re.compile(r"\btagged[ \t]+\w*$"), "tag"),
    (re.compile(r"^[ \t]*bands[ \t]+\w*$"), "index"),
    (re.compile(r"^[ \t]*group[ \t]+\w+[ \t]*(\"[^\"\n]*\"|“[^”\n]*”)?[ \t]*\[[ \t]*"
                + _NAMES + "$"), "index"),
    (re.compile(r"^[ \t]*vary[ \t]+weights[ \t]+of[ \t]+" + _NAMES + "$"), "category"),
    (re.compile(r"^[ \t]*vary[ \t]+bands[ \t]+of[ \t]+" + _NAMES + "$"), "bands"),
    (re.compile(r"^[ \t]*drop[ \t]+rule[ \t]+\w*$"), "rule"),
    (re.compile(r"^[ \t]*drop[ \t]+bands[ \t]+\w*$"), "bands"),
    (re.compile(r"^[ \t]*bands[ \t]*\[[ \t]*" + _NAMES + "$"), "index"),
    (re.compile(r"^[ \t]*bands[ \t]+(\w+|\[[^\]\n]*\])[ \t]+scale[ \t]+\w*$"), "scale"),
    (re.compile(r"\b(?P<attribute>\w+)[ \t]+is[ \t]+\w*$"), "value"),
    (re.compile(r"\b(?P<attribute>\w+)[ \t]+in[ \t]*\[[ \t]*" + _NAMES + "$"), "value"),
    # where a condition begins: the attributes it may ask
    (re.compile(r"(\bwhen|\band|\bor|\bnot|\bwhere|\()[ \t]+\w*$"), "attribute"),
    # in a derived index's expression: indices and functions
    (re.compile(r"^[ \t]*(index[ \t]+\w+[^=\n]*)?=([^\"\n]*[+\-*/(,])?[ \t]*\w*$"), "formula"),
    # in an action's expression: number attributes, functions and the score so far
    (re.compile(r"(\bset([ \t]+to)?|\badd|\bmultiply([ \t]+by)?)[ \t]+"
                r"([^\n]*[+\-*/(,][ \t]*)?\w*$"), "action"),
    # in a score expression: number attributes and functions
    (re.compile(r"^[ \t]*score[ \t]+([^\n]*[+\-*/(,][ \t]*)?\w*$"), "expression"),
)


def _no_items() -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=False, items=[])


def completion_kind(kind: str, before: str) -> str | None:
    """What names fit after `before` (the line up to the cursor), if any."""
    if kind == "events":
        if _NOTHING.match(before) or "#" in before:
            return None
        contexts = _EVENT_CONTEXTS
    else:
        if "#" in re.sub(r'"[^"\n]*"|“[^”\n]*”', "", before) or before.count('"') % 2:
            return None
        contexts = _RULES_CONTEXTS
    for pattern, what in contexts:
        found = pattern.search(before)
        if found:
            attribute = found.groupdict().get("attribute")
            if what == "value":
                if attribute in _KEYWORDS_BEFORE_NAMES:
                    continue
                return f"value:{attribute}"
            return what
    return None


# Words that take names after them, whose names are not an attribute's values.
_KEYWORDS_BEFORE_NAMES = {"index", "category", "tagged", "tags", "published", "bands", "group",
                          "rule", "drop", "of", "weights", "vary"}


def _completion_table(what: str, scheme: m.Scheme) -> tuple[dict, str, object] | None:
    """The names that fit, what to call them, and their kind of item."""
    from barometer.dsl.nodes import INDEX_FUNCTIONS, NUMBER_FUNCTIONS

    kinds = lsp.CompletionItemKind
    functions = {f: None for f in sorted(set(NUMBER_FUNCTIONS) | set(INDEX_FUNCTIONS))}
    numbers = {n: a for n, a in scheme.attributes.items() if a.numeric}
    builtins = dict(BUILTINS)
    if what.startswith("value:"):
        attribute = scheme.attributes.get(what[6:])
        if attribute is None or attribute.numeric:
            return None
        return {c: None for c in attribute.choices}, f"value of {attribute.name}", kinds.EnumMember
    if what == "rule":
        return {r.name: r for r in scheme.rules}, "rule", kinds.Function
    if what == "scale":
        return (dict(scheme.scales), "scale",
                kinds.Enum)
    if what == "bands":
        return ({name: scheme.indices.get(name) for name in scheme.bands}, "index with bands",
                kinds.Variable)
    if what == "attribute":
        return {**scheme.attributes, **builtins}, "attribute", kinds.Field
    if what == "index or attribute":
        return ({**{n: i for n, i in scheme.indices.items() if not i.derived},
                 **scheme.attributes}, "index or attribute", kinds.Variable)
    if what == "formula":
        return {**scheme.indices, **functions}, "index or function", kinds.Variable
    if what in ("expression", "action"):
        words = ("recorded", "direction", "weight") + (("score",) if what == "action" else ())
        return {**numbers, **builtins, **{w: None for w in words},
                **{f: None for f in NUMBER_FUNCTIONS}}, "attribute, word or function", kinds.Field
    return ({"index": scheme.indices, "category": scheme.categories, "tag": scheme.tags}[what],
            what, {"index": kinds.Variable, "category": kinds.Enum, "tag": kinds.Constant}[what])


def completion(ls: LanguageServer, params: lsp.CompletionParams):
    empty = lsp.CompletionList(is_incomplete=False, items=[])
    where = _where(ls, params.text_document.uri, params.position)
    if where is None:
        return empty
    doc, lines, row, column = where
    what = completion_kind(doc.kind, lines[row][:column])
    scheme = None if what is None else _scheme_for(ls, doc)
    if scheme is None:
        return empty
    found = _completion_table(what, scheme)
    if found is None:
        return empty
    table, label, item_kind = found
    items = [lsp.CompletionItem(label=name, kind=item_kind,
                                detail=f"{label}: " + (thing if isinstance(thing, str) else
                                                       getattr(thing, 'title', '') or name))
             for name, thing in table.items()]
    return lsp.CompletionList(is_incomplete=False, items=items)


# --- formatting and quick fixes ------------------------------------------------------

def formatting(ls: LanguageServer, params: lsp.DocumentFormattingParams):
    from .dsl.format import FormatError, format_text

    doc = _docs(ls).get(params.text_document.uri)
    if doc is None:
        return []
    text = ls.workspace.get_text_document(doc.uri).source
    try:
        formatted = format_text(text, doc.kind, doc.path)
    except FormatError:
        return []  # the diagnostics say what is wrong; nothing is changed
    except Exception:
        return []
    if formatted == text:
        return []
    lines = text.split("\n")
    end = to_client(_counter(ls), lines, len(lines) - 1, len(lines[-1]))
    return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=formatted)]


def code_action(ls: LanguageServer, params: lsp.CodeActionParams):
    """For every "did you mean `x`?": replace the misspelled name with `x`."""
    actions = []
    uri = params.text_document.uri
    for d in params.context.diagnostics:
        found = _DID_YOU_MEAN.search(d.message or "")
        if found is None or d.source not in (None, "barometer"):
            continue
        name = found.group(1)
        where = _misspelled(ls, uri, d, name)
        if where is None:
            continue
        actions.append(lsp.CodeAction(
            title=f"Change to `{name}`", kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
            is_preferred=True, edit=lsp.WorkspaceEdit(changes={
                uri: [lsp.TextEdit(range=where, new_text=name)]})))
    return actions


def _misspelled(ls: LanguageServer, uri: str, d: lsp.Diagnostic, name: str) -> lsp.Range | None:
    """The misspelled name inside a diagnostic's range: the range itself when it
    holds just that word, else the word the message quotes (`unknown index
    `rusia``) where it stands in the range."""
    document = ls.workspace.get_text_document(uri)
    lines = _lines(uri, document.source, document.version)
    counter = _counter(ls)
    line, start = from_client(counter, lines, d.range.start)
    end_line, end = from_client(counter, lines, d.range.end)
    if line >= len(lines):
        return None
    if end_line != line:
        end = len(lines[line])
    text = lines[line][start:end]
    if _WORD.fullmatch(text):
        return d.range
    quoted = [q for q in re.findall(r"`([A-Za-z_]\w*)`", d.message.split("\n")[0]) if q != name]
    for wrong in quoted:
        for found in re.finditer(rf"(?<!\w){re.escape(wrong)}(?!\w)", text):
            return lsp.Range(to_client(counter, lines, line, start + found.start()),
                             to_client(counter, lines, line, start + found.end()))
    return None


def _quietly(handler, default=None):
    """A request that trips on something unexpected answers with nothing (and a
    line in the editor's log), never with a Python traceback."""

    @functools.wraps(handler)
    def guarded(ls: LanguageServer, params):
        try:
            return handler(ls, params)
        except Exception as e:
            try:
                ls.window_log_message(lsp.LogMessageParams(
                    type=lsp.MessageType.Log,
                    message=f"barometer: {handler.__name__} stopped on {type(e).__name__}: {e}"))
            except Exception:
                pass
            return default() if callable(default) else default

    return guarded


def create_server() -> LanguageServer:
    """A language server with every feature; each has its own open documents."""
    ls = LanguageServer("barometer", "0.1.0",
                        text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
    ls.barometer_docs = {}
    ls.feature(lsp.INITIALIZE)(initialize)
    for method, handler in ((lsp.TEXT_DOCUMENT_DID_OPEN, did_open),
                            (lsp.TEXT_DOCUMENT_DID_CHANGE, did_change),
                            (lsp.TEXT_DOCUMENT_DID_SAVE, did_save),
                            (lsp.TEXT_DOCUMENT_DID_CLOSE, did_close),
                            (lsp.TEXT_DOCUMENT_HOVER, hover),
                            (lsp.TEXT_DOCUMENT_DEFINITION, definition)):
        ls.feature(method)(_quietly(handler))
    ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(
        trigger_characters=[" ", "[", ","]))(_quietly(completion, _no_items))
    ls.feature(lsp.TEXT_DOCUMENT_FORMATTING)(_quietly(formatting, list))
    ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix]))(_quietly(code_action, list))
    return ls


server = create_server()


def main(stdin=None, stdout=None) -> None:
    server.start_io(stdin, stdout)
