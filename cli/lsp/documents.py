"""The language server's open documents and the files around them: paths, the
`# check with:` directive, the scheme an event file is checked with, and
schemes cached while their files do not change."""

from __future__ import annotations

import asyncio
import glob
import os
import re
import stat
import threading
from dataclasses import dataclass, field

from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import api
from ..dsl import fast_events
from ..dsl import files as dsl_files
from ..dsl import model as m


_DIRECTIVE = re.compile(r"#\s*(?:check with|rules)\s*:\s*(\S+)")
_EXTENDS = re.compile(r'^[ \t]*extends[ \t]+(?:"([^"\n]*)"|“([^”\n]*)”)', re.MULTILINE)


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


def _fresh_lock() -> None:
    global _cache_lock
    _cache_lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # a forked check must not inherit a held lock
    os.register_at_fork(after_in_child=_fresh_lock)


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
    from ..dsl.diagnostics import InputError
    from ..dsl.resolve import resolve_scheme

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
    checked_in: float | None = None  # seconds its last check took (worker.py `debounce`)
    cost: float | None = None  # seconds of its last work in this process (worker.py `_forks`)
    warm: bool = False  # its last check ran in a child: read it here too (worker.py `_warm`)
    registry: dict | None = None  # the open documents it is one of




def _docs(ls: LanguageServer) -> dict[str, Doc]:
    """The documents open in this server's editor, by URI."""
    return ls.barometer_docs


def _kind_of(name: str, language_id: str | None, text: str) -> str:
    if language_id in ("barometer-rules", "barometer-events"):
        return language_id.split("-")[1]
    lowered = name.lower()
    if lowered.endswith(".rules"):
        return "rules"
    if lowered.endswith((".events", ".csv")):
        return "events"
    from ..highlight import EventsLexer, RulesLexer

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
    if doc.kind == "events":  # read again at every keystroke: keep its unchanged events
        fast_events.remember(doc.path)


def _users_of(rules: Doc) -> list[Doc]:
    """The open event files checked with this rules file (or through its extends)."""
    return [d for d in (rules.registry or {}).values() if d is not rules and rules.path in d.uses]
